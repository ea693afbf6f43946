// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the passphrase auth token and its derivation. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_authtok.h"
#include "et_derive.h"
#include "et_opts.h"

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void test_layout(void **state)
{
	uint8_t tok[740], fekek[64], salt[8] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	size_t i;

	for (i = 0; i < sizeof(fekek); i++)
		fekek[i] = (uint8_t)(0xa0 + i);
	memset(tok, 0xee, sizeof(tok));
	assert_int_equal(ecfs_authtok_pass_encode(tok, sizeof(tok), fekek, "253ca7e88811d184", salt), 0);
	/* Offsets from upstream's packed struct (verified sizeof 740). */
	assert_int_equal(rd16(tok + 0), 0x0004);
	assert_int_equal(rd16(tok + 2), 0);		/* PASSWORD */
	assert_int_equal(rd32(tok + 4), 0);
	for (i = 8; i < 628; i++)
		assert_int_equal(tok[i], 0);		/* session key, reserved */
	assert_int_equal(rd32(tok + 628), 0);		/* password_bytes */
	assert_int_equal(rd32(tok + 632), 10);		/* SHA-512 */
	assert_int_equal(rd32(tok + 636), 0);		/* hash_iterations */
	assert_int_equal(rd32(tok + 640), 64);		/* skek bytes */
	assert_int_equal(rd32(tok + 644), 2);		/* SKEK set */
	assert_memory_equal(tok + 648, fekek, 64);
	assert_memory_equal(tok + 712, "253ca7e88811d184", 17);	/* includes NUL */
	assert_memory_equal(tok + 729, salt, 8);
	for (i = 737; i < 740; i++)
		assert_int_equal(tok[i], 0);
}

static void test_build_refuses(void **state)
{
	uint8_t tok[740], fekek[64] = { 0 }, salt[8] = { 0 };

	assert_int_equal(ecfs_authtok_pass_encode(tok, 739, fekek, "253ca7e88811d184", salt), -EINVAL);
	assert_int_equal(ecfs_authtok_pass_encode(tok, 740, fekek, "253ca7e88811d18", salt), -EINVAL);
	assert_int_equal(ecfs_authtok_pass_encode(tok, 740, fekek, "253ca7e88811d1845", salt), -EINVAL);
	assert_int_equal(ecfs_authtok_pass_encode(tok, 740, fekek, "253ca7e88811d18g", salt), -EINVAL);
	assert_int_equal(ecfs_authtok_pass_encode(tok, 740, NULL, "253ca7e88811d184", salt), -EINVAL);
}

static void test_parse(void **state)
{
	uint8_t tok[740], fekek[64] = { 1 }, salt[8] = { 2 };
	char sig[17];

	assert_int_equal(ecfs_authtok_pass_encode(tok, 740, fekek, "0123456789abcdef", salt), 0);
	assert_int_equal(ecfs_authtok_pass_decode(tok, 740, sig), 0);
	assert_string_equal(sig, "0123456789abcdef");
	assert_int_equal(ecfs_authtok_pass_decode(tok, 739, sig), -EINVAL);
	tok[0] = 3;
	assert_int_equal(ecfs_authtok_pass_decode(tok, 740, sig), -EPROTO);
	tok[0] = 4;
	tok[2] = 1;
	assert_int_equal(ecfs_authtok_pass_decode(tok, 740, sig), -EMEDIUMTYPE);
}

/* A key-module token: upstream's layout, and what ecryptfsd reads back. */
static void test_key_token(void **state)
{
	static const uint8_t blob[5] = { 1, 2, 3, 4, 5 };
	const uint8_t *b;
	uint8_t *tok;
	size_t tl, bl;
	char name[17];

	(void)state;
	assert_int_equal(ecfs_authtok_key_encode("openssl", "00112233aabbccdd", blob, 5, &tok,
						 &tl), 0);
	assert_int_equal(tl, 745);
	assert_int_equal(tok[0] | tok[1] << 8, 0x0004);
	assert_int_equal(tok[2], ECFS_TOKEN_PRIVATE_KEY);
	assert_string_equal((char *)tok + 628 + 8, "00112233aabbccdd");
	assert_string_equal((char *)tok + 628 + 25, "openssl");
	assert_memory_equal(tok + 670, blob, 5);
	assert_int_equal(ecfs_authtok_key_decode(tok, tl, "00112233AABBCCDD", name, &b, &bl), 0);
	assert_string_equal(name, "openssl");
	assert_ptr_equal(b, tok + 670);
	assert_int_equal(bl, 5);
	assert_int_equal(ecfs_authtok_key_decode(tok, tl, "00112233aabbccde", name, &b, &bl),
			 -EKEYREJECTED);
	assert_int_equal(ecfs_authtok_pass_decode(tok, 740, name), -EMEDIUMTYPE);
	free(tok);
	/* The kernel looks keys up by lower case; names must be file-name safe. */
	assert_int_equal(ecfs_authtok_key_encode("openssl", "00112233AABBCCDD", blob, 5, &tok,
						 &tl), -EINVAL);
	assert_int_equal(ecfs_authtok_key_encode("../x", "00112233aabbccdd", blob, 5, &tok,
						 &tl), -EINVAL);
	assert_int_equal(ecfs_authtok_key_encode("openssl", "00112233aabbccdd", blob, 4097,
						 &tok, &tl), -E2BIG);
}

static void test_derive_known_sigs(void **state)
{
	struct et_derived d;
	uint8_t salt[8];

	/* Values verified against ecryptfs-utils 111 (upstream's own tests). */
	assert_int_equal(et_hex_to_salt("0011223344556677", salt), 0);
	assert_int_equal(et_derive("foo", 3, salt, 0, &d), 0);
	assert_string_equal(d.sig, "253ca7e88811d184");
	assert_memory_equal(d.salt, salt, 8);
	assert_int_equal(d.fekek[0], 0x3f);
	assert_int_equal(d.fekek[1], 0x0c);
	et_derived_wipe(&d);

	assert_int_equal(et_hex_to_salt("aaaaaaaaaaaaaaaa", salt), 0);
	assert_int_equal(et_derive("a", 1, salt, 0, &d), 0);
	assert_string_equal(d.sig, "c42ec75301dc1674");

	/* FNEK: upstream's ASCII "99887766" salt quirk. */
	assert_int_equal(et_derive("foo", 3, NULL, 1, &d), 0);
	assert_string_equal(d.sig, "6967d0c28476ffa1");
	assert_memory_equal(d.salt, "99887766", 8);
	et_derived_wipe(&d);
}

static void test_derive_lengths(void **state)
{
	char pass[66];
	struct et_derived d;
	uint8_t salt[8] = { 0 };

	memset(pass, 'p', sizeof(pass));
	assert_int_equal(et_derive(pass, 64, salt, 0, &d), 0);
	assert_int_equal(et_derive(pass, 65, salt, 0, &d), -EINVAL);
	assert_int_equal(et_derive(pass, 0, salt, 0, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_key_token),
		cmocka_unit_test(test_derive_known_sigs),
		cmocka_unit_test(test_derive_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
