// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_metadata.c - ecfs_metadata_decode() (header + key-packet set); the
 * first byte picks file form (size checked) or xattr form.  Decoded
 * metadata re-encoded in xattr form must decode to the same keys.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_header.h"

#define MAX_KEYS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ecfs_key_packet kps[MAX_KEYS], again[MAX_KEYS];
	static uint8_t out[ECFS_HDR_FIXED_LEN + MAX_KEYS * 600];
	struct ecfs_header h, h2;
	unsigned int opts;
	size_t n, n2;
	int end, m;

	if (size < 1)
		return 0;
	opts = data[0] & ECFS_HDR_CHECK_SIZE;
	data++;
	size--;
	end = ecfs_metadata_decode(data, size, opts, &h, kps, MAX_KEYS, &n);
	if (end < 0)
		return 0;
	FUZZ_CHECK((size_t)end <= size && n >= 1 && n <= MAX_KEYS);
	if (h.version == 0)
		return 0;
	m = ecfs_metadata_encode(out, sizeof(out), ECFS_META_XATTR, &h, kps, n);
	FUZZ_CHECK(m > 0);
	FUZZ_CHECK(ecfs_metadata_decode(out, (size_t)m, 0, &h2, again,
					MAX_KEYS, &n2) == m);
	FUZZ_CHECK(n2 == n && h2.file_size == h.file_size &&
		   h2.flags == h.flags && h2.metadata_size == h.metadata_size);
	FUZZ_CHECK(!memcmp(kps[0].sig, again[0].sig, sizeof(kps[0].sig)));
	return 0;
}
