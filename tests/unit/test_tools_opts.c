// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for mount.ecryptfs option parsing, merging and kernel options. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <cmocka.h>

#include "et_opts.h"

static const char *const SIG_A = "253ca7e88811d184";
static const char *const SIG_B = "c42ec75301dc1674";

static void tok(const char *s, int rc_file, struct et_optlist *l)
{
	char err[ET_ERR_MAX] = "";

	assert_int_equal(et_opts_tokenize(s, strlen(s), rc_file, l, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

/* Parse one source into a fresh cfg; returns the rc and leaves the reason in @err. */
static int parse(const char *s, enum et_src src, struct et_mount_cfg *cfg, char *err)
{
	struct et_optlist l = { 0 };
	int rc;

	et_cfg_init(cfg);
	rc = et_opts_tokenize(s, strlen(s), src == ET_SRC_RC, &l, err, ET_ERR_MAX);
	if (!rc)
		rc = et_cfg_apply(cfg, &l, src, err, ET_ERR_MAX);
	et_optlist_free(&l);
	return rc;
}

/* rc + cmdline -> merged cfg (both must parse). */
static void merged(const char *rc, const char *cl, struct et_mount_cfg *out)
{
	struct et_mount_cfg a, b;
	char err[ET_ERR_MAX] = "";

	assert_int_equal(parse(rc, ET_SRC_RC, &a, err), 0);
	assert_int_equal(parse(cl, ET_SRC_CMDLINE, &b, err), 0);
	et_cfg_init(out);
	assert_int_equal(et_cfg_merge(out, &a, &b), 0);
}

static void test_tokenize_basic(void **state)
{
	struct et_optlist l = { 0 };

	tok("rw,ecryptfs_cipher=aes,,ecryptfs_passthrough", 0, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].name, "rw");
	assert_null(l.v[0].value);
	assert_string_equal(l.v[1].name, "ecryptfs_cipher");
	assert_string_equal(l.v[1].value, "aes");
	assert_string_equal(l.v[2].name, "ecryptfs_passthrough");
	et_optlist_free(&l);
}

static void test_tokenize_key_colon_list(void **state)
{
	struct et_optlist l = { 0 };

	tok("key=passphrase:passphrase_passwd=foo:salt=0011223344556677,ro", 0, &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].name, "key");
	assert_string_equal(l.v[0].value, "passphrase");
	assert_string_equal(l.v[1].name, "passphrase_passwd");
	assert_string_equal(l.v[1].value, "foo");
	assert_string_equal(l.v[2].name, "salt");
	assert_string_equal(l.v[3].name, "ro");
	et_optlist_free(&l);

	/* A ':' outside key= is part of the value (e.g. a path). */
	tok("passwd_file=/a:b", 0, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].value, "/a:b");
	et_optlist_free(&l);
}

static void test_tokenize_first_equals_splits(void **state)
{
	struct et_optlist l = { 0 };

	tok("passwd=a=b=c", 0, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "passwd");
	assert_string_equal(l.v[0].value, "a=b=c");
	et_optlist_free(&l);
	tok("passwd=", 0, &l);
	assert_string_equal(l.v[0].value, "");
	et_optlist_free(&l);
}

