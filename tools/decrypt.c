// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-decrypt: decrypt eCryptfs lower files, or a whole lower tree,
 * without kernel support.
 *
 * The tree is walked once by the main thread, which makes the directories
 * and symlinks and queues the regular files; worker threads then decrypt
 * the queue, each with its own buffer and cipher context; hard links, and
 * the modes and times of directories, are applied last.  Every file is
 * written to a temporary name in its final directory, fsynced and renamed,
 * so a file that fails is never left half-written under its name.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"
#include "ed_core.h"
#include "ed_pkcli.h"
#include "et_cli.h"
#include "et_secret.h"

#define PROG "ecryptfs-decrypt"
#define MAX_JOBS 256

enum ent_type { ENT_FILE, ENT_LINK };

struct ent {
	char *src;
	char *dst;
	enum ent_type type;
	struct stat st;
	size_t primary;		/* ENT_LINK: the entry it is a hard link of */
	int rc;			/* ENT_FILE: result */
};

struct dir_ent {
	char *dst;
	struct stat st;
};

struct ino_map {
	dev_t dev;
	ino_t ino;
	size_t idx;
};

struct run {
	struct ed_keys keys;
	struct ent *ents;
	size_t n_ents, cap_ents;
	struct dir_ent *dirs;
	size_t n_dirs, cap_dirs;
	struct ino_map *inos;
	size_t n_inos, cap_inos;
	atomic_size_t next;
	atomic_ulong ok, failed;
	bool fnek, as_root;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTIONS] LOWER OUTPUT\n"
		"\n"
		"Decrypt an eCryptfs lower file into OUTPUT (a file name, or an existing\n"
		"directory to put it in), or a lower directory tree into the directory\n"
		"OUTPUT, without kernel support.  Names, directories, symlinks, hard links,\n"
		"modes and times are restored; the owner too when run as root.\n"
		"\n"
		"Keys (at least one):\n"
		"  --passphrase-file FILE      mount passphrase: the first line of FILE\n"
		"                              (repeatable; each file names one key)\n"
		"  --salt HEX                  salt for the passphrases, 16 hex digits\n"
		"                              (default " ECFS_DEFAULT_SALT_HEX ")\n"
		"  --wrapped-passphrase FILE   mount passphrase in an ecryptfs-utils wrapped-\n"
		"                              passphrase file (v1 or v2; repeatable) ...\n"
		"  --login-passphrase-file FILE  ... unwrapped with the first line of FILE\n"
		"  --recovery-key PEM          RSA private key (an ecryptfs-recovery-key, or an\n"
		"                              OpenSSL key module key) for the files' public-key\n"
		"                              packets; repeatable.  Enough on its own\n"
		"  --recovery-key-passphrase-file FILE  its PEM passphrase (first line); asked\n"
		"                              on the terminal when needed and not given\n"
		"  --fnek                      also decrypt file names and symlink targets,\n"
		"                              with filename keys derived from the same\n"
		"                              passphrases (as ecryptfs-add-passphrase --fnek,\n"
		"                              or the mount key itself, mount.ecryptfs's default);\n"
		"                              names without the FNEK prefix are kept as they\n"
		"                              are (the kernel would hide them)\n"
		"Other:\n"
		"  --jobs N                    decrypt N files in parallel (default 1)\n"
		"  -h, --help                  this text\n"
		"\n"
		"A file that cannot be decrypted is reported with the reason and skipped;\n"
		"the exit status is then 1 (2 for a usage or key error).  The run ends with\n"
		"\"N files decrypted, N failed\", counting files, symlinks and hard links.\n");
}

static void report(const char *path, const char *msg)
{
	fprintf(stderr, PROG ": %s: %s\n", path, msg);
}

static char *join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

