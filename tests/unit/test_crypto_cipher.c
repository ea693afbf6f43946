// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for ecfs_cipher: the cipher table, published known-answer
 * vectors for every cipher (ECB and CBC), IV derivation checked with an
 * independent MD5 (Botan), whole-extent round trips for every cipher and key
 * size, and tag 3 FEK wrapping.
 *
 * Vector sources (cited per entry):
 *  - FIPS-197 appendix C (AES), NIST SP 800-38A F.2 (AES-CBC), RFC 3602 (AES-CBC)
 *  - "Twofish: A 128-Bit Block Cipher" (Schneier et al.), full-key test values
 *  - RFC 2612 appendix A (CAST-256), RFC 2144 appendix B.1 (CAST-128)
 *  - Eric Young's Blowfish vectors (ecb and cbc test data)
 *  - NIST SP 800-67 rev.1 example (TDEA)
 *  - Linux crypto/testmgr.h (6.1): des3_ede, tf_cbc, cast5_cbc, cast6_cbc
 *    (CBC vectors truncated to whole leading blocks, which CBC preserves)
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <botan/ffi.h>

#include "ecfs_cipher.h"
#include "ecfs_md5x.h"

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = strlen(hex) / 2, i;

	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		unsigned int v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

/* Deterministic filler so failures are reproducible. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

struct kat {
	const char *cipher;
	const char *key;
	const char *iv;		/* NULL: ECB */
	const char *pt;
	const char *ct;
};

