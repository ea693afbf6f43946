// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for mount.ecryptfs_private's checks of its inputs (mp_conf). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mp_conf.h"

static void test_username(void **state)
{
	assert_true(mp_username_ok("alice"));
	assert_true(mp_username_ok("a.b_c@d-e"));
	assert_true(mp_username_ok("machine$"));
	assert_false(mp_username_ok(""));
	assert_false(mp_username_ok("-alice"));
	assert_false(mp_username_ok("al$ice"));
	/* A name that would smuggle mount options (user=john,suid). */
	assert_false(mp_username_ok("john,suid"));
	assert_false(mp_username_ok("a b"));
	assert_false(mp_username_ok("a/b"));
}

static void test_alias(void **state)
{
	assert_null(mp_alias_problem("Private"));
	assert_null(mp_alias_problem("my-data_2.x"));
	assert_non_null(mp_alias_problem(""));
	assert_non_null(mp_alias_problem(".."));
	assert_non_null(mp_alias_problem("a..b"));
	assert_non_null(mp_alias_problem("../../etc/x"));
	assert_non_null(mp_alias_problem("a/b"));
	assert_non_null(mp_alias_problem(".hidden"));
	assert_non_null(mp_alias_problem("a\nb"));
	assert_non_null(mp_alias_problem(
		"x2345678901234567890123456789012345678901234567890123456789012345"));
}

static int sigs(const char *s, char out[MP_MAX_SIGS][MP_SIG_HEX + 1])
{
	const char *why = NULL;
	int rc = mp_parse_sigs(s, strlen(s), out, &why);

	if (rc < 0)
		assert_non_null(why);
	return rc;
}

static void test_sigs(void **state)
{
	char s[MP_MAX_SIGS][MP_SIG_HEX + 1];

	assert_int_equal(sigs("253ca7e88811d184\n", s), 1);
	assert_string_equal(s[0], "253ca7e88811d184");
	assert_int_equal(sigs("253ca7e88811d184\n6967d0c28476ffa1\n", s), 2);
	assert_string_equal(s[1], "6967d0c28476ffa1");
	/* No trailing newline; trailing text after a blank is cut, as upstream. */
	assert_int_equal(sigs("253ca7e88811d184 comment\n6967d0c28476ffa1", s), 2);
	assert_int_equal(sigs("253ca7e88811d184\n\n", s), 1);
	assert_int_equal(sigs("", s), -EINVAL);
	assert_int_equal(sigs("\n253ca7e88811d184\n", s), -EINVAL);
	assert_int_equal(sigs("253ca7e88811d18\n", s), -EINVAL);
	assert_int_equal(sigs("253ca7e88811d1845\n", s), -EINVAL);
	assert_int_equal(sigs("253ca7e88811d18g\n", s), -EINVAL);
	assert_int_equal(sigs("253ca7e88811d184,ecryptfs_cipher=x\n", s), -EINVAL);
}

static void test_mnt(void **state)
{
	const char *why;
	char *p = NULL;

	assert_int_equal(mp_parse_mnt("/home/a/Private\n", 16, &p, &why), 0);
	assert_string_equal(p, "/home/a/Private");
	free(p);
	assert_int_equal(mp_parse_mnt("/home/a  \nignored", 17, &p, &why), 0);
	assert_string_equal(p, "/home/a");
	free(p);
	assert_int_equal(mp_parse_mnt("Private\n", 8, &p, &why), -EINVAL);
	assert_int_equal(mp_parse_mnt("\n", 1, &p, &why), -EINVAL);
	assert_int_equal(mp_parse_mnt("/a\0b", 4, &p, &why), -EINVAL);
}

static int conf(const char *s, char **a, char **b)
{
	const char *why = NULL;

	return mp_parse_conf(s, strlen(s), a, b, &why);
}

