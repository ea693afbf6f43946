// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag3.c - ecfs_tag3_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecfs_tag3 t;
	uint8_t out[128];
	int n, m;

	n = ecfs_tag3_decode(data, size, &t);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && t.enc_key_len <= ECFS_TAG3_MAX_ENC_KEY);
	m = ecfs_tag3_encode(out, sizeof(out), &t);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
