// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_hex.c - hex text of signatures and salts (ecfs_hex.h).
 */
#include <errno.h>

#include "ecfs_hex.h"

void ecfs_hex_encode(const uint8_t *in, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[in[i] >> 4];
		hex[2 * i + 1] = digits[in[i] & 0x0f];
	}
	hex[2 * len] = '\0';
}

void ecfs_sig_to_hex(const uint8_t sig[ECFS_SIG_SIZE], char hex[ECFS_SIG_SIZE_HEX + 1])
{
	ecfs_hex_encode(sig, ECFS_SIG_SIZE, hex);
}

static int hex_nibble(char c)
{
	if (!ecfs_hex_digit_ok(c, ECFS_SIG_ANY_CASE))
		return -1;
	if (c <= '9')
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

int ecfs_hex_decode(const char *hex, size_t len, uint8_t *out, size_t out_len)
{
	size_t i;

	if (!hex || !out || len != 2 * out_len)
		return -EINVAL;
	for (i = 0; i < out_len; i++) {
		int hi = hex_nibble(hex[2 * i]);
		int lo = hex_nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
