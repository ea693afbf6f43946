// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for ecfs_fname: filename encryption round trips for every
 * cipher, the 143-byte limit, the packet layout checked by an independent
 * decoder (own base64, raw ECB, prefix recomputed with Botan's MD5), the
 * error paths, and the long-name codec (ours only).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <botan/ffi.h>

#include "ecfs_b64.h"
#include "ecfs_cipher.h"
#include "ecfs_fname.h"
#include "ecfs_kdf.h"

static uint8_t fnek_foo[64];
static uint8_t fnek_bar[64];

static int setup(void **state)
{
	uint8_t sig[8];
	char hex[17];

	(void)state;
	if (ecfs_kdf_fnek("foo", 3, fnek_foo, sig))
		return -1;
	ecfs_sig_to_hex(sig, hex);
	/* The upstream FNEK signature of "foo" (ASCII salt quirk). */
	if (strcmp(hex, "6967d0c28476ffa1") != 0)
		return -1;
	return ecfs_kdf_fnek("bar", 3, fnek_bar, sig);
}

static void make_name(char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		/* Any byte but NUL and '/', including UTF-8-ish high bytes. */
		buf[i] = (char)(0x20 + (seed >> 16) % 0xdf);
		if (buf[i] == '/')
			buf[i] = '_';
	}
	buf[len] = '\0';
	if (len <= 2 && buf[0] == '.')
		buf[0] = 'x';
}

struct cfg {
	const char *cipher;
	size_t key_bytes;
};

static const struct cfg cfgs[] = {
	{ "aes", 16 }, { "aes", 24 }, { "aes", 32 },
	{ "blowfish", 5 }, { "blowfish", 16 }, { "blowfish", 56 },
	{ "des3_ede", 24 },
	{ "cast5", 5 }, { "cast5", 16 },
	{ "twofish", 16 }, { "twofish", 24 }, { "twofish", 32 },
	{ "cast6", 16 }, { "cast6", 20 }, { "cast6", 32 },
};

static void test_roundtrip(void **state)
{
	static const size_t lens[] = { 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 100, 142, 143 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct ecfs_fname_key key;

		assert_int_equal(ecfs_fname_key_init(&key, ecfs_cipher_by_name(cfgs[i].cipher),
						     cfgs[i].key_bytes, fnek_foo), 0);
		for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			char name[256], lower[256], again[256], back[256];
			size_t ll, l2, bl;

			make_name(name, lens[j], (unsigned int)(i * 100 + j));
			assert_int_equal(ecfs_fname_encrypt(&key, name, lens[j], lower,
							    sizeof(lower), &ll), 0);
			assert_true(ll <= 255);
			assert_int_equal(strlen(lower), ll);
			assert_memory_equal(lower, "ECRYPTFS_FNEK_ENCRYPTED.F", 25);
			/* Deterministic: the prefix is derived from the key. */
			assert_int_equal(ecfs_fname_encrypt(&key, name, lens[j], again,
							    sizeof(again), &l2), 0);
			assert_string_equal(again, lower);
			assert_int_equal(ecfs_fname_decrypt(&key, lower, ll, ECFS_FNAME_VERIFY,
							    back, sizeof(back), &bl), 0);
			assert_int_equal(bl, lens[j]);
			assert_string_equal(back, name);
		}
		ecfs_fname_key_wipe(&key);
	}
}

