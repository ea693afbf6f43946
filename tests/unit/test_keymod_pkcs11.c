// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pkcs11-helper key module against a SoftHSM2 token made for the run
 * (tests/data/keymod/make-softhsm-token): token blobs, the signature
 * (cross-checked with the openssl module on the same key), wrap checked by
 * OpenSSL's own PKCS#1 v1.5 decryption with the key file, unwrap of
 * OpenSSL's PKCS#1 v1.5 ciphertext on the token, PINs, a token that goes
 * away and comes back, and providers that crash, hang or return garbage
 * (tests/unit/p11_bad_provider.c) -- all through the helper process.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "keymods/ecfs_keymod_load.h"
#include "keymod_pkcs11.h"
#include "p11_client.h"

#define HELPER	ECFS_TEST_BUILDDIR "/keymods/pkcs11/ecryptfs-pkcs11-helper"
#define BADPROV	ECFS_TEST_BUILDDIR "/tests/unit/.libs/libp11-bad-provider.so"

static char dir[256];
static char id[2048];
static char certfile[300], keyfile[300];
static const struct ecfs_keymod_ops *ops;

static const char *srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	return top ? top : ECFS_TEST_SRCDIR;
}

static void write_conf(const char *lib)
{
	char path[320];
	FILE *f;

	snprintf(path, sizeof(path), "%s/pkcs11.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# test provider\npkcs11-provider,name=t,library=%s\n", lib);
	fclose(f);
	setenv("ECFS_PKCS11_CONF", path, 1);
	p11c_stop();
}

static int group_setup(void **state)
{
	char cmd[1024], line[2048], path[320];
	FILE *p;

	snprintf(dir, sizeof(dir), "/tmp/ecfs-p11-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/tests/data/keymod/make-softhsm-token %s", srcdir(), dir);
	if (system(cmd))
		return -1;
	snprintf(path, sizeof(path), "%s/softhsm2.conf", dir);
	setenv("SOFTHSM2_CONF", path, 1);
	snprintf(path, sizeof(path), "%s/pkcs11.conf", dir);
	setenv("ECFS_PKCS11_CONF", path, 1);
	setenv("ECFS_PKCS11_HELPER", HELPER, 1);
	snprintf(certfile, sizeof(certfile), "%s/cert.pem", dir);
	snprintf(keyfile, sizeof(keyfile), "%s/key.pem", dir);
	p = popen(HELPER " --list", "r");
	if (!p || !fgets(line, sizeof(line), p))
		return -1;
	pclose(p);
	if (!strchr(line, '\t'))
		return -1;
	*strchr(line, '\t') = '\0';
	snprintf(id, sizeof(id), "%s", line);
	ops = ecfs_keymod_get_ops();
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[300];

	p11c_stop();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

/* A K record: AES-128 code, 16 key bytes, be16 sum. */
static size_t make_record(uint8_t *k, uint8_t seed)
{
	unsigned int sum = 0;
	int i;

	k[0] = 0x07;
	for (i = 0; i < 16; i++) {
		k[1 + i] = (uint8_t)(seed * 31 + i * 7);
		sum += k[1 + i];
	}
	k[17] = (uint8_t)(sum >> 8);
	k[18] = (uint8_t)sum;
	return 19;
}

static int build(const char *pin, const char *x509, uint8_t **blob, size_t *blen, char *sig,
		 char *err, size_t errlen)
{
	struct ecfs_keymod_kv kv[3];
	size_t n = 0;

	kv[n++] = (struct ecfs_keymod_kv){ "id", id };
	if (x509)
		kv[n++] = (struct ecfs_keymod_kv){ "x509file", x509 };
	if (pin)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd", pin };
	return ops->build_token(kv, n, blob, blen, sig, err, errlen);
}

static EVP_PKEY *load_key(void)
{
	FILE *f = fopen(keyfile, "r");
	EVP_PKEY *pk;

	assert_non_null(f);
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(pk);
	return pk;
}

/* PKCS#1 v1.5 with OpenSSL and the key file, as upstream's module wraps. */
static size_t ossl_encrypt(const uint8_t *in, size_t len, uint8_t *out)
{
	EVP_PKEY *pk = load_key();
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pk, NULL);
	size_t ol = 512;

	assert_true(EVP_PKEY_encrypt_init(c) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0);
	assert_true(EVP_PKEY_encrypt(c, out, &ol, in, len) > 0);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);
	return ol;
}

