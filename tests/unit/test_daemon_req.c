// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfsd's request path: well-formed tag 64/66 requests get a correct
 * tag 65/67 response; every failure past the frame header gets the error
 * reply for the right tag; malformed frames get nothing; responses never
 * carry bytes beyond what they declare.
 */
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
#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"
#include "daemon_fixture.h"

#define MODDIR	ECFS_TEST_BUILDDIR "/tests/unit/.libs"
#define SIG_OK	"00112233aabbccdd"
#define SIG_FAIL "1111111111111111"
#define SIG_BADK "2222222222222222"
#define SIG_PW	"3333333333333333"
#define SIG_NOMOD "4444444444444444"
#define SIG_VER	"5555555555555555"

struct fx {
	struct df_store s;
	struct ecfsd_backend be;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(df_add_token(&fx->s, SIG_OK, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "fast", 4), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_FAIL, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "fail", 4), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_BADK, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "badk", 4), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_PW, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PASSWORD, "tgood", "", 0), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_NOMOD, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "nosuchmod", "", 0), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_VER, 0x0003,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "fast", 4), 0);
	df_backend(&fx->be, &fx->s, MODDIR);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	/* Every token taken from the store was handed back. */
	assert_int_equal(fx->s.gets, fx->s.puts);
	df_store_free(&fx->s);
	free(fx);
	return 0;
}

/* Decode a response as the kernel would; returns its payload. */
static void check_response(const uint8_t *out, int n, uint32_t seq, uint32_t index,
			   struct ecfs_frame *f)
{
	size_t i;

	assert_true(n > 0);
	assert_int_equal(ecfs_frame_decode(out, (size_t)n, ECFS_FRAME_TO_KERNEL, f), 0);
	assert_int_equal(f->type, ECFS_MSG_RESPONSE);
	assert_int_equal(f->seq, seq);
	assert_int_equal(f->index, index);
	/* Nothing after the frame: the buffer was zeroed, no stale bytes. */
	for (i = (size_t)n; i < ECFSD_REPLY_MAX; i++)
		assert_int_equal(out[i], 0);
}

static void expect_error_reply(struct fx *fx, const uint8_t *req, int rl, uint8_t tag,
			       int status)
{
	uint8_t out[ECFSD_REPLY_MAX];
	struct ecfsd_req_info info;
	struct ecfs_frame f;
	int n;

	memset(out, 0xcc, sizeof(out));
	n = ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info);
	check_response(out, n, 7, 3, &f);
	assert_int_equal(f.data_len, 2);
	assert_int_equal(f.data[0], tag);
	assert_int_equal(f.data[1], ECFS_MSG_STATUS_FAIL);
	if (status)
		assert_int_equal(info.status, status);
	else
		assert_true(info.status < 0);
}

static void test_wrap_then_unwrap(void **state)
{
	struct fx *fx = *state;
	uint8_t req[ECFSD_REQ_BUF], out[ECFSD_REPLY_MAX], fek[32];
	struct ecfsd_req_info info;
	struct ecfs_fek_blob b;
	const uint8_t *enc;
	size_t enc_len, i;
	struct ecfs_frame f;
	int rl, n;

	for (i = 0; i < sizeof(fek); i++)
		fek[i] = (uint8_t)(0x80 + i);
	rl = df_req66(req, sizeof(req), 7, 3, SIG_OK, 0x09, fek, sizeof(fek));
	assert_true(rl > 0);
	n = ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info);
	check_response(out, n, 7, 3, &f);
	assert_int_equal(info.status, 0);
	assert_int_equal(info.tag, ECFS_TAG_66);
	assert_string_equal(info.sig, SIG_OK);
	assert_true(ecfs_tag67_decode(f.data, f.data_len, &enc, &enc_len) > 0);
	/* K = 09 || FEK || be16 sum, XORed by the test module. */
	assert_int_equal(enc_len, 1 + sizeof(fek) + 2);
	assert_int_equal(enc[0], 0x09 ^ 0x5a);

	/* Feed the wrapped key back as the kernel would on open(). */
	rl = df_req64(req, sizeof(req), 8, 31, SIG_OK, enc, enc_len);
	assert_true(rl > 0);
	n = ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info);
	check_response(out, n, 8, 31, &f);
	assert_int_equal(info.status, 0);
	assert_true(ecfs_tag65_decode(f.data, f.data_len, &b) > 0);
	assert_int_equal(b.cipher_code, 0x09);
	assert_int_equal(b.fek_len, sizeof(fek));
	assert_memory_equal(b.fek, fek, sizeof(fek));
}

