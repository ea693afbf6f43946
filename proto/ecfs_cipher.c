// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_cipher - IV derivation, extent CBC and FEK wrapping (the table: ecfs_ciphertab.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The per-extent IV is an MD5 over 32 bytes, computed for every 4 KiB
 * extent.  Measured here: about 185 ns through EVP, 115 ns with the one-shot
 * MD5(), 20 ns with sixteen at once (ecfs_md5x), against about 400 ns to
 * CBC-decrypt the extent with AES-NI.  Runs of extents use ecfs_md5x; the
 * single-extent calls use MD5(), marked deprecated in OpenSSL 3 but still
 * provided, so we ask for it explicitly.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/md5.h>

#include "ecfs_cipher.h"
#include "ecfs_md5x.h"
#include "crypto_backend/ecfs_cb.h"

/*
 * The kernel's des3_ede refuses keys with K1 == K2 or K2 == K3 because
 * eCryptfs sets CRYPTO_TFM_REQ_FORBID_WEAK_KEYS (such keys degrade to
 * single DES).  Mirror that so we never produce what the kernel cannot read.
 */
static bool key_acceptable(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size)
{
	if (!key || !ecfs_cipher_key_size_ok(c, key_size))
		return false;
	if (c->id == ECFS_CID_DES3_EDE &&
	    (memcmp(key, key + 8, 8) == 0 || memcmp(key + 8, key + 16, 8) == 0))
		return false;
	return true;
}

/* The back end that implements @c (crypto_backend/). */
static const struct ecfs_cb_ops *backend_of(const struct ecfs_cipher *c)
{
	if (c->id == ECFS_CID_TWOFISH || c->id == ECFS_CID_CAST6)
		return &ecfs_cb_botan;
	return &ecfs_cb_openssl;
}

static int cipher_oneshot(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
			  bool cbc, bool encrypt, const uint8_t *iv, const uint8_t *in,
			  uint8_t *out, size_t len)
{
	const struct ecfs_cb_ops *be;
	void *ctx;
	int rc;

	if (!c || !in || !out || (cbc && !iv))
		return -EINVAL;
	if (len % c->block_size)
		return -EINVAL;
	if (!key_acceptable(c, key, key_size))
		return -EKEYREJECTED;
	if (len == 0)
		return 0;
	be = backend_of(c);
	rc = be->ctx_new(c, key, key_size, cbc, encrypt, &ctx);
	if (rc)
		return rc;
	rc = be->run(ctx, cbc ? iv : NULL, in, out, len);
	be->ctx_free(ctx);
	return rc;
}

int ecfs_cipher_ecb(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		    bool encrypt, const uint8_t *in, uint8_t *out, size_t len)
{
	return cipher_oneshot(c, key, key_size, false, encrypt, NULL, in, out, len);
}

int ecfs_cipher_cbc(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		    bool encrypt, const uint8_t *iv, const uint8_t *in, uint8_t *out,
		    size_t len)
{
	return cipher_oneshot(c, key, key_size, true, encrypt, iv, in, out, len);
}

static int md5_with(EVP_MD_CTX *ctx, const EVP_MD *md, const void *in, size_t len,
		    uint8_t out[ECFS_CIPHER_IV_BYTES])
{
	unsigned int olen = 0;

	if (!EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, in, len) ||
	    !EVP_DigestFinal_ex(ctx, out, &olen) || olen != ECFS_CIPHER_IV_BYTES)
		return -EIO;
	return 0;
}

static int md5_oneshot(const void *in, size_t len, uint8_t out[ECFS_CIPHER_IV_BYTES])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = EVP_MD_fetch(ecfs_crypto_libctx(), "MD5", NULL);
	int rc = -EIO;

	if (ctx && md)
		rc = md5_with(ctx, md, in, len, out);
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

int ecfs_cipher_root_iv(const uint8_t *fek, size_t key_size,
			uint8_t root_iv[ECFS_CIPHER_IV_BYTES])
{
	if (!fek || !root_iv || key_size == 0 || key_size > ECFS_CIPHER_MAX_KEY_BYTES)
		return -EINVAL;
	return md5_oneshot(fek, key_size, root_iv);
}

