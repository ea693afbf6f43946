// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "pkcs11-helper" key module: an RSA key on a PKCS#11 token, named by
 * pkcs11-helper's serialized certificate id.
 *
 * Compatibility with upstream's module (ecryptfs-utils 111, which does not
 * build against OpenSSL 3 and which Debian does not ship):
 *  - wrap is RSA PKCS#1 v1.5 encryption with the certificate's public key
 *    (no token needed), unwrap is CKM_RSA_PKCS on the token;
 *  - the key signature is the first 8 bytes of SHA-1 over an OpenPGP v4
 *    public-key packet of the certificate's n and e, as for "openssl";
 *  - the token blob has upstream's shape, le16 len || serialized id NUL ||
 *    le16 len || certificate DER || le16 len || PIN NUL, but the PIN field
 *    we write is always empty: keyring payloads are readable by the
 *    owner's processes, and upstream stored the PIN there in cleartext.
 *    A blob written by upstream's tools (with a PIN) is still accepted.
 *
 * The PIN reaches ecryptfsd through the handoff socket (open_key()) and is
 * held, in locked memory, as long as the key's token is in the keyring.
 * Every provider call runs in ecryptfs-pkcs11-helper (p11_client.h), never
 * in this process.  A decryption result is accepted only when it is a
 * well-formed eCryptfs key record (cipher code, key length, checksum): a
 * provider that reports success with garbage gives a clean error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto_backend/ecfs_cb_rsa.h"
#include "ecfs_errbuf.h"
#include "ecfs_msgpkt.h"
#include "keymods/ecfs_keymod.h"
#include "keymods/ecfs_keymod_util.h"
#include "p11_client.h"
#include "keymod_pkcs11.h"

#define KP_ALIAS		"pkcs11-helper"
#define KP_MAX_ID		1024
#define KP_MAX_CERT		8192
#define KP_MAX_PIN		255
/*
 * Mount-time requests may wait for a PIN pad or a slow token; shorter than
 * the mount helper's 30 s handoff timeout so that it gets our answer.
 */
#define KP_CHECK_TIMEOUT_MS	25000

/* A key opened with a PIN handed to ecryptfsd: all of it in locked memory. */
struct kp_key {
	char id[KP_MAX_ID];
	uint8_t cert[KP_MAX_CERT];
	size_t cert_len;
	char pin[KP_MAX_PIN + 1];
	EVP_PKEY *pub;
};

static const struct ecfs_keymod_param kp_params[] = {
	{ "id", "pkcs11_id", ECFS_KEYMOD_P_REQUIRED | ECFS_KEYMOD_P_TOKEN,
	  "pkcs11-helper serialized certificate id (see ecryptfs-manager list-tokens)" },
	{ "x509file", NULL, ECFS_KEYMOD_P_TOKEN,
	  "PEM file with the key's certificate (else it is read from the token)" },
	{ "keyformat", NULL, ECFS_KEYMOD_P_TOKEN, "how the key is named: only 'id'" },
	{ "passwd", "pkcs11_pin", ECFS_KEYMOD_P_SECRET | ECFS_KEYMOD_P_TOKEN,
	  "the token's PIN (visible in ps; prefer passwd_fd=, passwd_file= or the prompt)" },
	{ "passenv", NULL, ECFS_KEYMOD_P_TOKEN, "name of an environment variable holding the PIN" },
	{ "pinpad", NULL, ECFS_KEYMOD_P_TOKEN,
	  "y: no PIN; the token's protected authentication path (PIN pad) is used" },
};
#define KP_NPARAMS	(sizeof(kp_params) / sizeof(kp_params[0]))

/* Value of our parameter @name (short or long form) in @kv, or NULL. */
static const char *kp_kv(const struct ecfs_keymod_kv *kv, size_t n, const char *name)
{
	return ecfs_keymod_kv_get(kp_params, KP_NPARAMS, kv, n, name);
}

