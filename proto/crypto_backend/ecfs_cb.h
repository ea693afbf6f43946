/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_cb.h - the block-cipher back ends of libecfs-crypto, one file each
 * (the layout of cryptsetup's lib/crypto_backend/): OpenSSL 3 for AES,
 * 3DES, Blowfish and CAST5, Botan 2 for Twofish and CAST-256, which
 * OpenSSL lacks.  ecfs_cipher.c picks the back end by cipher and does
 * everything else (key checks, IVs, FEK wrapping) once for both.
 * Hashes and random bytes come from OpenSSL (ecfs_crypto_libctx()).
 * Internal to the library: nothing here is exported.
 */
#ifndef ECFS_CB_H
#define ECFS_CB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecfs_ciphertab.h"

struct ecfs_cb_ops {
	/*
	 * A context keyed with @key for one mode (CBC or ECB) and direction.
	 * The key has been checked against the kernel's rules already.
	 * 0, -ENOPKG (cipher missing from the library), -EIO.
	 */
	int (*ctx_new)(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		       bool cbc, bool encrypt, void **ctx);
	/*
	 * Whole blocks; @iv (CBC only) is block_size bytes and not updated;
	 * @in may equal @out.  0 or -EIO.
	 */
	int (*run)(void *ctx, const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len);
	/* Frees the context, wiping its key schedule. */
	void (*ctx_free)(void *ctx);
	/*
	 * Optional: a new key of the same size for an existing context, cheaper
	 * than a new context (a decryptor worker re-keys per file).  0 or -EIO;
	 * after -EIO the context must be freed.
	 */
	int (*ctx_rekey)(void *ctx, const uint8_t *key, size_t key_size, bool encrypt);
};

extern const struct ecfs_cb_ops ecfs_cb_openssl;
extern const struct ecfs_cb_ops ecfs_cb_botan;

#endif /* ECFS_CB_H */
