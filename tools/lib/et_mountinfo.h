/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Looking a mount up in /proc/self/mountinfo (umount.ecryptfs). */
#ifndef ET_MOUNTINFO_H
#define ET_MOUNTINFO_H

#include <stddef.h>

/*
 * Read all of @path (a /proc table such as /proc/self/mountinfo, which
 * has no size limit: a few hundred mounts make it hundreds of KiB) into a
 * NUL-terminated malloc()ed *@buf of *@len bytes.  Returns 0 or -errno.
 */
int et_mountinfo_read(const char *path, char **buf, size_t *len);

/*
 * In the mountinfo text @buf (@len bytes), find the topmost (last listed)
 * mount whose mount point is @dir and return copies of its filesystem type
 * and its superblock options. Returns 0, -ENOENT (not mounted) or -ENOMEM.
 * Malformed lines are skipped, never read past.
 */
int et_mountinfo_find(const char *buf, size_t len, const char *dir, char **fstype,
		      char **super_opts);

/*
 * The @idx-th (0-based) value of option @name= in the comma-separated
 * @opts, copied to *@val. Returns 0 or -ENOENT / -ENOMEM.
 */
int et_opt_value(const char *opts, const char *name, size_t idx, char **val);

/* 1 when the bare flag @name is in @opts. */
int et_opt_flag(const char *opts, const char *name);

#endif /* ET_MOUNTINFO_H */