static void test_error_replies(void **state)
{
	struct fx *fx = *state;
	uint8_t req[ECFSD_REQ_BUF], enc[19], fek[16] = { 1 };
	int rl;

	memset(enc, 0x5a, sizeof(enc));
	enc[0] = 0x07 ^ 0x5a;
	/* No such key in the keyring. */
	rl = df_req64(req, sizeof(req), 7, 3, "ffffffffffffffff", enc, sizeof(enc));
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -ENOKEY);
	rl = df_req66(req, sizeof(req), 7, 3, "ffffffffffffffff", 7, fek, 16);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, -ENOKEY);
	/* The module fails. */
	rl = df_req64(req, sizeof(req), 7, 3, SIG_FAIL, enc, sizeof(enc));
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EBADMSG);
	rl = df_req66(req, sizeof(req), 7, 3, SIG_FAIL, 7, fek, 16);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, -EIO);
	/* The module returns a K whose checksum is wrong. */
	rl = df_req64(req, sizeof(req), 7, 3, SIG_BADK, enc, sizeof(enc));
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EBADMSG);
	/* K with an unknown cipher code. */
	enc[0] = 0x01 ^ 0x5a;
	rl = df_req64(req, sizeof(req), 7, 3, SIG_OK, enc, sizeof(enc));
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EBADMSG);
	/* A passphrase token is not for the daemon. */
	rl = df_req64(req, sizeof(req), 7, 3, SIG_PW, enc, sizeof(enc));
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EMEDIUMTYPE);
	/* Token names a module that does not exist. */
	rl = df_req66(req, sizeof(req), 7, 3, SIG_NOMOD, 7, fek, 16);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, -ENOENT);
	/* Token of another struct version. */
	rl = df_req66(req, sizeof(req), 7, 3, SIG_VER, 7, fek, 16);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, -EPROTO);
}

static void test_malformed_payloads(void **state)
{
	struct fx *fx = *state;
	uint8_t req[ECFSD_REQ_BUF], p[600];
	int rl;

	/* Unknown tag: still answered, so the waiter fails at once. */
	p[0] = 0x41;
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 1);
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EPROTO);
	/* Empty message. */
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 0);
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EPROTO);
	/* Tag 64 cut inside the signature. */
	memcpy(p, "\x40\x10" "0011223", 9);
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 9);
	expect_error_reply(fx, req, rl, ECFS_TAG_65, 0);
	/* Tag 64 with a non-hex signature. */
	memcpy(p, "\x40\x10" "00112233aabbccZZ" "\x01\x00", 20);
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 20);
	expect_error_reply(fx, req, rl, ECFS_TAG_65, -EILSEQ);
	/* Tag 64 whose key length runs past the message. */
	memcpy(p, "\x40\x10" SIG_OK "\x40\x01\x02", 21);
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 21);
	expect_error_reply(fx, req, rl, ECFS_TAG_65, 0);
	/* Tag 66 with a wrong FEK checksum. */
	memcpy(p, "\x42\x10" SIG_OK "\x05\x07\x01\x02\x00\x04", 24);
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 24);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, -EKEYREJECTED);
	/* Tag 66 with a 65-byte FEK (over the kernel's 64). */
	memset(p, 0, sizeof(p));
	memcpy(p, "\x42\x10" SIG_OK "\x44\x07", 20);
	rl = df_req_raw(req, sizeof(req), 7, 3, p, 20 + 67);
	expect_error_reply(fx, req, rl, ECFS_TAG_67, 0);
}

