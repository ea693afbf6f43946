// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-decrypt's name and symlink-target decoding (tools/ed_core.c).
 * The kernel encrypts a whole symlink target as one "name", so targets may
 * hold '/' and be longer than any name; the golden set has only a short
 * one.  Longer ones are built here the way the kernel builds them
 * (prefix || 0x00 || target, ECB under the FNEK, tag 70, filename base64),
 * with our own prefix code, and must come back; the golden FNEK names must
 * decrypt through the same entry points.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "ecfs_b64.h"
#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_packet.h"
#include "ed_core.h"

static struct ed_keys keys;
static uint8_t fnek[ECFS_MAX_KEY_BYTES], fnek_sig[ECFS_SIG_SIZE];

static int setup(void **state)
{
	(void)state;
	if (ecfs_crypto_init() || ed_keys_init(&keys))
		return -1;
	if (ed_keys_add(&keys, "foo", 3, ecfs_kdf_default_salt, true))
		return -1;
	return ecfs_kdf_fnek("foo", 3, fnek, fnek_sig);
}

static int teardown(void **state)
{
	(void)state;
	ed_keys_free(&keys);
	return 0;
}

/* Encrypt @target as the kernel's ecryptfs_symlink does, AES-128. */
static char *kernel_style_target(const char *target)
{
	size_t len = strlen(target), pre = 17, total, i, plen;
	uint8_t h[16], *plain, *ct, *pkt;
	struct ecfs_tag70 t;
	char *out;
	int n;

	if ((pre + len) % 16)
		pre += 16 - (pre + len) % 16;
	total = pre + len;
	plain = malloc(total);
	ct = malloc(total);
	pkt = malloc(total + 16);
	assert_non_null(plain);
	assert_non_null(ct);
	assert_non_null(pkt);
	assert_int_equal(EVP_Digest(fnek, sizeof(fnek), h, NULL, EVP_md5(), NULL), 1);
	for (i = 0; i < pre - 1; i++) {
		plain[i] = h[i % 16] ? h[i % 16] : 0x42;
		if (i % 16 == 15)
			assert_int_equal(EVP_Digest(h, 16, h, NULL, EVP_md5(), NULL), 1);
	}
	plain[pre - 1] = 0;
	memcpy(plain + pre, target, len);
	assert_int_equal(ecfs_cipher_ecb(ecfs_cipher_by_name("aes"), fnek, 16, true, plain, ct,
					 total), 0);
	memcpy(t.fnek_sig, fnek_sig, sizeof(t.fnek_sig));
	t.cipher_code = ECFS_CIPHER_AES_128;
	t.ct = ct;
	t.ct_len = total;
	n = ecfs_tag70_encode(pkt, total + 16, &t);
	assert_true(n > 0);
	plen = (size_t)n;
	out = malloc(ECFS_FNEK_PREFIX_LEN + ecfs_b64_encoded_len(plen) + 1);
	assert_non_null(out);
	memcpy(out, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN);
	n = ecfs_b64_encode(pkt, plen, out + ECFS_FNEK_PREFIX_LEN, ecfs_b64_encoded_len(plen));
	assert_true(n > 0);
	out[ECFS_FNEK_PREFIX_LEN + n] = '\0';
	free(plain);
	free(ct);
	free(pkt);
	return out;
}

static void check_target(const char *target)
{
	char *lower = kernel_style_target(target), out[PATH_MAX];
	struct ed_err e;

	assert_int_equal(ed_target_decrypt(&keys, lower, out, sizeof(out), &e), 1);
	assert_string_equal(out, target);
	free(lower);
}

static void test_short_target(void **state)
{
	(void)state;
	check_target("secret.txt");
}

static void test_target_with_slashes(void **state)
{
	(void)state;
	check_target("../dir/inner");
	check_target("/etc/passwd");
}

static void test_long_target(void **state)
{
	char t[1001];

	(void)state;
	memset(t, 'a', sizeof(t) - 1);
	t[sizeof(t) - 1] = '\0';
	t[100] = '/';
	t[500] = '/';
	check_target(t);
}

static void test_target_not_encrypted(void **state)
{
	char out[PATH_MAX];
	struct ed_err e;

	(void)state;
	assert_int_equal(ed_target_decrypt(&keys, "plain/target", out, sizeof(out), &e), 0);
	assert_string_equal(out, "plain/target");
}

static void test_target_wrong_key(void **state)
{
	struct ed_keys other;
	char *lower = kernel_style_target("a/b"), out[PATH_MAX];
	struct ed_err e;

	(void)state;
	assert_int_equal(ed_keys_init(&other), 0);
	assert_int_equal(ed_keys_add(&other, "bar", 3, ecfs_kdf_default_salt, true), 0);
	assert_int_equal(ed_target_decrypt(&other, lower, out, sizeof(out), &e), -EKEYREJECTED);
	assert_non_null(strstr(e.msg, "no matching filename key"));
	ed_keys_free(&other);
	free(lower);
}

/* Names may not hold '/' even though targets may. */
static void test_name_refuses_slash(void **state)
{
	char *lower = kernel_style_target("a/b"), out[256];
	struct ed_err e;

	(void)state;
	assert_int_equal(ed_name_decrypt(&keys, lower, out, sizeof(out), &e), -EBADMSG);
	free(lower);
}

static void test_golden_names(void **state)
{
	const char *t = getenv("TOP_SRCDIR");
	char path[PATH_MAX], link[PATH_MAX], out[PATH_MAX];
	struct ed_err e;
	ssize_t n;

	(void)state;
	assert_int_equal(ed_name_decrypt(&keys,
		"ECRYPTFS_FNEK_ENCRYPTED.FWZdNx10V5PzcET11n11tYOchqBr4Vjw0axK1tZMNxJTA.sp041M.Fd1tk--",
		out, 256, &e), 1);
	assert_string_equal(out, "secret.txt");
	assert_int_equal(ed_name_decrypt(&keys, "plain", out, 256, &e), 0);
	assert_string_equal(out, "plain");
	snprintf(path, sizeof(path), "%s/tests/data/golden/fnek/%s", t ? t : "..",
		 "ECRYPTFS_FNEK_ENCRYPTED.FWZdNx10V5PzcET11n11tYOchqBr4Vjw0axKmSLTCEpcXWIJoGFkgkPrtE--");
	n = readlink(path, link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_int_equal(ed_target_decrypt(&keys, link, out, sizeof(out), &e), 1);
	assert_string_equal(out, "secret.txt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_target),
		cmocka_unit_test(test_target_with_slashes),
		cmocka_unit_test(test_long_target),
		cmocka_unit_test(test_target_not_encrypted),
		cmocka_unit_test(test_target_wrong_key),
		cmocka_unit_test(test_name_refuses_slash),
		cmocka_unit_test(test_golden_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