static const struct kat kats[] = {
	/* FIPS-197 C.1, C.2, C.3 */
	{ "aes", "000102030405060708090a0b0c0d0e0f", NULL,
	  "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a" },
	{ "aes", "000102030405060708090a0b0c0d0e0f1011121314151617", NULL,
	  "00112233445566778899aabbccddeeff", "dda97ca4864cdfe06eaf70a0ec0d7191" },
	{ "aes", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", NULL,
	  "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089" },
	/* SP 800-38A F.2.1 CBC-AES128.Encrypt */
	{ "aes", "2b7e151628aed2a6abf7158809cf4f3c", "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	  "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7" },
	/* SP 800-38A F.2.5 CBC-AES256.Encrypt */
	{ "aes", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	  "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	  "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b" },
	/* RFC 3602 case 2 */
	{ "aes", "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	/* Twofish paper: 128-bit zero key and plaintext; 192- and 256-bit keys */
	{ "twofish", "00000000000000000000000000000000", NULL,
	  "00000000000000000000000000000000", "9f589f5cf6122c32b6bfec2f2ae8c35a" },
	{ "twofish", "0123456789abcdeffedcba98765432100011223344556677", NULL,
	  "00000000000000000000000000000000", "cfd1d2e5a9be9cdf501f13b892bd2248" },
	{ "twofish", "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff", NULL,
	  "00000000000000000000000000000000", "37527be0052334b89f0cfccae87cfa20" },
	/* testmgr.h tf_cbc_tv_template[0..1]: two chained blocks of zeros */
	{ "twofish", "00000000000000000000000000000000", "00000000000000000000000000000000",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "9f589f5cf6122c32b6bfec2f2ae8c35ad491db16e7b1c39e86cb086b789f5419" },
	/* RFC 2612 A: CAST-256 with 128-, 192- and 256-bit keys */
	{ "cast6", "2342bb9efa38542c0af75647f29f615d", NULL,
	  "00000000000000000000000000000000", "c842a08972b43d20836c91d1b7530f6b" },
	{ "cast6", "2342bb9efa38542cbed0ac83940ac298bac77a7717942863", NULL,
	  "00000000000000000000000000000000", "1b386c0210dcadcbdd0e41aa08a7a7e8" },
	{ "cast6", "2342bb9efa38542cbed0ac83940ac2988d7c47ce264908461cc1b5137ae6b604", NULL,
	  "00000000000000000000000000000000", "4f6a2038286897b9c9870136553317fa" },
	/* testmgr.h cast6_cbc_tv_template[0], first 64 bytes */
	{ "cast6", "85623f1cf9d61cf9d6b3906d4a906d4a2704e12704e1be9b78be9b7855320f55",
	  "e22489ee53b81d5fc4298ef3359aff64",
	  "56ed841b8f26bd31c85ff66a01980ca33ad145dc730a7e15ac20b74ee559f087"
	  "1e9229c034cb62f96d049b0fa63dd448df760d8118af23ba51e85cf38a21952c",
	  "df776896c7baf8e20e24991aaaf3c69fa073b370c3686470ad3302fb8874aa78"
	  "c7471a18612dac9f7e6fdf051376a672b713090f7d38df254efd5045fa356ac0" },
	/* RFC 2144 B.1: CAST-128 with 128-, 80- and 40-bit keys */
	{ "cast5", "0123456712345678234567893456789a", NULL,
	  "0123456789abcdef", "238b4fe5847e44b2" },
	{ "cast5", "01234567123456782345", NULL, "0123456789abcdef", "eb6a711a2c02271b" },
	{ "cast5", "0123456712", NULL, "0123456789abcdef", "7ac816d16e9b302e" },
	/* testmgr.h cast5_cbc_tv_template[0], first 64 bytes */
	{ "cast5", "85623f1cf9d61cf9d6b3906d4a906d4a", "e22489ee53b81d5f",
	  "56ed841b8f26bd31c85ff66a01980ca33ad145dc730a7e15ac20b74ee559f087"
	  "1e9229c034cb62f96d049b0fa63dd448df760d8118af23ba51e85cf38a21952c",
	  "0528ce619080e178b92a977cb083d81ade587fd7fd72b8fbdaf06e77144782ba"
	  "290e256eb439d97f05a7a73ac15d9e39a7fb0d0500f3586760ec737746859b6a" },
	/* Eric Young's Blowfish ECB vectors (two 8-byte keys, variable-length keys) */
	{ "blowfish", "0000000000000000", NULL, "0000000000000000", "4ef997456198dd78" },
	{ "blowfish", "ffffffffffffffff", NULL, "ffffffffffffffff", "51866fd5b85ecb8a" },
	{ "blowfish", "f0e1d2c3b4a5968778695a4b3c2d1e0f", NULL,
	  "fedcba9876543210", "93142887ee3be15c" },
	{ "blowfish", "f0e1d2c3b4a5968778695a4b3c2d1e0f0011223344", NULL,
	  "fedcba9876543210", "e6f51ed79b9db21f" },
	/* Eric Young's Blowfish CBC vector ("7654321 Now is the time for ") */
	{ "blowfish", "0123456789abcdeff0e1d2c3b4a59687", "fedcba9876543210",
	  "37363534333231204e6f77206973207468652074696d6520666f722000000000",
	  "6b77b4d63006dee605b156e27403979358deb9e7154616d959f1652bd5ff92cc" },
	/* testmgr.h des3_ede_tv_template[0] */
	{ "des3_ede", "0123456789abcdef5555555555555555fedcba9876543210", NULL,
	  "736f6d6564617461", "18d748e563620572" },
	/* SP 800-67 rev.1 TDEA example: "The qufck brown fox jump" */
	{ "des3_ede", "0123456789abcdef23456789abcdef01456789abcdef0123", NULL,
	  "54686520717566636b2062726f776e20666f78206a756d70",
	  "a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900" },
	/* testmgr.h des3_ede_cbc_tv_template[0], first 64 bytes */
	{ "des3_ede", "e9c0ff2e760b6424444d995a12d640c0eac284e81495dbe8", "7d3388930f93b242",
	  "6f54206f614d796e532063656572737454206f6f4d206e612079655372637465"
	  "20736f54206f614d796e532063656572737454206f6f4d206e61207965537263",
	  "0e2db6973c5633f4671721c76e8ad54974b34905c51cd0ed12565c5396b6007d"
	  "9048fcf58d2939cc8ad5351836234ed776d1da0c9467bb048bf2036ca8cfb6ea" },
};

static void test_kat(void **state)
{
	size_t i;
	unsigned int seen = 0;

	(void)state;
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *k = &kats[i];
		const struct ecfs_cipher *c = ecfs_cipher_by_name(k->cipher);
		uint8_t key[64], iv[16], pt[64], ct[64], out[64];
		size_t kl, pl, cl;

		assert_non_null(c);
		kl = unhex(k->key, key, sizeof(key));
		pl = unhex(k->pt, pt, sizeof(pt));
		cl = unhex(k->ct, ct, sizeof(ct));
		assert_int_equal(pl, cl);
		if (k->iv) {
			assert_int_equal(unhex(k->iv, iv, sizeof(iv)), c->block_size);
			assert_int_equal(ecfs_cipher_cbc(c, key, kl, true, iv, pt, out, pl), 0);
			assert_memory_equal(out, ct, cl);
			assert_int_equal(ecfs_cipher_cbc(c, key, kl, false, iv, ct, out, cl), 0);
			assert_memory_equal(out, pt, pl);
		} else {
			assert_int_equal(ecfs_cipher_ecb(c, key, kl, true, pt, out, pl), 0);
			assert_memory_equal(out, ct, cl);
			assert_int_equal(ecfs_cipher_ecb(c, key, kl, false, ct, out, cl), 0);
			assert_memory_equal(out, pt, pl);
		}
		seen |= 1u << c->id;
	}
	/* Every cipher has at least one published vector. */
	assert_int_equal(seen, (1u << ECFS_CID_COUNT) - 1);
}

static void test_table(void **state)
{
	static const struct {
		const char *name;
		unsigned int bs, code;
		size_t good[4], bad[4];
	} t[] = {
		{ "aes", 16, 7, { 16, 24, 32, 16 }, { 0, 8, 20, 64 } },
		{ "blowfish", 8, 4, { 4, 5, 16, 56 }, { 0, 3, 57, 64 } },
		{ "des3_ede", 8, 2, { 24, 24, 24, 24 }, { 8, 16, 23, 32 } },
		{ "cast5", 8, 3, { 5, 8, 10, 16 }, { 4, 17, 24, 32 } },
		{ "twofish", 16, 10, { 16, 24, 32, 32 }, { 8, 20, 28, 40 } },
		{ "cast6", 16, 11, { 16, 20, 28, 32 }, { 12, 18, 30, 36 } },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_name(t[i].name);

		assert_non_null(c);
		assert_ptr_equal(ecfs_cipher_by_id(c->id), c);
		assert_int_equal(c->block_size, t[i].bs);
		assert_int_equal(c->code, t[i].code);
		assert_ptr_equal(ecfs_cipher_by_code(t[i].code), c);
		for (j = 0; j < 4; j++) {
			assert_true(ecfs_cipher_key_size_ok(c, t[i].good[j]));
			assert_false(ecfs_cipher_key_size_ok(c, t[i].bad[j]));
			assert_int_equal(ecfs_cipher_code(c, t[i].bad[j]), -EINVAL);
		}
	}
	assert_null(ecfs_cipher_by_name("AES"));
	assert_null(ecfs_cipher_by_name("serpent"));
	assert_null(ecfs_cipher_by_name(NULL));
	assert_null(ecfs_cipher_by_code(0x01));	/* RSA: not a data cipher */
	assert_null(ecfs_cipher_by_code(0x05));
	assert_null(ecfs_cipher_by_code(0x0c));
	assert_null(ecfs_cipher_by_id(ECFS_CID_COUNT));
	assert_ptr_equal(ecfs_cipher_by_code(8), ecfs_cipher_by_name("aes"));
	assert_ptr_equal(ecfs_cipher_by_code(9), ecfs_cipher_by_name("aes"));
	/* AES codes depend on the key size (kernel ecryptfs_code_for_cipher_string). */
	assert_int_equal(ecfs_cipher_code(ecfs_cipher_by_name("aes"), 16), 7);
	assert_int_equal(ecfs_cipher_code(ecfs_cipher_by_name("aes"), 24), 8);
	assert_int_equal(ecfs_cipher_code(ecfs_cipher_by_name("aes"), 32), 9);
	assert_int_equal(ecfs_cipher_code(ecfs_cipher_by_name("cast5"), 5), 3);
	/* Tag 3 wrapped sizes: AES-192 padded, non-block-multiples impossible. */
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("aes"), 24), 32);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("aes"), 32), 32);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("twofish"), 24), -EINVAL);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("cast6"), 20), -EINVAL);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("cast5"), 5), -EINVAL);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("blowfish"), 56), 56);
	assert_int_equal(ecfs_cipher_wrapped_size(ecfs_cipher_by_name("des3_ede"), 24), 24);
}

