// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-rekey: re-wrap the FEK of every file of an eCryptfs lower tree
 * under a new set of keys, offline, rewriting only the key packets.
 *
 * Each file's FEK is unwrapped with one of the keys given to open the
 * tree, wrapped again for every added key, and the packets of removed
 * keys are dropped; the data extents are never read or written.  Crash
 * safety is the journal's (rk_journal.h); which files are done is read
 * from their own packets, so running the same command again resumes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"
#include "ed_core.h"
#include "ed_pk.h"
#include "ed_pkcli.h"
#include "et_cli.h"
#include "et_secret.h"
#include "rk_journal.h"

#define PROG "ecryptfs-rekey"
#define RK_MAX_ADD 8
#define RK_MAX_REMOVE 16
#define RK_TAG3_COUNT 0x60

struct rk_add {
	uint8_t tag;			/* ECFS_TAG_3 or ECFS_TAG_1 */
	uint8_t sig[ECFS_SIG_SIZE];
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	EVP_PKEY *pk;
	bool pk_private;
};

struct rk_run {
	struct ed_keys keys;		/* keys that open the tree */
	struct rk_add *add;		/* locked */
	size_t n_add;
	uint8_t remove[RK_MAX_REMOVE][ECFS_SIG_SIZE];
	size_t n_remove;
	uint8_t salt[ECFS_SALT_SIZE];
	int jfd;
	bool dry_run, progress;
	/* counters */
	unsigned long total_files, done_files, rekeyed, already, plain, failed;
	unsigned long long total_bytes, done_bytes;
	time_t last_draw;
	/* fault injection for the crash tests */
	long fault_after, writes;
	bool fault_tear;
};

static struct rk_run *g_run;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [OPTIONS] LOWER\n"
		"\n"
		"Re-wrap the key (FEK) of every file under the eCryptfs lower directory LOWER\n"
		"for a new set of keys: add keys, remove keys, or both (replace).  Only the\n"
		"key packets in each file's header (or user.ecryptfs xattr) are rewritten;\n"
		"file data is never touched.  The tree must not be mounted.  An interrupted\n"
		"run is finished by running the same command again.\n"
		"\n"
		"Keys that open the files (at least one):\n"
		"  --passphrase-file FILE        a mount passphrase: first line of FILE\n"
		"  --wrapped-passphrase FILE     an ecryptfs-utils wrapped-passphrase file ...\n"
		"  --login-passphrase-file FILE  ... and the first line of FILE unwraps it\n"
		"  --recovery-key PEM            an RSA private key (tag 1 packets)\n"
		"  --recovery-key-passphrase-file FILE  its PEM passphrase\n"
		"  --salt HEX                    passphrase salt (default " ECFS_DEFAULT_SALT_HEX ")\n"
		"Changes:\n"
		"  --add-passphrase-file FILE    add a passphrase key (tag 3 packet)\n"
		"  --add-public-key PEM          add an RSA key, public half enough (tag 1),\n"
		"                                e.g. an ecryptfs-recovery-key\n"
		"  --remove-passphrase-file FILE remove that passphrase's packets\n"
		"  --remove-key PEM              remove that RSA key's packets\n"
		"  --remove-sig HEX              remove the packets with this signature\n"
		"Encrypted home (~/.ecryptfs):\n"
		"  --home-dir DIR                after every file is done, re-wrap\n"
		"                                DIR/wrapped-passphrase with the one added\n"
		"                                passphrase under the login passphrase, and\n"
		"                                write its signature to DIR/Private.sig\n"
		"Other:\n"
		"  --journal FILE                crash journal (default: beside LOWER,\n"
		"                                .NAME.ecryptfs-rekey)\n"
		"  --dry-run                     report what would change, write nothing\n"
		"  -h, --help                    this text\n"
		"\n"
		"Exit status: 0 all done, 1 some files failed (named on stderr), 2 usage or\n"
		"key errors.\n");
}

/* ---- fault injection (tests): ECRYPTFS_REKEY_FAULT_AFTER=N[,tear] ---- */

