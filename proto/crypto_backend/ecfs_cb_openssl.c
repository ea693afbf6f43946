// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_cb_openssl.c - the OpenSSL 3 back end (ecfs_cb.h): AES, 3DES,
 * Blowfish and CAST5 through EVP, in a private library context.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "ecfs_cipher.h"
#include "crypto_backend/ecfs_cb.h"

/*
 * OpenSSL setup.  Blowfish and CAST5 live only in OpenSSL 3's "legacy"
 * provider, which is never loaded implicitly.  We load it into a private
 * library context (so the host program's default context is not changed),
 * and load "default" there as well: once any provider is loaded explicitly
 * into a context, the default provider is no longer loaded automatically.
 */
static pthread_once_t ossl_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *ossl_libctx;
static OSSL_PROVIDER *ossl_default;
static OSSL_PROVIDER *ossl_legacy;

static void ossl_teardown(void)
{
	if (ossl_legacy)
		OSSL_PROVIDER_unload(ossl_legacy);
	if (ossl_default)
		OSSL_PROVIDER_unload(ossl_default);
	OSSL_LIB_CTX_free(ossl_libctx);
	ossl_legacy = NULL;
	ossl_default = NULL;
	ossl_libctx = NULL;
}

static void ossl_setup(void)
{
	/* OpenSSL registers its own exit cleanup here; ours, registered after it,
	 * therefore runs before it, while the library is still usable. */
	if (!OPENSSL_init_crypto(0, NULL))
		return;
	ossl_libctx = OSSL_LIB_CTX_new();
	if (!ossl_libctx)
		return;
	ossl_default = OSSL_PROVIDER_load(ossl_libctx, "default");
	ossl_legacy = OSSL_PROVIDER_load(ossl_libctx, "legacy");
	if (!ossl_legacy)
		fprintf(stderr, "libecfs: cannot load the OpenSSL legacy provider "
			"(ossl-modules/legacy.so); blowfish and cast5 are unavailable\n");
	atexit(ossl_teardown);
}

OSSL_LIB_CTX *ecfs_crypto_libctx(void)
{
	pthread_once(&ossl_once, ossl_setup);
	return ossl_libctx;
}

int ecfs_crypto_init(void)
{
	pthread_once(&ossl_once, ossl_setup);
	if (!ossl_libctx || !ossl_default)
		return -EIO;
	return ossl_legacy ? 0 : -ENOPKG;
}

static int evp_fetch(const struct ecfs_cipher *c, size_t key_size, bool cbc, EVP_CIPHER **out)
{
	const char *mode = cbc ? "CBC" : "ECB";
	char name[32];

	*out = NULL;
	switch (c->id) {
	case ECFS_CID_AES:
		snprintf(name, sizeof(name), "AES-%zu-%s", key_size * 8, mode);
		break;
	case ECFS_CID_DES3_EDE:
		snprintf(name, sizeof(name), "DES-EDE3-%s", mode);
		break;
	case ECFS_CID_BLOWFISH:
		snprintf(name, sizeof(name), "BF-%s", mode);
		break;
	case ECFS_CID_CAST5:
		snprintf(name, sizeof(name), "CAST5-%s", mode);
		break;
	default:
		return -EINVAL;
	}
	if (ecfs_crypto_init() == -EIO)
		return -EIO;
	*out = EVP_CIPHER_fetch(ossl_libctx, name, NULL);
	if (*out)
		return 0;
	if (c->id == ECFS_CID_BLOWFISH || c->id == ECFS_CID_CAST5)
		return -ENOPKG;
	return -EIO;
}

/* A keyed EVP context with padding off; the IV is set per operation. */
static int evp_ctx_new(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		       bool cbc, bool encrypt, EVP_CIPHER_CTX **out)
{
	EVP_CIPHER *cipher = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int rc;

	*out = NULL;
	rc = evp_fetch(c, key_size, cbc, &cipher);
	if (rc)
		return rc;
	rc = -EIO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		goto out;
	if (!EVP_CipherInit_ex2(ctx, cipher, NULL, NULL, encrypt, NULL))
		goto out;
	/* Blowfish and CAST5 take variable key lengths; the rest are fixed. */
	if ((size_t)EVP_CIPHER_CTX_get_key_length(ctx) != key_size &&
	    EVP_CIPHER_CTX_set_key_length(ctx, (int)key_size) <= 0)
		goto out;
	if (!EVP_CIPHER_CTX_set_padding(ctx, 0))
		goto out;
	if (!EVP_CipherInit_ex2(ctx, NULL, key, NULL, encrypt, NULL))
		goto out;
	*out = ctx;
	ctx = NULL;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(cipher);
	return rc;
}

static int evp_run(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *in, uint8_t *out,
		   size_t len)
{
	int outl = 0;

	if (len > INT32_MAX)
		return -EINVAL;
	if (!EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL))
		return -EIO;
	if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)len) || (size_t)outl != len)
		return -EIO;
	return 0;
}


static int ossl_ctx_new(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
			bool cbc, bool encrypt, void **ctx)
{
	EVP_CIPHER_CTX *e;
	int rc;

	rc = evp_ctx_new(c, key, key_size, cbc, encrypt, &e);
	if (rc)
		return rc;
	*ctx = e;
	return 0;
}

static int ossl_run(void *ctx, const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	return evp_run(ctx, iv, in, out, len);
}

static void ossl_ctx_free(void *ctx)
{
	/* EVP wipes the key schedule when the context is freed. */
	EVP_CIPHER_CTX_free(ctx);
}

static int ossl_ctx_rekey(void *ctx, const uint8_t *key, size_t key_size, bool encrypt)
{
	if ((size_t)EVP_CIPHER_CTX_get_key_length(ctx) != key_size)
		return -EIO;
	return EVP_CipherInit_ex2(ctx, NULL, key, NULL, encrypt, NULL) ? 0 : -EIO;
}

const struct ecfs_cb_ops ecfs_cb_openssl = {
	.ctx_new = ossl_ctx_new,
	.run = ossl_run,
	.ctx_free = ossl_ctx_free,
	.ctx_rekey = ossl_ctx_rekey,
};
