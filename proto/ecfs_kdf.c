// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_kdf - passphrase KDF and key signatures compatible with ecryptfs-utils.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"

#define SHA512_BYTES 64

const uint8_t ecfs_kdf_default_salt[ECFS_KDF_SALT_BYTES] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77
};

const uint8_t ecfs_kdf_fnek_salt[ECFS_KDF_SALT_BYTES] = {
	'9', '9', '8', '8', '7', '7', '6', '6'
};

/* One SHA-512 digest with an already fetched algorithm. */
static int kdf_sha512(EVP_MD_CTX *ctx, const EVP_MD *md, const void *in, size_t len,
		      uint8_t out[SHA512_BYTES])
{
	unsigned int olen = 0;

	if (!EVP_DigestInit_ex2(ctx, md, NULL) || !EVP_DigestUpdate(ctx, in, len) ||
	    !EVP_DigestFinal_ex(ctx, out, &olen) || olen != SHA512_BYTES)
		return -EIO;
	return 0;
}

int ecfs_kdf_fekek(const void *passphrase, size_t len,
		   const uint8_t salt[ECFS_KDF_SALT_BYTES],
		   uint8_t fekek[ECFS_KDF_FEKEK_BYTES])
{
	uint8_t buf[ECFS_KDF_SALT_BYTES + ECFS_KDF_PASSPHRASE_MAX];
	uint8_t digest[SHA512_BYTES];
	EVP_MD_CTX *ctx = NULL;
	EVP_MD *md = NULL;
	unsigned int i;
	int rc;

	if (!fekek)
		return -EINVAL;
	memset(fekek, 0, ECFS_KDF_FEKEK_BYTES);
	if (!passphrase || !salt || len == 0 || len > ECFS_KDF_PASSPHRASE_MAX)
		return -EINVAL;

	md = EVP_MD_fetch(ecfs_crypto_libctx(), "SHA512", NULL);
	ctx = EVP_MD_CTX_new();
	if (!md || !ctx) {
		rc = -EIO;
		goto out;
	}
	memcpy(buf, salt, ECFS_KDF_SALT_BYTES);
	memcpy(buf + ECFS_KDF_SALT_BYTES, passphrase, len);
	rc = kdf_sha512(ctx, md, buf, ECFS_KDF_SALT_BYTES + len, digest);
	/* The first digest counts as round one of ECRYPTFS_DEFAULT_NUM_HASH_ITERATIONS. */
	for (i = 1; rc == 0 && i < ECFS_KDF_ITERATIONS; i++)
		rc = kdf_sha512(ctx, md, digest, sizeof(digest), digest);
	if (rc == 0)
		memcpy(fekek, digest, ECFS_KDF_FEKEK_BYTES);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(digest, sizeof(digest));
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

int ecfs_kdf_sig(const uint8_t fekek[ECFS_KDF_FEKEK_BYTES], uint8_t sig[ECFS_KDF_SIG_BYTES])
{
	uint8_t digest[SHA512_BYTES];
	EVP_MD_CTX *ctx = NULL;
	EVP_MD *md = NULL;
	int rc;

	if (!fekek || !sig)
		return -EINVAL;
	md = EVP_MD_fetch(ecfs_crypto_libctx(), "SHA512", NULL);
	ctx = EVP_MD_CTX_new();
	if (!md || !ctx) {
		rc = -EIO;
		goto out;
	}
	rc = kdf_sha512(ctx, md, fekek, ECFS_KDF_FEKEK_BYTES, digest);
	if (rc == 0)
		memcpy(sig, digest, ECFS_KDF_SIG_BYTES);
out:
	OPENSSL_cleanse(digest, sizeof(digest));
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

int ecfs_kdf_passphrase(const void *passphrase, size_t len,
			const uint8_t salt[ECFS_KDF_SALT_BYTES],
			uint8_t fekek[ECFS_KDF_FEKEK_BYTES], uint8_t sig[ECFS_KDF_SIG_BYTES])
{
	int rc;

	if (!sig)
		return -EINVAL;
	rc = ecfs_kdf_fekek(passphrase, len, salt, fekek);
	if (rc == 0)
		rc = ecfs_kdf_sig(fekek, sig);
	if (rc)
		OPENSSL_cleanse(fekek, ECFS_KDF_FEKEK_BYTES);
	return rc;
}

int ecfs_kdf_fnek(const void *passphrase, size_t len,
		  uint8_t fekek[ECFS_KDF_FEKEK_BYTES], uint8_t sig[ECFS_KDF_SIG_BYTES])
{
	return ecfs_kdf_passphrase(passphrase, len, ecfs_kdf_fnek_salt, fekek, sig);
}
