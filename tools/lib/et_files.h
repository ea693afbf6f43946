/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small files the tools read and write on a user's behalf: the passphrase
 * file/fd of mount.ecryptfs, ~/.ecryptfsrc and ~/.ecryptfs/sig-cache.txt.
 */
#ifndef ET_FILES_H
#define ET_FILES_H

#include <stddef.h>

#include "et_secret.h"

/* Upstream's limit for option files. */
#define ET_OPTFILE_MAX	0xa000

/*
 * Read all of @fd (a regular file, pipe or socket) into a new locked
 * secret. Returns 0, -EISDIR, -EFBIG (more than ET_OPTFILE_MAX bytes) or
 * -errno.
 */
int et_read_all_fd(int fd, struct et_secret *out);

/*
 * Find upstream's "passphrase_passwd=" or "passwd=" entry in the contents
 * of a passphrase file (entries separated by ',' or newlines, as upstream
 * parses them) and copy its value to @pw. Returns 0, -ENOENT (no entry),
 * -ENODATA (empty value) or -EMSGSIZE (longer than 64 bytes).
 */
int et_passfile_parse(const char *buf, size_t len, struct et_secret *pw);

/*
 * Open @path for reading as a secret-holding file: never blocks on a FIFO
 * or a device (O_NONBLOCK), and only a regular file is accepted.  Returns
 * the descriptor, -EINVAL (not a regular file) or -errno.
 */
int et_open_regular(const char *path);

/*
 * Warn on stderr when @path (through @fd, or by name when @fd < 0), which
 * holds a key or a passphrase, is readable by group or others.  Returns 1
 * when it warned.
 */
int et_warn_exposed(const char *prog, const char *what, const char *path, int fd);

/* Home directory of the real user (getuid()), as upstream uses it. */
int et_home_dir(char **home);

/*
 * Read the invoking user's ~/.ecryptfsrc into @out (NULL/0 when there is
 * none). Returns 0 or -errno; *@path is set to the file name either way.
 */
int et_rcfile_read(char **path, char **out, size_t *len);

/* ~/.ecryptfs/sig-cache.txt of the real user. */
int et_sigcache_path(char **path);
/* 1 when @sig is one of the 17-byte records of @path, 0 if not (or no file), -errno. */
int et_sigcache_contains(const char *path, const char *sig);
/* Append a record, creating the file 0600 (and its directory 0700). */
int et_sigcache_append(const char *path, const char *sig);

#endif /* ET_FILES_H */