static void test_bad_args(void **state)
{
	const struct ecfs_cipher *aes = ecfs_cipher_by_name("aes");
	const struct ecfs_cipher *des3 = ecfs_cipher_by_name("des3_ede");
	uint8_t key[32] = { 1 }, buf[32] = { 0 }, iv[16] = { 0 };

	(void)state;
	assert_int_equal(ecfs_crypto_init(), 0);
	assert_int_equal(ecfs_cipher_ecb(aes, key, 16, true, buf, buf, 15), -EINVAL);
	assert_int_equal(ecfs_cipher_cbc(aes, key, 16, true, NULL, buf, buf, 16), -EINVAL);
	assert_int_equal(ecfs_cipher_ecb(aes, key, 20, true, buf, buf, 16), -EKEYREJECTED);
	assert_int_equal(ecfs_cipher_ecb(NULL, key, 16, true, buf, buf, 16), -EINVAL);
	/* 3DES keys with K1 == K2 or K2 == K3 are weak keys to the kernel. */
	memset(key, 0x11, 8);
	memset(key + 8, 0x11, 8);
	memset(key + 16, 0x22, 8);
	assert_int_equal(ecfs_cipher_cbc(des3, key, 24, true, iv, buf, buf, 8), -EKEYREJECTED);
	memset(key + 8, 0x33, 8);
	memset(key + 16, 0x33, 8);
	assert_int_equal(ecfs_cipher_ecb(des3, key, 24, true, buf, buf, 8), -EKEYREJECTED);
	memset(key + 16, 0x11, 8);	/* K1 == K3 is only refused in FIPS mode */
	assert_int_equal(ecfs_cipher_ecb(des3, key, 24, true, buf, buf, 8), 0);
}