/* The 32 bytes the kernel hashes for an extent IV. */
static void extent_iv_input(const uint8_t root_iv[ECFS_CIPHER_IV_BYTES], uint64_t extent,
			    uint8_t src[2 * ECFS_CIPHER_IV_BYTES])
{
	char digits[20];	/* UINT64_MAX has 20 */
	size_t n = 0, i;

	memcpy(src, root_iv, ECFS_CIPHER_IV_BYTES);
	memset(src + ECFS_CIPHER_IV_BYTES, 0, ECFS_CIPHER_IV_BYTES);
	/* The kernel's snprintf("%lld") into 16 bytes, without printf's cost
	 * (it ran once per extent): the leading 15 digits at most, then NUL,
	 * longer numbers cut off the same way (never reached: 2^49 bytes). */
	do {
		digits[n++] = (char)('0' + extent % 10);
		extent /= 10;
	} while (extent);
	for (i = 0; i < n && i < ECFS_CIPHER_IV_BYTES - 1; i++)
		src[ECFS_CIPHER_IV_BYTES + i] = (uint8_t)digits[n - 1 - i];
}

int ecfs_cipher_extent_iv(const uint8_t root_iv[ECFS_CIPHER_IV_BYTES], uint64_t extent,
			  uint8_t iv[ECFS_CIPHER_IV_BYTES])
{
	uint8_t src[2 * ECFS_CIPHER_IV_BYTES];
	int rc;

	if (!root_iv || !iv)
		return -EINVAL;
	extent_iv_input(root_iv, extent, src);
	rc = md5_oneshot(src, sizeof(src), iv);
	OPENSSL_cleanse(src, sizeof(src));
	return rc;
}

int ecfs_cipher_extent_ivs(const uint8_t root_iv[ECFS_CIPHER_IV_BYTES], uint64_t first,
			   size_t n, uint8_t (*ivs)[ECFS_CIPHER_IV_BYTES])
{
	uint8_t src[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES];
	uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES];
	size_t done, i, k;

	if (!root_iv || (n && !ivs))
		return -EINVAL;
	if (n && n - 1 > UINT64_MAX - first)
		return -EOVERFLOW;
	for (done = 0; done < n; done += k) {
		k = n - done < ECFS_MD5X_LANES ? n - done : ECFS_MD5X_LANES;
		/* Unused lanes of the last group repeat a valid input. */
		for (i = 0; i < ECFS_MD5X_LANES; i++)
			extent_iv_input(root_iv, first + done + (i < k ? i : 0), src[i]);
		ecfs_md5x_32(src, out);
		memcpy(ivs[done], out, k * ECFS_CIPHER_IV_BYTES);
	}
	OPENSSL_cleanse(src, sizeof(src));
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

struct ecfs_extent_ctx {
	const struct ecfs_cipher *cipher;
	const struct ecfs_cb_ops *be;
	uint8_t root_iv[ECFS_CIPHER_IV_BYTES];
	void *enc;			/* CBC contexts of the back end */
	void *dec;
};

void ecfs_extent_ctx_free(struct ecfs_extent_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->enc)
		ctx->be->ctx_free(ctx->enc);
	if (ctx->dec)
		ctx->be->ctx_free(ctx->dec);
	OPENSSL_clear_free(ctx, sizeof(*ctx));
}

int ecfs_extent_ctx_new(struct ecfs_extent_ctx **out, const struct ecfs_cipher *c,
			const uint8_t *fek, size_t key_size)
{
	struct ecfs_extent_ctx *ctx;
	int rc;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!c || !fek)
		return -EINVAL;
	if (!key_acceptable(c, fek, key_size))
		return -EKEYREJECTED;
	ctx = OPENSSL_zalloc(sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->cipher = c;
	ctx->be = backend_of(c);
	MD5(fek, key_size, ctx->root_iv);
	rc = ctx->be->ctx_new(c, fek, key_size, true, true, &ctx->enc);
	if (rc)
		goto fail;
	rc = ctx->be->ctx_new(c, fek, key_size, true, false, &ctx->dec);
	if (rc)
		goto fail;
	*out = ctx;
	return 0;
fail:
	ecfs_extent_ctx_free(ctx);
	return rc;
}