static int add_entry(struct run *r, char *src, char *dst, enum ent_type t,
		     const struct stat *st, size_t primary)
{
	struct ent *e;

	e = ed_grow(r->ents, &r->cap_ents, r->n_ents, sizeof(*e));
	if (!e)
		return -ENOMEM;
	r->ents = e;
	e = &r->ents[r->n_ents++];
	e->src = src;
	e->dst = dst;
	e->type = t;
	e->st = *st;
	e->primary = primary;
	e->rc = 0;
	return 0;
}

/*
 * Queue a regular file, or a hard link when an earlier name had the same
 * lower inode.  Takes ownership of @src and @dst.
 */
static int queue_file(struct run *r, char *src, char *dst, const struct stat *st)
{
	struct ino_map *m;
	size_t i;
	int rc;

	if (st->st_nlink > 1) {
		for (i = 0; i < r->n_inos; i++)
			if (r->inos[i].dev == st->st_dev && r->inos[i].ino == st->st_ino)
				return add_entry(r, src, dst, ENT_LINK, st, r->inos[i].idx);
		m = ed_grow(r->inos, &r->cap_inos, r->n_inos, sizeof(*m));
		if (!m)
			goto nomem;
		r->inos = m;
		r->inos[r->n_inos++] = (struct ino_map){ st->st_dev, st->st_ino, r->n_ents };
	}
	rc = add_entry(r, src, dst, ENT_FILE, st, 0);
	if (rc)
		goto nomem;
	return 0;
nomem:
	free(src);
	free(dst);
	return -ENOMEM;
}

static void set_owner_times_link(struct run *r, const char *dst, const struct stat *st)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (r->as_root)
		(void)lchown(dst, st->st_uid, st->st_gid);
	(void)utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
}

static void do_symlink(struct run *r, const char *src, const char *dst, const struct stat *st)
{
	char lower[PATH_MAX], target[PATH_MAX];
	struct ed_err e;
	ssize_t n;
	int rc;

	n = readlink(src, lower, sizeof(lower) - 1);
	if (n < 0) {
		snprintf(e.msg, sizeof(e.msg), "cannot read the link: %s", strerror(errno));
		goto fail;
	}
	lower[n] = '\0';
	if (r->fnek) {
		rc = ed_target_decrypt(&r->keys, lower, target, sizeof(target), &e);
		if (rc < 0)
			goto fail;
	} else {
		memcpy(target, lower, (size_t)n + 1);
	}
	if (unlink(dst) && errno != ENOENT) {
		snprintf(e.msg, sizeof(e.msg), "cannot replace %s: %s", dst, strerror(errno));
		goto fail;
	}
	if (symlink(target, dst)) {
		snprintf(e.msg, sizeof(e.msg), "cannot create %s: %s", dst, strerror(errno));
		goto fail;
	}
	set_owner_times_link(r, dst, st);
	atomic_fetch_add(&r->ok, 1);
	return;
fail:
	report(src, e.msg);
	atomic_fetch_add(&r->failed, 1);
}

/* Output name of a lower entry: decrypted under --fnek, else as it is. */
static char *out_name(struct run *r, const char *src_path, const char *name)
{
	char plain[ECFS_LOWER_NAME_MAX + 1];
	struct ed_err e;

	if (!r->fnek)
		return strdup(name);
	if (ed_entry_name(&r->keys, src_path, name, plain, sizeof(plain), &e) < 0) {
		report(src_path, e.msg);
		return NULL;
	}
	return strdup(plain);
}

static int walk(struct run *r, const char *src, const char *dst, int depth);

static int add_dir(struct run *r, const char *dst, const struct stat *st)
{
	struct dir_ent *d;
	struct stat ost;
	char *copy;
	int rc;

	/* Writable while we fill it; its own mode is applied at the end. */
	rc = ed_mkdir_out(dst, &ost);
	if (rc < 0)
		return rc;
	d = ed_grow(r->dirs, &r->cap_dirs, r->n_dirs, sizeof(*d));
	copy = strdup(dst);
	if (!d || !copy) {
		free(copy);
		if (d)
			r->dirs = d;
		return -ENOMEM;
	}
	r->dirs = d;
	r->dirs[r->n_dirs].dst = copy;
	r->dirs[r->n_dirs].st = *st;
	r->n_dirs++;
	return 0;
}

