// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for passphrase files, line input, mountinfo and the sig cache. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "et_files.h"
#include "et_lowercheck.h"
#include "et_mountinfo.h"
#include "et_secret.h"

static int pf(const char *s, struct et_secret *pw)
{
	return et_passfile_parse(s, strlen(s), pw);
}

static void test_passfile(void **state)
{
	struct et_secret pw = { 0 };
	char long65[80];

	assert_int_equal(et_secret_alloc(&pw, 64), 0);
	assert_int_equal(pf("passphrase_passwd=foo\n", &pw), 0);
	assert_string_equal(pw.buf, "foo");
	assert_int_equal(pf("salt=0011223344556677\npasswd=bar", &pw), 0);
	assert_string_equal(pw.buf, "bar");
	assert_int_equal(pf("key=passphrase,passwd=a b=c\n", &pw), 0);
	assert_string_equal(pw.buf, "a b=c");
	assert_int_equal(pf("foo\n", &pw), -ENOENT);
	assert_int_equal(pf("passwdx=foo\n", &pw), -ENOENT);
	assert_int_equal(pf("passwd=\n", &pw), -ENODATA);
	snprintf(long65, sizeof(long65), "passwd=%065d", 7);
	assert_int_equal(pf(long65, &pw), -EMSGSIZE);
	long65[strlen(long65) - 1] = '\0';
	assert_int_equal(pf(long65, &pw), 0);
	assert_int_equal(pw.len, 64);
	et_secret_free(&pw);
	assert_null(pw.buf);
}