static void test_tokenize_never_truncates(void **state)
{
	struct et_optlist l = { 0 };
	char big[5000], *opt;
	size_t i;

	for (i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	assert_true(asprintf(&opt, "comment=%s,ro", big) > 0);
	tok(opt, 0, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(strlen(l.v[0].value), sizeof(big) - 1);
	assert_string_equal(l.v[0].value, big);
	et_optlist_free(&l);
	free(opt);
}

static void test_tokenize_rc_file(void **state)
{
	struct et_optlist l = { 0 };

	tok("# my settings\nkey=passphrase\ncipher=aes\n\n#salt=1\necryptfs_key_bytes=16,no_sig_cache\n",
	    1, &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0].name, "key");
	assert_string_equal(l.v[1].name, "cipher");
	assert_string_equal(l.v[2].name, "ecryptfs_key_bytes");
	assert_string_equal(l.v[3].name, "no_sig_cache");
	et_optlist_free(&l);
}

static void test_tokenize_errors(void **state)
{
	struct et_optlist l = { 0 };
	char err[ET_ERR_MAX] = "";
	const char nul[] = { 'r', 'o', '\0', 'x' };

	assert_int_equal(et_opts_tokenize("=x", 2, 0, &l, err, sizeof(err)), -EINVAL);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	et_optlist_free(&l);
	assert_int_equal(et_opts_tokenize(nul, sizeof(nul), 0, &l, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	et_optlist_free(&l);
}

static void test_unknown_option_named(void **state)
{
	struct et_mount_cfg c;
	char err[ET_ERR_MAX] = "";

	assert_int_equal(parse("rw,ecryptfs_bogus=1", ET_SRC_CMDLINE, &c, err), -EINVAL);
	assert_non_null(strstr(err, "unknown option 'ecryptfs_bogus'"));
	et_cfg_free(&c);
	err[0] = '\0';
	assert_int_equal(parse("cipher=aes\nfrobnicate", ET_SRC_RC, &c, err), -EINVAL);
	assert_non_null(strstr(err, "'frobnicate'"));
	assert_non_null(strstr(err, "ecryptfsrc"));
	et_cfg_free(&c);
}

static void test_secret_never_in_errors(void **state)
{
	struct et_mount_cfg c;
	char err[ET_ERR_MAX] = "";

	/* "sec,ret" split by the comma: the tail must not be echoed. */
	assert_int_equal(parse("key=passphrase,passwd=sec,ret", ET_SRC_CMDLINE, &c, err),
			 -EINVAL);
	assert_null(strstr(err, "ret"));
	assert_non_null(strstr(err, "passphrase_passwd_file="));
	et_cfg_free(&c);
	err[0] = '\0';
	assert_int_equal(parse("passwd=a,passwd=b", ET_SRC_CMDLINE, &c, err), -EINVAL);
	assert_null(strstr(err, "=a"));
	et_cfg_free(&c);
}

static void test_bad_values(void **state)
{
	static const char *const bad[] = {
		"key=open/ssl", "key=abcdefghijklmnopq", "keyfile=/k.pem", "ecryptfs_cipher=rot13", "ecryptfs_key_bytes=sixteen",
		"ecryptfs_key_bytes=65", "ecryptfs_key_bytes=-16", "ecryptfs_passthrough=maybe",
		"ecryptfs_sig=1234", "ecryptfs_fnek_sig=zz3ca7e88811d184", "salt=00112233",
		"passwd_fd=three", "ecryptfs_unlink_sigs=y", "ecryptfs_cipher", "verbosity=loud",
		"passphrase_type=magic", "passwd_file=",
		"passwd=0123456789012345678901234567890123456789012345678901234567890123X",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct et_mount_cfg c;
		char err[ET_ERR_MAX] = "";

		assert_int_equal(parse(bad[i], ET_SRC_CMDLINE, &c, err), -EINVAL);
		assert_true(err[0] != '\0');
		et_cfg_free(&c);
	}
}

static void test_upstream_names(void **state)
{
	struct et_mount_cfg c;
	char err[ET_ERR_MAX] = "";

	assert_int_equal(parse("key=passphrase:passphrase_passwd_file=/p,cipher=blowfish,ecryptfs_key_bytes=32,"
			       "ecryptfs_passthrough=n,ecryptfs_xattr,ecryptfs_encrypted_view=y,"
			       "ecryptfs_enable_filename_crypto=y,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=16,"
			       "ecryptfs_unlink_sigs,ecryptfs_mount_auth_tok_only,no_sig_cache,verbosity=0,"
			       "wild_ass_guess,nosuid,noexec,rw,defaults,noauto,x-systemd.automount,user",
			       ET_SRC_CMDLINE, &c, err), 0);
	assert_string_equal(err, "");
	assert_int_equal(c.nkeys, 1);
	assert_int_equal(c.keys[0].method, ET_PW_FILE);
	assert_string_equal(c.keys[0].pw_value, "/p");
	assert_string_equal(c.cipher, "blowfish");
	assert_int_equal(c.key_bytes, 32);
	assert_int_equal(c.passthrough, 0);
	assert_int_equal(c.xattr, 1);
	assert_int_equal(c.encrypted_view, 1);
	assert_int_equal(c.fne, 1);
	assert_string_equal(c.fn_cipher, "aes");
	assert_int_equal(c.fn_key_bytes, 16);
	assert_int_equal(c.auth_tok_only, 1);
	assert_int_equal(c.no_sig_cache, 1);
	assert_int_equal(c.verbosity, 0);
	assert_int_equal(c.no_prompt, 1);
	assert_int_equal(c.ms_set, MS_NOSUID | MS_NOEXEC);
	assert_int_equal(c.ms_clear, MS_RDONLY);
	et_cfg_free(&c);

	/* The other spellings of the passphrase sources. */
	assert_int_equal(parse("passwd_fd=3,salt=aabbccddeeff0011", ET_SRC_CMDLINE, &c, err), 0);
	assert_int_equal(c.loose.method, ET_PW_FD);
	assert_string_equal(c.loose.salt_hex, "aabbccddeeff0011");
	et_cfg_free(&c);
	assert_int_equal(parse("key=passphrase,passphrase_passwd=foo", ET_SRC_CMDLINE, &c, err), 0);
	assert_int_equal(c.keys[0].method, ET_PW_DIRECT);
	assert_int_equal(c.keys[0].pw_from_cmdline, 1);
	et_cfg_free(&c);
	assert_int_equal(parse("passwd=foo", ET_SRC_RC, &c, err), 0);
	assert_int_equal(c.loose.pw_from_cmdline, 0);
	et_cfg_free(&c);
}

/* key=MODULE groups (daemon issue): parameters stay with their key. */
static void test_module_keys(void **state)
{
	struct et_mount_cfg rc, cl, c;
	char err[ET_ERR_MAX] = "";
	char *missing = NULL;

	et_cfg_init(&rc);
	assert_int_equal(parse("key=openssl:keyfile=/k.pem:passwd_file=/p,key=passphrase:passwd=x,"
			       "key=openssl:openssl_keyfile=/k2.pem,ecryptfs_cipher=aes,ecryptfs_key_bytes=16",
			       ET_SRC_CMDLINE, &cl, err), 0);
	et_cfg_init(&c);
	assert_int_equal(et_cfg_merge(&c, &rc, &cl), 0);
	assert_int_equal(c.nkeys, 3);
	assert_string_equal(c.keys[0].module, "openssl");
	assert_string_equal(c.keys[0].keyfile, "/k.pem");
	assert_int_equal(c.keys[0].method, ET_PW_FILE);
	assert_null(c.keys[1].module);
	assert_int_equal(c.keys[1].method, ET_PW_DIRECT);
	assert_string_equal(c.keys[2].keyfile, "/k2.pem");
	assert_int_equal(c.keys[2].method, ET_PW_NONE);
	/* A module key needs no passphrase up front. */
	assert_int_equal(et_cfg_missing(&c, &missing), 0);
	assert_null(missing);
	et_cfg_free(&c);
	/* keyfile= after a passphrase key is refused. */
	assert_int_equal(parse("key=passphrase:keyfile=/k.pem", ET_SRC_CMDLINE, &cl, err), -EINVAL);
	assert_non_null(strstr(err, "key=openssl"));
	et_cfg_free(&cl);
}

static void test_merge_cmdline_wins(void **state)
{
	struct et_mount_cfg m;

	merged("key=passphrase\ncipher=blowfish\necryptfs_key_bytes=16\nsalt=aabbccddeeff0011\nro",
	       "cipher=aes,ecryptfs_key_bytes=32,passwd_file=/secret,rw", &m);
	assert_string_equal(m.cipher, "aes");
	assert_int_equal(m.key_bytes, 32);
	assert_int_equal(m.nkeys, 1);
	/* Loose command-line passphrase source completes the rc file's key. */
	assert_int_equal(m.keys[0].method, ET_PW_FILE);
	assert_string_equal(m.keys[0].pw_value, "/secret");
	assert_string_equal(m.keys[0].salt_hex, "aabbccddeeff0011");
	assert_int_equal(m.ms_set & MS_RDONLY, 0);
	assert_int_equal(m.ms_clear & MS_RDONLY, MS_RDONLY);
	et_cfg_free(&m);
}

static void test_merge_cmdline_keys_replace(void **state)
{
	struct et_mount_cfg m;

	merged("key=passphrase:passwd_file=/a\necryptfs_sig=253ca7e88811d184",
	       "key=passphrase:passwd_fd=4,key=passphrase:passwd_file=/b", &m);
	assert_int_equal(m.nkeys, 2);
	assert_int_equal(m.nsigs, 0);
	assert_int_equal(m.keys[0].method, ET_PW_FD);
	assert_string_equal(m.keys[1].pw_value, "/b");
	et_cfg_free(&m);

	/* No key anywhere: one passphrase key is implied (to be prompted). */
	merged("", "ecryptfs_cipher=aes", &m);
	assert_int_equal(m.nkeys, 1);
	assert_int_equal(m.keys[0].method, ET_PW_NONE);
	et_cfg_free(&m);

	/* Only a signature: no implicit key. */
	merged("", "ecryptfs_sig=253ca7e88811d184", &m);
	assert_int_equal(m.nkeys, 0);
	assert_int_equal(m.nsigs, 1);
	et_cfg_free(&m);
}

static void test_missing_lists_everything(void **state)
{
	struct et_mount_cfg m;
	char *missing = NULL;

	merged("", "key=passphrase,key=passphrase:passwd_fd=0", &m);
	assert_int_equal(et_cfg_missing(&m, &missing), 0);
	assert_non_null(missing);
	assert_non_null(strstr(missing, "passphrase of key 1"));
	assert_null(strstr(missing, "key 2"));
	assert_non_null(strstr(missing, "ecryptfs_cipher="));
	assert_non_null(strstr(missing, "ecryptfs_key_bytes="));
	free(missing);
	et_cfg_free(&m);

	merged("", "passwd_file=/x,cipher=aes,ecryptfs_key_bytes=16", &m);
	assert_int_equal(et_cfg_missing(&m, &missing), 0);
	assert_null(missing);
	et_cfg_free(&m);
}

static void test_kernel_opts(void **state)
{
	char sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	struct et_mount_cfg m;
	char err[ET_ERR_MAX] = "";
	char *opts = NULL;

	merged("", "key=passphrase:passwd=topsecret,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
	       "ecryptfs_passthrough=n,ecryptfs_xattr_metadata,ecryptfs_enable_filename_crypto=y,"
	       "ecryptfs_sig=c42ec75301dc1674,ecryptfs_sig=253ca7e88811d184,context=system_u:object_r:tmp_t:s0,ro",
	       &m);
	strcpy(sigs[0], SIG_A);
	assert_int_equal(et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err)), 0);
	assert_string_equal(opts, "ecryptfs_sig=253ca7e88811d184,ecryptfs_sig=c42ec75301dc1674,"
			    "ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_xattr_metadata,"
			    "ecryptfs_fnek_sig=253ca7e88811d184,ecryptfs_unlink_sigs,"
			    "context=system_u:object_r:tmp_t:s0");
	assert_null(strstr(opts, "topsecret"));
	assert_null(strstr(opts, "passwd"));
	assert_null(strstr(opts, "ecryptfs_long_names"));
	free(opts);
	et_cfg_free(&m);

	/* Ours only, passed on when asked for. */
	merged("", "key=passphrase:passwd=topsecret,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
	       "ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=y,ecryptfs_long_names,"
	       "ecryptfs_sig=253ca7e88811d184",
	       &m);
	assert_int_equal(m.long_names, 1);
	assert_int_equal(et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err)), 0);
	assert_string_equal(opts, "ecryptfs_sig=253ca7e88811d184,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
			    "ecryptfs_fnek_sig=253ca7e88811d184,ecryptfs_unlink_sigs,ecryptfs_long_names");
	free(opts);
	et_cfg_free(&m);
	(void)SIG_B;
}

