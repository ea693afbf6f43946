// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag66.c - ecfs_tag66_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_msgpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sig[ECFS_SIG_SIZE_HEX + 1];
	struct ecfs_fek_blob b;
	uint8_t out[128];
	int n, m;

	n = ecfs_tag66_decode(data, size, sig, &b);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && b.fek_len <= ECFS_MAX_KEY_BYTES);
	m = ecfs_tag66_encode(out, sizeof(out), sig, &b);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
