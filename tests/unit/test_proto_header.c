// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_header.c - checks proto/ecryptfs_proto.h from user space.
 *
 * The header pins its layout with compile-time asserts; this test also
 * checks the layout at run time by writing fields through the structs and
 * looking at the raw bytes, which is what the kernel sees in a keyring
 * payload or a lower file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecryptfs_proto.h"

static void test_auth_tok_layout(void **state)
{
	struct ecryptfs_auth_tok tok;
	const unsigned char *raw = (const unsigned char *)&tok;
	uint32_t v32;
	uint16_t v16;

	(void)state;
	assert_int_equal(sizeof(tok), 740);
	memset(&tok, 0, sizeof(tok));
	tok.version = ECFS_AUTH_TOK_VERSION;
	tok.token_type = ECFS_TOKEN_PASSWORD;
	tok.session_key.encrypted_key_size = 0x11223344;
	tok.session_key.decrypted_key[63] = 0xa5;
	tok.token.password.session_key_encryption_key_bytes = 64;
	tok.token.password.session_key_encryption_key[0] = 0x5a;
	tok.token.password.signature[0] = '2';
	tok.token.password.salt[7] = 0x77;

	memcpy(&v16, raw + 0, 2);
	assert_int_equal(v16, 0x0004);
	memcpy(&v32, raw + 8 + 4, 4);
	assert_int_equal(v32, 0x11223344);
	assert_int_equal(raw[8 + 524 + 63], 0xa5);
	memcpy(&v32, raw + 628 + 12, 4);
	assert_int_equal(v32, 64);
	assert_int_equal(raw[628 + 20], 0x5a);
	assert_int_equal(raw[628 + 84], '2');
	assert_int_equal(raw[628 + 101 + 7], 0x77);

	memset(&tok, 0, sizeof(tok));
	tok.token.private_key.data_len = 7;
	tok.token.private_key.pki_type[0] = 'o';
	memcpy(&v32, raw + 628 + 4, 4);
	assert_int_equal(v32, 7);
	assert_int_equal(raw[628 + 25], 'o');
	assert_int_equal(offsetof(struct ecryptfs_auth_tok, token.private_key.data), 670);
}

static void test_file_header_layout(void **state)
{
	struct ecfs_file_header h;
	const unsigned char *raw = (const unsigned char *)&h;

	(void)state;
	assert_int_equal(sizeof(h), 26);
	memset(&h, 0, sizeof(h));
	h.num_extents = 0xffff;
	assert_int_equal(raw[24], 0xff);
	assert_int_equal(raw[25], 0xff);
	assert_int_equal(raw[23], 0);
	h.flags = 0xffffffff;
	assert_int_equal(raw[ECFS_HDR_OFF_VERSION], 0xff);
	assert_int_equal(raw[ECFS_HDR_OFF_FLAG_BYTE], 0xff);
	assert_int_equal(raw[15], 0);
	assert_int_equal(raw[20], 0);
}

static void test_constants(void **state)
{
	(void)state;
	assert_int_equal(ECFS_MSG_MAX_WRITE_SIZE, 531);
	assert_int_equal(ECFS_PKT_LEN_MAX, 8383);
	assert_int_equal(ECFS_MARKER_MAGIC, 0x3c81b7f5);
	assert_int_equal(ECFS_VERSIONING_MASK_MESSAGING, 375);
	assert_int_equal(ECFS_VERSIONING_MASK_BASE, 309);
	assert_int_equal(ECFS_TAG_3, 0x8c);
	assert_int_equal(ECFS_TAG_11, 0xed);
	assert_int_equal(ECFS_TAG_70, 0x46);
	assert_string_equal(ECFS_XATTR_NAME, "user.ecryptfs");
	assert_int_equal(strlen(ECFS_FNEK_PREFIX), 24);
	assert_int_equal(ECFS_B64_ALPHABET[0], '-');
	assert_int_equal(ECFS_B64_ALPHABET[63], 'z');
	assert_int_equal(ECFS_CIPHER_TWOFISH, 10);
	assert_int_equal(ECFS_CIPHER_CAST6, 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_tok_layout),
		cmocka_unit_test(test_file_header_layout),
		cmocka_unit_test(test_constants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