static void test_kernel_opts_refusals(void **state)
{
	char sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	struct et_mount_cfg m;
	char err[ET_ERR_MAX] = "";
	char *opts = NULL, *big, *cl;
	size_t i;

	strcpy(sigs[0], SIG_A);
	merged("", "passwd_fd=0,cipher=aes,ecryptfs_key_bytes=20", &m);
	assert_int_equal(et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "ecryptfs_key_bytes=20"));
	err[0] = '\0';
	et_cfg_free(&m);

	merged("", "passwd_fd=0,cipher=aes,ecryptfs_key_bytes=16,ecryptfs_fnek_sig=253ca7e88811d184,"
	       "ecryptfs_enable_filename_crypto=n", &m);
	assert_int_equal(et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err)), -EINVAL);
	err[0] = '\0';
	et_cfg_free(&m);

	/* Too long for the kernel's one page: refused, not cut. */
	big = malloc(5000);
	for (i = 0; i < 4999; i++)
		big[i] = 'x';
	big[4999] = '\0';
	assert_true(asprintf(&cl, "passwd_fd=0,cipher=aes,ecryptfs_key_bytes=16,context=%s", big) > 0);
	merged("", cl, &m);
	assert_int_equal(et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err)), -E2BIG);
	assert_null(opts);
	assert_true(err[0] != '\0');
	free(cl);
	free(big);
	et_cfg_free(&m);
}

