// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_cb_rsa.c - upstream's RSA key signature and OAEP on OpenSSL 3
 * (ecfs_cb_rsa.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "ecfs_cb_rsa.h"
#include "ecfs_hex.h"
#include "ecfs_pgpkey.h"

/* @bn as a big-endian magnitude in a new buffer (*len bytes). */
static uint8_t *bn_bytes(const BIGNUM *bn, size_t *len)
{
	int nb = BN_num_bytes(bn);
	uint8_t *p;

	p = malloc(nb > 0 ? (size_t)nb : 1);
	if (!p)
		return NULL;
	*len = (size_t)BN_bn2bin(bn, p);
	return p;
}

int ecfs_rsa_key_sig(EVP_PKEY *pk, uint8_t sig[ECFS_SIG_SIZE])
{
	BIGNUM *n = NULL, *e = NULL;
	uint8_t *nb = NULL, *eb = NULL, *pkt = NULL;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t nl = 0, el = 0;
	ssize_t len;
	int r = -EINVAL;

	if (!EVP_PKEY_is_a(pk, "RSA") ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
	    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
		goto out;
	r = -ENOMEM;
	nb = bn_bytes(n, &nl);
	eb = bn_bytes(e, &el);
	if (!nb || !eb)
		goto out;
	len = ecfs_pgpkey_encode(nb, nl, eb, el, NULL, 0);
	if (len < 0) {
		r = (int)len;
		goto out;
	}
	pkt = malloc((size_t)len);
	if (!pkt)
		goto out;
	len = ecfs_pgpkey_encode(nb, nl, eb, el, pkt, (size_t)len);
	if (len < 0) {
		r = (int)len;
		goto out;
	}
	r = -EIO;
	if (!EVP_Digest(pkt, (size_t)len, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen < ECFS_SIG_SIZE)
		goto out;
	memcpy(sig, md, ECFS_SIG_SIZE);
	r = 0;
out:
	free(pkt);
	free(nb);
	free(eb);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
	return r;
}

int ecfs_rsa_key_sig_hex(EVP_PKEY *pk, char sig[ECFS_SIG_SIZE_HEX + 1])
{
	uint8_t raw[ECFS_SIG_SIZE];
	int r = ecfs_rsa_key_sig(pk, raw);

	if (!r)
		ecfs_sig_to_hex(raw, sig);
	return r;
}

bool ecfs_rsa_has_private(EVP_PKEY *pk)
{
	BIGNUM *d = NULL;
	bool r = EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_D, &d) == 1 && d;

	BN_clear_free(d);
	ERR_clear_error();
	return r;
}

EVP_PKEY_CTX *ecfs_rsa_oaep_ctx(EVP_PKEY *pk, bool encrypt)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);

	if (!c)
		return NULL;
	if ((encrypt ? EVP_PKEY_encrypt_init(c) : EVP_PKEY_decrypt_init(c)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha1()) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha1()) <= 0) {
		EVP_PKEY_CTX_free(c);
		return NULL;
	}
	return c;
}

int ecfs_rsa_encrypt(EVP_PKEY *pk, enum ecfs_rsa_pad pad, const uint8_t *in, size_t in_len,
		     uint8_t *out, size_t out_cap, size_t *out_len)
{
	EVP_PKEY_CTX *c;
	size_t ol = 0;
	int r = -EPROTO;

	*out_len = 0;
	if (pad == ECFS_RSA_PAD_OAEP) {
		c = ecfs_rsa_oaep_ctx(pk, true);
	} else {
		c = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		if (c && (EVP_PKEY_encrypt_init(c) <= 0 ||
			  EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) <= 0)) {
			EVP_PKEY_CTX_free(c);
			c = NULL;
		}
	}
	if (!c || EVP_PKEY_encrypt(c, NULL, &ol, in, in_len) <= 0)
		goto out;
	r = -ENOBUFS;
	if (ol > out_cap)
		goto out;
	r = -EIO;
	if (EVP_PKEY_encrypt(c, out, &ol, in, in_len) <= 0)
		goto out;
	*out_len = ol;
	r = 0;
out:
	ERR_clear_error();
	EVP_PKEY_CTX_free(c);
	return r;
}
