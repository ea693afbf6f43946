// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tspi key module without a TPM: its byte formats (UUIDs as upstream
 * reads them, upstream's key signature, sealed-blob and key-record checks)
 * and its helper process, played by tests/unit/kt_fake_helper (KT_FAKE
 * says how it misbehaves): a garbage key is refused, a crashing or hung
 * helper costs one request with a clear error, within the timeout, and
 * leaves no process behind.  The TPM itself is exercised by the VM case
 * tpm-swtpm.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "keymods/ecfs_keymod.h"
#include "keymod_tspi.h"
#include "kt_format.h"

#define UUID_HEX "0123456789abcdefFEDCBA9876543210"

static const uint8_t uuid_bytes[16] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
};

/* An AES-128 record: code 7, 16 key bytes, be16 sum. */
static size_t make_record(uint8_t *k)
{
	unsigned int sum = 0, i;

	k[0] = 0x07;
	for (i = 0; i < 16; i++) {
		k[1 + i] = (uint8_t)(0xa0 + i * 3);
		sum += k[1 + i];
	}
	k[17] = (uint8_t)(sum >> 8);
	k[18] = (uint8_t)sum;
	return 19;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000L + (t.tv_nsec - t0->tv_nsec) / 1000000L;
}

static void test_uuid(void **state)
{
	uint8_t u[16];
	char hex[33];

	(void)state;
	/* Upstream reads 8-digit groups as big-endian words: the bytes in order. */
	assert_int_equal(kt_uuid_parse(UUID_HEX, u), 0);
	assert_memory_equal(u, uuid_bytes, 16);
	kt_uuid_format(u, hex);
	assert_string_equal(hex, "0123456789abcdeffedcba9876543210");
	assert_int_equal(kt_uuid_parse("0123456789abcdef0123456789abcde", u), -EINVAL);
	assert_int_equal(kt_uuid_parse("0123456789abcdef0123456789abcdef0", u), -EINVAL);
	assert_int_equal(kt_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", u), -EINVAL);
	assert_int_equal(kt_uuid_parse("0123456789abcdef0123456789abcdeg", u), -EINVAL);
	assert_int_equal(kt_uuid_parse("", u), -EINVAL);
	assert_int_equal(kt_uuid_parse(NULL, u), -EINVAL);
	assert_int_equal(kt_blob_parse(uuid_bytes, 16, u), 0);
	assert_int_equal(kt_blob_parse(uuid_bytes, 15, u), -EBADMSG);
	assert_int_equal(kt_blob_parse(uuid_bytes, 17, u), -EBADMSG);
}

static void fake_modulus(uint8_t *n)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		n[i] = (uint8_t)(i * 7 + 3);
	n[0] = 0xc5;
}

static void test_signature(void **state)
{
	uint8_t n[256];
	char sig[17];

	(void)state;
	fake_modulus(n);
	/*
	 * Computed independently (Python hashlib) from upstream's packet:
	 * 99 || be16 269 || 04 || 00000000 || 02 || 0800 || n || 0018 ||
	 * 010001.  With a proper 17-bit MPI for e it would be
	 * 874cef5d1b09f861, which no upstream-written file carries.
	 */
	assert_int_equal(kt_sig_from_modulus(n, sizeof(n), sig), 0);
	assert_string_equal(sig, "e436e9744ef58e43");
	assert_int_equal(kt_sig_from_modulus(n, 63, sig), -EINVAL);
	assert_int_equal(kt_sig_from_modulus(n, 513, sig), -EINVAL);
	n[0] = 0;
	assert_int_equal(kt_sig_from_modulus(n, sizeof(n), sig), -EINVAL);
}