static void test_conf(void **state)
{
	char *a = NULL, *b = NULL;

	assert_int_equal(conf("# mine\n/home/a/.sec /home/a/sec ecryptfs none 0 0\n", &a, &b), 0);
	assert_string_equal(a, "/home/a/.sec");
	assert_string_equal(b, "/home/a/sec");
	free(a);
	free(b);
	assert_int_equal(conf("/home/a/my\\040dir /home/a/x ecryptfs\n", &a, &b), 0);
	assert_string_equal(a, "/home/a/my dir");
	free(a);
	free(b);
	assert_int_equal(conf("/a /b ext4 none\n", &a, &b), -EINVAL);
	assert_int_equal(conf("/a /b ecryptfs suid,dev\n", &a, &b), -EINVAL);
	assert_int_equal(conf("/a /b ecryptfs ecryptfs_sig=0011223344556677\n", &a, &b), -EINVAL);
	assert_int_equal(conf("a /b ecryptfs\n", &a, &b), -EINVAL);
	assert_int_equal(conf("/a b ecryptfs\n", &a, &b), -EINVAL);
	assert_int_equal(conf("/a /b\n", &a, &b), -EINVAL);
	assert_int_equal(conf("# nothing\n", &a, &b), -EINVAL);
}

static void test_fstype(void **state)
{
	assert_true(mp_fstype_ok(0xef53));		/* ext4 */
	assert_true(mp_fstype_ok(0x01021994));		/* tmpfs */
	assert_true(mp_fstype_ok(0x9123683eUL));	/* btrfs */
	assert_false(mp_fstype_ok(0x9fa0));		/* procfs: CVE-2016-1572 */
	assert_false(mp_fstype_ok(0x62656572));		/* sysfs */
	assert_false(mp_fstype_ok(0x1cd1));		/* devpts */
}

static const char mi[] =
	"22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	"bad line\n"
	"40 22 0:40 / /home/a\\040b/Private rw,nosuid,nodev,relatime shared:7 master:2 - "
	"ecryptfs /proc/self/fd/5 rw,ecryptfs_fnek_sig=6967d0c28476ffa1,"
	"ecryptfs_sig=253ca7e88811d184,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,"
	"ecryptfs_unlink_sigs\n"
	"41 22 0:41 / /x rw - tmpfs\n";

static void test_mountinfo(void **state)
{
	struct mp_mntinfo m;

	assert_int_equal(mp_mountinfo_by_id(mi, strlen(mi), 40, &m), 0);
	assert_string_equal(m.fstype, "ecryptfs");
	assert_string_equal(m.mountpoint, "/home/a b/Private");
	assert_string_equal(m.source, "/proc/self/fd/5");
	assert_true(mp_opts_have(m.super_opts, "ecryptfs_sig", "253ca7e88811d184"));
	assert_false(mp_opts_have(m.super_opts, "ecryptfs_sig", "6967d0c28476ffa1"));
	assert_false(mp_opts_have(m.super_opts, "ecryptfs_sig", "253ca7e88811d18"));
	mp_mntinfo_free(&m);
	assert_int_equal(mp_mountinfo_by_id(mi, strlen(mi), 22, &m), 0);
	assert_string_equal(m.fstype, "ext4");
	mp_mntinfo_free(&m);
	/* Truncated line: no source field. */
	assert_int_equal(mp_mountinfo_by_id(mi, strlen(mi), 41, &m), -ENOENT);
	assert_int_equal(mp_mountinfo_by_id(mi, strlen(mi), 4, &m), -ENOENT);
}

static void test_counter(void **state)
{
	assert_int_equal(mp_counter_parse("3\n", 2), 3);
	assert_int_equal(mp_counter_parse("12", 2), 12);
	assert_int_equal(mp_counter_parse("", 0), 0);
	assert_int_equal(mp_counter_parse("-1\n", 3), 0);
	assert_int_equal(mp_counter_parse("3x\n", 3), 0);
	assert_int_equal(mp_counter_parse("99999999999\n", 12), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_sigs),
		cmocka_unit_test(test_mnt),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_fstype),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_counter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
