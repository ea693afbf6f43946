// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_b64.c - ecfs_b64_decode(); whole 4-character groups re-encode to
 * the same characters.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_b64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bytes[4096];
	static char chars[4096 / 3 * 4 + 4];
	size_t n;
	int m;

	if (ecfs_b64_decoded_len(size) > sizeof(bytes))
		return 0;
	if (ecfs_b64_decode((const char *)data, size, bytes, sizeof(bytes), &n) < 0)
		return 0;
	FUZZ_CHECK(n == ecfs_b64_decoded_len(size));
	if (size % 4)
		return 0;
	m = ecfs_b64_encode(bytes, n, chars, sizeof(chars));
	FUZZ_CHECK(m >= 0 && (size_t)m == size && !memcmp(chars, data, size));
	return 0;
}