static void rk_fault_after(void *arg)
{
	struct rk_run *r = arg;

	r->writes++;
	if (r->fault_after > 0 && r->writes >= r->fault_after)
		_exit(75);
}

static int rk_fault_tear(void *arg)
{
	struct rk_run *r = arg;

	return r->fault_tear && r->fault_after > 0 && r->writes + 1 >= r->fault_after;
}

static void rk_fault_init(struct rk_run *r)
{
	const char *v = getenv("ECRYPTFS_REKEY_FAULT_AFTER");
	char *end;

	if (!v)
		return;
	r->fault_after = strtol(v, &end, 10);
	r->fault_tear = !strcmp(end, ",tear");
}

/* ---- progress ---- */

static void rk_draw(struct rk_run *r, bool force)
{
	time_t now = time(NULL);

	if (!r->progress || (!force && now == r->last_draw))
		return;
	r->last_draw = now;
	ed_progress_line(r->done_files, r->total_files, r->done_bytes, r->total_bytes, true,
			 force);
}

/* ---- one file ---- */

static bool rk_removed(const struct rk_run *r, const uint8_t *sig)
{
	size_t i;

	for (i = 0; i < r->n_remove; i++)
		if (!memcmp(r->remove[i], sig, ECFS_SIG_SIZE))
			return true;
	return false;
}

static bool rk_has(const struct ed_meta *m, const uint8_t *sig)
{
	size_t i;

	for (i = 0; i < m->nkps; i++)
		if (!memcmp(m->kps[i].sig, sig, ECFS_SIG_SIZE))
			return true;
	return false;
}