static void test_malformed_frames(void **state)
{
	struct fx *fx = *state;
	uint8_t req[ECFSD_REQ_BUF], out[ECFSD_REPLY_MAX], enc[19] = { 0 };
	struct ecfsd_req_info info;
	size_t i;
	int rl;

	rl = df_req64(req, sizeof(req), 7, 3, SIG_OK, enc, sizeof(enc));
	assert_true(rl > 0);
	/* Every truncation of a good frame is dropped, never read past. */
	for (i = 0; i < (size_t)rl; i++) {
		uint8_t *cut = malloc(i ? i : 1);

		memcpy(cut, req, i);
		assert_true(ecfsd_handle(&fx->be, cut, i, out, sizeof(out), &info) < 0);
		free(cut);
	}
	/* A trailing byte after the declared end. */
	req[rl] = 0;
	assert_int_equal(ecfsd_handle(&fx->be, req, (size_t)rl + 1, out, sizeof(out), &info),
			 -EBADMSG);
	/* Not a REQUEST. */
	req[0] = ECFS_MSG_RESPONSE;
	assert_int_equal(ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info), -EPROTO);
	req[0] = ECFS_MSG_HELO;
	assert_true(ecfsd_handle(&fx->be, req, 5, out, sizeof(out), &info) < 0);
	req[0] = 0x77;
	assert_int_equal(ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info), -EPROTO);
	req[0] = ECFS_MSG_REQUEST;
	/* data_len disagreeing with the length code. */
	req[5 + 1 + 4] ^= 1;
	assert_int_equal(ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info),
			 -EBADMSG);
	req[5 + 1 + 4] ^= 1;
	/* The 5-byte length form the kernel never writes. */
	req[5] = 0xff;
	assert_true(ecfsd_handle(&fx->be, req, (size_t)rl, out, sizeof(out), &info) < 0);
	/* Too small an output buffer is refused up front. */
	assert_int_equal(ecfsd_handle(&fx->be, req, (size_t)rl, out, 100, &info), -ENOBUFS);
	/* The error-reply helper follows the same rules. */
	assert_true(ecfsd_error_reply(req, 3, out, sizeof(out)) < 0);
}

static void test_token_parse(void **state)
{
	uint8_t tok[ECFS_AUTH_TOK_SIZE + 8];
	struct ecryptfs_auth_tok *at = (struct ecryptfs_auth_tok *)tok;
	char alias[17];
	const uint8_t *blob;
	size_t bl;
	uint32_t dl;

	memset(tok, 0, sizeof(tok));
	at->version = ECFS_AUTH_TOK_VERSION;
	at->token_type = ECFS_TOKEN_PRIVATE_KEY;
	memcpy(at->token.private_key.signature, SIG_OK, 16);
	memcpy(at->token.private_key.pki_type, "openssl", 8);
	dl = 8;
	memcpy(&at->token.private_key.data_len, &dl, 4);
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), SIG_OK, alias, &blob, &bl), 0);
	assert_string_equal(alias, "openssl");
	assert_int_equal(bl, 8);
	assert_ptr_equal(blob, tok + 670);
	/* The kernel's sig is lower case; a token in upper case still matches. */
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), "00112233AABBCCDD", alias, &blob,
					   &bl), 0);
	/* data_len beyond the payload. */
	dl = 8 + 70 + 1;
	memcpy(&at->token.private_key.data_len, &dl, 4);
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), SIG_OK, alias, &blob, &bl), -EBADMSG);
	dl = 0xffffffff;
	memcpy(&at->token.private_key.data_len, &dl, 4);
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), SIG_OK, alias, &blob, &bl), -EBADMSG);
	dl = 0;
	memcpy(&at->token.private_key.data_len, &dl, 4);
	/* Short payload. */
	assert_int_equal(ecfs_authtok_key_decode(tok, 739, SIG_OK, alias, &blob, &bl), -EBADMSG);
	/* Another key's token under this description. */
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), "00112233aabbccde", alias, &blob,
					   &bl), -EKEYREJECTED);
	/* Alias with a path in it, or without its NUL. */
	memcpy(at->token.private_key.pki_type, "../evil", 8);
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), SIG_OK, alias, &blob, &bl), -EBADMSG);
	memset(at->token.private_key.pki_type, 'a', 17);
	assert_int_equal(ecfs_authtok_key_decode(tok, sizeof(tok), SIG_OK, alias, &blob, &bl), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wrap_then_unwrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_payloads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_frames, setup, teardown),
		cmocka_unit_test(test_token_parse),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	df_unload_modules();
	return r;
}
