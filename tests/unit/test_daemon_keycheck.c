// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfsd with the real OpenSSL key module: a key file replaced behind a
 * token (someone who can write the directory but cannot read the key)
 * must never receive a new file's key.  The request names the token's
 * signature; the daemon refuses a key whose signature differs, with the
 * error reply and a log line naming both signatures.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"
#include "daemon_fixture.h"

#define MODDIR		ECFS_TEST_BUILDDIR "/keymods/.libs"
/* tests/data/keymod/sig.txt: the signature of rsa2048.pem. */
#define SIG_RSA2048	"204c7eaa3cf7c7dd"

static const char *srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	return top ? top : ECFS_TEST_SRCDIR;
}

static void copy(const char *from, const char *to)
{
	char cmd[3 * PATH_MAX];

	snprintf(cmd, sizeof(cmd), "cp '%s/tests/data/keymod/%s' '%s.new' && mv '%s.new' '%s'",
		 srcdir(), from, to, to, to);
	assert_int_equal(system(cmd), 0);
}

static int wrap_status(struct ecfsd_backend *be, const char *sig, uint8_t *tag,
		       size_t *enc_len)
{
	uint8_t req[ECFSD_REQ_BUF], out[ECFSD_REPLY_MAX], fek[16] = { 1, 2, 3 };
	struct ecfsd_req_info info;
	struct ecfs_frame f;
	const uint8_t *enc;
	int rl, n;

	rl = df_req66(req, sizeof(req), 1, 2, sig, 0x07, fek, sizeof(fek));
	assert_true(rl > 0);
	n = ecfsd_handle(be, req, (size_t)rl, out, sizeof(out), &info);
	assert_true(n > 0);
	assert_int_equal(ecfs_frame_decode(out, (size_t)n, ECFS_FRAME_TO_KERNEL, &f), 0);
	*tag = f.data[0];
	*enc_len = 0;
	if (!info.status)
		assert_true(ecfs_tag67_decode(f.data, f.data_len, &enc, enc_len) > 0);
	return info.status;
}

static void test_replaced_key_file(void **state)
{
	char dir[] = "/tmp/ecfs-keycheck-XXXXXX", key[PATH_MAX], pw[PATH_MAX], cmd[PATH_MAX];
	uint8_t blob[2 * PATH_MAX + 4], tag;
	struct ecfsd_backend be;
	struct df_store s;
	size_t enc_len;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(pw, sizeof(pw), "%s/pass.txt", dir);
	copy("rsa2048.pem", key);
	copy("pass.txt", pw);
	assert_int_equal(df_add_token(&s, SIG_RSA2048, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "openssl", blob,
				      df_openssl_blob(blob, key, pw)), 0);
	df_backend(&be, &s, MODDIR);

	/* The key the token was made for: a 2048-bit RSA wrap. */
	assert_int_equal(wrap_status(&be, SIG_RSA2048, &tag, &enc_len), 0);
	assert_int_equal(tag, ECFS_TAG_67);
	assert_int_equal(enc_len, 256);

	/* Another key at the same path. */
	copy("rsa2048-other.pem", key);
	assert_int_equal(wrap_status(&be, SIG_RSA2048, &tag, &enc_len), -EKEYREJECTED);
	assert_int_equal(tag, ECFS_TAG_67);
	assert_non_null(strstr(s.last_log, SIG_RSA2048));
	assert_non_null(strstr(s.last_log, "now holds key"));

	/* The right key back: served again (the module's cache follows the file). */
	copy("rsa2048.pem", key);
	assert_int_equal(wrap_status(&be, SIG_RSA2048, &tag, &enc_len), 0);

	df_unload_modules();
	df_store_free(&s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replaced_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
