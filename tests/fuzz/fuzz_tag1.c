// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag1.c - ecfs_tag1_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[600];
	struct ecfs_tag1 t;
	int n, m;

	n = ecfs_tag1_decode(data, size, &t);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && t.enc_key_len <= ECFS_TAG1_MAX_ENC_KEY);
	m = ecfs_tag1_encode(out, sizeof(out), &t);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
