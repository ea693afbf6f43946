// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-rekey's crash journal: a record survives a round trip and
 * every torn or damaged form of it is refused; recovery rolls a file whose
 * header is old or torn forward to the new header, leaves a file that is
 * already new alone, and refuses a file changed behind its back.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

#include "rk_journal.h"

struct fx {
	char dir[64];
	char file[128];
	char journal[128];
	struct rk_record r;
	int jfd;
};

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 31);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	uint8_t data[RK_META_SPAN * 3];
	struct stat st;
	int fd;

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/ecfs-journal-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->file, sizeof(fx->file), "%s/lower", fx->dir);
	snprintf(fx->journal, sizeof(fx->journal), "%s/journal", fx->dir);
	fill(fx->r.old, RK_META_SPAN, 1);
	fill(fx->r.new_, RK_META_SPAN, 2);
	/* The file: the old header extent, then data that must never change. */
	memcpy(data, fx->r.old, RK_META_SPAN);
	fill(data + RK_META_SPAN, sizeof(data) - RK_META_SPAN, 9);
	fd = open(fx->file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
	assert_int_equal(fstat(fd, &st), 0);
	close(fd);
	fx->r.dev = (uint64_t)st.st_dev;
	fx->r.ino = (uint64_t)st.st_ino;
	fx->r.kind = RK_KIND_HEADER;
	fx->r.old_len = fx->r.new_len = RK_META_SPAN;
	strcpy(fx->r.path, fx->file);
	fx->jfd = open(fx->journal, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fx->jfd >= 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	close(fx->jfd);
	unlink(fx->file);
	unlink(fx->journal);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void read_file(const struct fx *fx, uint8_t *buf, size_t n)
{
	int fd = open(fx->file, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, n, 0), (ssize_t)n);
	close(fd);
}

/* The data after the header extent is what setup() wrote. */
static void assert_data_intact(const struct fx *fx)
{
	uint8_t buf[RK_META_SPAN * 3], want[RK_META_SPAN * 2];

	read_file(fx, buf, sizeof(buf));
	fill(want, sizeof(want), 9);
	assert_memory_equal(buf + RK_META_SPAN, want, sizeof(want));
}

static void test_roundtrip_and_damage(void **state)
{
	struct fx *fx = *state;
	static uint8_t buf[RK_JOURNAL_MAX];
	static struct rk_record back;
	int n, cut, flips = 0;
	size_t i;

	n = rk_record_encode(&fx->r, buf, sizeof(buf));
	assert_true(n > 2 * RK_META_SPAN);
	assert_int_equal(rk_record_decode(buf, (size_t)n, &back), 0);
	assert_string_equal(back.path, fx->r.path);
	assert_memory_equal(back.old, fx->r.old, RK_META_SPAN);
	assert_memory_equal(back.new_, fx->r.new_, RK_META_SPAN);
	assert_int_equal(back.ino, fx->r.ino);
	assert_int_equal(rk_record_decode(buf, 0, &back), -ENOENT);
	/* Every truncation (a torn journal write) is refused. */
	for (cut = 1; cut < n; cut += 97)
		assert_int_equal(rk_record_decode(buf, (size_t)cut, &back), -EBADMSG);
	/* So is any flipped byte. */
	for (i = 0; i < (size_t)n; i += 211) {
		buf[i] ^= 0x40;
		assert_int_equal(rk_record_decode(buf, (size_t)n, &back), -EBADMSG);
		buf[i] ^= 0x40;
		flips++;
	}
	assert_true(flips > 10);
	/* A header record must carry whole extents. */
	fx->r.new_len = 100;
	assert_int_equal(rk_record_encode(&fx->r, buf, sizeof(buf)), -EINVAL);
}

static void test_classify(void **state)
{
	struct fx *fx = *state;
	uint8_t cur[RK_META_SPAN];

	assert_int_equal(rk_classify(&fx->r, fx->r.new_, RK_META_SPAN), RK_STATE_NEW);
	assert_int_equal(rk_classify(&fx->r, fx->r.old, RK_META_SPAN), RK_STATE_OLD);
	/* Power loss: the first sectors made it, the rest did not. */
	memcpy(cur, fx->r.old, RK_META_SPAN);
	memcpy(cur, fx->r.new_, 3 * RK_SECTOR);
	assert_int_equal(rk_classify(&fx->r, cur, RK_META_SPAN), RK_STATE_TORN);
	memcpy(cur + 5 * RK_SECTOR, fx->r.new_ + 5 * RK_SECTOR, RK_SECTOR);
	assert_int_equal(rk_classify(&fx->r, cur, RK_META_SPAN), RK_STATE_TORN);
	/* The kernel rewrote the size field since: not ours to touch. */
	cur[3] ^= 1;
	assert_int_equal(rk_classify(&fx->r, cur, RK_META_SPAN), RK_STATE_FOREIGN);
}

static void test_recover_old_torn_new(void **state)
{
	struct fx *fx = *state;
	uint8_t cur[RK_META_SPAN];
	char msg[512];
	int fd;

	/* Crash after the journal write, before the file write. */
	assert_int_equal(rk_journal_write(fx->jfd, &fx->r), 0);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "completed"));
	read_file(fx, cur, RK_META_SPAN);
	assert_memory_equal(cur, fx->r.new_, RK_META_SPAN);
	assert_data_intact(fx);
	/* Run again: already new, nothing written. */
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "already"));

	/* Torn: only the first sector of the new header reached the disk. */
	fd = open(fx->file, O_RDWR);
	assert_int_equal(pwrite(fd, fx->r.old, RK_META_SPAN, 0), RK_META_SPAN);
	assert_int_equal(pwrite(fd, fx->r.new_, RK_SECTOR, 0), RK_SECTOR);
	close(fd);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), 0);
	read_file(fx, cur, RK_META_SPAN);
	assert_memory_equal(cur, fx->r.new_, RK_META_SPAN);
	assert_data_intact(fx);
}