static int walk_entry(struct run *r, const char *src_dir, const char *dst_dir,
		      const char *name, int depth)
{
	char *src = join(src_dir, name), *plain = NULL, *dst = NULL;
	struct stat st;
	int rc = 0;

	if (!src)
		return -ENOMEM;
	if (lstat(src, &st)) {
		fprintf(stderr, PROG ": %s: %s\n", src, strerror(errno));
		atomic_fetch_add(&r->failed, 1);
		goto out;
	}
	plain = out_name(r, src, name);
	if (!plain) {
		atomic_fetch_add(&r->failed, 1);
		goto out;
	}
	dst = join(dst_dir, plain);
	if (!dst) {
		rc = -ENOMEM;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = add_dir(r, dst, &st);
		if (rc) {
			fprintf(stderr, PROG ": %s: cannot create %s: %s\n", src, dst,
				strerror(-rc));
			atomic_fetch_add(&r->failed, 1);
			rc = rc == -ENOMEM ? rc : 0;
			goto out;
		}
		rc = walk(r, src, dst, depth + 1);
	} else if (S_ISLNK(st.st_mode)) {
		do_symlink(r, src, dst, &st);
	} else if (S_ISREG(st.st_mode)) {
		rc = queue_file(r, src, dst, &st);
		src = dst = NULL;
	} else {
		report(src, "skipped: not a regular file, directory or symlink");
		atomic_fetch_add(&r->failed, 1);
	}
out:
	free(src);
	free(dst);
	free(plain);
	return rc;
}