/* 143 bytes fit in NAME_MAX for 8- and 16-byte blocks; 144 never do. */
static void test_limit(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct ecfs_fname_key key;
		char name[300], lower[300];
		size_t ll = 0;

		assert_int_equal(ecfs_fname_key_init(&key, ecfs_cipher_by_name(cfgs[i].cipher),
						     cfgs[i].key_bytes, fnek_foo), 0);
		memset(name, 'n', sizeof(name));
		assert_int_equal(ecfs_fname_encrypt(&key, name, ECFS_FNEK_MAX_NAME_LEN, lower,
						    sizeof(lower), &ll), 0);
		assert_true(ll <= ECFS_LOWER_NAME_MAX);
		assert_int_equal(ecfs_fname_encrypt(&key, name, ECFS_FNEK_MAX_NAME_LEN + 1,
						    lower, sizeof(lower), &ll), -ENAMETOOLONG);
		assert_int_equal(ecfs_fname_encrypt(&key, name, 299, lower, sizeof(lower), &ll),
				 -ENAMETOOLONG);
		/* A 143-byte name needs 252 chars plus the NUL. */
		assert_int_equal(ecfs_fname_encrypt(&key, name, ECFS_FNEK_MAX_NAME_LEN, lower,
						    252, &ll), -ENOBUFS);
	}
}

