// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tag 1 packets offline (tools/ed_pk.c), which ecryptfs-decrypt
 * --recovery-key, ecryptfs-rekey and ecryptfs-migrate rely on: against the
 * vectors made with openssl(1) (tests/data/keymod/make-vectors: key id, a
 * K blob wrapped by pkeyutl OAEP SHA-1), our own wrap round trip for every
 * FEK size the kernel uses, a public key alone refused for unwrapping,
 * and damaged packets refused instead of yielding a wrong key.
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
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ecfs_kdf.h"
#include "ed_pk.h"

static const char *data_path(const char *name)
{
	static char p[PATH_MAX];
	const char *top = getenv("TOP_SRCDIR");

	snprintf(p, sizeof(p), "%s/tests/data/keymod/%s", top ? top : ECFS_TEST_SRCDIR, name);
	return p;
}

static size_t slurp(const char *name, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(data_path(name), "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static EVP_PKEY *load(const char *name, bool want_private)
{
	struct ed_err e = { "" };
	EVP_PKEY *pk = NULL;
	bool priv = false;

	assert_int_equal(ed_pk_load(data_path(name), NULL, 0, &pk, &priv, &e), 0);
	assert_int_equal(priv, want_private);
	return pk;
}

static void test_vectors(void **state)
{
	uint8_t kbin[64], sig[ECFS_SIG_SIZE], fek[ECFS_MAX_KEY_BYTES];
	char hex[ECFS_SIG_SIZE_HEX + 1], want[32] = "";
	const struct ecfs_cipher *c = NULL;
	struct ecfs_tag1 t = { 0 };
	size_t kl, ks = 0;
	EVP_PKEY *pk = load("rsa2048.pem", true);

	(void)state;
	assert_int_equal(ecfs_rsa_key_sig(pk, sig), 0);
	ecfs_sig_to_hex(sig, hex);
	slurp("sig.txt", (uint8_t *)want, sizeof(want) - 1);
	want[16] = '\0';
	assert_string_equal(hex, want);

	t.enc_key_len = slurp("k.oaep", t.enc_key, sizeof(t.enc_key));
	assert_int_equal(t.enc_key_len, 256);
	kl = slurp("k.bin", kbin, sizeof(kbin));
	assert_int_equal(ed_pk_unwrap(pk, &t, fek, &ks, &c), 0);
	assert_int_equal(ks, kl - 3);
	assert_memory_equal(fek, kbin + 1, ks);
	assert_string_equal(c->name, "aes");

	/* One flipped bit: refused, never a wrong key. */
	t.enc_key[77] ^= 0x20;
	assert_int_equal(ed_pk_unwrap(pk, &t, fek, &ks, &c), -EBADMSG);
	t.enc_key[77] ^= 0x20;
	t.enc_key_len = 255;
	assert_int_equal(ed_pk_unwrap(pk, &t, fek, &ks, &c), -EBADMSG);
	EVP_PKEY_free(pk);
}

static void test_roundtrip_and_public(void **state)
{
	static const struct { uint8_t code; size_t ks; } cases[] = {
		{ ECFS_CIPHER_AES_128, 16 }, { ECFS_CIPHER_AES_192, 24 },
		{ ECFS_CIPHER_AES_256, 32 }, { ECFS_CIPHER_BLOWFISH, 56 },
		{ ECFS_CIPHER_DES3_EDE, 24 },
	};
	uint8_t fek[ECFS_MAX_KEY_BYTES], got[ECFS_MAX_KEY_BYTES], sig[ECFS_SIG_SIZE];
	const struct ecfs_cipher *c = NULL;
	EVP_PKEY *pk = load("rsa2048.pem", true), *pub;
	struct ecfs_tag1 t;
	size_t i, ks;
	BIO *b;

	(void)state;
	/* The public half, as ecryptfs-recovery-key writes it. */
	b = BIO_new(BIO_s_mem());
	assert_non_null(b);
	assert_int_equal(PEM_write_bio_PUBKEY(b, pk), 1);
	pub = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	assert_non_null(pub);
	BIO_free(b);
	assert_false(ecfs_rsa_has_private(pub));
	assert_int_equal(ecfs_rsa_key_sig(pub, sig), 0);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(fek, (int)(0x30 + i), sizeof(fek));
		fek[0] = 0;
		/* Wrapped with the public half, opened with the private one. */
		assert_int_equal(ed_pk_wrap(pub, cases[i].code, fek, cases[i].ks, &t), 0);
		assert_memory_equal(t.key_id, sig, ECFS_SIG_SIZE);
		assert_int_equal(t.enc_key_len, 256);
		assert_int_equal(ed_pk_unwrap(pk, &t, got, &ks, &c), 0);
		assert_int_equal(ks, cases[i].ks);
		assert_memory_equal(got, fek, ks);
		assert_int_equal(ed_pk_unwrap(pub, &t, got, &ks, &c), -EKEYREJECTED);
	}
	EVP_PKEY_free(pub);
	EVP_PKEY_free(pk);
}

static void test_bad_files(void **state)
{
	struct ed_err e = { "" };
	EVP_PKEY *pk = NULL;
	bool priv;

	(void)state;
	/* Not RSA, and a protected key without its passphrase. */
	assert_int_equal(ed_pk_load(data_path("ec.pem"), NULL, 0, &pk, &priv, &e), -EMEDIUMTYPE);
	assert_int_equal(ed_pk_load(data_path("rsa2048-enc.pem"), NULL, 0, &pk, &priv, &e),
			 -EKEYREJECTED);
	assert_non_null(strstr(e.msg, "passphrase"));
	assert_int_equal(ed_pk_load(data_path("rsa2048-enc.pem"), "wrong", 5, &pk, &priv, &e),
			 -EKEYREJECTED);
	assert_int_equal(ed_pk_load(data_path("sig.txt"), NULL, 0, &pk, &priv, &e), -EMEDIUMTYPE);
	assert_null(pk);
	assert_int_equal(ed_pk_load(data_path("rsa2048-enc.pem"), "vector-pass", 11, &pk, &priv,
				    &e), 0);
	assert_true(priv);
	EVP_PKEY_free(pk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_roundtrip_and_public),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