static void rk_report(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rk_report(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s" PROG ": %s: ", g_run && g_run->progress ? "\n" : "", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Build the new packet set of @m in @out: the kept packets as they were,
 * then one new packet per added key the file lacks.
 */
static int rk_new_set(struct rk_run *r, const struct ed_meta *m, const uint8_t *fek,
		      size_t key_size, const struct ecfs_cipher *c, struct ecfs_key_packet *out,
		      size_t *n)
{
	int code = ecfs_cipher_code(c, key_size);
	size_t i, k = 0;
	int rc;

	if (code < 0)
		return code;
	for (i = 0; i < m->nkps; i++)
		if (!rk_removed(r, m->kps[i].sig))
			out[k++] = m->kps[i];
	for (i = 0; i < r->n_add; i++) {
		struct rk_add *a = &r->add[i];
		struct ecfs_key_packet *kp;

		if (rk_has(m, a->sig))
			continue;
		if (k == ED_MAX_PACKETS)
			return -ENOSPC;
		kp = &out[k++];
		memset(kp, 0, sizeof(*kp));
		kp->tag = a->tag;
		memcpy(kp->sig, a->sig, ECFS_SIG_SIZE);
		if (a->tag == ECFS_TAG_1) {
			rc = ed_pk_wrap(a->pk, (uint8_t)code, fek, key_size, &kp->u.t1);
		} else {
			kp->u.t3.cipher_code = (uint8_t)code;
			memcpy(kp->u.t3.salt, r->salt, ECFS_SALT_SIZE);
			kp->u.t3.count = RK_TAG3_COUNT;
			rc = ecfs_cipher_fek_wrap(c, a->fekek, fek, key_size, kp->u.t3.enc_key,
						  sizeof(kp->u.t3.enc_key), &kp->u.t3.enc_key_len);
		}
		if (rc)
			return rc;
	}
	*n = k;
	return k ? 0 : -ENOKEY;
}

/* Every new packet we can open must give back @fek. */
static int rk_verify(struct rk_run *r, const uint8_t *meta, size_t len, bool xattr,
		     const uint8_t *fek, size_t key_size, struct ed_err *e)
{
	uint8_t got[ECFS_MAX_KEY_BYTES];
	const struct ecfs_cipher *c;
	struct ed_meta *m = malloc(sizeof(*m));
	size_t i, j, ks;
	int rc;

	if (!m)
		return -ENOMEM;
	rc = ed_meta_parse(meta, len, xattr, m, e);
	for (i = 0; !rc && i < m->nkps; i++) {
		for (j = 0; !rc && j < r->n_add; j++) {
			struct rk_add *a = &r->add[j];

			if (memcmp(a->sig, m->kps[i].sig, ECFS_SIG_SIZE))
				continue;
			if (a->tag == ECFS_TAG_3)
				rc = ecfs_cipher_fek_unwrap(m->kps[i].u.t3.cipher_code, a->fekek,
							    m->kps[i].u.t3.enc_key,
							    m->kps[i].u.t3.enc_key_len, got, &ks, &c);
			else if (a->pk_private)
				rc = ed_pk_unwrap(a->pk, &m->kps[i].u.t1, got, &ks, &c);
			else
				continue;
			if (!rc && (ks != key_size || CRYPTO_memcmp(got, fek, ks)))
				rc = -EBADMSG;
		}
	}
	OPENSSL_cleanse(got, sizeof(got));
	free(m);
	return rc;
}

static int rk_file(struct rk_run *r, const char *path)
{
	uint8_t fek[ECFS_MAX_KEY_BYTES];
	const struct ecfs_cipher *c = NULL;
	struct ecfs_key_packet *set = NULL;
	struct ed_meta *m = NULL;
	struct rk_record *rec = NULL;
	struct ed_err e = { "" };
	size_t key_size = 0, n = 0, i;
	bool need = false;
	struct stat st;
	ssize_t got;
	int fd, rc, off;

	fd = open(path, (r->dry_run ? O_RDONLY : O_RDWR) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st)) {
		rk_report(path, "cannot open: %s", strerror(errno));
		rc = -errno;
		goto out_fail;
	}
	r->done_bytes += (unsigned long long)st.st_size;
	m = malloc(sizeof(*m));
	set = calloc(ED_MAX_PACKETS, sizeof(*set));
	rec = malloc(sizeof(*rec));
	if (!m || !set || !rec) {
		rc = -ENOMEM;
		rk_report(path, "%s", "out of memory");
		goto out_fail;
	}
	rc = ed_meta_read(fd, m, &e);
	if (rc == -EBADMSG) {
		/* Plain files (passthrough, or not eCryptfs at all) have no keys. */
		r->plain++;
		rc = 0;
		goto out;
	}
	if (rc) {
		rk_report(path, "%s", e.msg);
		goto out_fail;
	}
	for (i = 0; i < m->nkps; i++)
		need |= rk_removed(r, m->kps[i].sig);
	for (i = 0; i < r->n_add; i++)
		need |= !rk_has(m, r->add[i].sig);
	if (!need) {
		r->already++;
		goto out;
	}
	rc = ed_fek_unwrap(&r->keys, m, fek, &key_size, &c, &e);
	if (rc) {
		rk_report(path, "%s", e.msg);
		goto out_fail;
	}
	rc = rk_new_set(r, m, fek, key_size, c, set, &n);
	if (rc) {
		rk_report(path, "%s", rc == -ENOKEY ? "removing those keys would leave the file "
			  "with no key; not changed" : rc == -ENOSPC ? "too many key packets" :
			  strerror(-rc));
		goto out_fail;
	}
	memset(rec, 0, sizeof(*rec));
	rec->dev = (uint64_t)st.st_dev;
	rec->ino = (uint64_t)st.st_ino;
	if (!realpath(path, rec->path)) {
		rc = -errno;
		rk_report(path, "%s", strerror(errno));
		goto out_fail;
	}
	if (m->in_xattr) {
		rec->kind = RK_KIND_XATTR;
		got = fgetxattr(fd, ECFS_XATTR_NAME, rec->old, sizeof(rec->old));
		if (got < 0) {
			rc = -errno;
			rk_report(path, "cannot read the user.ecryptfs xattr: %s", strerror(errno));
			goto out_fail;
		}
		rec->old_len = (size_t)got;
		off = ecfs_header_decode(rec->old, rec->old_len, 0, &m->h);
		if (off < 0) {
			rc = off;
			rk_report(path, "%s", "corrupt metadata");
			goto out_fail;
		}
		memcpy(rec->new_, rec->old, (size_t)off);
		rec->new_len = (size_t)off;
		for (i = 0; i < n; i++) {
			rc = ecfs_keyset_encode_one(rec->new_ + rec->new_len,
						    sizeof(rec->new_) - rec->new_len, &set[i]);
			if (rc < 0)
				break;
			rec->new_len += (size_t)rc;
		}
	} else {
		rec->kind = RK_KIND_HEADER;
		got = pread(fd, rec->old, RK_META_SPAN, 0);
		if (got != RK_META_SPAN) {
			rc = got < 0 ? -errno : -ENODATA;
			rk_report(path, "%s", "cannot read the header extent");
			goto out_fail;
		}
		rec->old_len = rec->new_len = RK_META_SPAN;
		off = ecfs_header_decode(rec->old, RK_META_SPAN, ECFS_HDR_CHECK_SIZE, &m->h);
		if (off < 0) {
			rc = off;
			rk_report(path, "%s", "corrupt header");
			goto out_fail;
		}
		memcpy(rec->new_, rec->old, (size_t)off);
		/* The kernel parses the packets of the first extent only. */
		rc = ecfs_keyset_encode(rec->new_ + off, RK_META_SPAN - (size_t)off, set, n);
		if (rc >= 0)
			memset(rec->new_ + off + rc, 0, RK_META_SPAN - (size_t)off - (size_t)rc);
	}
	if (rc < 0) {
		rk_report(path, "%s", rc == -ENOBUFS ? "the new key packets do not fit the "
			  "first header extent; add fewer keys" : strerror(-rc));
		goto out_fail;
	}
	rc = rk_verify(r, rec->new_, rec->new_len, m->in_xattr, fek, key_size, &e);
	if (rc) {
		rk_report(path, "new key packets failed their check: %s",
			  e.msg[0] ? e.msg : strerror(-rc));
		goto out_fail;
	}
	if (!r->dry_run) {
		struct rk_fault f = { rk_fault_after, rk_fault_tear, r };

		rc = rk_journal_write(r->jfd, rec);
		if (rc) {
			rk_report(path, "cannot write the journal: %s", strerror(-rc));
			goto out_fail;
		}
		rk_fault_after(r);
		rc = rk_apply(fd, rec, &f);
		if (rc) {
			rk_report(path, "cannot write the new key packets: %s", strerror(-rc));
			goto out_fail;
		}
	}
	r->rekeyed++;
	goto out;
out_fail:
	r->failed++;
out:
	r->done_files++;
	rk_draw(r, false);
	if (fd >= 0)
		close(fd);
	OPENSSL_cleanse(fek, sizeof(fek));
	if (rec)
		OPENSSL_cleanse(rec, sizeof(*rec));
	if (set)
		OPENSSL_cleanse(set, ED_MAX_PACKETS * sizeof(*set));
	free(rec);
	free(set);
	free(m);
	return rc == -ENOMEM ? rc : 0;
}

/* ---- the tree ---- */

static int rk_walk(struct rk_run *r, const char *dir, int depth, bool count)
{
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (depth > 256) {
		rk_report(dir, "%s", "directory tree too deep");
		r->failed++;
		return 0;
	}
	d = opendir(dir);
	if (!d) {
		rk_report(dir, "cannot read the directory: %s", strerror(errno));
		r->failed += !count;
		return 0;
	}
	while (!rc && (de = readdir(d))) {
		struct stat st;
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (lstat(p, &st)) {
			if (!count) {
				rk_report(p, "%s", strerror(errno));
				r->failed++;
			}
		} else if (S_ISDIR(st.st_mode)) {
			rc = rk_walk(r, p, depth + 1, count);
		} else if (S_ISREG(st.st_mode)) {
			if (count) {
				r->total_files++;
				r->total_bytes += (unsigned long long)st.st_size;
			} else {
				rc = rk_file(r, p);
			}
		}
		free(p);
	}
	closedir(d);
	return rc;
}

/* Refuse a lower directory that is mounted: the kernel caches headers. */
static int rk_check_unmounted(const char *lower)
{
	char real[PATH_MAX], src[PATH_MAX + 1], type[64];
	char line[3 * PATH_MAX];
	FILE *f;
	int rc = 0;

	if (!realpath(lower, real))
		return -errno;
	f = fopen("/proc/self/mounts", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char rsrc[PATH_MAX];

		if (sscanf(line, "%4096s %*s %63s", src, type) != 2 || strcmp(type, "ecryptfs"))
			continue;
		if (realpath(src, rsrc) && !strcmp(rsrc, real)) {
			fprintf(stderr, PROG ": %s is mounted (ecryptfs); unmount it first\n",
				lower);
			rc = -EBUSY;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* ---- encrypted home ---- */

static int rk_write_small(const char *path, const char *data, mode_t mode)
{
	char *tmp = NULL, *copy = NULL;
	int fd = -1, dfd, rc = 0;
	size_t len = strlen(data);

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (fchmod(fd, mode) || write(fd, data, len) != (ssize_t)len || fsync(fd))
		rc = -errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	fd = -1;
	if (!rc && rename(tmp, path))
		rc = -errno;
	copy = strdup(path);
	if (!rc && copy) {
		dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
out:
	if (rc && tmp)
		unlink(tmp);
	free(copy);
	free(tmp);
	return rc;
}

/*
 * Private.sig with a second line means filename encryption with a key
 * derived from the mount passphrase: a new passphrase would need every
 * name re-encrypted, which this tool does not do.
 */
static int rk_home_check(const char *home, char *oldsig, size_t oldsig_size)
{
	char path[PATH_MAX], buf[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/Private.sig", home);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -errno;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 16) {
		fprintf(stderr, PROG ": %s: no signature in it\n", path);
		return -EPROTO;
	}
	buf[n] = '\0';
	snprintf(oldsig, oldsig_size, "%.16s", buf);
	if (n > 17 && buf[16] == '\n' && buf[17] && buf[17] != '\n') {
		fprintf(stderr, PROG ": %s names a filename key: file names are encrypted with a "
			"key derived from the mount passphrase, and changing it would need every "
			"name re-encrypted, which " PROG " does not do.  Add a key without "
			"--home-dir instead (the home keeps its passphrase).\n", path);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int rk_home_write(const char *home, const char *login_file, const struct et_secret *newpass,
			 const uint8_t *salt)
{
	uint8_t fekek[ECFS_MAX_KEY_BYTES], sig[ECFS_SIG_SIZE];
	char path[PATH_MAX], line[ECFS_SIG_SIZE_HEX + 2];
	struct et_secret login = { 0 };
	int rc;

	rc = ed_pkcli_read_pass(PROG, login_file, ECFS_MAX_PASSPHRASE_BYTES, &login);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/wrapped-passphrase", home);
	rc = ecfs_wrap_write_file(path, newpass->buf, newpass->len, login.buf, login.len);
	et_secret_free(&login);
	if (rc) {
		fprintf(stderr, PROG ": %s: %s\n", path, et_cli_wrap_strerror(rc));
		return rc;
	}
	rc = ecfs_kdf_passphrase(newpass->buf, newpass->len, salt, fekek, sig);
	OPENSSL_cleanse(fekek, sizeof(fekek));
	if (rc)
		return rc;
	ecfs_sig_to_hex(sig, line);
	strcat(line, "\n");
	snprintf(path, sizeof(path), "%s/Private.sig", home);
	rc = rk_write_small(path, line, 0600);
	if (rc)
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-rc));
	else
		printf("%s/wrapped-passphrase and Private.sig now hold the new passphrase (%.16s)\n",
		       home, line);
	return rc;
}

/* ---- options ---- */

enum {
	OPT_ADD_PASS = ED_OPT_KEYS_END, OPT_ADD_PK, OPT_RM_PASS, OPT_RM_KEY, OPT_RM_SIG, OPT_HOME, OPT_JOURNAL,
	OPT_DRY
};

static const struct option long_opts[] = {
	ED_KEYARGS_LONG_OPTS,
	{ "add-passphrase-file", required_argument, NULL, OPT_ADD_PASS },
	{ "add-public-key", required_argument, NULL, OPT_ADD_PK },
	{ "remove-passphrase-file", required_argument, NULL, OPT_RM_PASS },
	{ "remove-key", required_argument, NULL, OPT_RM_KEY },
	{ "remove-sig", required_argument, NULL, OPT_RM_SIG },
	{ "home-dir", required_argument, NULL, OPT_HOME },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct rk_args {
	struct ed_keyargs k;
	const char *add_pass[RK_MAX_ADD], *add_pk[RK_MAX_ADD];
	const char *rm_pass[RK_MAX_REMOVE], *rm_key[RK_MAX_REMOVE], *home, *journal;
	size_t n_add_pass, n_add_pk, n_rm_pass, n_rm_key;
};

static int rk_opt_push(const char **arr, size_t *n, size_t max, const char *v, const char *what)
{
	if (*n >= max) {
		fprintf(stderr, PROG ": at most %zu %s\n", max, what);
		return -ENOSPC;
	}
	arr[(*n)++] = v;
	return 0;
}

static int rk_add_remove_sig(struct rk_run *r, const uint8_t *sig)
{
	if (r->n_remove >= RK_MAX_REMOVE) {
		fprintf(stderr, PROG ": at most %d keys to remove\n", RK_MAX_REMOVE);
		return -ENOSPC;
	}
	memcpy(r->remove[r->n_remove++], sig, ECFS_SIG_SIZE);
	return 0;
}

/* Derive and record every key of the command line. */
static int rk_setup_keys(struct rk_run *r, struct rk_args *a, struct et_secret *home_pass)
{
	struct et_secret s = { 0 };
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	size_t i, j;
	int rc = 0;

	rc = ed_keyargs_load(PROG, &a->k, &r->keys, false);
	for (i = 0; !rc && i < a->n_add_pass; i++) {
		struct rk_add *ad = &r->add[r->n_add];

		rc = ed_pkcli_read_pass(PROG, a->add_pass[i], ECFS_MAX_PASSPHRASE_BYTES, &s);
		if (!rc)
			rc = ecfs_kdf_passphrase(s.buf, s.len, r->salt, ad->fekek, ad->sig);
		if (!rc && home_pass)
			rc = et_secret_set(home_pass, s.buf, s.len);
		et_secret_free(&s);
		if (!rc) {
			ad->tag = ECFS_TAG_3;
			r->n_add++;
		}
	}
	for (i = 0; !rc && i < a->n_add_pk; i++) {
		struct rk_add *ad = &r->add[r->n_add];

		rc = ed_pkcli_load(PROG, a->add_pk[i], NULL, false, &ad->pk);
		if (!rc)
			rc = ecfs_rsa_key_sig(ad->pk, ad->sig);
		if (!rc) {
			ad->tag = ECFS_TAG_1;
			/* A private key given here is used to check the new packets. */
			ad->pk_private = ecfs_rsa_has_private(ad->pk);
			r->n_add++;
		}
	}
	for (i = 0; !rc && i < a->n_rm_pass; i++) {
		uint8_t sig[ECFS_SIG_SIZE];

		rc = ed_pkcli_read_pass(PROG, a->rm_pass[i], ECFS_MAX_PASSPHRASE_BYTES, &s);
		if (!rc)
			rc = ecfs_kdf_passphrase(s.buf, s.len, r->salt, fekek, sig);
		et_secret_free(&s);
		if (!rc)
			rc = rk_add_remove_sig(r, sig);
	}
	for (i = 0; !rc && i < a->n_rm_key; i++) {
		uint8_t sig[ECFS_SIG_SIZE];
		EVP_PKEY *pk = NULL;

		rc = ed_pkcli_load(PROG, a->rm_key[i], NULL, false, &pk);
		if (!rc)
			rc = ecfs_rsa_key_sig(pk, sig);
		EVP_PKEY_free(pk);
		if (!rc)
			rc = rk_add_remove_sig(r, sig);
	}
	OPENSSL_cleanse(fekek, sizeof(fekek));
	if (rc)
		return rc;
	/* Adding and removing the same key is a contradiction. */
	for (i = 0; i < r->n_add; i++)
		for (j = 0; j < r->n_remove; j++)
			if (!memcmp(r->add[i].sig, r->remove[j], ECFS_SIG_SIZE)) {
				fprintf(stderr, PROG ": the same key is both added and removed\n");
				return -EINVAL;
			}
	if (!r->keys.n && !r->keys.npk) {
		fprintf(stderr, PROG ": no key to open the files: give --passphrase-file, "
			"--wrapped-passphrase or --recovery-key\n");
		return -EINVAL;
	}
	if (!r->n_add && !r->n_remove) {
		fprintf(stderr, PROG ": nothing to change: give --add-* or --remove-*\n");
		return -EINVAL;
	}
	return 0;
}

static int rk_open_journal(struct rk_run *r, const char *lower, const char *path)
{
	char *copy = strdup(lower), *dflt = NULL, msg[512];
	int rc;

	if (!copy)
		return -ENOMEM;
	if (!path) {
		char *base = basename(copy), *dcopy = strdup(lower);

		if (!dcopy || asprintf(&dflt, "%s/.%s.ecryptfs-rekey", dirname(dcopy), base) < 0) {
			free(dcopy);
			free(copy);
			return -ENOMEM;
		}
		free(dcopy);
		path = dflt;
	}
	r->jfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (r->jfd < 0) {
		rc = -errno;
		fprintf(stderr, PROG ": journal %s: %s\n", path, strerror(errno));
		goto out;
	}
	/* The journal's name must survive a power loss as much as its bytes. */
	{
		char *jcopy = strdup(path);
		int dfd = jcopy ? open(dirname(jcopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
		free(jcopy);
	}
	if (flock(r->jfd, LOCK_EX | LOCK_NB)) {
		rc = -errno;
		fprintf(stderr, PROG ": journal %s is in use by another " PROG "\n", path);
		goto out;
	}
	rc = rk_journal_recover(r->jfd, msg, sizeof(msg));
	if (msg[0])
		fprintf(stderr, PROG ": %s\n", msg);
	if (rc) {
		fprintf(stderr, PROG ": the journal %s could not be applied; check that file, "
			"then delete the journal to go on\n", path);
		goto out;
	}
	rc = rk_journal_clear(r->jfd);
out:
	free(copy);
	free(dflt);
	return rc;
}

int main(int argc, char **argv)
{
	struct rk_args a = { 0 };
	struct rk_run r = { .jfd = -1 };
	struct et_secret home_pass = { 0 };
	char oldsig[ECFS_SIG_SIZE_HEX + 1] = "";
	const char *lower;
	int opt, taken, rc, status = 2;
	size_t i;

	g_run = &r;
	ed_keyargs_init(&a.k);
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		rc = 0;
		taken = ed_keyargs_opt(PROG, &a.k, opt, optarg);
		if (taken < 0)
			return 2;
		if (taken)
			continue;
		switch (opt) {
		case OPT_ADD_PASS:
			rc = rk_opt_push(a.add_pass, &a.n_add_pass, RK_MAX_ADD, optarg, "added keys");
			break;
		case OPT_ADD_PK:
			rc = rk_opt_push(a.add_pk, &a.n_add_pk, RK_MAX_ADD, optarg, "added keys");
			break;
		case OPT_RM_PASS:
			rc = rk_opt_push(a.rm_pass, &a.n_rm_pass, RK_MAX_REMOVE, optarg,
					 "removed keys");
			break;
		case OPT_RM_KEY:
			rc = rk_opt_push(a.rm_key, &a.n_rm_key, RK_MAX_REMOVE, optarg,
					 "removed keys");
			break;
		case OPT_RM_SIG: {
			uint8_t sig[ECFS_SIG_SIZE];

			if (strlen(optarg) != ECFS_SIG_SIZE_HEX ||
			    ecfs_hex_decode(optarg, ECFS_SIG_SIZE_HEX, sig, sizeof(sig))) {
				fprintf(stderr, PROG ": --remove-sig needs 16 hex digits\n");
				return 2;
			}
			rc = rk_add_remove_sig(&r, sig);
			break;
		}
		case OPT_HOME:
			a.home = optarg;
			break;
		case OPT_JOURNAL:
			a.journal = optarg;
			break;
		case OPT_DRY:
			r.dry_run = true;
			break;
		default:
			return ed_cli_usage_exit(opt, usage);
		}
		if (rc)
			return 2;
	}
	memcpy(r.salt, a.k.salt, sizeof(r.salt));
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	lower = argv[optind];
	if (!!a.k.n_wrapped != !!a.k.login && !(a.home && a.k.login)) {
		fprintf(stderr, PROG ": --wrapped-passphrase and --login-passphrase-file go "
			"together\n");
		return 2;
	}
	if (a.home && (a.n_add_pass != 1 || !a.k.login)) {
		fprintf(stderr, PROG ": --home-dir needs exactly one --add-passphrase-file (the new "
			"mount passphrase) and --login-passphrase-file\n");
		return 2;
	}
	if (a.n_add_pass + a.n_add_pk > RK_MAX_ADD) {
		fprintf(stderr, PROG ": at most %d added keys\n", RK_MAX_ADD);
		return 2;
	}
	if (ecfs_crypto_init())
		fprintf(stderr, PROG ": warning: OpenSSL's legacy provider is missing: "
			"Blowfish and CAST5 files will fail\n");
	r.add = mmap(NULL, RK_MAX_ADD * sizeof(*r.add), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.add == MAP_FAILED || ed_keys_init(&r.keys)) {
		fprintf(stderr, PROG ": cannot allocate key memory\n");
		r.add = NULL;
		goto out;
	}
	(void)mlock(r.add, RK_MAX_ADD * sizeof(*r.add));
	(void)madvise(r.add, RK_MAX_ADD * sizeof(*r.add), MADV_DONTDUMP);
	if (a.home) {
		if (rk_home_check(a.home, oldsig, sizeof(oldsig)) ||
		    et_secret_alloc(&home_pass, ECFS_MAX_PASSPHRASE_BYTES))
			goto out;
	}
	if (rk_setup_keys(&r, &a, a.home ? &home_pass : NULL))
		goto out;
	if (rk_check_unmounted(lower))
		goto out;
	rk_fault_init(&r);
	r.progress = isatty(STDERR_FILENO);
	if (!r.dry_run && rk_open_journal(&r, lower, a.journal))
		goto out;
	if (r.progress && rk_walk(&r, lower, 0, true))
		goto nomem;
	if (rk_walk(&r, lower, 0, false))
		goto nomem;
	rk_draw(&r, true);
	printf("%s%lu files rekeyed, %lu already had the new keys, %lu not encrypted, "
	       "%lu failed\n", r.dry_run ? "dry run: " : "", r.rekeyed, r.already, r.plain,
	       r.failed);
	status = r.failed ? 1 : 0;
	if (a.home && !r.dry_run) {
		if (r.failed)
			fprintf(stderr, PROG ": %s left unchanged because files failed; run again "
				"once they are fixed\n", a.home);
		else if (rk_home_write(a.home, a.k.login, &home_pass, r.salt))
			status = 1;
	}
	if (r.jfd >= 0 && !r.dry_run) {
		/* Every file is synced: nothing in flight. */
		(void)rk_journal_clear(r.jfd);
		if (!a.journal) {
			char *copy = strdup(lower), *dcopy = strdup(lower), *p = NULL;

			if (copy && dcopy &&
			    asprintf(&p, "%s/.%s.ecryptfs-rekey", dirname(dcopy), basename(copy)) >= 0) {
				unlink(p);
				free(p);
			}
			free(copy);
			free(dcopy);
		} else {
			unlink(a.journal);
		}
	}
	goto out;
nomem:
	fprintf(stderr, PROG ": out of memory\n");
	status = 2;
out:
	if (r.jfd >= 0)
		close(r.jfd);
	if (r.add) {
		for (i = 0; i < r.n_add; i++)
			EVP_PKEY_free(r.add[i].pk);
		OPENSSL_cleanse(r.add, RK_MAX_ADD * sizeof(*r.add));
		munmap(r.add, RK_MAX_ADD * sizeof(*r.add));
	}
	et_secret_free(&home_pass);
	ed_keys_free(&r.keys);
	return status;
}
