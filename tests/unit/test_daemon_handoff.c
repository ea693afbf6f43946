// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handoff protocol (keymods/ecfs_handoff.c) and the daemon's socket
 * end (daemon/ecfsd_sock.c): frames built by hand from the documented
 * layout, every error class of the parser, every truncation, and a real
 * round trip over a Unix socket with the peer-credential checks.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "et_handoff.h"
#include "daemon/ecfsd_sock.h"

static size_t frame(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	memcpy(out, "ECHO", 4);
	out[4] = 1;
	out[5] = type;
	out[6] = 0;
	out[7] = 0;
	out[8] = (uint8_t)(n >> 24);
	out[9] = (uint8_t)(n >> 16);
	out[10] = (uint8_t)(n >> 8);
	out[11] = (uint8_t)n;
	if (n)
		memcpy(out + 12, body, n);
	return n + 12;
}

/* sig | 7 "openssl" | be16 5 "BLOB!" | be16 5 "horse" */
static size_t add_body(uint8_t *b)
{
	size_t n = 0;

	memcpy(b, "0123456789ABCdef", 16);
	n = 16;
	b[n++] = 7;
	memcpy(b + n, "openssl", 7);
	n += 7;
	b[n++] = 0;
	b[n++] = 5;
	memcpy(b + n, "BLOB!", 5);
	n += 5;
	b[n++] = 0;
	b[n++] = 5;
	memcpy(b + n, "horse", 5);
	return n + 5;
}

static void test_parse_add(void **state)
{
	uint8_t body[64], f[128], out[128];
	struct ecfs_handoff_msg m;
	size_t n, len, i;

	n = frame(f, ECFS_HANDOFF_ADD, body, add_body(body));
	assert_int_equal(ecfs_handoff_parse(f, n, &m), 0);
	assert_int_equal(m.type, ECFS_HANDOFF_ADD);
	assert_string_equal(m.sig, "0123456789ABCdef");
	assert_string_equal(m.alias, "openssl");
	assert_int_equal(m.blob_len, 5);
	assert_memory_equal(m.blob, "BLOB!", 5);
	assert_int_equal(m.secret_len, 5);
	assert_memory_equal(m.secret, "horse", 5);
	/* One encoding: it comes back byte for byte. */
	assert_int_equal(ecfs_handoff_encode(&m, out, sizeof(out), &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(out, f, n);
	assert_int_equal(ecfs_handoff_encode(&m, out, n - 1, &len), -ENOBUFS);
	/* Every truncation fails, never reads past the end (ASan). */
	for (i = 0; i < n; i++) {
		uint8_t *cut = malloc(i ? i : 1);

		memcpy(cut, f, i);
		assert_int_not_equal(ecfs_handoff_parse(cut, i, &m), 0);
		free(cut);
	}
	/* The header says the whole length, but the body ends early inside. */
	for (i = 0; i < add_body(body); i++) {
		n = frame(f, ECFS_HANDOFF_ADD, body, i);
		assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	}
}

static void test_parse_errors(void **state)
{
	uint8_t body[64], f[128];
	struct ecfs_handoff_msg m;
	size_t n, bn;

	assert_int_equal(ecfs_handoff_parse(NULL, 0, &m), -ENODATA);
	n = frame(f, ECFS_HANDOFF_PING, NULL, 0);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), 0);
	assert_int_equal(m.type, ECFS_HANDOFF_PING);
	assert_int_equal(ecfs_handoff_parse(f, n - 1, &m), -ENODATA);
	f[0] = 'X';
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EPROTO);
	f[0] = 'E';
	f[4] = 2;
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EPROTONOSUPPORT);
	f[4] = 1;
	f[7] = 1;
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EBADMSG);
	f[7] = 0;
	f[5] = 9;
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EOPNOTSUPP);
	f[5] = ECFS_HANDOFF_PING;
	/* Trailing bytes after the frame the header announces. */
	f[n] = 0;
	assert_int_equal(ecfs_handoff_parse(f, n + 1, &m), -EBADMSG);
	/* A body length beyond the limit. */
	f[8] = 0x7f;
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EMSGSIZE);
	/* PING with a body. */
	n = frame(f, ECFS_HANDOFF_PING, (const uint8_t *)"x", 1);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	/* FORGET: non-hex signature. */
	n = frame(f, ECFS_HANDOFF_FORGET, (const uint8_t *)"0123456789abcdeg", 16);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	n = frame(f, ECFS_HANDOFF_FORGET, (const uint8_t *)"0123456789abcdef", 16);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), 0);
	assert_string_equal(m.sig, "0123456789abcdef");
	/* ADD: an alias outside the safe set, zero-length alias, empty blob. */
	bn = add_body(body);
	memcpy(body + 17, "open/sl", 7);
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	bn = add_body(body);
	body[19] = '\0';	/* "op\0nssl": shorter than its length field */
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	bn = add_body(body);
	body[16] = 0;
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	bn = add_body(body);
	body[16] = 17;
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	bn = add_body(body);
	body[25] = 0;
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	/* A secret length past the body, and bytes left over after it. */
	bn = add_body(body);
	body[32] = 6;
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	bn = add_body(body);
	body[32] = 4;
	n = frame(f, ECFS_HANDOFF_ADD, body, bn);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	/* REPLY: a status that is no errno. */
	n = frame(f, ECFS_HANDOFF_REPLY, (const uint8_t *)"\0\0\x10\0", 4);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), -EINVAL);
	n = frame(f, ECFS_HANDOFF_REPLY, (const uint8_t *)"\0\0\0\x0d", 4);
	assert_int_equal(ecfs_handoff_parse(f, n, &m), 0);
	assert_int_equal(m.status, EACCES);
}