static int extent_crypt(struct ecfs_extent_ctx *ctx, uint64_t extent, bool encrypt,
			const uint8_t *in, uint8_t *out)
{
	uint8_t src[2 * ECFS_CIPHER_IV_BYTES];
	uint8_t iv[ECFS_CIPHER_IV_BYTES];
	int rc;

	if (!ctx || !in || !out || !(encrypt ? ctx->enc : ctx->dec))
		return -EINVAL;
	extent_iv_input(ctx->root_iv, extent, src);
	MD5(src, sizeof(src), iv);
	/* An 8-byte-block cipher uses the first 8 IV bytes (both back ends
	 * take block-size bytes from the buffer). */
	rc = ctx->be->run(encrypt ? ctx->enc : ctx->dec, iv, in, out, ECFS_EXTENT_SIZE);
	OPENSSL_cleanse(src, sizeof(src));
	OPENSSL_cleanse(iv, sizeof(iv));
	return rc;
}

/* Extents per cipher pass: bounds the saved chaining blocks on the stack. */
#define EXTENT_RUN_BATCH	64

int ecfs_extent_decrypt_run(struct ecfs_extent_ctx *ctx, uint64_t first, size_t n,
			    const uint8_t *in, uint8_t *out)
{
	uint8_t saved[EXTENT_RUN_BATCH][ECFS_CIPHER_MAX_BLOCK];
	uint8_t ivs[EXTENT_RUN_BATCH][ECFS_CIPHER_IV_BYTES];
	size_t bs, done, i, j, k;
	int rc = 0;

	if (!ctx || !ctx->dec || (n && (!in || !out)))
		return -EINVAL;
	if (n > (SIZE_MAX - (uintptr_t)in) / ECFS_EXTENT_SIZE ||
	    n > (SIZE_MAX - (uintptr_t)out) / ECFS_EXTENT_SIZE || n > UINT64_MAX - first)
		return -EOVERFLOW;
	if (in != out && (uintptr_t)in < (uintptr_t)out + n * ECFS_EXTENT_SIZE &&
	    (uintptr_t)out < (uintptr_t)in + n * ECFS_EXTENT_SIZE)
		return -EINVAL;	/* partly overlapping */
	bs = ctx->cipher->block_size;
	for (done = 0; done < n && !rc; done += k) {
		const uint8_t *bin = in + done * ECFS_EXTENT_SIZE;
		uint8_t *bout = out + done * ECFS_EXTENT_SIZE;

		k = n - done < EXTENT_RUN_BATCH ? n - done : EXTENT_RUN_BATCH;
		/* The chaining block each extent gets in one pass, saved
		 * before an in-place pass overwrites it. */
		for (i = 1; i < k; i++)
			memcpy(saved[i], bin + i * ECFS_EXTENT_SIZE - bs, bs);
		rc = ecfs_cipher_extent_ivs(ctx->root_iv, first + done, k, ivs);
		if (rc)
			break;
		/* An 8-byte-block cipher uses the first 8 IV bytes. */
		rc = ctx->be->run(ctx->dec, ivs[0], bin, bout, k * ECFS_EXTENT_SIZE);
		for (i = 1; i < k && !rc; i++) {
			uint8_t *p = bout + i * ECFS_EXTENT_SIZE;

			for (j = 0; j < bs; j++)
				p[j] ^= saved[i][j] ^ ivs[i][j];
		}
	}
	OPENSSL_cleanse(ivs, sizeof(ivs));
	return rc;
}

/* Drops the back end's contexts: no half-keyed context survives. */
static void extent_ctx_clear(struct ecfs_extent_ctx *ctx)
{
	if (ctx->enc)
		ctx->be->ctx_free(ctx->enc);
	if (ctx->dec)
		ctx->be->ctx_free(ctx->dec);
	OPENSSL_cleanse(ctx, sizeof(*ctx));
}