static void test_recover_refuses(void **state)
{
	struct fx *fx = *state;
	uint8_t cur[RK_META_SPAN], before[RK_META_SPAN];
	char msg[512];
	int fd;

	assert_int_equal(rk_journal_write(fx->jfd, &fx->r), 0);
	/* The header changed behind our back (mounted and written). */
	memcpy(before, fx->r.old, RK_META_SPAN);
	before[7] ^= 0x10;
	fd = open(fx->file, O_RDWR);
	assert_int_equal(pwrite(fd, before, RK_META_SPAN, 0), RK_META_SPAN);
	close(fd);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), -ESTALE);
	assert_non_null(strstr(msg, fx->file));
	read_file(fx, cur, RK_META_SPAN);
	assert_memory_equal(cur, before, RK_META_SPAN);

	/* Another file under the same name (made first: no inode reuse). */
	snprintf(msg, sizeof(msg), "%s.new", fx->file);
	fd = open(msg, O_RDWR | O_CREAT, 0600);
	assert_int_equal(pwrite(fd, fx->r.old, RK_META_SPAN, 0), RK_META_SPAN);
	close(fd);
	assert_int_equal(rename(msg, fx->file), 0);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), -ESTALE);
	read_file(fx, cur, RK_META_SPAN);
	assert_memory_equal(cur, fx->r.old, RK_META_SPAN);
}

static void test_torn_journal_ignored(void **state)
{
	struct fx *fx = *state;
	uint8_t cur[RK_META_SPAN];
	struct stat st;
	char msg[512];

	assert_int_equal(rk_journal_write(fx->jfd, &fx->r), 0);
	assert_int_equal(fstat(fx->jfd, &st), 0);
	/* The journal write itself tore: the file was never touched. */
	assert_int_equal(ftruncate(fx->jfd, st.st_size / 2), 0);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "ignored"));
	read_file(fx, cur, RK_META_SPAN);
	assert_memory_equal(cur, fx->r.old, RK_META_SPAN);
	assert_int_equal(rk_journal_clear(fx->jfd), 0);
	assert_int_equal(rk_journal_recover(fx->jfd, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip_and_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_old_torn_new, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_journal_ignored, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
