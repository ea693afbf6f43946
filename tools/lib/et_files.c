// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecfs_authtok.h"
#include "et_files.h"

int et_read_all_fd(int fd, struct et_secret *out)
{
	struct stat st;
	size_t len = 0;
	int rc;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode) && st.st_size > ET_OPTFILE_MAX)
		return -EFBIG;
	/* One spare byte tells "exactly at the limit" from "too big". */
	rc = et_secret_alloc(out, ET_OPTFILE_MAX + 1);
	if (rc)
		return rc;
	for (;;) {
		ssize_t r = read(fd, out->buf + len, out->cap - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > ET_OPTFILE_MAX) {
			rc = -EFBIG;
			goto fail;
		}
	}
	out->buf[len] = '\0';
	out->len = len;
	return 0;
fail:
	et_secret_free(out);
	return rc;
}

int et_open_regular(const char *path)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int et_warn_exposed(const char *prog, const char *what, const char *path, int fd)
{
	struct stat st;

	if (fd >= 0 ? fstat(fd, &st) : stat(path, &st))
		return 0;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & (S_IRGRP | S_IROTH)))
		return 0;
	fprintf(stderr, "%s: WARNING: %s %s is readable by group or others (mode %04o); make it private: chmod go-rwx %s\n",
		prog, what, path, (unsigned int)(st.st_mode & 07777), path);
	return 1;
}

int et_passfile_parse(const char *buf, size_t len, struct et_secret *pw)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i, end, nlen;
		const char *eq;

		while (i < len && buf[i] != ',' && buf[i] != '\n')
			i++;
		end = i++;
		eq = memchr(buf + start, '=', end - start);
		if (!eq)
			continue;
		nlen = (size_t)(eq - (buf + start));
		if ((nlen == 6 && !memcmp(buf + start, "passwd", 6)) ||
		    (nlen == 17 && !memcmp(buf + start, "passphrase_passwd", 17))) {
			size_t vlen = end - nlen - 1 - start;

			if (!vlen)
				return -ENODATA;
			if (vlen > ECFS_MAX_PASSPHRASE_BYTES)
				return -EMSGSIZE;
			return et_secret_set(pw, eq + 1, vlen);
		}
	}
	return -ENOENT;
}

int et_home_dir(char **home)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwuid(getuid());
	if (!pw)
		return errno ? -errno : -ENOENT;
	*home = strdup(pw->pw_dir);
	return *home ? 0 : -ENOMEM;
}

int et_rcfile_read(char **path, char **out, size_t *len)
{
	struct et_secret s = { 0 };
	char *home = NULL;
	int fd, rc;

	*path = NULL;
	*out = NULL;
	*len = 0;
	rc = et_home_dir(&home);
	if (rc)
		return rc;
	rc = asprintf(path, "%s/.ecryptfsrc", home);
	free(home);
	if (rc < 0) {
		*path = NULL;
		return -ENOMEM;
	}
	fd = et_open_regular(*path);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	rc = et_read_all_fd(fd, &s);
	close(fd);
	if (rc)
		return rc;
	/* The rc file may hold a passphrase: copy it out of the locked buffer. */
	*out = malloc(s.len + 1);
	if (!*out) {
		et_secret_free(&s);
		return -ENOMEM;
	}
	memcpy(*out, s.buf, s.len + 1);
	*len = s.len;
	et_secret_free(&s);
	return 0;
}

int et_sigcache_path(char **path)
{
	char *home = NULL;
	int rc = et_home_dir(&home);

	if (rc)
		return rc;
	rc = asprintf(path, "%s/.ecryptfs/sig-cache.txt", home);
	free(home);
	if (rc < 0) {
		*path = NULL;
		return -ENOMEM;
	}
	return 0;
}

int et_sigcache_contains(const char *path, const char *sig)
{
	char rec[ECFS_SIG_SIZE_HEX + 1];
	int fd, found = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (;;) {
		size_t got = 0;

		while (got < sizeof(rec)) {
			ssize_t r = read(fd, rec + got, sizeof(rec) - got);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (got < sizeof(rec))
			break;
		if (!memcmp(rec, sig, ECFS_SIG_SIZE_HEX)) {
			found = 1;
			break;
		}
	}
	close(fd);
	return found;
}

int et_sigcache_append(const char *path, const char *sig)
{
	char rec[ECFS_SIG_SIZE_HEX + 1];
	char *dir, *slash;
	int fd, rc = 0;

	if (!ecfs_sig_valid(sig))
		return -EINVAL;
	dir = strdup(path);
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST) {
			rc = -errno;
			free(dir);
			return rc;
		}
	}
	free(dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	memcpy(rec, sig, ECFS_SIG_SIZE_HEX);
	rec[ECFS_SIG_SIZE_HEX] = '\n';
	if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
		rc = -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}