static void botan_md5(const uint8_t *in, size_t len, uint8_t out[16])
{
	botan_hash_t h;

	assert_int_equal(botan_hash_init(&h, "MD5", 0), 0);
	assert_int_equal(botan_hash_update(h, in, len), 0);
	assert_int_equal(botan_hash_final(h, out), 0);
	botan_hash_destroy(h);
}

static void test_iv(void **state)
{
	static const uint64_t extents[] = { 0, 1, 9, 10, 255, 4096, 123456789012345ull };
	uint8_t fek[32], root[16], want[16], iv[16], src[32];
	size_t i;

	(void)state;
	fill(fek, sizeof(fek), 7);
	/* Root IV = MD5 over exactly key_size bytes of the FEK. */
	assert_int_equal(ecfs_cipher_root_iv(fek, 24, root), 0);
	botan_md5(fek, 24, want);
	assert_memory_equal(root, want, 16);
	assert_int_equal(ecfs_cipher_root_iv(fek, 0, root), -EINVAL);
	assert_int_equal(ecfs_cipher_root_iv(fek, 16, root), 0);
	for (i = 0; i < sizeof(extents) / sizeof(extents[0]); i++) {
		char dec[24];
		int n = snprintf(dec, sizeof(dec), "%" PRIu64, extents[i]);

		/* Build the 32-byte input by hand: root || decimal || zero fill. */
		memset(src, 0, sizeof(src));
		memcpy(src, root, 16);
		memcpy(src + 16, dec, (size_t)n);
		botan_md5(src, sizeof(src), want);
		assert_int_equal(ecfs_cipher_extent_iv(root, extents[i], iv), 0);
		assert_memory_equal(iv, want, 16);
	}
	/* More than 15 digits: cut to the leading 15, as snprintf into 16. */
	memset(src, 0, sizeof(src));
	memcpy(src, root, 16);
	memcpy(src + 16, "123456789012345", 15);
	botan_md5(src, sizeof(src), want);
	assert_int_equal(ecfs_cipher_extent_iv(root, 12345678901234567890ull, iv), 0);
	assert_memory_equal(iv, want, 16);
	/* Byte-level check of the layout for extent 12: "12" then zeros. */
	memset(src, 0, sizeof(src));
	memcpy(src, root, 16);
	src[16] = '1';
	src[17] = '2';
	botan_md5(src, sizeof(src), want);
	assert_int_equal(ecfs_cipher_extent_iv(root, 12, iv), 0);
	assert_memory_equal(iv, want, 16);
}