static void test_cipher_table(void **state)
{
	/* upstream's menu: six ciphers, aes first, its sizes 16, 32, 24 */
	assert_int_equal(ECFS_CID_COUNT, 6);
	assert_string_equal(ecfs_cipher_by_id(0)->name, "aes");
	assert_int_equal(ecfs_cipher_by_id(0)->menu_key[2], 24);
	assert_string_equal(ecfs_cipher_by_id(ECFS_CID_COUNT - 1)->name, "cast5");
	assert_true(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("aes"), 24));
	assert_false(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("aes"), 20));
	assert_true(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("blowfish"), 56));
	/* the kernel takes 8-byte blowfish keys; upstream's helper does not */
	assert_true(ecfs_cipher_key_size_ok(ecfs_cipher_by_name("blowfish"), 8));
	assert_false(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("blowfish"), 8));
	assert_true(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("cast5"), 5));
	assert_false(ecfs_cipher_helper_key_ok(ecfs_cipher_by_name("des3_ede"), 16));
	assert_null(ecfs_cipher_by_name("serpent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenize_basic),
		cmocka_unit_test(test_tokenize_key_colon_list),
		cmocka_unit_test(test_tokenize_first_equals_splits),
		cmocka_unit_test(test_tokenize_never_truncates),
		cmocka_unit_test(test_tokenize_rc_file),
		cmocka_unit_test(test_tokenize_errors),
		cmocka_unit_test(test_unknown_option_named),
		cmocka_unit_test(test_secret_never_in_errors),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_upstream_names),
		cmocka_unit_test(test_module_keys),
		cmocka_unit_test(test_merge_cmdline_wins),
		cmocka_unit_test(test_merge_cmdline_keys_replace),
		cmocka_unit_test(test_missing_lists_everything),
		cmocka_unit_test(test_kernel_opts),
		cmocka_unit_test(test_kernel_opts_refusals),
		cmocka_unit_test(test_cipher_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
