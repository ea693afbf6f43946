/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rk_journal - the crash journal of ecryptfs-rekey.
 *
 * Rekeying rewrites only the metadata of each lower file: the first header
 * extent (4096 bytes: the fixed header and the key packets) in place, or
 * the user.ecryptfs xattr.  The data extents are never written, so hard
 * links, the inode, its other xattrs and its blocks all stay as they are.
 * A write of 4096 bytes can tear on power loss, so before touching a file
 * the old and the new metadata go into the journal, which is synced first:
 *
 *   1. journal <- {file, old, new, checksum}; fdatasync(journal)
 *   2. write new metadata into the file;      fdatasync(file)
 *
 * After a crash, rk_journal_recover() looks at the file the record names:
 * if it holds the new bytes, nothing to do; the old bytes, or a mix of old
 * and new 512-byte sectors (a torn write), are rolled forward to the new
 * bytes, which were checked to unwrap the same FEK before step 1.  A
 * record whose checksum fails was itself torn in step 1, before the file
 * was touched, and is ignored.  Anything else means the file changed after
 * the crash (it was mounted and written): it is left alone and reported.
 * Which files are done is read from the files themselves (their key
 * packets already match the target set), so a resumed run skips them; the
 * journal never has more than the one file in flight.
 */
#ifndef RK_JOURNAL_H
#define RK_JOURNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RK_META_SPAN		4096	/* bytes of the header rewritten */
#define RK_SECTOR		512
#define RK_KIND_HEADER		1
#define RK_KIND_XATTR		2
#define RK_JOURNAL_MAX		(64 + 4096 + 2 * RK_META_SPAN + 64)

struct rk_record {
	uint64_t dev, ino;
	uint8_t kind;
	char path[4096];
	size_t old_len, new_len;	/* header: both RK_META_SPAN */
	uint8_t old[RK_META_SPAN];
	uint8_t new_[RK_META_SPAN];
};

/* Serialise @r into @buf (RK_JOURNAL_MAX bytes); returns the length. */
int rk_record_encode(const struct rk_record *r, uint8_t *buf, size_t size);
/*
 * Parse a journal image.  0 and a record; -ENOENT for an empty journal;
 * -EBADMSG for a torn or damaged record (safe to ignore: see above).
 */
int rk_record_decode(const uint8_t *buf, size_t len, struct rk_record *r);

/*
 * What the current bytes @cur of a file are, given the record:
 * RK_STATE_NEW (nothing to do), RK_STATE_OLD or RK_STATE_TORN (roll
 * forward), RK_STATE_FOREIGN (changed by someone else: leave alone).
 */
enum rk_state { RK_STATE_NEW, RK_STATE_OLD, RK_STATE_TORN, RK_STATE_FOREIGN };
enum rk_state rk_classify(const struct rk_record *r, const uint8_t *cur, size_t cur_len);

/* Write @r to the journal file @fd and sync it. */
int rk_journal_write(int fd, const struct rk_record *r);
/* Empty the journal (after a complete run it is deleted instead). */
int rk_journal_clear(int fd);

/*
 * Apply the new metadata of @r to its file: pwrite at 0 or setxattr, then
 * fdatasync.  @fault (may be NULL) is called between the steps so that the
 * crash tests can stop the process there; a non-zero return of the
 * "torn" hook writes only the first sector.
 */
struct rk_fault {
	/* Called after each durable write; may _exit(). */
	void (*after_write)(void *arg);
	/* Non-zero: write only the first RK_SECTOR bytes, then after_write. */
	int (*tear)(void *arg);
	void *arg;
};

int rk_apply(int fd, const struct rk_record *r, const struct rk_fault *f);

/*
 * Finish the record left in the journal @jfd, if any.  Returns 0 when
 * there was nothing to do or it was rolled forward (*msg says which),
 * -ESTALE when the file changed since (*msg names it), other -errno on
 * I/O errors.
 */
int rk_journal_recover(int jfd, char *msg, size_t msg_size);

#endif /* RK_JOURNAL_H */