/* Every key size the kernel cipher accepts. */
static void test_extent_roundtrip(void **state)
{
	static uint8_t plain[ECFS_EXTENT_SIZE], enc[ECFS_EXTENT_SIZE], dec[ECFS_EXTENT_SIZE];
	static uint8_t ref[ECFS_EXTENT_SIZE];
	unsigned int id, checked = 0;

	(void)state;
	fill(plain, sizeof(plain), 99);
	for (id = 0; id < ECFS_CID_COUNT; id++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id(id);
		size_t ks;

		for (ks = c->min_key; ks <= c->max_key; ks += c->key_step) {
			struct ecfs_extent_ctx *ctx = NULL;
			uint8_t fek[64], root[16], iv[16];
			uint64_t ext = ks * 3 + id;

			fill(fek, ks, (uint32_t)(ks * 31 + id));
			assert_int_equal(ecfs_extent_ctx_new(&ctx, c, fek, ks), 0);
			assert_int_equal(ecfs_extent_encrypt(ctx, ext, plain, enc), 0);
			assert_memory_not_equal(enc, plain, sizeof(plain));
			/* Independent path: plain CBC with the derived IV; an
			 * 8-byte-block cipher takes the IV's first 8 bytes. */
			assert_int_equal(ecfs_cipher_root_iv(fek, ks, root), 0);
			assert_int_equal(ecfs_cipher_extent_iv(root, ext, iv), 0);
			assert_int_equal(ecfs_cipher_cbc(c, fek, ks, true, iv, plain, ref,
							 sizeof(plain)), 0);
			assert_memory_equal(enc, ref, sizeof(enc));
			assert_int_equal(ecfs_extent_decrypt(ctx, ext, enc, dec), 0);
			assert_memory_equal(dec, plain, sizeof(plain));
			/* Another extent number gives another ciphertext. */
			assert_int_equal(ecfs_extent_encrypt(ctx, ext + 1, plain, dec), 0);
			assert_memory_not_equal(dec, enc, sizeof(enc));
			/* In place, both directions. */
			memcpy(dec, plain, sizeof(plain));
			assert_int_equal(ecfs_extent_encrypt(ctx, ext, dec, dec), 0);
			assert_memory_equal(dec, enc, sizeof(enc));
			assert_int_equal(ecfs_extent_decrypt(ctx, ext, dec, dec), 0);
			assert_memory_equal(dec, plain, sizeof(plain));
			ecfs_extent_ctx_free(ctx);
			checked++;
		}
	}
	/* aes 3 + blowfish 53 + des3 1 + cast5 12 + twofish 3 + cast6 5 */
	assert_int_equal(checked, 77);
}