static void test_encode_checks(void **state)
{
	struct ecfs_handoff_msg m = { .type = ECFS_HANDOFF_ADD };
	uint8_t out[ECFS_HANDOFF_MAX_FRAME];
	size_t len;

	memcpy(m.sig, "0123456789abcdef", 17);
	strcpy(m.alias, "openssl");
	m.blob = (const uint8_t *)"b";
	m.blob_len = 1;
	m.secret = (const uint8_t *)"s";
	m.secret_len = ECFS_HANDOFF_MAX_SECRET + 1;
	assert_int_equal(ecfs_handoff_encode(&m, out, sizeof(out), &len), -EINVAL);
	m.secret_len = 1;
	strcpy(m.alias, "../x");
	assert_int_equal(ecfs_handoff_encode(&m, out, sizeof(out), &len), -EINVAL);
	strcpy(m.alias, "openssl");
	m.sig[3] = 'z';
	assert_int_equal(ecfs_handoff_encode(&m, out, sizeof(out), &len), -EINVAL);
	m.type = 0x55;
	assert_int_equal(ecfs_handoff_encode(&m, out, sizeof(out), &len), -EOPNOTSUPP);
}

/* ---- the daemon's socket end ---- */

static struct ecfs_handoff_msg seen;
static uint8_t seen_secret[16];
static int handler_ret;

static int handler(const struct ecfs_handoff_msg *m)
{
	seen = *m;
	if (m->secret_len <= sizeof(seen_secret))
		memcpy(seen_secret, m->secret, m->secret_len);
	seen.secret = NULL;
	seen.blob = NULL;
	return handler_ret;
}

static void test_socket_round_trip(void **state)
{
	static const struct ecfsd_sock_ops ops = { .handle = handler };
	struct ecfs_handoff_msg m = { .type = ECFS_HANDOFF_ADD };
	char path[108], err[256];
	struct ecfsd_sock *s = NULL;
	uint32_t status = 99;

	snprintf(path, sizeof(path), "/tmp/ecfs-handoff-%d.sock", (int)getpid());
	/* Something that is not a socket is never replaced. */
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fclose(f);
		assert_int_equal(ecfsd_sock_start(path, &ops, &s, err, sizeof(err)), -EEXIST);
		unlink(path);
	}
	assert_int_equal(ecfsd_sock_start(path, &ops, &s, err, sizeof(err)), 0);
	memcpy(m.sig, "0123456789abcdef", 17);
	strcpy(m.alias, "openssl");
	m.blob = (const uint8_t *)"token";
	m.blob_len = 5;
	m.secret = (const uint8_t *)"horse";
	m.secret_len = 5;
	handler_ret = 0;
	assert_int_equal(et_handoff_call(path, geteuid(), &m, &status, err, sizeof(err)), 0);
	assert_int_equal(status, 0);
	assert_int_equal(seen.type, ECFS_HANDOFF_ADD);
	assert_string_equal(seen.alias, "openssl");
	assert_int_equal(seen.secret_len, 5);
	assert_memory_equal(seen_secret, "horse", 5);
	/* The handler's error comes back as the status. */
	handler_ret = -EKEYREJECTED;
	assert_int_equal(et_handoff_call(path, geteuid(), &m, &status, err, sizeof(err)), 0);
	assert_int_equal(status, EKEYREJECTED);
	/* The helper refuses a daemon of another uid (a socket someone else made). */
	assert_int_equal(et_handoff_call(path, geteuid() + 1, &m, &status, err, sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "refusing"));
	ecfsd_sock_stop(s);
	/* Gone with the daemon. */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(et_handoff_call(path, geteuid(), &m, &status, err, sizeof(err)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_add),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_encode_checks),
		cmocka_unit_test(test_socket_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