static const struct ecfs_keymod_param *kp_get_params(size_t *n)
{
	*n = KP_NPARAMS;
	return kp_params;
}

/* ---- serialized ids and token names ---- */

int kp_id_label(const char *id, char *label, size_t cap)
{
	const char *p = id;
	size_t o = 0;
	int field = 0;

	if (!cap)
		return -EINVAL;
	/* manufacturer/model/serial/label/CKA_ID, '/' and '\' escaped as \xNN */
	for (; *p && field < 3; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '/')
			field++;
	}
	if (field != 3)
		return -EINVAL;
	while (*p && *p != '/') {
		int c = (unsigned char)*p;

		if (c == '\\') {
			unsigned int x;

			if (p[1] != 'x' || sscanf(p + 2, "%2x", &x) != 1)
				return -EINVAL;
			c = (int)x;
			p += 4;
		} else {
			p++;
		}
		if (o + 1 < cap)
			label[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (*p != '/' || !p[1])
		return -EINVAL;
	label[o] = '\0';
	return 0;
}

/* ---- token blob ---- */

static int get_le16(const uint8_t *b, size_t len, size_t *off, size_t *v)
{
	if (len - *off < 2)
		return -EBADMSG;
	*v = (size_t)b[*off] | ((size_t)b[*off + 1] << 8);
	*off += 2;
	return len - *off < *v ? -EBADMSG : 0;
}

int kp_tok_parse(const uint8_t *b, size_t len, struct kp_tok_view *v)
{
	char label[128];
	size_t off = 0, l;

	memset(v, 0, sizeof(*v));
	if (get_le16(b, len, &off, &l) || l < 2 || l > KP_MAX_ID || b[off + l - 1] != '\0' ||
	    memchr(b + off, '\0', l - 1))
		return -EBADMSG;
	v->id = (const char *)b + off;
	off += l;
	if (get_le16(b, len, &off, &l) || l > KP_MAX_CERT)
		return -EBADMSG;
	v->cert = l ? b + off : NULL;
	v->cert_len = l;
	off += l;
	if (get_le16(b, len, &off, &l))
		return -EBADMSG;
	/* Upstream writes strlen + 1 (at least the NUL); accept 0 too. */
	if (l && (b[off + l - 1] != '\0' || memchr(b + off, '\0', l - 1) || l - 1 > KP_MAX_PIN))
		return -EBADMSG;
	v->pin = l > 1 ? b + off : NULL;
	v->pin_len = l > 1 ? l - 1 : 0;
	off += l;
	if (off != len || kp_id_label(v->id, label, sizeof(label)))
		return -EBADMSG;
	return 0;
}

int kp_tok_build(const char *id, const uint8_t *cert, size_t cert_len, uint8_t **out,
		 size_t *out_len)
{
	size_t l1 = strlen(id) + 1, n = 2 + l1 + 2 + cert_len + 2 + 1;
	uint8_t *b;

	if (l1 > KP_MAX_ID || cert_len > KP_MAX_CERT || n > ECFS_KEYMOD_MAX_BLOB)
		return -ENAMETOOLONG;
	b = malloc(n);
	if (!b)
		return -ENOMEM;
	b[0] = (uint8_t)l1;
	b[1] = (uint8_t)(l1 >> 8);
	memcpy(b + 2, id, l1);
	b[2 + l1] = (uint8_t)cert_len;
	b[3 + l1] = (uint8_t)(cert_len >> 8);
	memcpy(b + 4 + l1, cert, cert_len);
	/* The PIN field: one NUL, as upstream writes an empty PIN. */
	b[4 + l1 + cert_len] = 1;
	b[5 + l1 + cert_len] = 0;
	b[6 + l1 + cert_len] = '\0';
	*out = b;
	*out_len = n;
	return 0;
}

/* ---- certificates and keys ---- */

static int cert_pubkey(const uint8_t *der, size_t len, EVP_PKEY **out, char *err, size_t errlen)
{
	const unsigned char *p = der;
	X509 *x;
	EVP_PKEY *pk;

	*out = NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (!x || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		ecfs_errbuf(err, errlen, "pkcs11-helper: the certificate is not valid DER X.509");
		return -EBADMSG;
	}
	pk = X509_get_pubkey(x);
	X509_free(x);
	ERR_clear_error();
	if (!pk || !EVP_PKEY_is_a(pk, "RSA")) {
		EVP_PKEY_free(pk);
		ecfs_errbuf(err, errlen, "pkcs11-helper: the certificate's key is not an RSA key");
		return -EMEDIUMTYPE;
	}
	if (EVP_PKEY_get_bits(pk) < 1024 || EVP_PKEY_get_size(pk) > ECFS_KEYMOD_MAX_WRAPPED) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: the certificate's RSA key has %d bits (1024-4096 usable)",
		       EVP_PKEY_get_bits(pk));
		EVP_PKEY_free(pk);
		return -EMEDIUMTYPE;
	}
	*out = pk;
	return 0;
}