/*
 * A run of extents decrypts like one call per extent, for every cipher
 * family (OpenSSL's one-pass path and Botan's), in place and not, across
 * the internal batch boundary; rekeying gives the new key's result.
 */
static void test_extent_run(void **state)
{
	enum { N = 70 };
	static uint8_t plain[N * ECFS_EXTENT_SIZE], enc[N * ECFS_EXTENT_SIZE];
	static uint8_t dec[N * ECFS_EXTENT_SIZE];
	unsigned int id;

	(void)state;
	fill(plain, sizeof(plain), 7);
	for (id = 0; id < ECFS_CID_COUNT; id++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id(id);
		const struct ecfs_cipher *other = ecfs_cipher_by_id((id + 1) % ECFS_CID_COUNT);
		struct ecfs_extent_ctx *ctx = NULL, *ref = NULL;
		size_t ks = c->min_key, i;
		/* 9970 + id: the digit count changes inside the run. */
		uint64_t first = 9970 + id;
		uint8_t fek[64], fek2[64];

		fill(fek, ks, id + 40);
		fill(fek2, ks, id + 41);
		assert_int_equal(ecfs_extent_ctx_new(&ctx, c, fek, ks), 0);
		for (i = 0; i < N; i++)
			assert_int_equal(ecfs_extent_encrypt(ctx, first + i,
							     plain + i * ECFS_EXTENT_SIZE,
							     enc + i * ECFS_EXTENT_SIZE), 0);
		memset(dec, 0, sizeof(dec));
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first, N, enc, dec), 0);
		assert_memory_equal(dec, plain, sizeof(plain));
		memcpy(dec, enc, sizeof(dec));
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first, N, dec, dec), 0);
		assert_memory_equal(dec, plain, sizeof(plain));
		/* A wrong starting extent garbles every extent's first block. */
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first + 1, 2, enc, dec), 0);
		assert_memory_not_equal(dec, plain, c->block_size);
		assert_memory_equal(dec + c->block_size, plain + c->block_size,
				    ECFS_EXTENT_SIZE - c->block_size);
		/* Overlapping buffers that are not the same are refused. */
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first, 2, enc, enc + 16), -EINVAL);
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first, 0, enc, dec), 0);

		/* Rekeyed: the same as a fresh context with the new key. */
		assert_int_equal(ecfs_extent_ctx_rekey(ctx, c, fek2, ks), 0);
		assert_int_equal(ecfs_extent_ctx_new(&ref, c, fek2, ks), 0);
		assert_int_equal(ecfs_extent_encrypt(ref, 3, plain, enc), 0);
		assert_int_equal(ecfs_extent_decrypt_run(ctx, 3, 1, enc, dec), 0);
		assert_memory_equal(dec, plain, ECFS_EXTENT_SIZE);
		ecfs_extent_ctx_free(ref);
		ref = NULL;
		/* To another cipher, and back. */
		assert_int_equal(ecfs_extent_ctx_rekey(ctx, other, fek2, other->min_key), 0);
		assert_int_equal(ecfs_extent_ctx_new(&ref, other, fek2, other->min_key), 0);
		assert_int_equal(ecfs_extent_encrypt(ref, 5, plain, enc), 0);
		assert_int_equal(ecfs_extent_decrypt(ctx, 5, enc, dec), 0);
		assert_memory_equal(dec, plain, ECFS_EXTENT_SIZE);
		ecfs_extent_ctx_free(ref);
		/* A refused key leaves a context that refuses to work. */
		assert_int_not_equal(ecfs_extent_ctx_rekey(ctx, c, fek, 3), 0);
		assert_int_equal(ecfs_extent_decrypt(ctx, 5, enc, dec), -EINVAL);
		assert_int_equal(ecfs_extent_decrypt_run(ctx, 5, 1, enc, dec), -EINVAL);
		assert_int_equal(ecfs_extent_ctx_rekey(ctx, c, fek, ks), 0);
		assert_int_equal(ecfs_extent_decrypt_run(ctx, first, 1, enc + 0, dec), 0);
		ecfs_extent_ctx_free(ctx);
	}
}

