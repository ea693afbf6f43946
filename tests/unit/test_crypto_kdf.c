// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for ecfs_kdf: the known values published with ecryptfs-utils'
 * verify-passphrase-sig test and the FNEK quirk, plus an independent
 * recomputation of the KDF with Botan's SHA-512.
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

#include "ecfs_kdf.h"

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	assert_int_equal(ecfs_hex_decode(hex, 2 * n, out, n), 0);
}

struct known {
	const char *pass, *salt, *sig, *fekek;
};

/* ecryptfs-utils tests/userspace/verify-passphrase-sig.sh */
static const struct known known[] = {
	{ "foo", "0011223344556677", "253ca7e88811d184",
	  "3f0cffa9389d2c396ad887c6ec657898e2e9e74cbb3cb1d25d410f58de2aa6b7"
	  "0dd81ccedaf8fad725346d8f751b8fc2c50ad69fba27d1d4fb735f207e76c6e9" },
	{ "a", "aaaaaaaaaaaaaaaa", "c42ec75301dc1674",
	  "27f2ff49bfc520109f2579b36377a29955585cee6e8e5210b474a7ef7e5c4e9c"
	  "f499075ace62d03b78d718d0e311726bb35b6699061f12d0731dd6a3efe9b3f2" },
	{ "ef2fa983a4ecc87b6f48821bd9b36940220345624949e6bf826efd692678d78b",
	  "fa1507f9913d915b", "09582907da54851e",
	  "bdc9089cb08554ac6039c64345a82f49e175c1427104bb1906fed9f3ad703c4f"
	  "3745b2ef9a2f4210b24c973fe17370ae39def8af31d7b3f304d1209ed4313f4d" },
};

static void test_known(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint8_t salt[8], fekek[64], want[64], sig[8];
		char hex[17];

		unhex(known[i].salt, salt, sizeof(salt));
		unhex(known[i].fekek, want, sizeof(want));
		assert_int_equal(ecfs_kdf_passphrase(known[i].pass, strlen(known[i].pass), salt,
						     fekek, sig), 0);
		assert_memory_equal(fekek, want, 64);
		ecfs_sig_to_hex(sig, hex);
		assert_string_equal(hex, known[i].sig);
		assert_int_equal(ecfs_kdf_sig(fekek, sig), 0);
		ecfs_sig_to_hex(sig, hex);
		assert_string_equal(hex, known[i].sig);
	}
}

static void test_fnek(void **state)
{
	uint8_t fekek[64], sig[8], salt[8];
	char hex[17];

	(void)state;
	/* Upstream passes "9988776655443322" unparsed: the salt is ASCII "99887766". */
	assert_memory_equal(ecfs_kdf_fnek_salt, "99887766", 8);
	assert_int_equal(ecfs_kdf_fnek("foo", 3, fekek, sig), 0);
	ecfs_sig_to_hex(sig, hex);
	assert_string_equal(hex, "6967d0c28476ffa1");
	/* With the salt decoded properly the signature would differ. */
	unhex("9988776655443322", salt, sizeof(salt));
	assert_int_equal(ecfs_kdf_passphrase("foo", 3, salt, fekek, sig), 0);
	ecfs_sig_to_hex(sig, hex);
	assert_string_equal(hex, "7a75295725c311e5");
}

/* Independent recomputation: Botan SHA-512, 65536 rounds. */
static void test_independent(void **state)
{
	static const char pass[] = "correct horse battery staple, and then some more words";
	uint8_t salt[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t buf[8 + sizeof(pass)], d[64], fekek[64], sig[8];
	botan_hash_t h;
	unsigned int i;

	(void)state;
	assert_int_equal(botan_hash_init(&h, "SHA-512", 0), 0);
	memcpy(buf, salt, 8);
	memcpy(buf + 8, pass, sizeof(pass) - 1);
	assert_int_equal(botan_hash_update(h, buf, 8 + sizeof(pass) - 1), 0);
	assert_int_equal(botan_hash_final(h, d), 0);
	for (i = 1; i < 65536; i++) {
		assert_int_equal(botan_hash_update(h, d, 64), 0);
		assert_int_equal(botan_hash_final(h, d), 0);
	}
	assert_int_equal(ecfs_kdf_passphrase(pass, sizeof(pass) - 1, salt, fekek, sig), 0);
	assert_memory_equal(fekek, d, 64);
	assert_int_equal(botan_hash_update(h, d, 64), 0);
	assert_int_equal(botan_hash_final(h, d), 0);
	assert_memory_equal(sig, d, 8);
	botan_hash_destroy(h);
}

static void test_limits(void **state)
{
	char pass[66];
	uint8_t fekek[64], sig[8];

	(void)state;
	memset(pass, 'p', sizeof(pass));
	assert_int_equal(ecfs_kdf_passphrase(pass, 64, ecfs_kdf_default_salt, fekek, sig), 0);
	assert_int_equal(ecfs_kdf_passphrase(pass, 65, ecfs_kdf_default_salt, fekek, sig),
			 -EINVAL);
	assert_int_equal(ecfs_kdf_passphrase(pass, 0, ecfs_kdf_default_salt, fekek, sig),
			 -EINVAL);
	assert_int_equal(ecfs_kdf_fekek(NULL, 3, ecfs_kdf_default_salt, fekek), -EINVAL);
	assert_int_equal(ecfs_kdf_fekek(pass, 3, NULL, fekek), -EINVAL);
	assert_int_equal(ecfs_kdf_sig(NULL, sig), -EINVAL);
	/* A failed derivation leaves no key material behind. */
	memset(fekek, 0xa5, sizeof(fekek));
	assert_int_equal(ecfs_kdf_fekek(pass, 65, ecfs_kdf_default_salt, fekek), -EINVAL);
	assert_int_equal(fekek[0] | fekek[63], 0);
}

static void test_hex(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(ecfs_hex_decode("253CA7e88811d184", 16, out, 8), 0);
	assert_int_equal(out[0], 0x25);
	assert_int_equal(out[1], 0x3c);
	assert_int_equal(out[7], 0x84);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d18", 15, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d1844", 17, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d18g", 16, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode("253ca7e8 811d184", 16, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode(NULL, 16, out, 8), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_fnek),
		cmocka_unit_test(test_independent),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