static int cert_read_pem(const char *path, uint8_t *der, size_t cap, size_t *len,
			 char *err, size_t errlen)
{
	unsigned char *p;
	X509 *x = NULL;
	BIO *bio;
	int n;

	bio = BIO_new_file(path, "r");
	if (!bio) {
		ERR_clear_error();
		ecfs_errbuf(err, errlen, "pkcs11-helper: cannot open certificate file %s: %s", path,
		       strerror(errno));
		return -ENOENT;
	}
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!x) {
		ERR_clear_error();
		ecfs_errbuf(err, errlen, "pkcs11-helper: %s holds no PEM certificate", path);
		return -EBADMSG;
	}
	n = i2d_X509(x, NULL);
	if (n <= 0 || (size_t)n > cap) {
		X509_free(x);
		ecfs_errbuf(err, errlen, "pkcs11-helper: the certificate in %s is too large", path);
		return -EFBIG;
	}
	p = der;
	i2d_X509(x, &p);
	X509_free(x);
	*len = (size_t)n;
	return 0;
}

/*
 * Is @k a key record the kernel can use: cipher code, a key length that
 * cipher takes, and the be16 sum of the key bytes?
 */
int kp_valid_record(const uint8_t *k, size_t len)
{
	struct ecfs_fek_blob b;
	int ok;

	if (len > ECFS_KEYMOD_MAX_PLAIN)
		return 0;
	ok = !ecfs_fek_blob_decode_key(k, len, &b);
	OPENSSL_cleanse(&b, sizeof(b));
	return ok;
}

static int pk_wrap(EVP_PKEY *pk, const uint8_t *in, size_t in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	int r;

	*out_len = 0;
	if (!in_len || in_len > ECFS_KEYMOD_MAX_PLAIN)
		return -EINVAL;
	r = ecfs_rsa_encrypt(pk, ECFS_RSA_PAD_PKCS1, in, in_len, out,
			     out_cap < ECFS_KEYMOD_MAX_WRAPPED ? out_cap : ECFS_KEYMOD_MAX_WRAPPED,
			     out_len);
	if (r == -EPROTO) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: RSA encryption setup failed");
		r = -EIO;
	} else if (r == -EIO) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: RSA encryption failed");
	}
	return r;
}

/* ---- calls into the helper ---- */

static int call_check(const char *id, const uint8_t *cert, size_t cert_len, const char *pin,
		      char *err, size_t errlen)
{
	struct p11w_msg q = { .op_or_status = P11W_OP_CHECK, .n = 3 };
	uint8_t d[16] = { 0 };
	size_t dl = sizeof(d);

	q.f[0] = (struct p11w_field){ (const uint8_t *)id, strlen(id) };
	q.f[1] = (struct p11w_field){ cert, cert_len };
	q.f[2] = (struct p11w_field){ (const uint8_t *)pin, strlen(pin) };
	return p11c_call(&q, KP_CHECK_TIMEOUT_MS, d, &dl, err, errlen);
}