/*
 * The sixteen-lane MD5 against Botan's, lane by lane, with every lane
 * different (a lane mix-up or a wrong padding word shows at once).
 */
static void test_md5x(void **state)
{
	uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES];
	uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES], want[16];
	unsigned int round, l;

	(void)state;
	for (round = 0; round < 64; round++) {
		for (l = 0; l < ECFS_MD5X_LANES; l++)
			fill(in[l], sizeof(in[l]), round * ECFS_MD5X_LANES + l);
		if (round == 0)
			memset(in[3], 0, sizeof(in[3]));
		if (round == 1)
			memset(in[5], 0xff, sizeof(in[5]));
		ecfs_md5x_32(in, out);
		for (l = 0; l < ECFS_MD5X_LANES; l++) {
			botan_md5(in[l], sizeof(in[l]), want);
			assert_memory_equal(out[l], want, sizeof(want));
		}
	}
}

/*
 * Many IVs at once equal one at a time: around the digit-count changes,
 * at the 15-digit cut, for counts that are not a multiple of the lanes;
 * a run that would pass UINT64_MAX is refused.
 */
static void test_extent_ivs(void **state)
{
	static const uint64_t firsts[] = {
		0, 1, 5, 90, 990, 9990, 99999990ull, 999999999999990ull,
		9999999999999990ull, UINT64_MAX - 40,
	};
	static const size_t counts[] = { 1, 15, 16, 17, 33, 41 };
	uint8_t root[16], fek[16], ivs[41][16], one[16];
	size_t f, c, i;

	(void)state;
	fill(fek, sizeof(fek), 77);
	assert_int_equal(ecfs_cipher_root_iv(fek, sizeof(fek), root), 0);
	for (f = 0; f < sizeof(firsts) / sizeof(firsts[0]); f++) {
		for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
			memset(ivs, 0, sizeof(ivs));
			assert_int_equal(ecfs_cipher_extent_ivs(root, firsts[f], counts[c], ivs), 0);
			for (i = 0; i < counts[c]; i++) {
				assert_int_equal(ecfs_cipher_extent_iv(root, firsts[f] + i, one), 0);
				assert_memory_equal(ivs[i], one, sizeof(one));
			}
			/* Nothing written past the count. */
			for (i = counts[c]; i < 41; i++)
				assert_memory_equal(ivs[i], (uint8_t[16]){ 0 }, 16);
		}
	}
	assert_int_equal(ecfs_cipher_extent_ivs(root, UINT64_MAX, 1, ivs), 0);
	assert_int_equal(ecfs_cipher_extent_ivs(root, UINT64_MAX, 2, ivs), -EOVERFLOW);
	assert_int_equal(ecfs_cipher_extent_ivs(root, 0, 0, NULL), 0);
	assert_int_equal(ecfs_cipher_extent_ivs(NULL, 0, 1, ivs), -EINVAL);
}

