// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-migrate: copy an eCryptfs lower tree out, decrypted, without
 * kernel support, to move the data to another file system or another
 * encryption (fscrypt, gocryptfs; see README.md).
 *
 * Every regular file is decrypted into a temporary name in its destination
 * directory while a SHA-256 of the plaintext is taken; the temporary file
 * is synced and read back, and renamed into place only when the hash of
 * what was written equals the hash of what was decrypted.  Its line (hash,
 * size, name) then goes into the state file, so an interrupted run skips
 * the files already there.  Modes, owners (as root), times, xattrs (but
 * user.ecryptfs, the eCryptfs metadata, and the records of long names,
 * user.ecryptfs_ln.*, which become the names they hold), symlinks, hard links, fifos and
 * device nodes are kept; holes are kept for all-zero 4 KiB blocks.  A file
 * that cannot be decrypted is named and skipped; the rest goes on.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"
#include "ed_core.h"
#include "ed_pkcli.h"
#include "et_cli.h"
#include "et_secret.h"

#define PROG "ecryptfs-migrate"
#define MG_SHA 32
#define MG_BLOCK 4096
#define MG_XATTR_LIST 65536
#define MG_XATTR_VAL 65536

struct mg_dir {
	char *dst;
	struct stat st;
	char *src;
};

struct mg_ino {
	dev_t dev;
	ino_t ino;
	char *dst;		/* NULL when that file failed */
};

struct mg_run {
	struct ed_keys keys;
	struct ed_worker w;
	bool fnek, as_root, progress;
	const char *to;
	FILE *state;
	void *done;		/* tsearch tree of migrated relative paths */
	struct mg_dir *dirs;
	size_t n_dirs, cap_dirs;
	struct mg_ino *inos;
	size_t n_inos, cap_inos;
	unsigned long files, links, symlinks, specials, dirs_made, skipped, failed, warned;
	unsigned long total_files, done_files;
	unsigned long long total_bytes, done_bytes, bytes;
	time_t last_draw;
	uint8_t *vbuf;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [KEYS] [--fnek] --to DIR LOWER\n"
		"\n"
		"Copy the eCryptfs lower directory LOWER out, decrypted, into DIR (created if\n"
		"needed), without mounting it: for moving to fscrypt, gocryptfs or a plain\n"
		"file system.  Every file is verified (SHA-256 of what was decrypted against\n"
		"what was written) before it is renamed into place; modes, owners (as root),\n"
		"times, xattrs, symlinks, hard links, fifos and device nodes are kept.\n"
		"Interrupted?  Run the same command again: finished files are skipped.\n"
		"\n"
		"Keys (at least one):\n"
		"  --passphrase-file FILE        mount passphrase: first line of FILE\n"
		"  --wrapped-passphrase FILE     a wrapped-passphrase file ...\n"
		"  --login-passphrase-file FILE  ... unwrapped with the first line of FILE\n"
		"  --recovery-key PEM            an RSA private key (ecryptfs-recovery-key)\n"
		"  --recovery-key-passphrase-file FILE  its PEM passphrase\n"
		"  --salt HEX                    passphrase salt (default " ECFS_DEFAULT_SALT_HEX ")\n"
		"Other:\n"
		"  --fnek                        decrypt file names (filename encryption)\n"
		"  --to DIR                      destination directory\n"
		"  --state FILE                  the list of finished files with their SHA-256\n"
		"                                (default: beside DIR, .NAME.ecryptfs-migrate)\n"
		"  -h, --help                    this text\n"
		"\n"
		"Exit status: 0 everything migrated, 1 some entries failed (named on stderr),\n"
		"2 usage or key errors.\n");
}

