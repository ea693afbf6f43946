// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crypto.c - ciphers, IV derivation and extent encryption.
 *
 * Every extent is encrypted on its own with cbc(<cipher>) and the FEK; its
 * IV is MD5(root IV || extent number printed in decimal into a 16-byte
 * zero-filled field), the root IV being MD5(FEK).  The data transform may
 * be asynchronous (hardware drivers): every request is waited for.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <linux/random.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "ecfs.h"

static bool force_async;
module_param(force_async, bool, 0444);
MODULE_PARM_DESC(force_async,
		 "Wrap the data cipher in cryptd, to exercise asynchronous crypto");

static struct crypto_shash *ecfs_md5_tfm;

static const struct {
	const char *name;
	u8 code;
	unsigned int key_bytes;	/* 0: any size the cipher takes */
} ecfs_ciphers[] = {
	{ "aes", ECFS_CIPHER_AES_128, 16 },
	{ "aes", ECFS_CIPHER_AES_192, 24 },
	{ "aes", ECFS_CIPHER_AES_256, 32 },
	{ "blowfish", ECFS_CIPHER_BLOWFISH, 0 },
	{ "des3_ede", ECFS_CIPHER_DES3_EDE, 0 },
	{ "cast5", ECFS_CIPHER_CAST5, 0 },
	{ "twofish", ECFS_CIPHER_TWOFISH, 0 },
	{ "cast6", ECFS_CIPHER_CAST6, 0 },
};

/* RFC 2440 code of @cipher with a key of @key_bytes, or 0 if none. */
u8 ecfs_rfc2440_code(const char *cipher, unsigned int key_bytes)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ecfs_ciphers); i++) {
		if (strcmp(ecfs_ciphers[i].name, cipher))
			continue;
		if (!ecfs_ciphers[i].key_bytes ||
		    ecfs_ciphers[i].key_bytes == key_bytes)
			return ecfs_ciphers[i].code;
	}
	return 0;
}

const char *ecfs_cipher_name(u8 code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ecfs_ciphers); i++)
		if (ecfs_ciphers[i].code == code)
			return ecfs_ciphers[i].name;
	return NULL;
}

/*
 * Check at mount time that @cipher has a code and takes keys of
 * *key_bytes bytes in both modes we use.  A size of 0 means the largest
 * key the cipher takes; AES has no such default, as upstream.
 */
int ecfs_check_cipher(const char *cipher, unsigned int *key_bytes)
{
	char name[ECFS_MAX_CIPHER_NAME + 8];
	struct crypto_skcipher *tfm;
	u8 *key;
	int err;

	snprintf(name, sizeof(name), "ecb(%s)", cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("cipher %s is not available: %ld\n", cipher,
		       PTR_ERR(tfm));
		return -EINVAL;
	}
	if (!*key_bytes && strcmp(cipher, "aes"))
		*key_bytes = crypto_skcipher_max_keysize(tfm);
	if (*key_bytes > ECFS_MAX_KEY_BYTES ||
	    !ecfs_rfc2440_code(cipher, *key_bytes)) {
		pr_err("cipher %s with %u-byte keys is not supported\n", cipher,
		       *key_bytes);
		err = -EINVAL;
		goto out;
	}
	key = kmalloc(*key_bytes, GFP_KERNEL);
	if (!key) {
		err = -ENOMEM;
		goto out;
	}
	get_random_bytes(key, *key_bytes);
	err = crypto_skcipher_setkey(tfm, key, *key_bytes);
	kfree_sensitive(key);
	if (err)
		pr_err("cipher %s does not take %u-byte keys: %d\n", cipher,
		       *key_bytes, err);
out:
	crypto_free_skcipher(tfm);
	return err;
}

int ecfs_md5(const u8 *data, unsigned int len, u8 *out)
{
	return crypto_shash_tfm_digest(ecfs_md5_tfm, data, len, out);
}

int ecfs_derive_iv(const struct ecfs_crypt *cs, u64 extent, u8 *iv)
{
	u8 src[ECFS_MD5_SIZE + ECFS_IV_NUM_FIELD];
	u8 digest[ECFS_MD5_SIZE];
	int err;

	memcpy(src, cs->root_iv, ECFS_MD5_SIZE);
	memset(src + ECFS_MD5_SIZE, 0, ECFS_IV_NUM_FIELD);
	snprintf(src + ECFS_MD5_SIZE, ECFS_IV_NUM_FIELD, "%lld",
		 (long long)extent);
	err = ecfs_md5(src, sizeof(src), digest);
	if (!err)
		memcpy(iv, digest, ECFS_IV_SIZE);
	memzero_explicit(src, sizeof(src));
	return err;
}

