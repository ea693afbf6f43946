// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag11.c - ecfs_tag11_decode(); the signature survives a round trip. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sig[ECFS_SIG_SIZE], sig2[ECFS_SIG_SIZE], out[32];
	int n, m;

	n = ecfs_tag11_decode(data, size, sig);
	if (n < 0)
		return 0;
	FUZZ_CHECK(n == ECFS_TAG11_PKT_LEN && (size_t)n <= size);
	m = ecfs_tag11_encode(out, sizeof(out), sig);
	FUZZ_CHECK(m == n);
	FUZZ_CHECK(ecfs_tag11_decode(out, (size_t)m, sig2) == m);
	FUZZ_CHECK(!memcmp(sig, sig2, sizeof(sig)));
	return 0;
}