static int call_cert(const char *id, const char *pin, uint8_t *der, size_t cap, size_t *len,
		     char *err, size_t errlen)
{
	struct p11w_msg q = { .op_or_status = P11W_OP_CERT, .n = 2 };

	*len = cap;
	q.f[0] = (struct p11w_field){ (const uint8_t *)id, strlen(id) };
	q.f[1] = (struct p11w_field){ (const uint8_t *)pin, strlen(pin) };
	return p11c_call(&q, KP_CHECK_TIMEOUT_MS, der, len, err, errlen);
}

static int call_decrypt(const char *id, const uint8_t *cert, size_t cert_len,
			const char *pin, const uint8_t *in, size_t in_len, uint8_t **out,
			size_t *out_len, char *err, size_t errlen)
{
	struct p11w_msg q = { .op_or_status = P11W_OP_DECRYPT, .n = 4 };
	uint8_t d[ECFS_KEYMOD_MAX_WRAPPED] = { 0 };
	size_t dl = sizeof(d);
	char label[128] = "?";
	int r;

	*out = NULL;
	*out_len = 0;
	if (!in_len || in_len > ECFS_KEYMOD_MAX_WRAPPED)
		return -EINVAL;
	(void)mlock(d, sizeof(d));
	q.f[0] = (struct p11w_field){ (const uint8_t *)id, strlen(id) };
	q.f[1] = (struct p11w_field){ cert, cert_len };
	q.f[2] = (struct p11w_field){ (const uint8_t *)pin, strlen(pin) };
	q.f[3] = (struct p11w_field){ in, in_len };
	r = p11c_call(&q, p11c_kernel_timeout_ms(), d, &dl, err, errlen);
	if (r)
		goto out;
	if (!kp_valid_record(d, dl)) {
		kp_id_label(id, label, sizeof(label));
		ecfs_errbuf(err, errlen,
		       "pkcs11-helper: token '%s' returned no valid file key (wrong key, or a faulty provider)",
		       label);
		r = -EBADMSG;
		goto out;
	}
	*out = malloc(dl);
	if (!*out) {
		r = -ENOMEM;
		goto out;
	}
	(void)mlock(*out, dl);
	memcpy(*out, d, dl);
	*out_len = dl;
out:
	OPENSSL_cleanse(d, sizeof(d));
	(void)munlock(d, sizeof(d));
	return r;
}

/* ---- operations ---- */

static int kp_op_key_sig(const uint8_t *blob, size_t blob_len,
			 char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err, size_t errlen)
{
	struct kp_tok_view t;
	EVP_PKEY *pk;
	int r;

	if (kp_tok_parse(blob, blob_len, &t) || !t.cert) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: malformed token blob");
		return -EBADMSG;
	}
	r = cert_pubkey(t.cert, t.cert_len, &pk, err, errlen);
	if (r)
		return r;
	r = ecfs_rsa_key_sig_hex(pk, sig);
	EVP_PKEY_free(pk);
	return r;
}

static int kp_op_wrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		      uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	struct kp_tok_view t;
	EVP_PKEY *pk;
	int r;

	*out_len = 0;
	if (kp_tok_parse(blob, blob_len, &t) || !t.cert) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: malformed token blob (or one without a certificate)");
		return -EBADMSG;
	}
	r = cert_pubkey(t.cert, t.cert_len, &pk, err, errlen);
	if (r)
		return r;
	r = pk_wrap(pk, in, in_len, out, out_cap, out_len, err, errlen);
	EVP_PKEY_free(pk);
	return r;
}

static int kp_op_unwrap(const uint8_t *blob, size_t blob_len, const uint8_t *in,
			size_t in_len, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	char pin[KP_MAX_PIN + 1] = "";
	struct kp_tok_view t;
	int r;

	if (kp_tok_parse(blob, blob_len, &t)) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: malformed token blob");
		return -EBADMSG;
	}
	/* Only a blob written by upstream's tools carries a PIN. */
	(void)mlock(pin, sizeof(pin));
	if (t.pin)
		memcpy(pin, t.pin, t.pin_len);
	r = call_decrypt(t.id, t.cert, t.cert_len, pin, in, in_len, out, out_len, err, errlen);
	OPENSSL_cleanse(pin, sizeof(pin));
	(void)munlock(pin, sizeof(pin));
	return r;
}

