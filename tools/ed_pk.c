// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ed_pk - RSA keys and tag 1 packets for the offline tools (ed_pk.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

#include "ed_pk.h"

#define PK_BLOB_MAX	(1 + ECFS_MAX_KEY_BYTES + 2)

static int pk_fail(struct ed_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pk_fail(struct ed_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

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

bool ed_pk_has_private(EVP_PKEY *pk)
{
	BIGNUM *d = NULL;
	bool r = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_D, &d) == 1 && d;

	BN_clear_free(d);
	ERR_clear_error();
	return r;
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
		return pk_fail(e, -errno, "cannot open %s: %s", path, strerror(errno));
	bio = BIO_new_fd(fd, BIO_CLOSE);
	if (!bio) {
		close(fd);
		return pk_fail(e, -ENOMEM, "out of memory");
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
			return pk_fail(e, -EKEYREJECTED, pass ?
				       "%s: wrong passphrase for the key" :
				       "%s: the key is passphrase-protected; give its passphrase",
				       path);
		return pk_fail(e, -EMEDIUMTYPE, "%s holds no PEM RSA key", path);
	}
	if (!EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_get_bits(pk) < 1024 ||
	    EVP_PKEY_get_size(pk) > ECFS_MAX_ENCRYPTED_KEY_BYTES) {
		EVP_PKEY_free(pk);
		return pk_fail(e, -EMEDIUMTYPE, "%s: not an RSA key of 1024 to 4096 bits", path);
	}
	*has_private = ed_pk_has_private(pk);
	*out = pk;
	return 0;
}

int ed_pk_sig(EVP_PKEY *pk, uint8_t sig[ECFS_SIG_SIZE])
{
	BIGNUM *n = NULL, *ex = NULL;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	uint8_t *pkt = NULL;
	int nb, eb, body, rc = -EINVAL;
	size_t i = 0;

	if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &ex) != 1)
		goto out;
	nb = BN_num_bytes(n);
	eb = BN_num_bytes(ex);
	/* v4 key packet body: version, time, algorithm, MPI(n), MPI(e) */
	body = 1 + 4 + 1 + 2 + nb + 2 + eb;
	if (body > 0xffff)
		goto out;
	pkt = malloc(3 + (size_t)body);
	if (!pkt) {
		rc = -ENOMEM;
		goto out;
	}
	pkt[i++] = 0x99;
	pkt[i++] = (uint8_t)(body >> 8);
	pkt[i++] = (uint8_t)body;
	pkt[i++] = 0x04;
	memset(pkt + i, 0, 4);
	i += 4;
	pkt[i++] = 0x02;
	pkt[i++] = (uint8_t)(BN_num_bits(n) >> 8);
	pkt[i++] = (uint8_t)BN_num_bits(n);
	BN_bn2binpad(n, pkt + i, nb);
	i += (size_t)nb;
	pkt[i++] = (uint8_t)(BN_num_bits(ex) >> 8);
	pkt[i++] = (uint8_t)BN_num_bits(ex);
	BN_bn2binpad(ex, pkt + i, eb);
	i += (size_t)eb;
	if (!EVP_Digest(pkt, i, md, &mdlen, EVP_sha1(), NULL) || mdlen < ECFS_SIG_SIZE) {
		rc = -EIO;
		goto out;
	}
	memcpy(sig, md, ECFS_SIG_SIZE);
	rc = 0;
out:
	free(pkt);
	BN_free(n);
	BN_free(ex);
	ERR_clear_error();
	return rc;
}

/* RSA-OAEP with SHA-1 and MGF1-SHA-1, as upstream's key module. */
static EVP_PKEY_CTX *pk_oaep(EVP_PKEY *pk, bool enc)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);

	if (!c)
		return NULL;
	if ((enc ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha1()) <= 0) {
		EVP_PKEY_CTX_free(c);
		return NULL;
	}
	return c;
}

int ed_pk_wrap(EVP_PKEY *pk, uint8_t code, const uint8_t *fek, size_t key_size,
	       struct ecfs_tag1 *t)
{
	uint8_t blob[PK_BLOB_MAX];
	unsigned int sum = 0;
	EVP_PKEY_CTX *c;
	size_t i, ol;
	int rc = -EIO;

	if (!key_size || key_size > ECFS_MAX_KEY_BYTES)
		return -EINVAL;
	blob[0] = code;
	memcpy(blob + 1, fek, key_size);
	for (i = 0; i < key_size; i++)
		sum += fek[i];
	blob[1 + key_size] = (uint8_t)(sum >> 8);
	blob[2 + key_size] = (uint8_t)sum;
	memset(t, 0, sizeof(*t));
	rc = ed_pk_sig(pk, t->key_id);
	if (rc)
		goto out;
	rc = -EIO;
	t->pk_algo = ECFS_CIPHER_RSA;
	c = pk_oaep(pk, true);
	ol = sizeof(t->enc_key);
	if (c && EVP_PKEY_encrypt(c, t->enc_key, &ol, blob, key_size + 3) > 0) {
		t->enc_key_len = ol;
		rc = 0;
	}
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	return rc;
}

int ed_pk_unwrap(EVP_PKEY *pk, const struct ecfs_tag1 *t, uint8_t *fek, size_t *key_size,
		 const struct ecfs_cipher **cipher)
{
	uint8_t blob[ECFS_MAX_ENCRYPTED_KEY_BYTES];
	const struct ecfs_cipher *ci;
	unsigned int sum = 0;
	EVP_PKEY_CTX *c = NULL;
	size_t ol = sizeof(blob), ks, i;
	int rc = -EBADMSG;

	if (!ed_pk_has_private(pk))
		return -EKEYREJECTED;
	if ((size_t)EVP_PKEY_get_size(pk) != t->enc_key_len)
		return -EBADMSG;
	c = pk_oaep(pk, false);
	if (!c) {
		rc = -EIO;
		goto out;
	}
	if (EVP_PKEY_decrypt(c, blob, &ol, t->enc_key, t->enc_key_len) <= 0 || ol < 4 ||
	    ol > PK_BLOB_MAX)
		goto out;
	ks = ol - 3;
	for (i = 0; i < ks; i++)
		sum += blob[1 + i];
	ci = ecfs_cipher_by_code(blob[0]);
	if (!ci || !ecfs_cipher_key_size_ok(ci, ks) ||
	    (uint16_t)sum != (uint16_t)((blob[1 + ks] << 8) | blob[2 + ks]))
		goto out;
	memcpy(fek, blob + 1, ks);
	*key_size = ks;
	*cipher = ci;
	rc = 0;
out:
	OPENSSL_cleanse(blob, sizeof(blob));
	EVP_PKEY_CTX_free(c);
	ERR_clear_error();
	return rc;
}