static void test_blob_and_label(void **state)
{
	static const uint8_t cert[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
	/* Upstream's blob: same id, the certificate, PIN "1234" in clear. */
	uint8_t up[256], *b = NULL;
	struct kp_tok_view v;
	char label[64];
	size_t bl = 0, l = strlen(id) + 1, o = 0;

	assert_int_equal(kp_id_label(id, label, sizeof(label)), 0);
	assert_string_equal(label, "ecryptfs-test");
	assert_int_not_equal(kp_id_label("no/slashes", label, sizeof(label)), 0);

	assert_int_equal(kp_tok_build(id, cert, sizeof(cert), &b, &bl), 0);
	assert_int_equal(kp_tok_parse(b, bl, &v), 0);
	assert_string_equal(v.id, id);
	assert_int_equal(v.cert_len, sizeof(cert));
	assert_null(v.pin);
	/* No PIN in our blob: the last field is one NUL. */
	assert_int_equal(b[bl - 3], 1);
	assert_int_equal(b[bl - 1], 0);
	/* Every truncation is refused. */
	for (size_t i = 0; i < bl; i++)
		assert_int_equal(kp_tok_parse(b, i, &v), -EBADMSG);
	free(b);

	up[o++] = (uint8_t)l;
	up[o++] = (uint8_t)(l >> 8);
	memcpy(up + o, id, l);
	o += l;
	up[o++] = sizeof(cert);
	up[o++] = 0;
	memcpy(up + o, cert, sizeof(cert));
	o += sizeof(cert);
	up[o++] = 5;
	up[o++] = 0;
	memcpy(up + o, "1234", 5);
	o += 5;
	assert_int_equal(kp_tok_parse(up, o, &v), 0);
	assert_int_equal(v.pin_len, 4);
	assert_memory_equal(v.pin, "1234", 4);
	up[o - 1] = 'x';	/* PIN without its NUL */
	assert_int_equal(kp_tok_parse(up, o, &v), -EBADMSG);
}

static void test_valid_record(void **state)
{
	uint8_t k[80];
	size_t n = make_record(k, 3);

	assert_true(kp_valid_record(k, n));
	k[18] ^= 1;
	assert_false(kp_valid_record(k, n));
	k[18] ^= 1;
	k[0] = 0x01;		/* RSA is no file cipher */
	assert_false(kp_valid_record(k, n));
	k[0] = 0x07;
	assert_false(kp_valid_record(k, n - 1));
	memset(k, 0x5a, sizeof(k));
	assert_false(kp_valid_record(k, 19));
}

static void test_sig_matches_openssl_module(void **state)
{
	struct ecfs_keymod *km = NULL;
	struct ecfs_keymod_kv kv = { "keyfile", keyfile };
	char sig[17], osig[17], err[512] = "";
	uint8_t *blob = NULL, *oblob = NULL;
	size_t blen = 0, oblen = 0;

	assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
	setenv(ECFS_KEYMOD_DIR_ENV, ECFS_TEST_BUILDDIR "/keymods/.libs", 1);
	assert_int_equal(ecfs_keymod_load("openssl", &km, err, sizeof(err)), 0);
	assert_int_equal(km->ops->build_token(&kv, 1, &oblob, &oblen, osig, err, sizeof(err)), 0);
	assert_string_equal(sig, osig);
	km->ops->release_blob(oblob, oblen);
	ecfs_keymod_unload(km);
	/* key_sig() of the blob agrees, and so does the certificate from the token. */
	assert_int_equal(ops->key_sig(blob, blen, osig, err, sizeof(err)), 0);
	assert_string_equal(sig, osig);
	ops->release_blob(blob, blen);
	assert_int_equal(build("1234", NULL, &blob, &blen, osig, err, sizeof(err)), 0);
	assert_string_equal(sig, osig);
	ops->release_blob(blob, blen);
}

static void test_wrap_unwrap_cross(void **state)
{
	uint8_t *blob = NULL, *out = NULL, k[80], enc[512], dec[512];
	size_t blen = 0, n = make_record(k, 1), el = 0, ol = 0, dl = sizeof(dec);
	char sig[17], err[512] = "";
	EVP_PKEY *pk;
	EVP_PKEY_CTX *c;

	assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
	/* Our wrap, OpenSSL's PKCS#1 v1.5 decryption with the key file. */
	assert_int_equal(ops->wrap(blob, blen, k, n, enc, sizeof(enc), &el, err, sizeof(err)), 0);
	assert_int_equal(el, 256);
	pk = load_key();
	c = EVP_PKEY_CTX_new(pk, NULL);
	assert_true(EVP_PKEY_decrypt_init(c) > 0);
	assert_true(EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0);
	assert_true(EVP_PKEY_decrypt(c, dec, &dl, enc, el) > 0);
	assert_int_equal(dl, n);
	assert_memory_equal(dec, k, n);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(pk);

	/* A fresh helper, no PIN: refused, naming the token. */
	p11c_stop();
	assert_int_equal(ops->unwrap(blob, blen, enc, el, &out, &ol, err, sizeof(err)), -ENOKEY);
	assert_non_null(strstr(err, "token 'ecryptfs-test' needs a PIN"));
	ops->release_blob(blob, blen);

	/* OpenSSL's encryption, unwrapped on the token with a held key. */
	{
		void *key = NULL;

		el = ossl_encrypt(k, n, enc);
		assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
		assert_int_equal(ops->open_key(blob, blen, (const uint8_t *)"1234", 4, &key, sig,
					       err, sizeof(err)), 0);
		assert_int_equal(ops->unwrap_key(key, enc, el, &out, &ol, err, sizeof(err)), 0);
		assert_int_equal(ol, n);
		assert_memory_equal(out, k, n);
		ops->free_secret(out, ol);
		/* A ciphertext for another key gives no key record. */
		enc[10] ^= 0xff;
		out = NULL;
		assert_int_not_equal(ops->unwrap_key(key, enc, el, &out, &ol, err, sizeof(err)), 0);
		assert_null(out);
		ops->close_key(key);
		ops->release_blob(blob, blen);
	}
}

static void test_pins(void **state)
{
	uint8_t *blob = NULL;
	size_t blen = 0;
	char sig[17], err[512] = "";
	void *key = NULL;

	assert_int_equal(build(NULL, certfile, &blob, &blen, sig, err, sizeof(err)), -EKEYREJECTED);
	assert_non_null(strstr(err, "ecryptfs-test"));
	err[0] = '\0';
	assert_int_equal(build("9999", certfile, &blob, &blen, sig, err, sizeof(err)), -EKEYREJECTED);
	assert_non_null(strstr(err, "wrong PIN for token 'ecryptfs-test'"));
	assert_null(blob);
	assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
	assert_int_equal(ops->open_key(blob, blen, (const uint8_t *)"9999", 4, &key, sig, err,
				       sizeof(err)), -EKEYREJECTED);
	assert_null(key);
	ops->release_blob(blob, blen);
}

static void test_token_removed_and_back(void **state)
{
	uint8_t *blob = NULL, *out = NULL, k[80], enc[512];
	size_t blen = 0, n = make_record(k, 2), el = 0, ol = 0;
	char sig[17], err[512] = "", a[320], b[320];
	void *key = NULL;

	assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
	assert_int_equal(ops->open_key(blob, blen, (const uint8_t *)"1234", 4, &key, sig, err,
				       sizeof(err)), 0);
	snprintf(a, sizeof(a), "%s/tokens", dir);
	snprintf(b, sizeof(b), "%s/tokens.away", dir);
	assert_int_equal(rename(a, b), 0);
	/* Wrap needs only the certificate. */
	assert_int_equal(ops->wrap_key(key, k, n, enc, sizeof(enc), &el, err, sizeof(err)), 0);
	assert_int_not_equal(ops->unwrap_key(key, enc, el, &out, &ol, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "ecryptfs-test"));
	/* Back: the same held key works again, no new open_key(). */
	assert_int_equal(rename(b, a), 0);
	err[0] = '\0';
	assert_int_equal(ops->unwrap_key(key, enc, el, &out, &ol, err, sizeof(err)), 0);
	assert_memory_equal(out, k, n);
	ops->free_secret(out, ol);
	assert_int_equal(rename(a, b), 0);
	/* A mount now is refused, naming the token. */
	ops->release_blob(blob, blen);
	blob = NULL;
	err[0] = '\0';
	assert_int_not_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "ecryptfs-test"));
	assert_int_equal(rename(b, a), 0);
	err[0] = '\0';
	assert_int_equal(ops->unwrap_key(key, enc, el, &out, &ol, err, sizeof(err)), 0);
	assert_memory_equal(out, k, n);
	ops->free_secret(out, ol);
	ops->close_key(key);
}