static int read_pin_env(const char *name, char *pin, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (!v || !v[0]) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: environment variable %s holds no PIN", name);
		return -ENOKEY;
	}
	if (strlen(v) > KP_MAX_PIN) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: the PIN must be at most %d bytes", KP_MAX_PIN);
		return -EINVAL;
	}
	strcpy(pin, v);
	return 0;
}

static int kp_op_build_token(const struct ecfs_keymod_kv *kv, size_t n, uint8_t **blob,
			     size_t *blob_len, char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err,
			     size_t errlen)
{
	const char *id = kp_kv(kv, n, "id"), *x509 = kp_kv(kv, n, "x509file");
	const char *kf = kp_kv(kv, n, "keyformat"), *pw = kp_kv(kv, n, "passwd");
	const char *penv = kp_kv(kv, n, "passenv"), *pad = kp_kv(kv, n, "pinpad");
	char pin[KP_MAX_PIN + 1] = "", label[128];
	uint8_t der[KP_MAX_CERT];
	size_t der_len = 0;
	EVP_PKEY *pk = NULL;
	int r, pinpad = pad && (!strcmp(pad, "y") || !strcmp(pad, "yes"));

	*blob = NULL;
	*blob_len = 0;
	r = ecfs_keymod_kv_check(kp_params, KP_NPARAMS, kv, n, "pkcs11-helper", err, errlen);
	if (r)
		return r;
	if (kf && strcmp(kf, "id")) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: keyformat=%s is not supported (only 'id')", kf);
		return -EINVAL;
	}
	if (!id || !id[0]) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: id= (the serialized certificate id) is required; ecryptfs-manager list-tokens shows them");
		return -EINVAL;
	}
	if (strlen(id) >= KP_MAX_ID || kp_id_label(id, label, sizeof(label))) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: '%s' is not a pkcs11-helper serialized id (manufacturer/model/serial/label/id)",
		       id);
		return -EINVAL;
	}
	(void)mlock(pin, sizeof(pin));
	if (pw && penv) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: give only one of passwd= and passenv=");
		r = -EINVAL;
		goto out;
	}
	if (pw) {
		if (strlen(pw) > KP_MAX_PIN) {
			ecfs_errbuf(err, errlen, "pkcs11-helper: the PIN must be at most %d bytes",
			       KP_MAX_PIN);
			r = -EINVAL;
			goto out;
		}
		strcpy(pin, pw);
	} else if (penv) {
		r = read_pin_env(penv, pin, err, errlen);
		if (r)
			goto out;
	}
	if (!pin[0] && !pinpad) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: token '%s' needs its PIN (passwd_fd=, passwd_file=, or typed at the prompt; pinpad=y for a PIN pad)",
		       label);
		r = -EKEYREJECTED;
		goto out;
	}
	if (x509) {
		r = cert_read_pem(x509, der, sizeof(der), &der_len, err, errlen);
		if (r)
			goto out;
	} else {
		r = call_cert(id, pin, der, sizeof(der), &der_len, err, errlen);
		if (r)
			goto out;
	}
	r = cert_pubkey(der, der_len, &pk, err, errlen);
	if (r)
		goto out;
	r = ecfs_rsa_key_sig_hex(pk, sig);
	if (r) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: cannot compute the key signature");
		goto out;
	}
	/* The token must be there and take the PIN before anything is mounted. */
	r = call_check(id, der, der_len, pin, err, errlen);
	if (r)
		goto out;
	r = kp_tok_build(id, der, der_len, blob, blob_len);
	if (r)
		ecfs_errbuf(err, errlen, "pkcs11-helper: id and certificate too large for a token");