static int walk(struct run *r, const char *src, const char *dst, int depth)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > 256) {
		report(src, "directory tree too deep");
		atomic_fetch_add(&r->failed, 1);
		return 0;
	}
	d = opendir(src);
	if (!d) {
		fprintf(stderr, PROG ": %s: %s\n", src, strerror(errno));
		atomic_fetch_add(&r->failed, 1);
		return 0;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = walk_entry(r, src, dst, de->d_name, depth);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

/* Decrypt one file into a temporary name next to its destination. */
static int decrypt_one(struct run *r, struct ent *en, struct ed_worker *w, struct ed_err *e)
{
	struct timespec ts[2] = { en->st.st_atim, en->st.st_mtim };
	char *tmp = NULL, *slash;
	int in = -1, out = -1, rc;

	in = open(en->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0) {
		snprintf(e->msg, sizeof(e->msg), "cannot open: %s", strerror(errno));
		return -errno;
	}
	slash = strrchr(en->dst, '/');
	if (asprintf(&tmp, "%.*s/.ecryptfs-decrypt.XXXXXX",
		     slash ? (int)(slash - en->dst) : 1, slash ? en->dst : ".") < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		goto out;
	}
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		rc = -errno;
		snprintf(e->msg, sizeof(e->msg), "cannot create a file in the output directory: %s",
			 strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	rc = ed_decrypt_fd(&r->keys, in, out, w, NULL, e);
	if (rc)
		goto out;
	if (r->as_root)
		(void)fchown(out, en->st.st_uid, en->st.st_gid);
	if (fchmod(out, en->st.st_mode & 07777) || futimens(out, ts) || fsync(out)) {
		rc = -errno;
		snprintf(e->msg, sizeof(e->msg), "cannot finish the output file: %s",
			 strerror(errno));
		goto out;
	}
	if (close(out)) {
		out = -1;
		rc = -errno;
		snprintf(e->msg, sizeof(e->msg), "cannot write the output file: %s",
			 strerror(errno));
		goto out;
	}
	out = -1;
	if (rename(tmp, en->dst)) {
		rc = -errno;
		snprintf(e->msg, sizeof(e->msg), "cannot rename to %s: %s", en->dst,
			 strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
out:
	if (out >= 0)
		close(out);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	close(in);
	return rc;
}

static void *worker(void *arg)
{
	struct run *r = arg;
	struct ed_worker w;
	struct ed_err e;
	size_t i;

	if (ed_worker_init(&w)) {
		fprintf(stderr, PROG ": out of memory\n");
		return NULL;
	}
	while ((i = atomic_fetch_add(&r->next, 1)) < r->n_ents) {
		struct ent *en = &r->ents[i];

		if (en->type != ENT_FILE)
			continue;
		en->rc = decrypt_one(r, en, &w, &e);
		if (en->rc) {
			report(en->src, e.msg);
			atomic_fetch_add(&r->failed, 1);
		} else {
			atomic_fetch_add(&r->ok, 1);
		}
	}
	ed_worker_free(&w);
	return NULL;
}

static int run_workers(struct run *r, unsigned int jobs)
{
	pthread_t th[MAX_JOBS];
	unsigned int i, started = 0;

	if (jobs > r->n_ents)
		jobs = r->n_ents ? (unsigned int)r->n_ents : 1;
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, worker, r))
			break;
		started++;
	}
	/* The main thread works too; a thread that failed to start is not fatal. */
	worker(r);
	for (i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	/* A worker that could not allocate its buffer leaves files unclaimed. */
	return atomic_load(&r->next) >= r->n_ents ? 0 : -ENOMEM;
}

static void finish_links(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_ents; i++) {
		struct ent *en = &r->ents[i];
		const struct ent *p;

		if (en->type != ENT_LINK)
			continue;
		p = &r->ents[en->primary];
		if (p->rc) {
			fprintf(stderr, PROG ": %s: hard link to %s not made: that file failed\n",
				en->src, p->src);
			atomic_fetch_add(&r->failed, 1);
			continue;
		}
		if ((unlink(en->dst) && errno != ENOENT) || link(p->dst, en->dst)) {
			fprintf(stderr, PROG ": %s: cannot link %s to %s: %s\n", en->src,
				en->dst, p->dst, strerror(errno));
			atomic_fetch_add(&r->failed, 1);
			continue;
		}
		atomic_fetch_add(&r->ok, 1);
	}
}

static void finish_dirs(struct run *r)
{
	size_t i;

	/* Children were recorded after their parents: go backwards. */
	for (i = r->n_dirs; i-- > 0;) {
		struct dir_ent *d = &r->dirs[i];
		struct timespec ts[2] = { d->st.st_atim, d->st.st_mtim };

		if (r->as_root)
			(void)lchown(d->dst, d->st.st_uid, d->st.st_gid);
		if (chmod(d->dst, d->st.st_mode & 07777) ||
		    utimensat(AT_FDCWD, d->dst, ts, 0))
			fprintf(stderr, PROG ": %s: cannot set mode or times: %s\n", d->dst,
				strerror(errno));
	}
}

static void run_free(struct run *r)
{
	size_t i;

	for (i = 0; i < r->n_ents; i++) {
		free(r->ents[i].src);
		free(r->ents[i].dst);
	}
	for (i = 0; i < r->n_dirs; i++)
		free(r->dirs[i].dst);
	free(r->ents);
	free(r->dirs);
	free(r->inos);
	ed_keys_free(&r->keys);
}

/* Top level: a single file, a symlink, or a tree. */
static int plan(struct run *r, const char *lower, const char *output)
{
	struct stat st, ost;
	const char *base;
	char *plain, *src, *dst;

	if (lstat(lower, &st)) {
		fprintf(stderr, PROG ": %s: %s\n", lower, strerror(errno));
		return -errno;
	}
	if (S_ISDIR(st.st_mode)) {
		int rc = add_dir(r, output, &st);

		if (rc) {
			fprintf(stderr, PROG ": %s: cannot create the directory: %s\n", output,
				strerror(-rc));
			return -EIO;
		}
		return walk(r, lower, output, 0);
	}
	if (stat(output, &ost) == 0 && S_ISDIR(ost.st_mode)) {
		base = strrchr(lower, '/');
		base = base ? base + 1 : lower;
		plain = out_name(r, lower, base);
		if (!plain) {
			atomic_fetch_add(&r->failed, 1);
			return 0;
		}
		dst = join(output, plain);
		free(plain);
	} else {
		dst = strdup(output);
	}
	src = strdup(lower);
	if (!src || !dst) {
		free(src);
		free(dst);
		return -ENOMEM;
	}
	if (S_ISLNK(st.st_mode)) {
		do_symlink(r, src, dst, &st);
		free(src);
		free(dst);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		report(lower, "not a regular file, directory or symlink");
		atomic_fetch_add(&r->failed, 1);
		free(src);
		free(dst);
		return 0;
	}
	/* A single file is never a hard link of anything we write. */
	st.st_nlink = 1;
	return queue_file(r, src, dst, &st);
}

enum { OPT_FNEK = ED_OPT_KEYS_END, OPT_JOBS };

static const struct option long_opts[] = {
	ED_KEYARGS_LONG_OPTS,
	{ "fnek", no_argument, NULL, OPT_FNEK },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* What the command line asks for. */
struct cmdline {
	struct ed_keyargs keys;
	unsigned long jobs;
	const char *lower, *output;
};

/* Returns -1 to go on, else the exit status. */
static int parse_cmdline(int argc, char **argv, struct cmdline *c, struct run *r)
{
	char *end;
	int opt, taken;

	ed_keyargs_init(&c->keys);
	c->jobs = 1;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		taken = ed_keyargs_opt(PROG, &c->keys, opt, optarg);
		if (taken < 0)
			return 2;
		if (taken)
			continue;
		switch (opt) {
		case OPT_FNEK:
			r->fnek = true;
			break;
		case OPT_JOBS:
			errno = 0;
			c->jobs = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || c->jobs < 1 || c->jobs > MAX_JOBS) {
				fprintf(stderr, PROG ": --jobs needs a number from 1 to %d\n",
					MAX_JOBS);
				return 2;
			}
			break;
		default:
			return ed_cli_usage_exit(opt, usage);
		}
	}
	if (argc - optind != 2 || !ed_keyargs_any(&c->keys)) {
		usage(stderr);
		return 2;
	}
	if (ed_keyargs_check(PROG, &c->keys))
		return 2;
	c->lower = argv[optind];
	c->output = argv[optind + 1];
	return -1;
}

