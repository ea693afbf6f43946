// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_sig.c - the one signature check, hex text and the one cipher
 * table of ecryptfs_proto.h / ecfs_hex.h / ecfs_ciphertab.h.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_ciphertab.h"
#include "ecfs_hex.h"

/* Through a buffer, as the callers hold signatures (never a short literal). */
static int sig_valid(const char *text)
{
	char buf[32] = "";

	strncpy(buf, text, sizeof(buf) - 1);
	return ecfs_sig_valid(buf);
}

static void test_sig_rules(void **state)
{
	(void)state;
	assert_true(sig_valid("253ca7e88811d184"));
	/* The kernel parses either case, so input may use both... */
	assert_true(sig_valid("253CA7E88811D184"));
	assert_true(ecfs_sig_text_ok("253CA7e88811d184", 16, ECFS_SIG_ANY_CASE));
	/* ...but it looks keys up by its own lower-case text. */
	assert_true(ecfs_sig_valid_lower("253ca7e88811d184"));
	assert_false(ecfs_sig_valid_lower("253cA7e88811d184"));
	assert_false(sig_valid("253ca7e88811d18"));
	assert_false(sig_valid("253ca7e88811d1844"));
	assert_false(sig_valid("253ca7e88811d18g"));
	assert_false(sig_valid("253ca7e8 811d184"));
	assert_false(sig_valid(""));
	assert_false(ecfs_sig_valid(NULL));
	/* Not NUL-terminated: exactly 16 digits, no more, no fewer. */
	assert_true(ecfs_sig_text_ok("253ca7e88811d184zz", 16, ECFS_SIG_ANY_CASE));
	assert_false(ecfs_sig_text_ok("253ca7e88811d184", 15, ECFS_SIG_ANY_CASE));
	assert_false(ecfs_sig_text_ok("253ca7e88811d1844", 17, ECFS_SIG_ANY_CASE));
}

static void test_hex(void **state)
{
	static const uint8_t sig[8] = { 0x25, 0x3c, 0xa7, 0xe8, 0x88, 0x11, 0xd1, 0x84 };
	uint8_t out[8];
	char hex[17];

	(void)state;
	ecfs_sig_to_hex(sig, hex);
	assert_string_equal(hex, "253ca7e88811d184");
	assert_int_equal(ecfs_hex_decode("253CA7e88811d184", 16, out, 8), 0);
	assert_memory_equal(out, sig, 8);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d18", 15, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d18g", 16, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode("253ca7e88811d1:4", 16, out, 8), -EINVAL);
	assert_int_equal(ecfs_hex_decode(NULL, 16, out, 8), -EINVAL);
}

static void test_cipher_table(void **state)
{
	static const struct {
		const char *name;
		unsigned int block, code;
	} kernel[] = {
		/* the kernel's code map (keystore.c) and crypto API block sizes */
		{ "aes", 16, 7 }, { "blowfish", 8, 4 }, { "des3_ede", 8, 2 },
		{ "twofish", 16, 10 }, { "cast6", 16, 11 }, { "cast5", 8, 3 },
	};
	unsigned int i, seen = 0;

	(void)state;
	for (i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id((enum ecfs_cipher_id)i);

		/* the order is upstream's menu */
		assert_non_null(c);
		assert_string_equal(c->name, kernel[i].name);
		assert_int_equal(c->block_size, kernel[i].block);
		assert_int_equal(c->code, kernel[i].code);
		assert_int_equal(ecfs_cipher_code_block_size(c->code), kernel[i].block);
		assert_true(ecfs_cipher_helper_key_ok(c, c->menu_key[0]));
		seen |= 1u << c->id;
	}
	assert_int_equal(seen, (1u << ECFS_CID_COUNT) - 1);
	assert_int_equal(ecfs_cipher_code_block_size(8), 16);
	assert_int_equal(ecfs_cipher_code_block_size(9), 16);
	assert_int_equal(ecfs_cipher_code_block_size(1), 0);	/* RSA */
	assert_int_equal(ecfs_cipher_code_block_size(5), 0);
	assert_int_equal(ecfs_cipher_code_block_size(0x0c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sig_rules),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_cipher_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