static void mg_err(struct mg_run *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void mg_err(struct mg_run *r, const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s" PROG ": %s: ", r->progress ? "\n" : "", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void mg_draw(struct mg_run *r, bool force)
{
	time_t now = time(NULL);

	if (!r->progress || (!force && now == r->last_draw))
		return;
	r->last_draw = now;
	ed_progress_line(r->done_files, r->total_files, r->done_bytes, r->total_bytes, false,
			 force);
}

static int mg_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* ---- the state file: "F|L|S|N <sha256|-> <size> <relative path>" ---- */

static int mg_state_load(struct mg_run *r, const char *path)
{
	char *line = NULL, *rel;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n')
			break;	/* a line cut short by a crash: that file is redone */
		line[n - 1] = '\0';
		rel = strchr(line, ' ');
		rel = rel ? strchr(rel + 1, ' ') : NULL;
		rel = rel ? strchr(rel + 1, ' ') : NULL;
		if (!rel)
			continue;
		rel = strdup(rel + 1);
		if (!rel || !tsearch(rel, &r->done, mg_cmp)) {
			free(rel);
			free(line);
			fclose(f);
			return -ENOMEM;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

static bool mg_is_done(struct mg_run *r, const char *rel)
{
	return tfind(rel, &r->done, mg_cmp) != NULL;
}

static void mg_state_add(struct mg_run *r, char kind, const uint8_t *sha, uint64_t size,
			 const char *rel)
{
	char hex[2 * MG_SHA + 1] = "-";
	size_t i;

	if (sha)
		for (i = 0; i < MG_SHA; i++)
			snprintf(hex + 2 * i, 3, "%02x", sha[i]);
	fprintf(r->state, "%c %s %llu %s\n", kind, hex, (unsigned long long)size, rel);
	/* Line-buffered by hand: a crash loses at most the lines since. */
	fflush(r->state);
}

/* ---- metadata ---- */

static void mg_copy_xattrs(struct mg_run *r, const char *src, const char *dst, int fd,
			   bool nofollow)
{
	char *list = malloc(MG_XATTR_LIST), *val = malloc(MG_XATTR_VAL), *name;
	ssize_t ll, vl;

	if (!list || !val)
		goto out;
	ll = nofollow ? llistxattr(src, list, MG_XATTR_LIST) : listxattr(src, list, MG_XATTR_LIST);
	for (name = list; ll > 0 && name < list + ll; name += strlen(name) + 1) {
		int rc;

		/* eCryptfs's own: the metadata and the long-name records. */
		if (!strcmp(name, ECFS_XATTR_NAME) ||
		    !strncmp(name, ECFS_LN_XATTR_PREFIX, ECFS_LN_XATTR_PREFIX_LEN))
			continue;
		vl = nofollow ? lgetxattr(src, name, val, MG_XATTR_VAL) :
			getxattr(src, name, val, MG_XATTR_VAL);
		if (vl < 0)
			continue;
		rc = fd >= 0 ? fsetxattr(fd, name, val, (size_t)vl, 0) :
			lsetxattr(dst, name, val, (size_t)vl, 0);
		if (rc && !(errno == EPERM && !r->as_root)) {
			mg_err(r, src, "xattr %s not copied: %s", name, strerror(errno));
			r->warned++;
		}
	}
out:
	free(list);
	free(val);
}

/* ---- regular files ---- */

struct mg_sink {
	int fd;
	EVP_MD_CTX *md;
	uint64_t pos;
};

/* Hash everything; leave holes for whole zero blocks. */
static int mg_sink_write(void *arg, const uint8_t *buf, size_t len)
{
	static const uint8_t zero[MG_BLOCK];
	struct mg_sink *s = arg;
	size_t off = 0;

	if (!EVP_DigestUpdate(s->md, buf, len))
		return -EIO;
	while (off < len) {
		size_t n = len - off < MG_BLOCK ? len - off : MG_BLOCK;
		ssize_t w;

		if (n == MG_BLOCK && !memcmp(buf + off, zero, MG_BLOCK)) {
			off += n;
			s->pos += n;
			continue;
		}
		w = pwrite(s->fd, buf + off, n, (off_t)s->pos);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		off += (size_t)w;
		s->pos += (uint64_t)w;
	}
	return 0;
}

/* SHA-256 of what is in @fd now, read back from the file system. */
static int mg_hash_back(struct mg_run *r, int fd, uint8_t *sha)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	off_t off = 0;
	int rc = -EIO;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		goto out;
	/* Drop our pages first so that the bytes come from the disk. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	for (;;) {
		ssize_t n = pread(fd, r->vbuf, ED_CHUNK_BYTES, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (!n)
			break;
		if (!EVP_DigestUpdate(md, r->vbuf, (size_t)n))
			goto out;
		off += n;
	}
	rc = EVP_DigestFinal_ex(md, sha, NULL) ? 0 : -EIO;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

static char *mg_tmpname(const char *dst)
{
	const char *slash = strrchr(dst, '/');
	char *t;

	if (asprintf(&t, "%.*s/.ecryptfs-migrate.XXXXXX", (int)(slash - dst), dst) < 0)
		return NULL;
	return t;
}

/* A fresh name for a symlink made beside @dst (symlink() fails if taken). */
static char *mg_linkname(const char *dst)
{
	static unsigned long seq;
	const char *slash = strrchr(dst, '/');
	char *t;

	if (asprintf(&t, "%.*s/.ecryptfs-migrate-l.%ld.%lu", (int)(slash - dst), dst,
		     (long)getpid(), ++seq) < 0)
		return NULL;
	return t;
}

static int mg_file(struct mg_run *r, const char *src, const char *dst, const char *rel,
		   const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	uint8_t sha_r[MG_SHA], sha_w[MG_SHA];
	struct mg_sink s = { .fd = -1 };
	struct ed_err e = { "" };
	uint64_t size = 0;
	char *tmp = NULL;
	int in, rc;

	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		mg_err(r, src, "cannot open: %s", strerror(errno));
		return -errno;
	}
	tmp = mg_tmpname(dst);
	s.md = EVP_MD_CTX_new();
	if (!tmp || !s.md || !EVP_DigestInit_ex(s.md, EVP_sha256(), NULL)) {
		rc = -ENOMEM;
		mg_err(r, src, "out of memory");
		goto out;
	}
	s.fd = mkostemp(tmp, O_CLOEXEC);
	if (s.fd < 0) {
		rc = -errno;
		mg_err(r, src, "cannot create a file in %s: %s", dst, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	rc = ed_decrypt_to(&r->keys, in, mg_sink_write, &s, &r->w, &size, &e);
	if (rc) {
		mg_err(r, src, "%s", e.msg);
		goto out;
	}
	if (!EVP_DigestFinal_ex(s.md, sha_r, NULL) || ftruncate(s.fd, (off_t)size) ||
	    fsync(s.fd)) {
		rc = -errno ? -errno : -EIO;
		mg_err(r, dst, "cannot write: %s", strerror(-rc));
		goto out;
	}
	rc = mg_hash_back(r, s.fd, sha_w);
	if (rc || CRYPTO_memcmp(sha_r, sha_w, MG_SHA)) {
		rc = rc ? rc : -EIO;
		mg_err(r, dst, "verification failed: what was read back differs from what was "
		       "decrypted (%s); not kept", rc == -EIO ? "checksum mismatch" : strerror(-rc));
		goto out;
	}
	if (r->as_root && fchown(s.fd, st->st_uid, st->st_gid)) {
		mg_err(r, dst, "cannot set the owner: %s", strerror(errno));
		r->warned++;
	}
	mg_copy_xattrs(r, src, NULL, s.fd, true);
	if (fchmod(s.fd, st->st_mode & 07777) || futimens(s.fd, ts)) {
		rc = -errno;
		mg_err(r, dst, "cannot set mode or times: %s", strerror(errno));
		goto out;
	}
	if (close(s.fd)) {
		s.fd = -1;
		rc = -errno;
		mg_err(r, dst, "cannot write: %s", strerror(-rc));
		goto out;
	}
	s.fd = -1;
	if (rename(tmp, dst)) {
		rc = -errno;
		mg_err(r, dst, "cannot rename into place: %s", strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	mg_state_add(r, 'F', sha_r, size, rel);
	r->bytes += size;
	r->files++;
out:
	if (s.fd >= 0)
		close(s.fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	EVP_MD_CTX_free(s.md);
	close(in);
	return rc;
}

/* ---- tree ---- */

static struct mg_ino *mg_find_ino(struct mg_run *r, const struct stat *st)
{
	size_t i;

	for (i = 0; i < r->n_inos; i++)
		if (r->inos[i].dev == st->st_dev && r->inos[i].ino == st->st_ino)
			return &r->inos[i];
	return NULL;
}

static int mg_add_ino(struct mg_run *r, const struct stat *st, const char *dst, bool ok)
{
	struct mg_ino *m = ed_grow(r->inos, &r->cap_inos, r->n_inos, sizeof(*m));

	if (!m)
		return -ENOMEM;
	r->inos = m;
	m = &r->inos[r->n_inos];
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->dst = ok ? strdup(dst) : NULL;
	if (ok && !m->dst)
		return -ENOMEM;
	r->n_inos++;
	return 0;
}

static void mg_reg(struct mg_run *r, const char *src, const char *dst, const char *rel,
		   const struct stat *st)
{
	struct mg_ino *prev = st->st_nlink > 1 ? mg_find_ino(r, st) : NULL;
	int rc;

	r->done_bytes += (unsigned long long)st->st_size;
	r->done_files++;
	if (prev) {
		if (mg_is_done(r, rel)) {
			r->skipped++;
			return;
		}
		if (!prev->dst) {
			mg_err(r, src, "hard link not made: the file it links to failed");
			r->failed++;
			return;
		}
		if ((unlink(dst) && errno != ENOENT) || link(prev->dst, dst)) {
			mg_err(r, src, "cannot link %s to %s: %s", dst, prev->dst, strerror(errno));
			r->failed++;
			return;
		}
		mg_state_add(r, 'L', NULL, 0, rel);
		r->links++;
		return;
	}
	if (mg_is_done(r, rel)) {
		struct stat dst_st;

		/* Done in an earlier run, as long as it is still there. */
		if (!lstat(dst, &dst_st) && S_ISREG(dst_st.st_mode)) {
			r->skipped++;
			if (st->st_nlink > 1 && mg_add_ino(r, st, dst, true))
				r->failed++;
			return;
		}
	}
	rc = mg_file(r, src, dst, rel, st);
	if (rc)
		r->failed++;
	if (st->st_nlink > 1 && mg_add_ino(r, st, dst, !rc) == -ENOMEM)
		mg_err(r, src, "out of memory");
	mg_draw(r, false);
}

static void mg_link_meta(struct mg_run *r, const char *src, const char *dst,
			 const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (r->as_root && lchown(dst, st->st_uid, st->st_gid)) {
		mg_err(r, dst, "cannot set the owner: %s", strerror(errno));
		r->warned++;
	}
	if (!S_ISLNK(st->st_mode) && chmod(dst, st->st_mode & 07777)) {
		mg_err(r, dst, "cannot set the mode: %s", strerror(errno));
		r->warned++;
	}
	mg_copy_xattrs(r, src, dst, -1, true);
	(void)utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

static void mg_symlink(struct mg_run *r, const char *src, const char *dst, const char *rel,
		       const struct stat *st)
{
	char lower[PATH_MAX], target[PATH_MAX], *tmp;
	struct ed_err e = { "" };
	ssize_t n;

	if (mg_is_done(r, rel)) {
		r->skipped++;
		return;
	}
	n = readlink(src, lower, sizeof(lower) - 1);
	if (n < 0) {
		mg_err(r, src, "cannot read the link: %s", strerror(errno));
		r->failed++;
		return;
	}
	lower[n] = '\0';
	if (r->fnek) {
		if (ed_target_decrypt(&r->keys, lower, target, sizeof(target), &e) < 0) {
			mg_err(r, src, "%s", e.msg);
			r->failed++;
			return;
		}
	} else {
		memcpy(target, lower, (size_t)n + 1);
	}
	/* Made beside and renamed: an old one is replaced at once. */
	tmp = mg_linkname(dst);
	if (!tmp || symlink(target, tmp) || rename(tmp, dst)) {
		mg_err(r, dst, "cannot create the symlink: %s", strerror(errno));
		if (tmp)
			unlink(tmp);
		free(tmp);
		r->failed++;
		return;
	}
	free(tmp);
	mg_link_meta(r, src, dst, st);
	mg_state_add(r, 'S', NULL, 0, rel);
	r->symlinks++;
}

static void mg_special(struct mg_run *r, const char *src, const char *dst, const char *rel,
		       const struct stat *st)
{
	if (mg_is_done(r, rel)) {
		r->skipped++;
		return;
	}
	if (S_ISSOCK(st->st_mode)) {
		/* A socket is only a name for a listening process: nothing to keep. */
		mg_err(r, src, "socket not copied");
		r->warned++;
		return;
	}
	if ((unlink(dst) && errno != ENOENT) ||
	    mknod(dst, st->st_mode & (S_IFMT | 0700), st->st_rdev)) {
		mg_err(r, src, "cannot create the %s: %s",
		       S_ISFIFO(st->st_mode) ? "fifo" : "device node", strerror(errno));
		r->failed++;
		return;
	}
	mg_link_meta(r, src, dst, st);
	mg_state_add(r, 'N', NULL, 0, rel);
	r->specials++;
}

static int mg_walk(struct mg_run *r, const char *src, const char *dst, const char *rel,
		   int depth, bool count);

/* Temporary files of an interrupted run never hold a finished file. */
static void mg_clean_tmp(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".ecryptfs-migrate.", 18) ||
		    !strncmp(de->d_name, ".ecryptfs-migrate-l.", 20))
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

static int mg_dir(struct mg_run *r, const char *src, const char *dst, const struct stat *st)
{
	struct mg_dir *d;
	struct stat ost;
	int rc;

	rc = ed_mkdir_out(dst, &ost);
	if (rc < 0)
		return rc;
	if (rc) {
		r->dirs_made++;
	} else {
		/* Writable while we fill it, also on a resumed run. */
		(void)chmod(dst, (ost.st_mode & 07777) | 0700);
		mg_clean_tmp(dst);
	}
	d = ed_grow(r->dirs, &r->cap_dirs, r->n_dirs, sizeof(*d));
	if (!d)
		return -ENOMEM;
	r->dirs = d;
	d = &r->dirs[r->n_dirs];
	d->dst = strdup(dst);
	d->src = strdup(src);
	d->st = *st;
	if (!d->dst || !d->src) {
		free(d->dst);
		free(d->src);
		return -ENOMEM;
	}
	r->n_dirs++;
	return 0;
}

static int mg_entry(struct mg_run *r, const char *src_dir, const char *dst_dir,
		    const char *rel_dir, const char *name, int depth, bool count)
{
	char plain[ECFS_LOWER_NAME_MAX + 1], *src = NULL, *dst = NULL, *rel = NULL;
	struct ed_err e = { "" };
	struct stat st;
	int rc = 0;

	if (asprintf(&src, "%s/%s", src_dir, name) < 0)
		return -ENOMEM;
	if (lstat(src, &st)) {
		if (!count) {
			mg_err(r, src, "%s", strerror(errno));
			r->failed++;
		}
		goto out;
	}
	if (count) {
		if (S_ISDIR(st.st_mode))
			rc = mg_walk(r, src, NULL, NULL, depth + 1, true);
		else if (S_ISREG(st.st_mode)) {
			r->total_files++;
			r->total_bytes += (unsigned long long)st.st_size;
		}
		goto out;
	}
	if (!r->fnek) {
		snprintf(plain, sizeof(plain), "%s", name);
	} else if (ed_entry_name(&r->keys, src, name, plain, sizeof(plain), &e) < 0) {
		mg_err(r, src, "%s", e.msg);
		r->failed++;
		goto out;
	}
	/* A name is one path component: never a way out of DIR. */
	if (strchr(plain, '/') || !strcmp(plain, ".") || !strcmp(plain, "..") || !*plain) {
		mg_err(r, src, "its name decrypts to \"%s\", which is not a file name; skipped",
		       plain);
		r->failed++;
		goto out;
	}
	if (asprintf(&dst, "%s/%s", dst_dir, plain) < 0 ||
	    asprintf(&rel, "%s%s%s", rel_dir, *rel_dir ? "/" : "", plain) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = mg_dir(r, src, dst, &st);
		if (rc) {
			mg_err(r, src, "cannot create %s: %s", dst, strerror(-rc));
			r->failed++;
			rc = rc == -ENOMEM ? rc : 0;
			goto out;
		}
		rc = mg_walk(r, src, dst, rel, depth + 1, false);
	} else if (S_ISREG(st.st_mode)) {
		mg_reg(r, src, dst, rel, &st);
	} else if (S_ISLNK(st.st_mode)) {
		mg_symlink(r, src, dst, rel, &st);
	} else {
		mg_special(r, src, dst, rel, &st);
	}
out:
	free(src);
	free(dst);
	free(rel);
	return rc;
}

static int mg_walk(struct mg_run *r, const char *src, const char *dst, const char *rel,
		   int depth, bool count)
{
	struct dirent **list = NULL;
	int n, i, rc = 0;

	if (depth > 256) {
		mg_err(r, src, "directory tree too deep");
		r->failed += !count;
		return 0;
	}
	/* Sorted: the same order on every run. */
	n = scandir(src, &list, NULL, alphasort);
	if (n < 0) {
		if (!count) {
			mg_err(r, src, "cannot read the directory: %s", strerror(errno));
			r->failed++;
		}
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!rc && strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, ".."))
			rc = mg_entry(r, src, dst, rel, list[i]->d_name, depth, count);
		free(list[i]);
	}
	free(list);
	return rc;
}

static void mg_finish_dirs(struct mg_run *r)
{
	size_t i;

	/* Children come after their parents: go backwards. */
	for (i = r->n_dirs; i-- > 0;) {
		struct mg_dir *d = &r->dirs[i];
		struct timespec ts[2] = { d->st.st_atim, d->st.st_mtim };

		if (r->as_root && lchown(d->dst, d->st.st_uid, d->st.st_gid))
			r->warned++;
		mg_copy_xattrs(r, d->src, d->dst, -1, true);
		if (chmod(d->dst, d->st.st_mode & 07777) || utimensat(AT_FDCWD, d->dst, ts, 0)) {
			mg_err(r, d->dst, "cannot set mode or times: %s", strerror(errno));
			r->warned++;
		}
	}
}

/* ---- keys and main ---- */

enum { OPT_FNEK = ED_OPT_KEYS_END, OPT_TO, OPT_STATE };

static const struct option long_opts[] = {
	ED_KEYARGS_LONG_OPTS,
	{ "fnek", no_argument, NULL, OPT_FNEK },
	{ "to", required_argument, NULL, OPT_TO },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

int main(int argc, char **argv)
{
	const char *state_path = NULL;
	size_t i;
	struct ed_keyargs k;
	struct mg_run r = { 0 };
	char *dflt_state = NULL, *lower;
	struct stat st;
	int opt, taken, rc = 0, status = 2;

	ed_keyargs_init(&k);
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		taken = ed_keyargs_opt(PROG, &k, opt, optarg);
		if (taken < 0)
			return 2;
		if (taken)
			continue;
		switch (opt) {
		case OPT_FNEK:
			r.fnek = true;
			break;
		case OPT_TO:
			r.to = optarg;
			break;
		case OPT_STATE:
			state_path = optarg;
			break;
		default:
			return ed_cli_usage_exit(opt, usage);
		}
	}
	if (argc - optind != 1 || !r.to || !ed_keyargs_any(&k)) {
		usage(stderr);
		return 2;
	}
	if (ed_keyargs_check(PROG, &k))
		return 2;
	lower = argv[optind];
	if (stat(lower, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": %s: not a directory\n", lower);
		return 2;
	}
	if (ecfs_crypto_init())
		fprintf(stderr, PROG ": warning: OpenSSL's legacy provider is missing: "
			"Blowfish and CAST5 files will fail\n");
	if (ed_keys_init(&r.keys) || ed_worker_init(&r.w) ||
	    !(r.vbuf = malloc(ED_CHUNK_BYTES))) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	r.as_root = geteuid() == 0;
	rc = ed_keyargs_load(PROG, &k, &r.keys, r.fnek);
	if (rc)
		goto out;
	if (mkdir(r.to, 0700) && errno != EEXIST) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", r.to, strerror(errno));
		goto out;
	}
	if (!state_path) {
		char *c1 = strdup(r.to), *c2 = strdup(r.to);

		if (!c1 || !c2 || asprintf(&dflt_state, "%s/.%s.ecryptfs-migrate", dirname(c1),
					   basename(c2)) < 0) {
			free(c1);
			free(c2);
			fprintf(stderr, PROG ": out of memory\n");
			goto out;
		}
		free(c1);
		free(c2);
		state_path = dflt_state;
	}
	rc = mg_state_load(&r, state_path);
	if (!rc) {
		r.state = fopen(state_path, "ae");
		rc = r.state ? 0 : -errno;
	}
	if (rc) {
		fprintf(stderr, PROG ": state file %s: %s\n", state_path, strerror(-rc));
		goto out;
	}
	r.progress = isatty(STDERR_FILENO);
	if (r.progress)
		mg_walk(&r, lower, NULL, NULL, 0, true);
	if (mg_dir(&r, lower, r.to, &st) || mg_walk(&r, lower, r.to, "", 0, false)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	mg_finish_dirs(&r);
	mg_draw(&r, true);
	if (fflush(r.state) || fsync(fileno(r.state)))
		fprintf(stderr, PROG ": state file %s: %s\n", state_path, strerror(errno));
	printf("%lu files (%.1f MiB) migrated and verified, %lu hard links, %lu symlinks, "
	       "%lu special files, %lu done before, %lu failed\n", r.files,
	       (double)r.bytes / 1048576.0, r.links, r.symlinks, r.specials, r.skipped, r.failed);
	printf("SHA-256 of every file: %s\n", state_path);
	status = r.failed ? 1 : 0;
out:
	if (r.state)
		fclose(r.state);
	for (i = 0; i < r.n_dirs; i++) {
		free(r.dirs[i].dst);
		free(r.dirs[i].src);
	}
	for (i = 0; i < r.n_inos; i++)
		free(r.inos[i].dst);
	free(r.dirs);
	free(r.inos);
	tdestroy(r.done, free);
	free(r.vbuf);
	free(dflt_state);
	ed_worker_free(&r.w);
	ed_keys_free(&r.keys);
	return status;
}