static int init_run(struct run *r)
{
	if (ecfs_crypto_init())
		fprintf(stderr, PROG ": warning: OpenSSL's legacy provider is missing: "
			"Blowfish and CAST5 files will fail\n");
	if (ed_keys_init(&r->keys)) {
		fprintf(stderr, PROG ": cannot allocate key memory\n");
		return -ENOMEM;
	}
	r->as_root = geteuid() == 0;
	atomic_init(&r->next, 0);
	atomic_init(&r->ok, 0);
	atomic_init(&r->failed, 0);
	return 0;
}

/* Decrypt what plan() queued; the exit status. */
static int decrypt_all(struct run *r, const struct cmdline *c)
{
	int rc = run_workers(r, (unsigned int)c->jobs);

	if (rc)
		fprintf(stderr, PROG ": could not start the workers: %s\n", strerror(-rc));
	finish_links(r);
	finish_dirs(r);
	printf("%lu files decrypted, %lu failed\n", atomic_load(&r->ok), atomic_load(&r->failed));
	return rc || atomic_load(&r->failed) ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct cmdline c = { 0 };
	struct run r = { 0 };
	int rc, status;

	status = parse_cmdline(argc, argv, &c, &r);
	if (status >= 0)
		return status;
	if (init_run(&r))
		return 2;
	status = 2;
	if (ed_keyargs_load(PROG, &c.keys, &r.keys, r.fnek))
		goto out;
	/* plan() reports its own errors but running out of memory. */
	rc = plan(&r, c.lower, c.output);
	if (rc) {
		if (rc == -ENOMEM)
			fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	status = decrypt_all(&r, &c);
out:
	run_free(&r);
	return status;
}
