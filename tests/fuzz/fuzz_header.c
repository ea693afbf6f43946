// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_header.c - ecfs_header_decode(); the first byte picks the options,
 * the fixed part of a version 1..3 header re-encodes to the same bytes.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecfs_header h;
	uint8_t out[ECFS_HDR_FIXED_LEN];
	unsigned int opts;
	int off;

	if (size < 1)
		return 0;
	opts = data[0] & ECFS_HDR_CHECK_SIZE;
	data++;
	size--;
	off = ecfs_header_decode(data, size, opts, &h);
	if (off < 0)
		return 0;
	FUZZ_CHECK((size_t)off <= size);
	if (h.version == 0) {
		FUZZ_CHECK(off == ECFS_HDR_V0_OFF_PACKETS);
		return 0;
	}
	FUZZ_CHECK(off == ECFS_HDR_FIXED_LEN);
	FUZZ_CHECK(ecfs_header_encode(out, sizeof(out), &h) == off);
	FUZZ_CHECK(!memcmp(out, data, ECFS_HDR_FIXED_LEN));
	return 0;
}
