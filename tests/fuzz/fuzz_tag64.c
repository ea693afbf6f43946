// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag64.c - ecfs_tag64_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_msgpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[600];
	char sig[ECFS_SIG_SIZE_HEX + 1];
	const uint8_t *enc;
	size_t len;
	int n, m;

	n = ecfs_tag64_decode(data, size, sig, &enc, &len);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && enc + len == data + n);
	m = ecfs_tag64_encode(out, sizeof(out), sig, enc, len);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
