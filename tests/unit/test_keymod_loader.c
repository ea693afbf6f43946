// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The key-module loader: names, the fixed directory and its test
 * override, and each refusal (missing, not a module, no entry point,
 * wrong major ABI, missing operation, alias mismatch), and the ownership
 * rule: a module file and its directory owned by root and writable by
 * nobody else (the tests run as root, so the build tree qualifies and a
 * copy of a test module with other owners or modes must be refused).
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
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "keymods/ecfs_keymod_load.h"

#define TESTMODS ECFS_TEST_BUILDDIR "/tests/unit/.libs"

static void test_names(void **state)
{
	assert_true(ecfs_keymod_name_valid("openssl"));
	assert_true(ecfs_keymod_name_valid("pkcs11-helper"));
	assert_true(ecfs_keymod_name_valid("A_b-9"));
	assert_true(ecfs_keymod_name_valid("abcdefghijklmnop"));	/* 16 */
	assert_false(ecfs_keymod_name_valid("abcdefghijklmnopq"));	/* 17 */
	assert_false(ecfs_keymod_name_valid(""));
	assert_false(ecfs_keymod_name_valid(NULL));
	assert_false(ecfs_keymod_name_valid(".."));
	assert_false(ecfs_keymod_name_valid("../openssl"));
	assert_false(ecfs_keymod_name_valid("a/b"));
	assert_false(ecfs_keymod_name_valid("open ssl"));
	assert_false(ecfs_keymod_name_valid("openssl.so"));
	assert_false(ecfs_keymod_name_valid("\xc3\xa9"));
}

#define ECFS_KEYMOD_STR_(x) #x
#define ECFS_KEYMOD_STR(x) ECFS_KEYMOD_STR_(x)

static void expect_fail(const char *name, int want, const char *needle)
{
	struct ecfs_keymod *km = (struct ecfs_keymod *)1;
	char err[512] = "";

	assert_int_equal(ecfs_keymod_load(name, &km, err, sizeof(err)), want);
	assert_null(km);
	if (needle && !strstr(err, needle)) {
		print_error("message '%s' lacks '%s'\n", err, needle);
		fail();
	}
}

static void test_refusals(void **state)
{
	char dir[] = "/tmp/ecfs-loader-XXXXXX", path[PATH_MAX];
	FILE *f;

	setenv(ECFS_KEYMOD_DIR_ENV, TESTMODS, 1);
	expect_fail("../tgood", -EINVAL, "invalid key module name");
	expect_fail("nosuch", -ENOENT, "no key module 'nosuch'");
	/* The test module keeps our minor version and changes only the major. */
	expect_fail("tmajor", -EPROTO, "ABI 2." ECFS_KEYMOD_STR(ECFS_KEYMOD_ABI_MINOR) ";");
	expect_fail("tnoentry", -ELIBBAD, "ecfs_keymod_get_ops");
	expect_fail("talias", -EPROTO, "calls itself 'tother'");
	expect_fail("tincomplete", -EPROTO, "mandatory operation");

	/* A file with the right name that is not a shared object. */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/libecfs-keymod-junk.so", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("not an ELF file\n", f);
	fclose(f);
	setenv(ECFS_KEYMOD_DIR_ENV, dir, 1);
	expect_fail("junk", -ELIBBAD, "cannot load");
	unlink(path);
	rmdir(dir);
}

static void test_ownership(void **state)
{
	char dir[] = "/tmp/ecfs-loader-XXXXXX", path[PATH_MAX], cmd[3 * PATH_MAX];
	struct ecfs_keymod *km;
	char err[512] = "";

	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/libecfs-keymod-tgood.so", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s/libecfs-keymod-tgood.so' '%s'", TESTMODS, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	setenv(ECFS_KEYMOD_DIR_ENV, dir, 1);

	/* Root's, mode 0644 in a 0755 directory: loads. */
	assert_int_equal(ecfs_keymod_load("tgood", &km, err, sizeof(err)), 0);
	ecfs_keymod_unload(km);

	assert_int_equal(chmod(path, 0664), 0);
	expect_fail("tgood", -EPERM, "libecfs-keymod-tgood.so is writable by group or others");
	assert_int_equal(chmod(path, 0646), 0);
	expect_fail("tgood", -EPERM, "writable by group or others (mode 0646)");
	assert_int_equal(chmod(path, 0644), 0);

	assert_int_equal(chown(path, 65534, 0), 0);
	expect_fail("tgood", -EPERM, "is owned by uid 65534, not by root");
	assert_int_equal(chown(path, 0, 0), 0);

	assert_int_equal(chmod(dir, 0775), 0);
	expect_fail("tgood", -EPERM, "directory");
	assert_int_equal(chmod(dir, 01777), 0);
	expect_fail("tgood", -EPERM, "writable by group or others (mode 1777)");
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, 65534, 0), 0);
	expect_fail("tgood", -EPERM, "owned by uid 65534");
	assert_int_equal(chown(dir, 0, 0), 0);

	/* A symbolic link in the directory is not followed. */
	snprintf(cmd, sizeof(cmd), "mv '%s' '%s/real.so' && ln -s real.so '%s'", path, dir, path);
	assert_int_equal(system(cmd), 0);
	expect_fail("tgood", -ELOOP, "symbolic link");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	unsetenv(ECFS_KEYMOD_DIR_ENV);
}

static void test_good_and_dir(void **state)
{
	struct ecfs_keymod *km;
	char err[512] = "";
	uint8_t in[3] = { 1, 2, 3 }, out[8];
	size_t ol;

	setenv(ECFS_KEYMOD_DIR_ENV, TESTMODS, 1);
	assert_string_equal(ecfs_keymod_dir(), TESTMODS);
	assert_int_equal(ecfs_keymod_load("tgood", &km, err, sizeof(err)), 0);
	assert_string_equal(km->name, "tgood");
	assert_int_equal(km->ops->wrap((const uint8_t *)"x", 1, in, 3, out, sizeof(out), &ol,
				       NULL, 0), 0);
	assert_int_equal(ol, 3);
	assert_int_equal(out[0], 1 ^ 0x5a);
	ecfs_keymod_unload(km);
	ecfs_keymod_unload(NULL);

	/* A relative override is ignored: only absolute directories count. */
	setenv(ECFS_KEYMOD_DIR_ENV, "tests/unit/.libs", 1);
	assert_string_equal(ecfs_keymod_dir(), ECFS_KEYMOD_DIR);
	unsetenv(ECFS_KEYMOD_DIR_ENV);
	assert_string_equal(ecfs_keymod_dir(), ECFS_KEYMOD_DIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_ownership),
		cmocka_unit_test(test_good_and_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
