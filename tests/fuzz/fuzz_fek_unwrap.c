// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fek_unwrap.c - ecfs_cipher_fek_unwrap(): byte 0 is the cipher code,
 * the rest the encrypted key of a tag 3 packet.  A key that unwraps must
 * wrap back to the same bytes.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_cipher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fekek[64] = { 0x3f, 0x0c, 0xff, 0xa9, 0x38, 0x9d, 0x2c, 0x39 };
	const struct ecfs_cipher *c = NULL;
	uint8_t fek[ECFS_CIPHER_MAX_KEY_BYTES], back[ECFS_CIPHER_MAX_KEY_BYTES];
	size_t ks = 0, n = 0;

	if (size < 1)
		return 0;
	if (ecfs_cipher_fek_unwrap(data[0], fekek, data + 1, size - 1, fek, &ks, &c) != 0)
		return 0;
	FUZZ_CHECK(c != NULL && ecfs_cipher_key_size_ok(c, ks));
	FUZZ_CHECK(ecfs_cipher_fek_wrap(c, fekek, fek, ks, back, sizeof(back), &n) == 0);
	FUZZ_CHECK(n == size - 1);
	/* AES-192 wraps 8 bytes past the key; only the key part must match. */
	FUZZ_CHECK(n != ks || memcmp(back, data + 1, n) == 0);
	return 0;
}