/* Make the data transform and root IV for cs->key; cs is not yet valid. */
int ecfs_crypt_set_key(struct ecfs_crypt *cs)
{
	char name[ECFS_MAX_CIPHER_NAME + 24];
	struct crypto_skcipher *tfm;
	int err;

	if (force_async)
		snprintf(name, sizeof(name), "cryptd(cbc(%s-generic))",
			 cs->cipher);
	else
		snprintf(name, sizeof(name), "cbc(%s)", cs->cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_err_ratelimited("cannot allocate %s: %ld\n", name,
				   PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	crypto_skcipher_set_flags(tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	err = crypto_skcipher_setkey(tfm, cs->key, cs->key_size);
	if (err) {
		pr_err_ratelimited("%s refuses a %u-byte key: %d\n", name,
				   cs->key_size, err);
		goto err_free;
	}
	err = ecfs_md5(cs->key, cs->key_size, cs->root_iv);
	if (err)
		goto err_free;
	cs->tfm = tfm;
	return 0;

err_free:
	crypto_free_skcipher(tfm);
	return err;
}

void ecfs_crypt_clear(struct ecfs_crypt *cs)
{
	if (cs->tfm)
		crypto_free_skcipher(cs->tfm);
	memzero_explicit(cs, sizeof(*cs));
}

/*
 * En- or decrypt the extents of page @index from @src into @dst (which
 * may be the same page).
 */
int ecfs_crypt_page(struct ecfs_crypt *cs, struct page *dst,
		    struct page *src, pgoff_t index, bool encrypt)
{
	const unsigned int per_page = PAGE_SIZE / ECFS_EXTENT_SIZE;
	unsigned int reqsize = sizeof(struct skcipher_request) +
			       crypto_skcipher_reqsize(cs->tfm);
	struct skcipher_request *req;
	struct scatterlist sg_src, sg_dst;
	DECLARE_CRYPTO_WAIT(wait);
	unsigned int i;
	u8 *iv;
	int err = 0;

	/*
	 * One allocation per page for the request and the IV behind it (the
	 * IV is handed to the driver, so it stays off the stack).
	 */
	req = kmalloc(ALIGN(reqsize, CRYPTO_MINALIGN) + ECFS_IV_SIZE, GFP_NOFS);
	if (!req)
		return -ENOMEM;
	skcipher_request_set_tfm(req, cs->tfm);
	iv = (u8 *)req + ALIGN(reqsize, CRYPTO_MINALIGN);
	for (i = 0; i < per_page && !err; i++) {
		u64 extent = (u64)index * per_page + i;
		unsigned int off = i * ECFS_EXTENT_SIZE;

		err = ecfs_derive_iv(cs, extent, iv);
		if (err)
			break;
		sg_init_table(&sg_src, 1);
		sg_set_page(&sg_src, src, ECFS_EXTENT_SIZE, off);
		sg_init_table(&sg_dst, 1);
		sg_set_page(&sg_dst, dst, ECFS_EXTENT_SIZE, off);
		skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
					      CRYPTO_TFM_REQ_MAY_SLEEP,
					      crypto_req_done, &wait);
		skcipher_request_set_crypt(req, &sg_src, &sg_dst,
					   ECFS_EXTENT_SIZE, iv);
		err = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
				      crypto_skcipher_decrypt(req), &wait);
	}
	kfree_sensitive(req);
	if (err)
		pr_err_ratelimited("%scryption of page %lu failed: %d\n",
				   encrypt ? "en" : "de", index, err);
	return err;
}

/*
 * Wrap or unwrap a FEK in place with ecb(@cipher) under @key.  @buf must
 * not live on the stack (it is mapped through a scatterlist).
 */
int ecfs_ecb_crypt(const char *cipher, const u8 *key, unsigned int key_size,
		   u8 *buf, unsigned int len, bool encrypt)
{
	char name[ECFS_MAX_CIPHER_NAME + 8];
	struct crypto_skcipher *tfm;
	int err;

	snprintf(name, sizeof(name), "ecb(%s)", cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = ecfs_ecb_crypt_tfm(tfm, key, key_size, buf, len, encrypt);
	crypto_free_skcipher(tfm);
	return err;
}

/* The same on a given transform; the caller serializes its users. */
int ecfs_ecb_crypt_tfm(struct crypto_skcipher *tfm, const u8 *key,
		       unsigned int key_size, u8 *buf, unsigned int len,
		       bool encrypt)
{
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	err = crypto_skcipher_setkey(tfm, key, key_size);
	if (err)
		return err;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, len, NULL);
	err = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
			      crypto_skcipher_decrypt(req), &wait);
	skcipher_request_free(req);
	return err;
}

int ecfs_crypto_setup(void)
{
	ecfs_md5_tfm = crypto_alloc_shash("md5", 0, 0);
	if (IS_ERR(ecfs_md5_tfm)) {
		int err = PTR_ERR(ecfs_md5_tfm);

		pr_err("md5 is not available: %d\n", err);
		ecfs_md5_tfm = NULL;
		return err;
	}
	return 0;
}

void ecfs_crypto_teardown(void)
{
	crypto_free_shash(ecfs_md5_tfm);
}
