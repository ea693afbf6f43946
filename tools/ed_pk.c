// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ed_pk - RSA keys and tag 1 packets for the offline tools (ed_pk.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ecfs_msgpkt.h"
#include "ed_pk.h"

#define PK_BLOB_MAX	(1 + ECFS_MAX_KEY_BYTES + 2)

struct pk_cb {
	const char *pass;
	size_t len;
	bool asked;
};

static int pk_pem_cb(char *buf, int size, int rwflag, void *u)
{
	struct pk_cb *cb = u;

	(void)rwflag;
	cb->asked = true;
	if (!cb->pass || !cb->len || cb->len > (size_t)size)
		return -1;
	memcpy(buf, cb->pass, cb->len);
	return (int)cb->len;
}

int ed_pk_load(const char *path, const char *pass, size_t pass_len, EVP_PKEY **out,
	       bool *has_private, struct ed_err *e)
{
	struct pk_cb cb = { .pass = pass, .len = pass_len };
	EVP_PKEY *pk;
	BIO *bio;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ed_fail(e, -errno, "cannot open %s: %s", path, strerror(errno));
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (!bio) {
		close(fd);
		return ed_fail(e, -ENOMEM, "out of memory");
	}
	pk = PEM_read_bio_PrivateKey(bio, NULL, pk_pem_cb, &cb);
	if (!pk && !cb.asked && BIO_seek(bio, 0) == 0) {
		ERR_clear_error();
		pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!pk) {
		if (cb.asked)
			return ed_fail(e, -EKEYREJECTED, pass ?
				       "%s: wrong passphrase for the key" :
				       "%s: the key is passphrase-protected; give its passphrase",
				       path);
		return ed_fail(e, -EMEDIUMTYPE, "%s holds no PEM RSA key", path);
	}
	if (!EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_get_bits(pk) < 1024 ||
	    EVP_PKEY_get_size(pk) > ECFS_MAX_ENCRYPTED_KEY_BYTES) {
		EVP_PKEY_free(pk);
		return ed_fail(e, -EMEDIUMTYPE, "%s: not an RSA key of 1024 to 4096 bits", path);
	}
	*has_private = ecfs_rsa_has_private(pk);
	*out = pk;
	return 0;
}

int ed_pk_wrap(EVP_PKEY *pk, uint8_t code, const uint8_t *fek, size_t key_size,
	       struct ecfs_tag1 *t)
{
	struct ecfs_fek_blob b = { .cipher_code = code, .fek_len = key_size };
	uint8_t blob[PK_BLOB_MAX];
	size_t ol = 0;
	int rc, len;

	if (!key_size || key_size > ECFS_MAX_KEY_BYTES)
		return -EINVAL;
	memcpy(b.fek, fek, key_size);
	len = ecfs_fek_blob_encode(&b, blob, sizeof(blob));
	OPENSSL_cleanse(&b, sizeof(b));
	if (len < 0)
		return len;
	memset(t, 0, sizeof(*t));
	rc = ecfs_rsa_key_sig(pk, t->key_id);
	if (rc)
		goto out;
	t->pk_algo = ECFS_CIPHER_RSA;
	rc = ecfs_rsa_encrypt(pk, ECFS_RSA_PAD_OAEP, blob, (size_t)len, t->enc_key,
			      sizeof(t->enc_key), &ol);
	if (rc)
		rc = -EIO;
	else
		t->enc_key_len = ol;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int ed_pk_unwrap(EVP_PKEY *pk, const struct ecfs_tag1 *t, uint8_t *fek, size_t *key_size,
		 const struct ecfs_cipher **cipher)
{
	uint8_t blob[ECFS_MAX_ENCRYPTED_KEY_BYTES];
	struct ecfs_fek_blob b;
	EVP_PKEY_CTX *c = NULL;
	size_t ol = sizeof(blob);
	int rc = -EBADMSG;

	if (!ecfs_rsa_has_private(pk))
		return -EKEYREJECTED;
	if ((size_t)EVP_PKEY_get_size(pk) != t->enc_key_len)
		return -EBADMSG;
	c = ecfs_rsa_oaep_ctx(pk, false);
	if (!c) {
		rc = -EIO;
		goto out;
	}
	if (EVP_PKEY_decrypt(c, blob, &ol, t->enc_key, t->enc_key_len) <= 0 ||
	    ecfs_fek_blob_decode_key(blob, ol, &b))
		goto out;
	memcpy(fek, b.fek, b.fek_len);
	*key_size = b.fek_len;
	*cipher = ecfs_cipher_by_code(b.cipher_code);
	rc = 0;
out:
	OPENSSL_cleanse(&b, sizeof(b));
	OPENSSL_cleanse(blob, sizeof(blob));
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return rc;
}