/* CBC chaining checked against ECB of (P_i ^ C_i-1), block by block. */
static void test_cbc_chaining(void **state)
{
	static uint8_t plain[ECFS_EXTENT_SIZE], cbc[ECFS_EXTENT_SIZE];
	unsigned int id;

	(void)state;
	fill(plain, sizeof(plain), 5);
	for (id = 0; id < ECFS_CID_COUNT; id++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id(id);
		size_t bs = c->block_size, off, j;
		uint8_t key[32], iv[16], x[16], y[16];
		const uint8_t *prev = iv;

		fill(key, c->max_key > 32 ? 32 : c->max_key, id + 1);
		fill(iv, sizeof(iv), id + 100);
		assert_int_equal(ecfs_cipher_cbc(c, key, c->max_key > 32 ? 32 : c->max_key, true,
						 iv, plain, cbc, sizeof(plain)), 0);
		for (off = 0; off < sizeof(plain); off += bs) {
			for (j = 0; j < bs; j++)
				x[j] = plain[off + j] ^ prev[j];
			assert_int_equal(ecfs_cipher_ecb(c, key, c->max_key > 32 ? 32 : c->max_key,
							 true, x, y, bs), 0);
			assert_memory_equal(y, cbc + off, bs);
			prev = cbc + off;
		}
	}
}

static void test_fek_wrap(void **state)
{
	uint8_t fekek[64], fek[64], enc[64], out[64], raw[64];
	const struct ecfs_cipher *got;
	unsigned int id;
	size_t n, ks;

	(void)state;
	fill(fekek, sizeof(fekek), 1234);
	for (id = 0; id < ECFS_CID_COUNT; id++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id(id);

		for (ks = c->min_key; ks <= c->max_key; ks += c->key_step) {
			int ws = ecfs_cipher_wrapped_size(c, ks);
			int code = ecfs_cipher_code(c, ks);

			fill(fek, ks, (uint32_t)ks);
			if (ws < 0) {
				assert_int_equal(ecfs_cipher_fek_wrap(c, fekek, fek, ks, enc,
								      sizeof(enc), &n), -EINVAL);
				continue;
			}
			assert_int_equal(ecfs_cipher_fek_wrap(c, fekek, fek, ks, enc, sizeof(enc),
							      &n), 0);
			assert_int_equal(n, (size_t)ws);
			/* Raw ECB with FEKEK[0..ks) must give the FEK (AES-192: + 8 zeros). */
			assert_int_equal(ecfs_cipher_ecb(c, fekek, ks, false, enc, raw, n), 0);
			assert_memory_equal(raw, fek, ks);
			if (n > ks)
				assert_int_equal(raw[ks] | raw[n - 1], 0);
			memset(out, 0, sizeof(out));
			assert_int_equal(ecfs_cipher_fek_unwrap((unsigned int)code, fekek, enc, n,
								out, &n, &got), 0);
			assert_int_equal(n, ks);
			assert_ptr_equal(got, c);
			assert_memory_equal(out, fek, ks);
		}
	}
	/* Output buffer too small, unknown code, impossible lengths. */
	assert_int_equal(ecfs_cipher_fek_wrap(ecfs_cipher_by_name("aes"), fekek, fek, 24, enc, 24,
					      &n), -ENOBUFS);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x05, fekek, enc, 16, out, &n, NULL), -ENOTSUP);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x08, fekek, enc, 24, out, &n, NULL), -EBADMSG);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x07, fekek, enc, 0, out, &n, NULL), -EBADMSG);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x07, fekek, enc, 65, out, &n, NULL), -EBADMSG);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x07, fekek, enc, 24, out, &n, NULL), -EBADMSG);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x04, fekek, enc, 12, out, &n, NULL), -EBADMSG);
	assert_int_equal(ecfs_cipher_fek_unwrap(0x0a, fekek, enc, 24, out, &n, NULL), -EBADMSG);
	/* As the kernel, code 7 with 32 bytes is AES-256 (only code 8 fixes a size). */
	assert_int_equal(ecfs_cipher_fek_unwrap(0x07, fekek, enc, 32, out, &n, NULL), 0);
	assert_int_equal(n, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_kat),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_iv),
		cmocka_unit_test(test_md5x),
		cmocka_unit_test(test_extent_ivs),
		cmocka_unit_test(test_cbc_chaining),
		cmocka_unit_test(test_extent_roundtrip),
		cmocka_unit_test(test_extent_run),
		cmocka_unit_test(test_fek_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