static void test_read_line(void **state)
{
	char buf[8];
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "one\ntwo\ntoolongline\nz", 21), 21);
	close(p[1]);
	assert_int_equal(et_read_line(p[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "one");
	assert_int_equal(et_read_line(p[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "two");
	assert_int_equal(et_read_line(p[0], buf, sizeof(buf)), -EMSGSIZE);
	assert_int_equal(et_read_line(p[0], buf, sizeof(buf)), 1);
	assert_string_equal(buf, "z");
	assert_int_equal(et_read_line(p[0], buf, sizeof(buf)), -ENODATA);
	close(p[0]);
}

static void test_read_all_limits(void **state)
{
	struct et_secret s = { 0 };
	char path[] = "/tmp/test_tools_files.XXXXXX";
	static char big[ET_OPTFILE_MAX + 1];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	memset(big, 'a', sizeof(big));
	assert_int_equal(write(fd, big, sizeof(big)), (int)sizeof(big));
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(et_read_all_fd(fd, &s), -EFBIG);
	assert_int_equal(ftruncate(fd, ET_OPTFILE_MAX), 0);
	lseek(fd, 0, SEEK_SET);
	assert_int_equal(et_read_all_fd(fd, &s), 0);
	assert_int_equal(s.len, ET_OPTFILE_MAX);
	et_secret_free(&s);
	close(fd);
	unlink(path);
	fd = open("/", O_RDONLY);
	assert_int_equal(et_read_all_fd(fd, &s), -EISDIR);
	close(fd);
}

static const char mountinfo[] =
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"40 22 0:33 / /mnt/my\\040dir rw,relatime shared:2 - ecryptfs /low rw,ecryptfs_fnek_sig=6967d0c28476ffa1,"
	"ecryptfs_sig=253ca7e88811d184,ecryptfs_sig=c42ec75301dc1674,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_unlink_sigs\n"
	"garbage line without fields\n"
	"41 22 0:34 / /mnt/x rw - tmpfs\n"
	"42 22 0:35 / /mnt/x rw - tmpfs tmpfs rw,size=10k\n";

static void test_mountinfo(void **state)
{
	char *type = NULL, *opts = NULL, *v = NULL;

	assert_int_equal(et_mountinfo_find(mountinfo, strlen(mountinfo), "/mnt/my dir", &type,
					   &opts), 0);
	assert_string_equal(type, "ecryptfs");
	assert_true(et_opt_flag(opts, "ecryptfs_unlink_sigs"));
	assert_false(et_opt_flag(opts, "ecryptfs_unlink"));
	assert_int_equal(et_opt_value(opts, "ecryptfs_sig", 0, &v), 0);
	assert_string_equal(v, "253ca7e88811d184");
	free(v);
	assert_int_equal(et_opt_value(opts, "ecryptfs_sig", 1, &v), 0);
	assert_string_equal(v, "c42ec75301dc1674");
	free(v);
	assert_int_equal(et_opt_value(opts, "ecryptfs_sig", 2, &v), -ENOENT);
	free(type);
	free(opts);
	/* The short line for /mnt/x is skipped; the complete one is found. */
	assert_int_equal(et_mountinfo_find(mountinfo, strlen(mountinfo), "/mnt/x", &type, &opts), 0);
	assert_string_equal(opts, "rw,size=10k");
	free(type);
	free(opts);
	assert_int_equal(et_mountinfo_find(mountinfo, strlen(mountinfo), "/mnt", &type, &opts),
			 -ENOENT);
	/* A truncated buffer never reads past its length. */
	assert_int_equal(et_mountinfo_find(mountinfo, 60, "/mnt/my dir", &type, &opts), -ENOENT);
}

/* A mountinfo of 400 mounts (~60 KiB) is read whole and searched to its end. */
static void test_mountinfo_large(void **state)
{
	char path[] = "/tmp/ecfs-mountinfo-XXXXXX", *buf, *type, *opts;
	size_t len;
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (i = 0; i < 400; i++)
		fprintf(f, "%d 1 0:%d / /srv/many/mount-point-number-%04d rw,relatime shared:%d - tmpfs tmpfs rw,size=1024k,inode64\n",
			100 + i, 50 + i, i, i);
	fprintf(f, "999 1 0:999 / /srv/last rw - ecryptfs /srv/lower rw,ecryptfs_sig=0011223344556677,ecryptfs_unlink_sigs\n");
	fclose(f);
	assert_int_equal(et_mountinfo_read(path, &buf, &len), 0);
	unlink(path);
	assert_true(len > 0xa000);
	assert_int_equal(strlen(buf), len);
	assert_int_equal(et_mountinfo_find(buf, len, "/srv/last", &type, &opts), 0);
	assert_string_equal(type, "ecryptfs");
	assert_true(et_opt_flag(opts, "ecryptfs_unlink_sigs"));
	free(type);
	free(opts);
	free(buf);
	assert_int_equal(et_mountinfo_read("/nonexistent/mountinfo", &buf, &len), -ENOENT);
}

static void test_sigcache(void **state)
{
	char dir[] = "/tmp/test_tools_sc.XXXXXX", path[300], sub[64];
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/.ecryptfs", dir);
	snprintf(path, sizeof(path), "%s/sig-cache.txt", sub);
	assert_int_equal(et_sigcache_contains(path, "253ca7e88811d184"), 0);
	assert_int_equal(et_sigcache_append(path, "253ca7e88811d184"), 0);
	assert_int_equal(et_sigcache_append(path, "c42ec75301dc1674"), 0);
	assert_int_equal(et_sigcache_append(path, "not-a-sig"), -EINVAL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 34);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(et_sigcache_contains(path, "c42ec75301dc1674"), 1);
	assert_int_equal(et_sigcache_contains(path, "6967d0c28476ffa1"), 0);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

static void test_lower_file_sigs_rejects_plain(void **state)
{
	char out[8][17];
	unsigned char buf[4096];

	memset(buf, 0x41, sizeof(buf));
	assert_int_equal(et_lower_file_sigs(buf, sizeof(buf), 0, out, 8), 0);
	assert_int_equal(et_lower_file_sigs(buf, 3, 0, out, 8), 0);
	assert_int_equal(et_lower_file_sigs(buf, 0, 1, out, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passfile),
		cmocka_unit_test(test_read_line),
		cmocka_unit_test(test_read_all_limits),
		cmocka_unit_test(test_mountinfo),
		cmocka_unit_test(test_mountinfo_large),
		cmocka_unit_test(test_sigcache),
		cmocka_unit_test(test_lower_file_sigs_rejects_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