/* Independent decoder for the filename base64. */
static size_t test_b64_decode(const char *in, size_t n, uint8_t *out)
{
	static const char alpha[] =
		"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned int acc = 0, bits = 0;
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		const char *p = strchr(alpha, in[i]);

		assert_non_null(p);
		acc = (acc << 6) | (unsigned int)(p - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return o;
}

static void botan_md5(const uint8_t *in, size_t len, uint8_t out[16])
{
	botan_hash_t h;

	assert_int_equal(botan_hash_init(&h, "MD5", 0), 0);
	assert_int_equal(botan_hash_update(h, in, len), 0);
	assert_int_equal(botan_hash_final(h, out), 0);
	botan_hash_destroy(h);
}

static void check_layout(const char *cipher, size_t ks, const char *name)
{
	const struct ecfs_cipher *c = ecfs_cipher_by_name(cipher);
	struct ecfs_fname_key key;
	uint8_t pkt[256], plain[256], hash[16];
	char lower[256];
	size_t ll, n, body, ct_len, pre, i, len = strlen(name);

	assert_int_equal(ecfs_fname_key_init(&key, c, ks, fnek_foo), 0);
	assert_int_equal(ecfs_fname_encrypt(&key, name, len, lower, sizeof(lower), &ll), 0);
	n = test_b64_decode(lower + 24, ll - 24, pkt);
	assert_int_equal(pkt[0], 0x46);
	body = pkt[1];			/* always one length byte for names <= 143 */
	assert_true(body < 192);
	assert_true(2 + body <= n);
	assert_true(n - (2 + body) <= 2);	/* only base64 zero padding follows */
	for (i = 2 + body; i < n; i++)
		assert_int_equal(pkt[i], 0);
	assert_memory_equal(pkt + 2, key.sig, 8);
	assert_int_equal(pkt[10], ecfs_cipher_code(c, ks));
	ct_len = body - 9;
	assert_int_equal(ct_len % c->block_size, 0);
	/* Smallest prefix >= 16 (+ separator) making the total block aligned. */
	pre = ct_len - len - 1;
	assert_true(pre >= 16 && pre < 16 + c->block_size);
	assert_int_equal(ecfs_cipher_ecb(c, fnek_foo, ks, false, pkt + 11, plain, ct_len), 0);
	botan_md5(fnek_foo, 64, hash);
	for (i = 0; i < pre; i++) {
		uint8_t want = hash[i % 16] ? hash[i % 16] : 0x42;

		assert_int_equal(plain[i], want);
		if (i % 16 == 15)
			botan_md5(hash, 16, hash);
	}
	assert_int_equal(plain[pre], 0);
	assert_memory_equal(plain + pre + 1, name, len);
	ecfs_fname_key_wipe(&key);
}

static void test_layout(void **state)
{
	char long_name[144];

	(void)state;
	memset(long_name, 'L', 143);
	long_name[143] = '\0';
	check_layout("aes", 16, "a");
	check_layout("aes", 32, "hello.txt");
	check_layout("blowfish", 16, "exactly-16-bytes");
	check_layout("twofish", 24, "Documents");
	check_layout("cast5", 16, long_name);
	check_layout("aes", 16, long_name);
}

static void test_errors(void **state)
{
	struct ecfs_fname_key key, other, wrongsize, guess;
	char lower[256], out[256], bad[256];
	uint8_t sig[8];
	unsigned int code = 0;
	size_t ll, ol;

	(void)state;
	assert_int_equal(ecfs_fname_key_init(&key, ecfs_cipher_by_name("blowfish"), 16,
					     fnek_foo), 0);
	assert_int_equal(ecfs_fname_key_init(&other, ecfs_cipher_by_name("blowfish"), 16,
					     fnek_bar), 0);
	assert_int_equal(ecfs_fname_key_init(&wrongsize, ecfs_cipher_by_name("blowfish"), 24,
					     fnek_foo), 0);
	assert_int_equal(ecfs_fname_key_init(&guess, ecfs_cipher_by_name("blowfish"), 0,
					     fnek_foo), 0);
	assert_int_equal(ecfs_fname_key_init(&guess, ecfs_cipher_by_name("aes"), 20, fnek_foo),
			 -EINVAL);
	assert_int_equal(ecfs_fname_key_init(&guess, ecfs_cipher_by_name("blowfish"), 0,
					     fnek_foo), 0);

	assert_int_equal(ecfs_fname_encrypt(&key, "secret.doc", 10, lower, sizeof(lower), &ll), 0);
	/* Bad plaintext names. */
	assert_int_equal(ecfs_fname_encrypt(&key, "", 0, out, sizeof(out), &ol), -EINVAL);
	assert_int_equal(ecfs_fname_encrypt(&key, ".", 1, out, sizeof(out), &ol), -EINVAL);
	assert_int_equal(ecfs_fname_encrypt(&key, "..", 2, out, sizeof(out), &ol), -EINVAL);
	assert_int_equal(ecfs_fname_encrypt(&key, "a/b", 3, out, sizeof(out), &ol), -EINVAL);
	assert_int_equal(ecfs_fname_encrypt(&key, "a\0b", 3, out, sizeof(out), &ol), -EINVAL);
	/* A key without a size cannot encrypt. */
	assert_int_equal(ecfs_fname_encrypt(&guess, "x", 1, out, sizeof(out), &ol), -EINVAL);

	/* Peek without the key. */
	assert_int_equal(ecfs_fname_peek(lower, ll, sig, &code), 0);
	assert_memory_equal(sig, key.sig, 8);
	assert_int_equal(code, 0x04);

	/* Plain names and a bare prefix are not encrypted names. */
	assert_int_equal(ecfs_fname_decrypt(&key, "plain.txt", 9, 0, out, sizeof(out), &ol),
			 -ENOENT);
	assert_int_equal(ecfs_fname_decrypt(&key, lower, 24, 0, out, sizeof(out), &ol), -ENOENT);
	/* Another FNEK: refused by signature. */
	assert_int_equal(ecfs_fname_decrypt(&other, lower, ll, 0, out, sizeof(out), &ol),
			 -EKEYREJECTED);
	/* Right FNEK, wrong key length: the prefix check catches it. */
	assert_int_equal(ecfs_fname_decrypt(&wrongsize, lower, ll, ECFS_FNAME_VERIFY, out,
					    sizeof(out), &ol), -EKEYREJECTED);
	/* No key length given: found by trying. */
	assert_int_equal(ecfs_fname_decrypt(&guess, lower, ll, 0, out, sizeof(out), &ol), 0);
	assert_string_equal(out, "secret.doc");
	/* Output buffer too small. */
	assert_int_equal(ecfs_fname_decrypt(&key, lower, ll, 0, out, 10, &ol), -ENOBUFS);
	/* Character outside the alphabet. */
	memcpy(bad, lower, ll + 1);
	bad[30] = '+';
	assert_int_equal(ecfs_fname_decrypt(&key, bad, ll, 0, out, sizeof(out), &ol), -EILSEQ);
	/* Truncated: the packet no longer fits. */
	assert_true(ecfs_fname_decrypt(&key, lower, ll - 8, 0, out, sizeof(out), &ol) < 0);
	/* Wrong tag byte ('F' encodes the top of 0x46). */
	memcpy(bad, lower, ll + 1);
	bad[24] = 'G';
	assert_int_equal(ecfs_fname_decrypt(&key, bad, ll, 0, out, sizeof(out), &ol), -EPROTO);
	/* A corrupted ciphertext block: garbage prefix, refused when verifying. */
	memcpy(bad, lower, ll + 1);
	bad[40] = bad[40] == 'A' ? 'B' : 'A';
	assert_int_equal(ecfs_fname_decrypt(&key, bad, ll, ECFS_FNAME_VERIFY, out, sizeof(out),
					    &ol), -EKEYREJECTED);
	/* Names no kernel could have encrypted are refused after decryption. */
	{
		static const char *const evil[] = { "a/b", "..", ".", "x\0y" };
		size_t e;

		for (e = 0; e < sizeof(evil) / sizeof(evil[0]); e++) {
			size_t nlen = e == 3 ? 3 : strlen(evil[e]);
			uint8_t plain[32], ct[32];
			struct ecfs_tag70 t;
			int n;

			memset(plain, 'P', sizeof(plain));
			plain[sizeof(plain) - nlen - 1] = 0;
			memcpy(plain + sizeof(plain) - nlen, evil[e], nlen);
			assert_int_equal(ecfs_cipher_ecb(key.cipher, key.fnek, 16, true, plain, ct,
							 sizeof(ct)), 0);
			memcpy(t.fnek_sig, key.sig, 8);
			t.cipher_code = 0x04;
			t.ct = ct;
			t.ct_len = sizeof(ct);
			n = ecfs_fnek_name_encode(bad, sizeof(bad), &t);
			assert_true(n > 24);
			assert_int_equal(ecfs_fname_decrypt(&key, bad, (size_t)n, 0, out, sizeof(out),
							    &ol), -EBADMSG);
		}
	}
	ecfs_fname_key_wipe(&key);
	ecfs_fname_key_wipe(&other);
	ecfs_fname_key_wipe(&wrongsize);
	ecfs_fname_key_wipe(&guess);
}

/*
 * Long names (ours only): the lower name is a fixed prefix and the SHA-256
 * digest of the record; the expected digest was computed by an independent
 * implementation (Python hashlib and its own base64 in the ecfs alphabet).
 */
static void make_record(char *rec, size_t len)
{
	static const char alphabet[] = ECFS_B64_ALPHABET;
	size_t i;

	memcpy(rec, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN);
	for (i = 0; i < len - ECFS_FNEK_PREFIX_LEN; i++)
		rec[ECFS_FNEK_PREFIX_LEN + i] = alphabet[(i * 7) % 64];
	rec[len] = '\0';
}

static void test_lname(void **state)
{
	static const char want[] =
		ECFS_LN_PREFIX "A9OSKQbwX7AwqY1YDsnHTNpRTJcEjpBF0K1.cmOo";
	char rec[ECFS_LN_VALUE_MAX + 1], lower[ECFS_LN_LOWER_MAX + 1];
	char xname[ECFS_LN_XATTR_NAME_MAX + 1], bad[ECFS_LN_LOWER_MAX + 1];
	size_t ll = 0;
	unsigned int slot;

	(void)state;
	make_record(rec, 324);
	assert_int_equal(ecfs_lname_make(rec, 324, 0, lower, sizeof(lower), &ll), 0);
	assert_string_equal(lower, want);
	assert_int_equal(ll, strlen(want));
	assert_int_equal(ecfs_lname_slot(lower, ll), 0);
	assert_int_equal(ecfs_lname_check(lower, ll, rec, 324), 0);
	assert_int_equal(ecfs_lname_xattr(lower, ll, xname, sizeof(xname)), 0);
	assert_string_equal(xname, ECFS_LN_XATTR_PREFIX "A9OSKQbwX7AwqY1YDsnHTNpRTJcEjpBF0K1.cmOo");

	for (slot = 1; slot < ECFS_LN_SLOTS; slot++) {
		assert_int_equal(ecfs_lname_make(rec, 324, slot, lower, sizeof(lower), &ll), 0);
		assert_int_equal(ll, strlen(want) + 2);
		assert_int_equal(lower[ll - 2], '.');
		assert_int_equal(ecfs_lname_slot(lower, ll), (int)slot);
		assert_int_equal(ecfs_lname_check(lower, ll, rec, 324), 0);
		assert_int_equal(ecfs_lname_xattr(lower, ll, xname, sizeof(xname)), 0);
		assert_int_equal(strlen(xname), ECFS_LN_XATTR_PREFIX_LEN + ll - ECFS_LN_PREFIX_LEN);
	}
	assert_int_equal(ll, ECFS_LN_LOWER_MAX);
	assert_true(strlen(xname) == ECFS_LN_XATTR_NAME_MAX);

	/* A record of another name, or altered, does not belong here. */
	rec[100] = rec[100] == 'A' ? 'B' : 'A';
	assert_int_equal(ecfs_lname_check(want, strlen(want), rec, 324), -EBADMSG);
	make_record(rec, 324);
	/* Records are long upstream-style names only. */
	make_record(rec, ECFS_LOWER_NAME_MAX);
	assert_int_equal(ecfs_lname_make(rec, ECFS_LOWER_NAME_MAX, 0, lower, sizeof(lower), &ll),
			 -EINVAL);
	assert_int_equal(ecfs_lname_check(want, strlen(want), rec, ECFS_LOWER_NAME_MAX), -EBADMSG);
	make_record(rec, 324);
	rec[0] = 'X';
	assert_int_equal(ecfs_lname_make(rec, 324, 0, lower, sizeof(lower), &ll), -EINVAL);
	make_record(rec, 324);
	assert_int_equal(ecfs_lname_make(rec, 324, ECFS_LN_SLOTS, lower, sizeof(lower), &ll),
			 -EINVAL);
	assert_int_equal(ecfs_lname_make(rec, 324, 1, lower, ECFS_LN_LOWER_MAX, &ll), -ENOBUFS);

	/* Lower names: not ours, or ours but malformed. */
	assert_int_equal(ecfs_lname_slot("ECRYPTFS_FNEK_ENCRYPTED.abc", 27), -ENOENT);
	assert_int_equal(ecfs_lname_slot(ECFS_LN_PREFIX, ECFS_LN_PREFIX_LEN), -ENOENT);
	assert_int_equal(ecfs_lname_slot(want, strlen(want) - 1), -EINVAL);
	snprintf(bad, sizeof(bad), "%s.0", want);
	assert_int_equal(ecfs_lname_slot(bad, strlen(bad)), -EINVAL);
	snprintf(bad, sizeof(bad), "%s.%d", want, ECFS_LN_SLOTS);
	assert_int_equal(ecfs_lname_slot(bad, strlen(bad)), -EINVAL);
	snprintf(bad, sizeof(bad), "%s", want);
	bad[ECFS_LN_PREFIX_LEN + 3] = '/';
	assert_int_equal(ecfs_lname_slot(bad, strlen(bad)), -EINVAL);
	assert_int_equal(ecfs_lname_check(bad, strlen(bad), rec, 324), -EINVAL);
	assert_int_equal(ecfs_lname_xattr(bad, strlen(bad), xname, sizeof(xname)), -EINVAL);
	assert_int_equal(ecfs_lname_xattr(want, strlen(want), xname, ECFS_LN_XATTR_NAME_MAX - 2),
			 -ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lname),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