int ecfs_extent_ctx_rekey(struct ecfs_extent_ctx *ctx, const struct ecfs_cipher *c,
			  const uint8_t *fek, size_t key_size)
{
	struct ecfs_extent_ctx *fresh;
	int rc;

	if (!ctx)
		return -EINVAL;
	if (!c || !fek) {
		rc = -EINVAL;
	} else if (!key_acceptable(c, fek, key_size)) {
		rc = -EKEYREJECTED;
	} else if (ctx->cipher == c && ctx->enc && ctx->dec && ctx->be->ctx_rekey &&
		   !ctx->be->ctx_rekey(ctx->enc, fek, key_size, true) &&
		   !ctx->be->ctx_rekey(ctx->dec, fek, key_size, false)) {
		MD5(fek, key_size, ctx->root_iv);
		return 0;
	} else {
		rc = ecfs_extent_ctx_new(&fresh, c, fek, key_size);
		if (!rc) {
			/* Swap the insides: the caller's pointer stays valid. */
			extent_ctx_clear(ctx);
			memcpy(ctx, fresh, sizeof(*ctx));
			OPENSSL_clear_free(fresh, sizeof(*fresh));
			return 0;
		}
	}
	extent_ctx_clear(ctx);
	return rc;
}

int ecfs_extent_encrypt(struct ecfs_extent_ctx *ctx, uint64_t extent,
			const uint8_t *in, uint8_t *out)
{
	return extent_crypt(ctx, extent, true, in, out);
}

int ecfs_extent_decrypt(struct ecfs_extent_ctx *ctx, uint64_t extent,
			const uint8_t *in, uint8_t *out)
{
	return extent_crypt(ctx, extent, false, in, out);
}

int ecfs_cipher_fek_wrap(const struct ecfs_cipher *c, const uint8_t fekek[64],
			 const uint8_t *fek, size_t key_size,
			 uint8_t *out, size_t out_size, size_t *out_len)
{
	uint8_t buf[ECFS_CIPHER_MAX_KEY_BYTES];
	int size, rc;

	if (!c || !fekek || !fek || !out || !out_len)
		return -EINVAL;
	size = ecfs_cipher_wrapped_size(c, key_size);
	if (size < 0)
		return size;
	if (out_size < (size_t)size)
		return -ENOBUFS;
	/* AES-192: the kernel zeroes the 8 bytes after the key and wraps 32. */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, fek, key_size);
	rc = ecfs_cipher_ecb(c, fekek, key_size, true, buf, out, (size_t)size);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc == 0)
		*out_len = (size_t)size;
	return rc;
}

int ecfs_cipher_fek_unwrap(unsigned int code, const uint8_t fekek[64],
			   const uint8_t *enc, size_t enc_len,
			   uint8_t *fek, size_t *key_size, const struct ecfs_cipher **cipher)
{
	const struct ecfs_cipher *c = ecfs_cipher_by_code(code);
	uint8_t buf[ECFS_CIPHER_MAX_KEY_BYTES];
	size_t ks;
	int rc;

	if (!fekek || !enc || !fek || !key_size)
		return -EINVAL;
	if (!c)
		return -ENOTSUP;
	if (enc_len == 0 || enc_len > ECFS_CIPHER_MAX_KEY_BYTES)
		return -EBADMSG;
	/* As parse_tag_3_packet: only code 8 implies a size; otherwise the
	 * encrypted length is the key size. */
	ks = code == ECFS_CIPHER_AES_192 ? 24 : enc_len;
	if (code == ECFS_CIPHER_AES_192 && enc_len != 32)
		return -EBADMSG;
	if (!ecfs_cipher_key_size_ok(c, ks) || enc_len % c->block_size)
		return -EBADMSG;
	rc = ecfs_cipher_ecb(c, fekek, ks, false, enc, buf, enc_len);
	if (rc == 0) {
		memcpy(fek, buf, ks);
		*key_size = ks;
		if (cipher)
			*cipher = c;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}
