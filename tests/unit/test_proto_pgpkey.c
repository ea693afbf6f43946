// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_pgpkey.c - upstream's RSA key signature: the public-key packet
 * (proto/ecfs_pgpkey.h) byte by byte, and the signature and OAEP of
 * proto/crypto_backend/ecfs_cb_rsa.h against vectors made by openssl(1)
 * and Python (tests/data/keymod/make-vectors).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/pem.h>

#include "crypto_backend/ecfs_cb_rsa.h"
#include "ecfs_msgpkt.h"
#include "ecfs_pgpkey.h"

#define DATA ECFS_TEST_SRCDIR "/tests/data/keymod/"

static void test_packet_layout(void **state)
{
	/* n = 0x0180 (9 bits) after a leading zero byte, e = 65537 (17 bits) */
	static const uint8_t n[] = { 0x00, 0x01, 0x80 };
	static const uint8_t e[] = { 0x01, 0x00, 0x01 };
	static const uint8_t want[] = {
		0x99, 0x00, 0x0f,		/* tag 6, body of 15 bytes */
		0x04, 0, 0, 0, 0, 0x02,		/* v4, time 0, RSA encrypt-only */
		0x00, 0x09, 0x01, 0x80,		/* MPI(n) */
		0x00, 0x11, 0x01, 0x00, 0x01,	/* MPI(e) */
	};
	uint8_t out[64];

	(void)state;
	assert_int_equal(ecfs_pgpkey_encode(n, sizeof(n), e, sizeof(e), NULL, 0), sizeof(want));
	assert_int_equal(ecfs_pgpkey_encode(n, sizeof(n), e, sizeof(e), out, sizeof(out)),
			 sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	/* exactly big enough, and one byte short */
	assert_int_equal(ecfs_pgpkey_encode(n, sizeof(n), e, sizeof(e), out, sizeof(want)),
			 sizeof(want));
	assert_int_equal(ecfs_pgpkey_encode(n, sizeof(n), e, sizeof(e), out, sizeof(want) - 1),
			 -ENOBUFS);
}

static void test_packet_refusals(void **state)
{
	static uint8_t big[0x10000];
	static const uint8_t zero[] = { 0, 0 };
	static const uint8_t one[] = { 1 };
	uint8_t out[16];

	(void)state;
	assert_int_equal(ecfs_pgpkey_encode(zero, sizeof(zero), one, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(ecfs_pgpkey_encode(one, 1, zero, sizeof(zero), out, sizeof(out)), -EINVAL);
	assert_int_equal(ecfs_pgpkey_encode(one, 0, one, 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(ecfs_pgpkey_encode(NULL, 1, one, 1, out, sizeof(out)), -EINVAL);
	/* the body's length is 16 bits */
	memset(big, 0xff, sizeof(big));
	assert_int_equal(ecfs_pgpkey_encode(big, 0xffff - 12, one, 1, NULL, 0),
			 3 + 0xffff - 1);
	assert_int_equal(ecfs_pgpkey_encode(big, 0xffff - 10, one, 1, NULL, 0), -EMSGSIZE);
	assert_int_equal(ecfs_pgpkey_encode(big, sizeof(big), one, 1, NULL, 0), -EMSGSIZE);
}

static EVP_PKEY *load(const char *name, int pub)
{
	EVP_PKEY *pk;
	FILE *f = fopen(name, "r");

	assert_non_null(f);
	pk = pub ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(pk);
	return pk;
}

static void test_sig_vector(void **state)
{
	char want[32] = "", sig[ECFS_SIG_SIZE_HEX + 1], sig2[ECFS_SIG_SIZE_HEX + 1];
	uint8_t raw[ECFS_SIG_SIZE], *der = NULL;
	const uint8_t *p;
	EVP_PKEY *pk, *pub;
	FILE *f;
	int len;

	(void)state;
	f = fopen(DATA "sig.txt", "r");
	assert_non_null(f);
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	pk = load(DATA "rsa2048.pem", 0);
	assert_int_equal(ecfs_rsa_key_sig_hex(pk, sig), 0);
	assert_string_equal(sig, want);
	assert_int_equal(ecfs_rsa_key_sig(pk, raw), 0);
	assert_true(ecfs_rsa_has_private(pk));
	/* the public half alone has the same signature and no private part */
	len = i2d_PUBKEY(pk, &der);
	assert_true(len > 0);
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	assert_non_null(pub);
	assert_false(ecfs_rsa_has_private(pub));
	assert_int_equal(ecfs_rsa_key_sig_hex(pub, sig2), 0);
	assert_string_equal(sig2, want);
	OPENSSL_free(der);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(pk);
	/* another key, another signature; a key that is no RSA key, none */
	pk = load(DATA "rsa2048-other.pem", 0);
	assert_int_equal(ecfs_rsa_key_sig_hex(pk, sig2), 0);
	assert_string_not_equal(sig2, want);
	EVP_PKEY_free(pk);
	pk = load(DATA "ec.pem", 0);
	assert_int_equal(ecfs_rsa_key_sig(pk, raw), -EINVAL);
	EVP_PKEY_free(pk);
}

static void test_oaep_vector(void **state)
{
	uint8_t in[256], out[512], k[64], back[512];
	struct ecfs_fek_blob b;
	size_t inl, kl, ol, bl;
	EVP_PKEY_CTX *c;
	EVP_PKEY *pk;
	FILE *f;

	(void)state;
	f = fopen(DATA "k.oaep", "rb");
	assert_non_null(f);
	inl = fread(in, 1, sizeof(in), f);
	fclose(f);
	f = fopen(DATA "k.bin", "rb");
	assert_non_null(f);
	kl = fread(k, 1, sizeof(k), f);
	fclose(f);
	pk = load(DATA "rsa2048.pem", 0);
	/* openssl(1)'s OAEP-SHA-1 output decrypts to its K blob */
	c = ecfs_rsa_oaep_ctx(pk, false);
	assert_non_null(c);
	ol = sizeof(out);
	assert_true(EVP_PKEY_decrypt(c, out, &ol, in, inl) > 0);
	EVP_PKEY_CTX_free(c);
	assert_int_equal(ol, kl);
	assert_memory_equal(out, k, kl);
	assert_int_equal(ecfs_fek_blob_decode_key(out, ol, &b), 0);
	assert_int_equal(b.cipher_code, 7);
	assert_int_equal(b.fek_len, 16);
	/* and our encryption comes back through the decrypt context */
	c = ecfs_rsa_oaep_ctx(pk, true);
	assert_non_null(c);
	ol = sizeof(out);
	assert_true(EVP_PKEY_encrypt(c, out, &ol, k, kl) > 0);
	EVP_PKEY_CTX_free(c);
	c = ecfs_rsa_oaep_ctx(pk, false);
	bl = sizeof(back);
	assert_true(EVP_PKEY_decrypt(c, back, &bl, out, ol) > 0);
	EVP_PKEY_CTX_free(c);
	assert_int_equal(bl, kl);
	assert_memory_equal(back, k, kl);
	EVP_PKEY_free(pk);
}

static void test_fek_blob_key_sizes(void **state)
{
	uint8_t k[3 + 64];
	struct ecfs_fek_blob b = { .cipher_code = 7, .fek_len = 16 };
	int len;

	(void)state;
	memset(b.fek, 0xa5, sizeof(b.fek));
	len = ecfs_fek_blob_encode(&b, k, sizeof(k));
	assert_int_equal(len, 19);
	assert_int_equal(ecfs_fek_blob_decode_key(k, (size_t)len, &b), 0);
	/* a 20-byte AES key has a good checksum but no cipher takes it */
	b.fek_len = 20;
	memset(b.fek, 0xa5, sizeof(b.fek));
	len = ecfs_fek_blob_encode(&b, k, sizeof(k));
	assert_int_equal(ecfs_fek_blob_decode(k, (size_t)len, &b), 0);
	assert_int_equal(ecfs_fek_blob_decode_key(k, (size_t)len, &b), -EINVAL);
	assert_int_equal(b.fek_len, 0);
	/* a bad checksum stays a bad checksum */
	b.fek_len = 16;
	memset(b.fek, 0xa5, sizeof(b.fek));
	len = ecfs_fek_blob_encode(&b, k, sizeof(k));
	k[5] ^= 1;
	assert_int_equal(ecfs_fek_blob_decode_key(k, (size_t)len, &b), -EKEYREJECTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_layout),
		cmocka_unit_test(test_packet_refusals),
		cmocka_unit_test(test_sig_vector),
		cmocka_unit_test(test_oaep_vector),
		cmocka_unit_test(test_fek_blob_key_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