static void test_sealed_shape(void **state)
{
	uint8_t b[300] = { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t b12[320] = { 0x00, 0x16, 0x00, 0x05, 0, 0, 0, 4, 9, 9, 9, 9, 0, 0, 1, 0 };

	(void)state;
	/* 1.1: ver, sealInfoSize 0, encDataSize 256, 256 bytes: 268 as upstream's. */
	assert_int_equal(kt_sealed_check(b, 268), 0);
	assert_int_equal(kt_sealed_check(b, 267), -EBADMSG);
	assert_int_equal(kt_sealed_check(b, 269), -EBADMSG);
	assert_int_equal(kt_sealed_check(b, 11), -EBADMSG);
	/* 1.2: tag 0x0016, entity type, sealInfo of 4 bytes, 256 encrypted. */
	assert_int_equal(kt_sealed_check(b12, 16 + 256), 0);
	assert_int_equal(kt_sealed_check(b12, 16 + 255), -EBADMSG);
	/* sealInfoSize past the end, or near 2^32. */
	b[7] = 0xff;
	assert_int_equal(kt_sealed_check(b, 268), -EBADMSG);
	b[4] = b[5] = b[6] = 0xff;
	assert_int_equal(kt_sealed_check(b, 268), -EBADMSG);
	memset(b + 4, 0, 4);
	/* An encrypted part too small for any TPM key. */
	b[10] = 0;
	b[11] = 16;
	assert_int_equal(kt_sealed_check(b, 28), -EBADMSG);
	/* Not a TPM structure at all. */
	b[0] = 2;
	b[10] = 1;
	b[11] = 0;
	assert_int_equal(kt_sealed_check(b, 268), -EBADMSG);
}

static void test_record(void **state)
{
	uint8_t k[80];
	size_t l;

	(void)state;
	l = make_record(k);
	assert_int_equal(kt_record_check(k, l), 0);
	k[18] ^= 1;		/* checksum */
	assert_int_equal(kt_record_check(k, l), -EBADMSG);
	l = make_record(k);
	k[0] = 0x55;		/* no such cipher */
	assert_int_equal(kt_record_check(k, l), -EBADMSG);
	l = make_record(k);
	assert_int_equal(kt_record_check(k, l - 1), -EBADMSG);
	assert_int_equal(kt_record_check(k, 3), -EBADMSG);
	assert_int_equal(kt_record_check(k, ECFS_KEYMOD_MAX_PLAIN + 1), -EBADMSG);
}

static const struct ecfs_keymod_ops *ops(void)
{
	const struct ecfs_keymod_ops *o = ecfs_keymod_get_ops();

	assert_string_equal(o->alias, "tspi");
	return o;
}

static void test_token(void **state)
{
	struct ecfs_keymod_kv kv[2] = { { "tspi_uuid", UUID_HEX }, { "keyfile", "/x" } };
	uint8_t *blob = NULL, n[256];
	size_t bl = 0;
	char sig[17], want[17], err[512] = "";

	(void)state;
	setenv("KT_FAKE", "ok", 1);
	fake_modulus(n);
	assert_int_equal(kt_sig_from_modulus(n, sizeof(n), want), 0);
	assert_int_equal(ops()->build_token(kv, 1, &blob, &bl, sig, err, sizeof(err)), 0);
	assert_int_equal(bl, 16);
	assert_memory_equal(blob, uuid_bytes, 16);
	assert_string_equal(sig, want);
	ops()->release_blob(blob, bl);
	assert_int_equal(ops()->key_sig(uuid_bytes, 16, sig, err, sizeof(err)), 0);
	assert_string_equal(sig, want);
	assert_int_equal(ops()->key_sig(uuid_bytes, 12, sig, err, sizeof(err)), -EBADMSG);

	assert_int_equal(ops()->build_token(kv, 2, &blob, &bl, sig, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown parameter 'keyfile'"));
	kv[0].value = "0123-4567";
	assert_int_equal(ops()->build_token(kv, 1, &blob, &bl, sig, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not 32 hex digits"));
	assert_int_equal(ops()->build_token(kv, 0, &blob, &bl, sig, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tspi_uuid= is required"));
	assert_null(blob);

	/* The helper's reason reaches the user unchanged. */
	setenv("KT_FAKE", "nokey", 1);
	kv[0].value = UUID_HEX;
	assert_int_equal(ops()->build_token(kv, 1, &blob, &bl, sig, err, sizeof(err)), -ENOKEY);
	assert_non_null(strstr(err, "no TPM key"));
	assert_null(blob);
}

static void test_wrap_unwrap(void **state)
{
	uint8_t k[80], enc[ECFS_KEYMOD_MAX_WRAPPED], *out = NULL;
	size_t kl, el = 0, ol = 0;
	char err[512] = "";

	(void)state;
	setenv("KT_FAKE", "ok", 1);
	kl = make_record(k);
	assert_int_equal(ops()->wrap(uuid_bytes, 16, k, kl, enc, sizeof(enc), &el, err,
				     sizeof(err)), 0);
	assert_int_equal(el, 268);
	assert_int_equal(ops()->wrap(uuid_bytes, 16, k, kl, enc, 100, &el, err, sizeof(err)),
			 -ENOBUFS);
	el = 268;
	assert_int_equal(ops()->unwrap(uuid_bytes, 16, enc, el, &out, &ol, err, sizeof(err)), 0);
	assert_int_equal(ol, kl);
	assert_memory_equal(out, k, kl);
	ops()->free_secret(out, ol);

	/* A TSS that says "success" with a wrong key: refused, never used. */
	setenv("KT_FAKE", "garbage", 1);
	out = NULL;
	assert_int_equal(ops()->unwrap(uuid_bytes, 16, enc, el, &out, &ol, err, sizeof(err)),
			 -EBADMSG);
	assert_null(out);
	assert_non_null(strstr(err, "unsealed no valid file key"));

	/* Malformed input never reaches the helper (which would crash). */
	setenv("KT_FAKE", "crash", 1);
	enc[0] = 9;
	assert_int_equal(ops()->unwrap(uuid_bytes, 16, enc, el, &out, &ol, err, sizeof(err)),
			 -EBADMSG);
	assert_non_null(strstr(err, "not a TPM sealed blob"));
	assert_int_equal(ops()->wrap(uuid_bytes, 15, k, kl, enc, sizeof(enc), &el, err,
				     sizeof(err)), -EBADMSG);
	assert_int_equal(ops()->wrap(uuid_bytes, 16, k, 0, enc, sizeof(enc), &el, err,
				     sizeof(err)), -EINVAL);
}

static void expect_failure(const char *mode, int want, const char *text, long max_ms)
{
	uint8_t k[80], enc[ECFS_KEYMOD_MAX_WRAPPED];
	size_t kl, el = 0;
	struct timespec t0;
	char err[512] = "";
	int st;

	setenv("KT_FAKE", mode, 1);
	kl = make_record(k);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ops()->wrap(uuid_bytes, 16, k, kl, enc, sizeof(enc), &el, err,
				     sizeof(err)), want);
	assert_true(ms_since(&t0) < max_ms);
	if (!strstr(err, text))
		fail_msg("%s: message '%s' lacks '%s'", mode, err, text);
	/* The helper was reaped: no child of ours is left, not even a zombie. */
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_helper_failures(void **state)
{
	(void)state;
	setenv("ECFS_TSPI_TIMEOUT", "1", 1);
	expect_failure("crash", -EIO, "crashed (signal 11)", 900);
	expect_failure("silent", -EIO, "without answering", 900);
	expect_failure("mangled", -EIO, "malformed answer", 900);
	/* A hung TSS: bounded by the kernel's timeout (1 s here), then killed. */
	expect_failure("hang", -ETIMEDOUT, "no answer from tcsd within 1000 ms", 2500);
	unsetenv("ECFS_TSPI_TIMEOUT");
	assert_int_equal(kt_timeout_ms(), 3000);
	setenv("ECFS_TSPI_TIMEOUT", "30", 1);
	assert_int_equal(kt_timeout_ms(), 30000);
	setenv("ECFS_TSPI_TIMEOUT", "junk", 1);
	assert_int_equal(kt_timeout_ms(), 3000);
	unsetenv("ECFS_TSPI_TIMEOUT");

	/* A helper that is not there. */
	setenv("ECFS_TSPI_HELPER", "/nonexistent/ecryptfs-tspi-helper", 1);
	expect_failure("ok", -ENOENT, "cannot start /nonexistent/ecryptfs-tspi-helper", 900);
	unsetenv("ECFS_TSPI_HELPER");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_sealed_shape),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_wrap_unwrap),
		cmocka_unit_test(test_helper_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
