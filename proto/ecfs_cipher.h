/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_cipher - the ciphers eCryptfs can use, the IV scheme and whole-extent
 * CBC, plus the ECB operations used to wrap the FEK and encrypt file names.
 *
 * Ciphers: the kernel accepts exactly the names that have an RFC 2440 code:
 * aes, blowfish, des3_ede, cast5, twofish, cast6.  Key sizes are whatever
 * the kernel cipher's setkey accepts (aes 16/24/32, blowfish 4..56, des3_ede
 * 24, cast5 5..16, twofish 16/24/32, cast6 16..32 in steps of 4).  A
 * passphrase-wrapped FEK (tag 3) additionally needs a key size that is a
 * multiple of the block size, because the kernel wraps it with plain ECB;
 * AES-192 is the one exception (zero-padded to 32 bytes).
 *
 * IVs: root IV = MD5(FEK); the IV of extent n = MD5(root IV || n written in
 * ASCII decimal into a 16-byte NUL-filled field).  8-byte-block ciphers use
 * the first 8 bytes (the kernel's cbc template takes blocksize IV bytes).
 *
 * Backends: AES, 3DES, Blowfish, CAST5 via OpenSSL 3 EVP in a private library
 * context; Twofish and CAST-256 (absent from OpenSSL) via Botan 2's C FFI.
 */
#ifndef ECFS_CIPHER_H
#define ECFS_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "ecfs_ciphertab.h"	/* the table; ECFS_EXTENT_SIZE */

#define ECFS_CIPHER_IV_BYTES		16	/* the kernel's iv_bytes, MD5 size */
#define ECFS_CIPHER_MAX_KEY_BYTES	ECFS_MAX_KEY_BYTES
#define ECFS_CIPHER_MAX_BLOCK		16

/* The library context holding the default and legacy providers. */
OSSL_LIB_CTX *ecfs_crypto_libctx(void);
/* 0, or -ENOPKG when OpenSSL's legacy provider (Blowfish, CAST5) is absent. */
int ecfs_crypto_init(void);

/*
 * Raw modes over whole blocks; @len must be a multiple of the block size
 * (else -EINVAL).  @in and @out may be the same buffer.  @iv is block_size
 * bytes; it is not updated.  -EKEYREJECTED for a key the kernel refuses
 * (bad size, or a degenerate 3DES key), -EIO on a library failure.
 */
int ecfs_cipher_ecb(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		    bool encrypt, const uint8_t *in, uint8_t *out, size_t len);
int ecfs_cipher_cbc(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		    bool encrypt, const uint8_t *iv, const uint8_t *in, uint8_t *out,
		    size_t len);

/* IV derivation (MD5). */
int ecfs_cipher_root_iv(const uint8_t *fek, size_t key_size,
			uint8_t root_iv[ECFS_CIPHER_IV_BYTES]);
int ecfs_cipher_extent_iv(const uint8_t root_iv[ECFS_CIPHER_IV_BYTES], uint64_t extent,
			  uint8_t iv[ECFS_CIPHER_IV_BYTES]);
/* The IVs of @n consecutive extents from @first, computed several at once. */
int ecfs_cipher_extent_ivs(const uint8_t root_iv[ECFS_CIPHER_IV_BYTES], uint64_t first,
			   size_t n, uint8_t (*ivs)[ECFS_CIPHER_IV_BYTES]);

/*
 * Per-file context: cipher keyed with the FEK plus the root IV.  One context
 * must not be used by two threads at once; make one per thread.
 */
struct ecfs_extent_ctx;

int ecfs_extent_ctx_new(struct ecfs_extent_ctx **ctx, const struct ecfs_cipher *c,
			const uint8_t *fek, size_t key_size);
void ecfs_extent_ctx_free(struct ecfs_extent_ctx *ctx);
/* One 4096-byte extent; @extent is the plaintext extent index (from 0). */
int ecfs_extent_encrypt(struct ecfs_extent_ctx *ctx, uint64_t extent,
			const uint8_t *in, uint8_t *out);
int ecfs_extent_decrypt(struct ecfs_extent_ctx *ctx, uint64_t extent,
			const uint8_t *in, uint8_t *out);
/*
 * @n consecutive extents from @first, @in and @out the same or disjoint.
 * Faster than one call per extent: the whole run goes through the cipher
 * in one pass (CBC decryption of extent i+1 chained on extent i's last
 * block), then the first block of each extent is corrected to its own IV.
 */
int ecfs_extent_decrypt_run(struct ecfs_extent_ctx *ctx, uint64_t first, size_t n,
			    const uint8_t *in, uint8_t *out);
/*
 * Key @ctx for another file: reuses the cipher objects when @c is the
 * context's cipher (a worker thread decrypting many files fetches its
 * cipher once).  On failure the context holds no key and must be re-keyed
 * or freed.
 */
int ecfs_extent_ctx_rekey(struct ecfs_extent_ctx *ctx, const struct ecfs_cipher *c,
			  const uint8_t *fek, size_t key_size);

/*
 * Tag 3 FEK wrapping with a passphrase FEKEK (ECB, key = first @key_size
 * bytes of the FEKEK).  Wrap writes ecfs_cipher_wrapped_size() bytes to
 * @out (-ENOBUFS if @out_size is smaller).
 */
int ecfs_cipher_fek_wrap(const struct ecfs_cipher *c, const uint8_t fekek[64],
			 const uint8_t *fek, size_t key_size,
			 uint8_t *out, size_t out_size, size_t *out_len);
/*
 * Unwrap the encrypted key of a tag 3 packet with cipher code @code, the way
 * the kernel does: key size 24 for code 8, else the encrypted length.
 * @fek must hold ECFS_CIPHER_MAX_KEY_BYTES.  -ENOTSUP for an unknown code,
 * -EBADMSG for a length the cipher cannot use.  The result is unchecked:
 * a wrong FEKEK yields a wrong FEK (upstream has no check value).
 */
int ecfs_cipher_fek_unwrap(unsigned int code, const uint8_t fekek[64],
			   const uint8_t *enc, size_t enc_len,
			   uint8_t *fek, size_t *key_size, const struct ecfs_cipher **cipher);

#endif /* ECFS_CIPHER_H */
