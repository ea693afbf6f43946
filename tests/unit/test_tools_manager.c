// SPDX-License-Identifier: GPL-2.0-or-later
/* ecryptfs-manager's command line (tools/em_args.c). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "em_args.h"

#define ARGV(...) ((char *[]){ "ecryptfs-manager", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(v[0])) - 1)

static int parse(int argc, char **argv, struct em_args *a, char *err)
{
	return em_parse_args(argc, argv, a, err, 256);
}

#define P(a, err, ...) ({ char **v_ = ARGV(__VA_ARGS__); \
	parse(ARGC(((char *[]){ "x", __VA_ARGS__, NULL })), v_, a, err); })

static void test_menu_help_list(void **state)
{
	char *none[] = { "ecryptfs-manager", NULL };
	struct em_args a;
	char err[256];

	assert_int_equal(parse(1, none, &a, err), 0);
	assert_int_equal(a.cmd, EM_MENU);
	assert_int_equal(P(&a, err, "--help"), 0);
	assert_int_equal(a.cmd, EM_HELP);
	assert_int_equal(P(&a, err, "-h"), 0);
	assert_int_equal(a.cmd, EM_HELP);
	assert_int_equal(P(&a, err, "list"), 0);
	assert_int_equal(a.cmd, EM_LIST);
	assert_int_equal(P(&a, err, "list", "x"), -EINVAL);
	assert_int_equal(P(&a, err, "list-tokens"), 0);
	assert_int_equal(a.cmd, EM_LIST_TOKENS);
	assert_int_equal(P(&a, err, "list-tokens", "x"), -EINVAL);
	assert_int_equal(P(&a, err, "list-tpm-keys"), 0);
	assert_int_equal(a.cmd, EM_LIST_TPM_KEYS);
	assert_int_equal(P(&a, err, "list-tpm-keys", "x"), -EINVAL);
	assert_int_equal(P(&a, err, "--help", "x"), -EINVAL);
	assert_int_equal(P(&a, err, "frobnicate"), -EINVAL);
	assert_non_null(strstr(err, "unknown command 'frobnicate'"));
}

static void test_add_passphrase(void **state)
{
	struct em_args a;
	char err[256];

	assert_int_equal(P(&a, err, "add-passphrase"), 0);
	assert_int_equal(a.cmd, EM_ADD_PASSPHRASE);
	assert_false(a.fnek);
	assert_false(a.pass_stdin);
	assert_int_equal(P(&a, err, "add-passphrase", "--fnek"), 0);
	assert_true(a.fnek);
	assert_int_equal(P(&a, err, "add-passphrase", "--fnek", "-"), 0);
	assert_true(a.fnek);
	assert_true(a.pass_stdin);
	assert_int_equal(P(&a, err, "add-passphrase", "-"), 0);
	assert_true(a.pass_stdin);
	assert_false(a.fnek);
	/* Upstream's order: --fnek first; no repeats, nothing else. */
	assert_int_equal(P(&a, err, "add-passphrase", "-", "--fnek"), -EINVAL);
	assert_int_equal(P(&a, err, "add-passphrase", "--fnek", "--fnek"), -EINVAL);
	assert_int_equal(P(&a, err, "add-passphrase", "-", "-"), -EINVAL);
	assert_int_equal(P(&a, err, "add-passphrase", "secret"), -EINVAL);
	assert_non_null(strstr(err, "unexpected 'secret'"));
}

static void test_add_key(void **state)
{
	struct em_args a;
	char err[256];

	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfile", "/k.pem"), 0);
	assert_int_equal(a.cmd, EM_ADD_KEY);
	assert_string_equal(a.module, "openssl");
	assert_string_equal(a.keyfile, "/k.pem");
	assert_null(a.passwd_file);
	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfile=/k.pem",
			   "--passwd-file", "/pw"), 0);
	assert_string_equal(a.keyfile, "/k.pem");
	assert_string_equal(a.passwd_file, "/pw");
	/* Missing pieces. */
	assert_int_equal(P(&a, err, "add-key", "openssl"), -EINVAL);
	assert_non_null(strstr(err, "--keyfile"));
	assert_int_equal(P(&a, err, "add-key"), -EINVAL);
	assert_non_null(strstr(err, "key module name"));
	assert_int_equal(P(&a, err, "add-key", "--keyfile", "/k.pem"), -EINVAL);
	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfile"), -EINVAL);
	assert_non_null(strstr(err, "--keyfile needs a value"));
	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfile="), -EINVAL);
	/* Only generate has --bits; a module name outside the safe set. */
	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfile", "/k", "--bits", "2048"),
			 -EINVAL);
	assert_non_null(strstr(err, "unknown option '--bits'"));
	assert_int_equal(P(&a, err, "add-key", "../evil", "--keyfile", "/k"), -EINVAL);
	assert_non_null(strstr(err, "not a key module name"));
	assert_int_equal(P(&a, err, "add-key", "openssl", "--keyfilex=/k"), -EINVAL);
}

static void test_generate(void **state)
{
	struct em_args a;
	char err[256];

	assert_int_equal(P(&a, err, "generate", "openssl"), 0);
	assert_int_equal(a.cmd, EM_GENERATE);
	assert_null(a.keyfile);
	assert_null(a.bits);
	assert_int_equal(P(&a, err, "generate", "openssl", "--keyfile", "/k", "--bits=4096",
			   "--passwd-file=/pw"), 0);
	assert_string_equal(a.keyfile, "/k");
	assert_string_equal(a.bits, "4096");
	assert_string_equal(a.passwd_file, "/pw");
	assert_int_equal(P(&a, err, "generate", "openssl", "--bits", "4k"), -EINVAL);
	assert_non_null(strstr(err, "--bits needs a number"));
	assert_int_equal(P(&a, err, "generate", "openssl", "--bits"), -EINVAL);
	assert_int_equal(P(&a, err, "generate", "openssl", "extra"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_menu_help_list),
		cmocka_unit_test(test_add_passphrase),
		cmocka_unit_test(test_add_key),
		cmocka_unit_test(test_generate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