/* Unwrap with a held key while the provider misbehaves as P11BAD_* say. */
static int bad_unwrap(const char *at, const char *mode, char *err, size_t errlen, long *ms)
{
	uint8_t *blob = NULL, *out = NULL, k[80], enc[512];
	size_t blen = 0, n = make_record(k, 4), el, ol = 0;
	char sig[17];
	void *key = NULL;
	struct timespec t0, t1;
	int r;

	write_conf(BADPROV);
	unsetenv("P11BAD_AT");
	r = build("1234", certfile, &blob, &blen, sig, err, errlen);
	if (r)
		print_message("bad provider build: %s\n", err);
	assert_int_equal(r, 0);
	assert_int_equal(ops->open_key(blob, blen, (const uint8_t *)"1234", 4, &key, sig, err,
				       errlen), 0);
	el = ossl_encrypt(k, n, enc);
	/* The next helper started sees the bad environment. */
	p11c_stop();
	setenv("P11BAD_AT", at, 1);
	setenv("P11BAD_MODE", mode, 1);
	err[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = ops->unwrap_key(key, enc, el, &out, &ol, err, errlen);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_null(out);
	/* Recovery starts a fresh provider: slow under ASan on a loaded machine. */
	setenv("ECFS_PKCS11_TIMEOUT", "60", 1);
	/* A healthy provider again: the same held key works, no remount. */
	unsetenv("P11BAD_AT");
	p11c_stop();
	{
		char e2[256] = "";

		assert_int_equal(ops->unwrap_key(key, enc, el, &out, &ol, e2, sizeof(e2)), 0);
		assert_memory_equal(out, k, n);
		ops->free_secret(out, ol);
	}
	ops->close_key(key);
	ops->release_blob(blob, blen);
	unsetenv("ECFS_PKCS11_TIMEOUT");
	return r;
}

static void test_provider_crash(void **state)
{
	char err[512] = "";
	long ms;

	/* A crash is no hang: give a slow death (ASan's report) all the time it needs. */
	setenv("ECFS_PKCS11_TIMEOUT", "60", 1);
	assert_int_equal(bad_unwrap("decrypt", "crash", err, sizeof(err), &ms), -EIO);
	/* "crashed (signal 11)"; under ASan its handler turns the crash into an exit. */
	assert_non_null(strstr(err, "during the request"));
}

static void test_provider_garbage(void **state)
{
	char err[512] = "";
	long ms;

	assert_int_equal(bad_unwrap("decrypt", "garbage", err, sizeof(err), &ms), -EBADMSG);
	assert_non_null(strstr(err, "no valid file key"));
}

static void test_provider_hang(void **state)
{
	char err[512] = "";
	long ms;

	/* The kernel's default 3 s ... */
	assert_int_equal(p11c_kernel_timeout_ms(), 3000);
	assert_int_equal(bad_unwrap("decrypt", "hang", err, sizeof(err), &ms), -ETIMEDOUT);
	assert_non_null(strstr(err, "did not answer within 3000 ms"));
	assert_true(ms >= 2900 && ms < 3000 + 5000);
	/* ... or what ECFS_PKCS11_TIMEOUT says the kernel was told. */
	setenv("ECFS_PKCS11_TIMEOUT", "2", 1);
	assert_int_equal(p11c_kernel_timeout_ms(), 2000);
	assert_int_equal(bad_unwrap("decrypt", "hang", err, sizeof(err), &ms), -ETIMEDOUT);
	assert_non_null(strstr(err, "did not answer within 2000 ms"));
	assert_true(ms >= 1900 && ms < 2000 + 5000);
}

static void test_no_provider_configured(void **state)
{
	uint8_t *blob = NULL;
	size_t blen = 0;
	char sig[17], err[512] = "";

	setenv("ECFS_PKCS11_CONF", "/nonexistent/pkcs11.conf", 1);
	p11c_stop();
	assert_int_equal(build("1234", certfile, &blob, &blen, sig, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "no PKCS#11 provider configured"));
	write_conf("/usr/lib/softhsm/libsofthsm2.so");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blob_and_label),
		cmocka_unit_test(test_valid_record),
		cmocka_unit_test(test_sig_matches_openssl_module),
		cmocka_unit_test(test_wrap_unwrap_cross),
		cmocka_unit_test(test_pins),
		cmocka_unit_test(test_token_removed_and_back),
		cmocka_unit_test(test_no_provider_configured),
		cmocka_unit_test(test_provider_crash),
		cmocka_unit_test(test_provider_garbage),
		cmocka_unit_test(test_provider_hang),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