out:
	EVP_PKEY_free(pk);
	OPENSSL_cleanse(pin, sizeof(pin));
	(void)munlock(pin, sizeof(pin));
	return r;
}

static void key_free(struct kp_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pub);
	OPENSSL_cleanse(k, sizeof(*k));
	(void)munlock(k, sizeof(*k));
	free(k);
}

static int kp_op_open_key(const uint8_t *blob, size_t blob_len, const uint8_t *secret,
			  size_t secret_len, void **key, char sig[ECFS_KEYMOD_SIG_HEX + 1],
			  char *err, size_t errlen)
{
	struct kp_tok_view t;
	struct kp_key *k;
	int r;

	*key = NULL;
	if (kp_tok_parse(blob, blob_len, &t) || !t.cert) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: malformed token blob");
		return -EBADMSG;
	}
	if (secret_len > KP_MAX_PIN || (secret && memchr(secret, '\0', secret_len))) {
		ecfs_errbuf(err, errlen, "pkcs11-helper: the PIN must be at most %d bytes", KP_MAX_PIN);
		return -EINVAL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	(void)mlock(k, sizeof(*k));
	memcpy(k->id, t.id, strlen(t.id) + 1);
	memcpy(k->cert, t.cert, t.cert_len);
	k->cert_len = t.cert_len;
	if (secret_len)
		memcpy(k->pin, secret, secret_len);
	r = cert_pubkey(k->cert, k->cert_len, &k->pub, err, errlen);
	if (!r)
		r = ecfs_rsa_key_sig_hex(k->pub, sig);
	if (!r)
		r = call_check(k->id, k->cert, k->cert_len, k->pin, err, errlen);
	if (r) {
		key_free(k);
		return r;
	}
	*key = k;
	return 0;
}

static int kp_op_wrap_key(void *key, const uint8_t *in, size_t in_len, uint8_t *out,
			  size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	struct kp_key *k = key;

	return pk_wrap(k->pub, in, in_len, out, out_cap, out_len, err, errlen);
}

static int kp_op_unwrap_key(void *key, const uint8_t *in, size_t in_len, uint8_t **out,
			    size_t *out_len, char *err, size_t errlen)
{
	struct kp_key *k = key;

	return call_decrypt(k->id, k->cert, k->cert_len, k->pin, in, in_len, out, out_len,
			    err, errlen);
}

static void kp_op_close_key(void *key)
{
	struct kp_key *k = key;
	struct p11w_msg q = { .op_or_status = P11W_OP_FORGET, .n = 1 };
	uint8_t d[16] = { 0 };
	size_t dl = sizeof(d);
	char err[64];

	if (!k)
		return;
	/* The helper drops the token's session and its copy of the PIN. */
	q.f[0] = (struct p11w_field){ (const uint8_t *)k->id, strlen(k->id) };
	(void)p11c_call(&q, p11c_kernel_timeout_ms(), d, &dl, err, sizeof(err));
	key_free(k);
}

__attribute__((destructor))
static void kp_fini(void)
{
	p11c_stop();
}

static const struct ecfs_keymod_ops kp_ops = {
	.abi_version = ECFS_KEYMOD_ABI_VERSION,
	.alias = KP_ALIAS,
	.description = "RSA key on a PKCS#11 token (pkcs11-helper), upstream-compatible",
	.params = kp_get_params,
	.build_token = kp_op_build_token,
	.key_sig = kp_op_key_sig,
	.wrap = kp_op_wrap,
	.unwrap = kp_op_unwrap,
	.free_secret = ecfs_keymod_free_secret,
	.release_blob = ecfs_keymod_release_blob,
	.open_key = kp_op_open_key,
	.wrap_key = kp_op_wrap_key,
	.unwrap_key = kp_op_unwrap_key,
	.close_key = kp_op_close_key,
};

__attribute__((visibility("default")))
const struct ecfs_keymod_ops *ecfs_keymod_get_ops(void)
{
	return &kp_ops;
}
