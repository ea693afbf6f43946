// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag67.c - ecfs_tag67_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_msgpkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[600];
	const uint8_t *enc;
	size_t len;
	int n, m;

	n = ecfs_tag67_decode(data, size, &enc, &len);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && enc + len == data + n);
	m = ecfs_tag67_encode(out, sizeof(out), enc, len);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
