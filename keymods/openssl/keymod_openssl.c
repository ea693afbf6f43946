// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "openssl" key module: an RSA key in a PEM file, OpenSSL 3 EVP only.
 *
 * Compatibility with upstream's module (ecryptfs-utils 111), which never
 * built against OpenSSL 3:
 *  - wrap/unwrap are RSA-OAEP with SHA-1 and MGF1-SHA-1 over the kernel's
 *    K blob, so tag 1 packets written by upstream decrypt here and back;
 *  - the key signature is the first 8 bytes of SHA-1 over an OpenPGP v4
 *    public-key packet 0x99 || be16 len || 04 || 00000000 || 02 ||
 *    MPI(n) || MPI(e), in lower-case hex;
 *  - the token blob has upstream's shape, le16 len || path NUL || le16 len
 *    || second NUL, but the second field is the *path* of a passphrase
 *    file (or empty), never the passphrase: keyring payloads are readable
 *    by their owner's processes, and upstream stored the PEM passphrase
 *    there in cleartext.
 *
 * A passphrase-protected key is unlocked by ecryptfsd either from the
 * passwd_file= the token names, or once with a passphrase the mount helper
 * hands over (open_key()); see daemon/README.md.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "crypto_backend/ecfs_cb_rsa.h"
#include "ecfs_errbuf.h"
#include "keymods/ecfs_keymod.h"
#include "keymods/ecfs_keymod_util.h"

#define KO_ALIAS		"openssl"
#define KO_DEFAULT_BITS		3072
#define KO_MIN_BITS		2048
/* Keys are refused below this on every load, as generation refuses them. */
#define KO_MIN_LOAD_BITS	2048
#define KO_MAX_BITS		8192
/* Upstream reads at most this much of a passphrase; OpenSSL allows 1023. */
#define KO_MAX_PASS		1023
#define KO_MAX_PATH		(PATH_MAX - 1)
/* A sane upper bound for a PEM passphrase file. */
#define KO_MAX_PWFILE		4096
/* A PEM RSA-8192 key with a passphrase is about 6.5 KiB. */
#define KO_MAX_KEYFILE		65536

struct ko_tok {
	char path[PATH_MAX];
	char pwfile[PATH_MAX];	/* "" when the key is not protected */
};

/* A passphrase in locked memory. */
struct ko_pass {
	char buf[KO_MAX_PASS + 1];
	size_t len;
	int set;
};

static const struct ecfs_keymod_param ko_params[] = {
	{ "keyfile", "openssl_keyfile", ECFS_KEYMOD_P_REQUIRED | ECFS_KEYMOD_P_TOKEN |
	  ECFS_KEYMOD_P_GENERATE, "PEM file holding the RSA private key" },
	{ "passwd_file", "openssl_passwd_file", ECFS_KEYMOD_P_TOKEN | ECFS_KEYMOD_P_GENERATE,
	  "file with a line openssl_passwd=PASSPHRASE (or passwd=); ecryptfsd reads it too" },
	{ "passwd_fd", "openssl_passwd_fd", ECFS_KEYMOD_P_TOKEN | ECFS_KEYMOD_P_GENERATE,
	  "file descriptor to read the passphrase file contents from" },
	{ "passwd", "openssl_passwd", ECFS_KEYMOD_P_SECRET | ECFS_KEYMOD_P_TOKEN |
	  ECFS_KEYMOD_P_GENERATE, "the PEM passphrase itself (visible in ps; avoid)" },
	{ "bits", "openssl_bits", ECFS_KEYMOD_P_GENERATE,
	  "RSA modulus size for a new key (default 3072)" },
};
#define KO_NPARAMS	(sizeof(ko_params) / sizeof(ko_params[0]))

/* Value of our parameter @name (short or long form) in @kv, or NULL. */
static const char *ko_kv(const struct ecfs_keymod_kv *kv, size_t n, const char *name)
{
	return ecfs_keymod_kv_get(ko_params, KO_NPARAMS, kv, n, name);
}

static const struct ecfs_keymod_param *ko_get_params(size_t *n)
{
	*n = KO_NPARAMS;
	return ko_params;
}

static void pass_init(struct ko_pass *p)
{
	memset(p, 0, sizeof(*p));
	(void)mlock(p, sizeof(*p));
}

static void pass_wipe(struct ko_pass *p)
{
	OPENSSL_cleanse(p, sizeof(*p));
	(void)munlock(p, sizeof(*p));
}

/*
 * Parse a passphrase file: the value of the first line starting with
 * openssl_passwd= or passwd= (upstream's name=value format), up to the end
 * of the line.  A file holding a bare line without '=' is taken whole.
 */
static int pass_parse(const char *buf, size_t len, struct ko_pass *p)
{
	static const char *const names[] = { "openssl_passwd=", "passwd=" };
	const char *line = buf, *end = buf + len;
	const char *bare = NULL;
	size_t bare_len = 0;

	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(end - line);
		size_t i;

		if (ll && line[ll - 1] == '\r')
			ll--;
		for (i = 0; i < 2; i++) {
			size_t nlen = strlen(names[i]);

			if (ll >= nlen && !memcmp(line, names[i], nlen)) {
				if (ll - nlen > KO_MAX_PASS)
					return -EMSGSIZE;
				if (ll == nlen)
					return -ENODATA;
				memcpy(p->buf, line + nlen, ll - nlen);
				p->buf[ll - nlen] = '\0';
				p->len = ll - nlen;
				p->set = 1;
				return 0;
			}
		}
		if (!bare && ll && !memchr(line, '=', ll)) {
			bare = line;
			bare_len = ll;
		}
		line += ll + (nl ? 1 : 0);
		if (nl && line < end && line[-1] == '\r')
			line++;
	}
	if (!bare)
		return -ENOENT;
	if (bare_len > KO_MAX_PASS)
		return -EMSGSIZE;
	memcpy(p->buf, bare, bare_len);
	p->buf[bare_len] = '\0';
	p->len = bare_len;
	p->set = 1;
	return 0;
}

/*
 * Open a key or passphrase file for reading without ever blocking: a FIFO
 * or a device at that path would hang the worker (and the mount helper)
 * in open() or read().  Only regular files of at most @max bytes.
 */
static int ko_open_file(const char *path, const char *what, size_t max, char *err,
			size_t errlen)
{
	struct stat sb;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		ecfs_errbuf(err, errlen, "openssl: cannot open %s %s: %s", what, path,
		       strerror(errno));
		return r;
	}
	if (fstat(fd, &sb)) {
		r = -errno;
		close(fd);
		ecfs_errbuf(err, errlen, "openssl: cannot stat %s %s: %s", what, path,
		       strerror(-r));
		return r;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		ecfs_errbuf(err, errlen, "openssl: %s %s is not a regular file", what, path);
		return -EINVAL;
	}
	if ((unsigned long long)sb.st_size > max) {
		close(fd);
		ecfs_errbuf(err, errlen, "openssl: %s %s is too large (%lld bytes, at most %zu)", what,
		       path, (long long)sb.st_size, max);
		return -EFBIG;
	}
	return fd;
}

/* Read @fd to its end into @buf: 0, -errno, or -EFBIG when it fills @cap. */
static int ko_read_all(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += (size_t)n;
		if (*len == cap)
			return -EFBIG;
	}
}

static int pass_read_fd(int fd, struct ko_pass *p, const char *what, char *err, size_t errlen)
{
	char buf[KO_MAX_PWFILE] = "";
	size_t len = 0;
	int r;

	(void)mlock(buf, sizeof(buf));
	r = ko_read_all(fd, buf, sizeof(buf), &len);
	if (r == -EFBIG) {
		ecfs_errbuf(err, errlen, "openssl: passphrase file %s is too large", what);
		goto out;
	}
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: cannot read the passphrase from %s: %s", what,
			    strerror(-r));
		goto out;
	}
	r = pass_parse(buf, len, p);
	if (r == -ENOENT)
		ecfs_errbuf(err, errlen, "openssl: no openssl_passwd= line in %s", what);
	else if (r == -ENODATA)
		ecfs_errbuf(err, errlen, "openssl: the passphrase in %s is empty", what);
	else if (r == -EMSGSIZE)
		ecfs_errbuf(err, errlen, "openssl: the passphrase in %s is too long", what);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	(void)munlock(buf, sizeof(buf));
	return r;
}

static int pass_read_file(const char *path, struct ko_pass *p, char *err, size_t errlen)
{
	int fd, r;

	fd = ko_open_file(path, "passphrase file", KO_MAX_PWFILE - 1, err, errlen);
	if (fd < 0)
		return fd;
	r = pass_read_fd(fd, p, path, err, errlen);
	close(fd);
	return r;
}

/* ---- token blob ---- */

static int tok_parse(const uint8_t *b, size_t len, struct ko_tok *t)
{
	size_t off = 0, l1, l2;

	memset(t, 0, sizeof(*t));
	if (len < 2)
		return -EBADMSG;
	l1 = (size_t)b[0] | ((size_t)b[1] << 8);
	off = 2;
	/* Each field includes its NUL and must fit in a path buffer. */
	if (l1 < 2 || l1 > sizeof(t->path) || len - off < l1 || b[off + l1 - 1] != '\0' ||
	    memchr(b + off, '\0', l1 - 1))
		return -EBADMSG;
	memcpy(t->path, b + off, l1);
	off += l1;
	if (len - off < 2)
		return -EBADMSG;
	l2 = (size_t)b[off] | ((size_t)b[off + 1] << 8);
	off += 2;
	if (l2 < 1 || l2 > sizeof(t->pwfile) || len - off < l2 || b[off + l2 - 1] != '\0' ||
	    memchr(b + off, '\0', l2 - 1))
		return -EBADMSG;
	memcpy(t->pwfile, b + off, l2);
	off += l2;
	if (off != len)
		return -EBADMSG;
	/* Relative paths would depend on the daemon's working directory. */
	if (t->path[0] != '/' || (t->pwfile[0] && t->pwfile[0] != '/'))
		return -EBADMSG;
	return 0;
}

static int tok_build(const char *path, const char *pwfile, uint8_t **out, size_t *out_len)
{
	size_t l1 = strlen(path) + 1, l2 = strlen(pwfile) + 1;
	uint8_t *b;

	if (l1 > 0xffff || l2 > 0xffff || 4 + l1 + l2 > ECFS_KEYMOD_MAX_BLOB)
		return -ENAMETOOLONG;
	b = malloc(4 + l1 + l2);
	if (!b)
		return -ENOMEM;
	b[0] = (uint8_t)(l1 & 0xff);
	b[1] = (uint8_t)(l1 >> 8);
	memcpy(b + 2, path, l1);
	b[2 + l1] = (uint8_t)(l2 & 0xff);
	b[3 + l1] = (uint8_t)(l2 >> 8);
	memcpy(b + 4 + l1, pwfile, l2);
	*out = b;
	*out_len = 4 + l1 + l2;
	return 0;
}

/* ---- keys ---- */

struct ko_pwcb {
	const struct ko_pass *pass;
	int asked;
};

static int ko_pem_cb(char *buf, int size, int rwflag, void *u)
{
	struct ko_pwcb *cb = u;

	cb->asked = 1;
	if (!cb->pass || !cb->pass->set || cb->pass->len > (size_t)size)
		return -1;
	memcpy(buf, cb->pass->buf, cb->pass->len);
	return (int)cb->pass->len;
}

/*
 * Load the RSA key in @path.  -EKEYREJECTED when it is protected and no
 * (or a wrong) passphrase was given, -EMEDIUMTYPE when it is no RSA key.
 */
static int key_load(const char *path, const struct ko_pass *pass, EVP_PKEY **out,
		    char *err, size_t errlen)
{
	struct ko_pwcb cb = { .pass = pass };
	EVP_PKEY *pk = NULL;
	char *buf;
	size_t len = 0;
	BIO *bio;
	int fd, r;

	*out = NULL;
	/* open() ourselves for a precise errno ("no such file", "permission denied"). */
	fd = ko_open_file(path, "key file", KO_MAX_KEYFILE, err, errlen);
	if (fd < 0)
		return fd;
	/* The PEM text may be unprotected: read it into locked memory. */
	buf = malloc(KO_MAX_KEYFILE + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	(void)mlock(buf, KO_MAX_KEYFILE + 1);
	r = ko_read_all(fd, buf, KO_MAX_KEYFILE + 1, &len);
	if (r == -EFBIG) {
		ecfs_errbuf(err, errlen, "openssl: key file %s is too large", path);
		goto out_buf;
	}
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: cannot read key file %s: %s", path,
			    strerror(-r));
		goto out_buf;
	}
	r = -ENOMEM;
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		goto out_buf;
	pk = PEM_read_bio_PrivateKey(bio, NULL, ko_pem_cb, &cb);
	if (!pk && !cb.asked && BIO_seek(bio, 0) == 0) {
		/*
		 * A public key alone is enough to wrap: a recovery key's public
		 * half puts a tag 1 packet in every new file while its private
		 * half stays offline.  Unwrapping then fails (pk_unwrap()).
		 */
		ERR_clear_error();
		pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	ERR_clear_error();
	r = 0;
out_buf:
	close(fd);
	OPENSSL_cleanse(buf, KO_MAX_KEYFILE + 1);
	(void)munlock(buf, KO_MAX_KEYFILE + 1);
	free(buf);
	if (r)
		return r;
	if (!pk) {
		if (cb.asked && (!pass || !pass->set)) {
			ecfs_errbuf(err, errlen,
			       "openssl: key file %s is passphrase-protected and no passphrase was given",
			       path);
			return -EKEYREJECTED;
		}
		if (cb.asked) {
			ecfs_errbuf(err, errlen, "openssl: wrong passphrase for key file %s", path);
			return -EKEYREJECTED;
		}
		ecfs_errbuf(err, errlen, "openssl: %s holds no PEM private or public key", path);
		return -EMEDIUMTYPE;
	}
	if (!EVP_PKEY_is_a(pk, "RSA")) {
		ecfs_errbuf(err, errlen, "openssl: the key in %s is not an RSA key", path);
		EVP_PKEY_free(pk);
		return -EMEDIUMTYPE;
	}
	if (EVP_PKEY_get_bits(pk) < KO_MIN_LOAD_BITS ||
	    EVP_PKEY_get_size(pk) > ECFS_KEYMOD_MAX_WRAPPED) {
		ecfs_errbuf(err, errlen,
		       "openssl: the RSA key in %s has %d bits; %d-4096 are accepted (make a new key with ecryptfs-generate-key)",
		       path, EVP_PKEY_get_bits(pk), KO_MIN_LOAD_BITS);
		EVP_PKEY_free(pk);
		return -EMEDIUMTYPE;
	}
	*out = pk;
	return 0;
}

/*
 * Loaded keys, so that a request costs one RSA operation and not a PEM
 * parse (slow in OpenSSL 3's decoders, and a PBKDF for a protected key).
 * An entry is used only while the key file and the passphrase file are
 * unchanged (device, inode, size, mtime, ctime); the unlocked key stays in
 * memory that ecryptfsd locks (mlockall).
 */
#define KO_CACHE_SLOTS	8

struct ko_fid {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct ko_cache_ent {
	char path[PATH_MAX];
	char pwfile[PATH_MAX];
	struct ko_fid kid, pid;
	EVP_PKEY *pk;
	char sig[ECFS_KEYMOD_SIG_HEX + 1];
	unsigned long used;
};

static pthread_mutex_t ko_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ko_cache_ent ko_cache[KO_CACHE_SLOTS];
static unsigned long ko_cache_clock;

static int fid_of(const char *path, struct ko_fid *id)
{
	struct stat sb;

	memset(id, 0, sizeof(*id));
	if (!path[0])
		return 0;
	if (stat(path, &sb))
		return -errno;
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->size = sb.st_size;
	id->mtime = sb.st_mtim;
	id->ctime = sb.st_ctim;
	return 0;
}

static int fid_eq(const struct ko_fid *a, const struct ko_fid *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static EVP_PKEY *cache_get(const struct ko_tok *t, const struct ko_fid *kid,
			   const struct ko_fid *pid, char sig[ECFS_KEYMOD_SIG_HEX + 1])
{
	EVP_PKEY *pk = NULL;
	size_t i;

	pthread_mutex_lock(&ko_cache_lock);
	for (i = 0; i < KO_CACHE_SLOTS; i++) {
		struct ko_cache_ent *e = &ko_cache[i];

		if (!e->pk || strcmp(e->path, t->path) || strcmp(e->pwfile, t->pwfile) ||
		    !fid_eq(&e->kid, kid) || !fid_eq(&e->pid, pid))
			continue;
		if (EVP_PKEY_up_ref(e->pk)) {
			pk = e->pk;
			memcpy(sig, e->sig, sizeof(e->sig));
			e->used = ++ko_cache_clock;
		}
		break;
	}
	pthread_mutex_unlock(&ko_cache_lock);
	return pk;
}

static void cache_put(const struct ko_tok *t, const struct ko_fid *kid,
		      const struct ko_fid *pid, EVP_PKEY *pk,
		      const char sig[ECFS_KEYMOD_SIG_HEX + 1])
{
	struct ko_cache_ent *victim = &ko_cache[0];
	size_t i;

	pthread_mutex_lock(&ko_cache_lock);
	for (i = 0; i < KO_CACHE_SLOTS; i++) {
		struct ko_cache_ent *e = &ko_cache[i];

		/* Replace a stale entry for the same files, else the least recent. */
		if (e->pk && !strcmp(e->path, t->path) && !strcmp(e->pwfile, t->pwfile)) {
			victim = e;
			break;
		}
		if (!e->pk || e->used < victim->used)
			victim = e;
	}
	if (EVP_PKEY_up_ref(pk)) {
		EVP_PKEY_free(victim->pk);
		memcpy(victim->path, t->path, sizeof(victim->path));
		memcpy(victim->pwfile, t->pwfile, sizeof(victim->pwfile));
		victim->kid = *kid;
		victim->pid = *pid;
		victim->pk = pk;
		memcpy(victim->sig, sig, sizeof(victim->sig));
		victim->used = ++ko_cache_clock;
	}
	pthread_mutex_unlock(&ko_cache_lock);
}

__attribute__((destructor))
static void cache_drop(void)
{
	size_t i;

	pthread_mutex_lock(&ko_cache_lock);
	for (i = 0; i < KO_CACHE_SLOTS; i++) {
		EVP_PKEY_free(ko_cache[i].pk);
		memset(&ko_cache[i], 0, sizeof(ko_cache[i]));
	}
	pthread_mutex_unlock(&ko_cache_lock);
}

/*
 * Load the key a token names, reading the passphrase file it names; @sig
 * gets the signature of the key actually loaded, so that a caller can
 * check it is still the key the token was made for.
 */
static int key_load_tok(const uint8_t *blob, size_t blob_len, EVP_PKEY **pk,
			char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err, size_t errlen)
{
	struct ko_fid kid, pid;
	struct ko_tok t;
	struct ko_pass pass;
	int r;

	r = tok_parse(blob, blob_len, &t);
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: malformed token blob");
		return r;
	}
	if (!fid_of(t.path, &kid) && !fid_of(t.pwfile, &pid)) {
		*pk = cache_get(&t, &kid, &pid, sig);
		if (*pk)
			return 0;
	}
	pass_init(&pass);
	if (t.pwfile[0]) {
		r = pass_read_file(t.pwfile, &pass, err, errlen);
		if (r)
			goto out;
	}
	r = key_load(t.path, &pass, pk, err, errlen);
	if (r)
		goto out;
	r = ecfs_rsa_key_sig_hex(*pk, sig);
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: cannot compute the key signature");
		EVP_PKEY_free(*pk);
		*pk = NULL;
		goto out;
	}
	/* Identify the files as read; a change in between only costs a reload. */
	if (!fid_of(t.path, &kid) && !fid_of(t.pwfile, &pid))
		cache_put(&t, &kid, &pid, *pk, sig);
out:
	pass_wipe(&pass);
	return r;
}

/* ---- operations ---- */

static int ko_key_sig(const uint8_t *blob, size_t blob_len, char sig[ECFS_KEYMOD_SIG_HEX + 1],
		      char *err, size_t errlen)
{
	EVP_PKEY *pk;
	int r;

	r = key_load_tok(blob, blob_len, &pk, sig, err, errlen);
	if (r)
		return r;
	EVP_PKEY_free(pk);
	return 0;
}

/* Collect the passphrase from passwd=, passwd_fd= or passwd_file=. */
static int kv_pass(const struct ecfs_keymod_kv *kv, size_t n, struct ko_pass *pass,
		   char *err, size_t errlen)
{
	const char *pw = ko_kv(kv, n, "passwd");
	const char *fdv = ko_kv(kv, n, "passwd_fd");
	const char *pf = ko_kv(kv, n, "passwd_file");
	int srcs = !!pw + !!fdv + !!pf;

	if (srcs > 1) {
		ecfs_errbuf(err, errlen, "openssl: give only one of passwd=, passwd_fd=, passwd_file=");
		return -EINVAL;
	}
	if (pw) {
		size_t l = strlen(pw);

		if (!l || l > KO_MAX_PASS) {
			ecfs_errbuf(err, errlen, "openssl: the passphrase must be 1-%d bytes",
			       KO_MAX_PASS);
			return -EINVAL;
		}
		memcpy(pass->buf, pw, l + 1);
		pass->len = l;
		pass->set = 1;
		return 0;
	}
	if (fdv) {
		char *end;
		long fd;

		errno = 0;
		fd = strtol(fdv, &end, 10);
		if (errno || *end || end == fdv || fd < 0 || fd > INT_MAX) {
			ecfs_errbuf(err, errlen, "openssl: passwd_fd= needs a file descriptor number");
			return -EINVAL;
		}
		return pass_read_fd((int)fd, pass, "the passphrase file descriptor", err, errlen);
	}
	if (pf)
		return pass_read_file(pf, pass, err, errlen);
	return 0;
}

static int abs_path(const char *in, char *out, const char *what, char *err, size_t errlen)
{
	if (!realpath(in, out)) {
		int r = -errno;

		ecfs_errbuf(err, errlen, "openssl: %s %s: %s", what, in, strerror(errno));
		return r;
	}
	return 0;
}

static int ko_build_token(const struct ecfs_keymod_kv *kv, size_t n, uint8_t **blob,
			  size_t *blob_len, char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err,
			  size_t errlen)
{
	const char *keyfile = ko_kv(kv, n, "keyfile");
	const char *pf = ko_kv(kv, n, "passwd_file");
	char kpath[PATH_MAX], ppath[PATH_MAX] = "";
	struct ko_pass pass;
	EVP_PKEY *pk = NULL;
	int r;

	*blob = NULL;
	*blob_len = 0;
	r = ecfs_keymod_kv_check(ko_params, KO_NPARAMS, kv, n, "openssl", err, errlen);
	if (r)
		return r;
	if (ko_kv(kv, n, "bits")) {
		ecfs_errbuf(err, errlen, "openssl: bits= only applies to key generation");
		return -EINVAL;
	}
	if (!keyfile || !keyfile[0]) {
		ecfs_errbuf(err, errlen, "openssl: keyfile= is required");
		return -EINVAL;
	}
	r = abs_path(keyfile, kpath, "key file", err, errlen);
	if (r)
		return r;
	if (pf) {
		r = abs_path(pf, ppath, "passphrase file", err, errlen);
		if (r)
			return r;
	}
	pass_init(&pass);
	r = kv_pass(kv, n, &pass, err, errlen);
	if (r)
		goto out;
	r = key_load(kpath, &pass, &pk, err, errlen);
	if (r)
		goto out;
	/*
	 * The passphrase never goes into the token.  With passwd_file= the
	 * token names the file and ecryptfsd reads it again; a passphrase
	 * given otherwise (passwd=, passwd_fd=, typed) is handed to the
	 * daemon by the caller (open_key() through ecfs_handoff.h).
	 */
	r = ecfs_rsa_key_sig_hex(pk, sig);
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: cannot compute the key signature");
		goto out;
	}
	r = tok_build(kpath, ppath, blob, blob_len);
	if (r)
		ecfs_errbuf(err, errlen, "openssl: key path too long for a token");
out:
	EVP_PKEY_free(pk);
	pass_wipe(&pass);
	return r;
}

/* RSA-OAEP encryption of @in with @pk (the caller keeps its reference). */
static int pk_wrap(EVP_PKEY *pk, const uint8_t *in, size_t in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	int r;

	*out_len = 0;
	if (!in_len || in_len > ECFS_KEYMOD_MAX_PLAIN)
		return -EINVAL;
	r = ecfs_rsa_encrypt(pk, ECFS_RSA_PAD_OAEP, in, in_len, out,
			     out_cap < ECFS_KEYMOD_MAX_WRAPPED ? out_cap : ECFS_KEYMOD_MAX_WRAPPED,
			     out_len);
	if (r == -EPROTO) {
		ecfs_errbuf(err, errlen, "openssl: RSA-OAEP encryption setup failed");
		r = -EIO;
	} else if (r == -EIO) {
		ecfs_errbuf(err, errlen, "openssl: RSA-OAEP encryption failed");
	}
	return r;
}

static int ko_wrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		   uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	char sig[ECFS_KEYMOD_SIG_HEX + 1];
	EVP_PKEY *pk = NULL;
	int r;

	*out_len = 0;
	r = key_load_tok(blob, blob_len, &pk, sig, err, errlen);
	if (r)
		return r;
	r = pk_wrap(pk, in, in_len, out, out_cap, out_len, err, errlen);
	EVP_PKEY_free(pk);
	return r;
}

/* RSA-OAEP decryption of @in with @pk (the caller keeps its reference). */
static int pk_unwrap(EVP_PKEY *pk, const uint8_t *in, size_t in_len, uint8_t **out,
		     size_t *out_len, char *err, size_t errlen)
{
	uint8_t tmp[ECFS_KEYMOD_MAX_WRAPPED] = { 0 };
	EVP_PKEY_CTX *c = NULL;
	uint8_t *res;
	size_t ol = sizeof(tmp);
	int r = -EIO;

	*out = NULL;
	*out_len = 0;
	if (!in_len || in_len > ECFS_KEYMOD_MAX_WRAPPED)
		return -EINVAL;
	(void)mlock(tmp, sizeof(tmp));
	if (!ecfs_rsa_has_private(pk)) {
		ecfs_errbuf(err, errlen, "openssl: only the public half of this key is here: it wraps "
		       "keys but cannot unwrap them (use the private key file)");
		r = -EKEYREJECTED;
		goto out;
	}
	c = ecfs_rsa_oaep_ctx(pk, false);
	if (!c) {
		ecfs_errbuf(err, errlen, "openssl: RSA-OAEP decryption setup failed");
		goto out;
	}
	if ((size_t)EVP_PKEY_get_size(pk) != in_len) {
		ecfs_errbuf(err, errlen, "openssl: wrapped key of %zu bytes does not fit a %d-bit key",
		       in_len, EVP_PKEY_get_bits(pk));
		r = -EBADMSG;
		goto out;
	}
	if (EVP_PKEY_decrypt(c, tmp, &ol, in, in_len) <= 0) {
		ecfs_errbuf(err, errlen, "openssl: the wrapped key does not decrypt with this key");
		r = -EBADMSG;
		goto out;
	}
	if (!ol || ol > ECFS_KEYMOD_MAX_PLAIN) {
		ecfs_errbuf(err, errlen, "openssl: the unwrapped key has a bad size (%zu)", ol);
		r = -EBADMSG;
		goto out;
	}
	res = malloc(ol);
	if (!res) {
		r = -ENOMEM;
		goto out;
	}
	(void)mlock(res, ol);
	memcpy(res, tmp, ol);
	*out = res;
	*out_len = ol;
	r = 0;
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	(void)munlock(tmp, sizeof(tmp));
	ERR_clear_error();
	EVP_PKEY_CTX_free(c);
	return r;
}

static int ko_unwrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		     uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	char sig[ECFS_KEYMOD_SIG_HEX + 1];
	EVP_PKEY *pk = NULL;
	int r;

	*out = NULL;
	*out_len = 0;
	r = key_load_tok(blob, blob_len, &pk, sig, err, errlen);
	if (r)
		return r;
	r = pk_unwrap(pk, in, in_len, out, out_len, err, errlen);
	EVP_PKEY_free(pk);
	return r;
}

/*
 * A key unlocked with a passphrase the mount helper handed to ecryptfsd.
 * The handle is the EVP_PKEY itself; OpenSSL frees (and clears) the RSA
 * private values with it, in memory the daemon keeps locked.
 */
static int ko_open_key(const uint8_t *blob, size_t blob_len, const uint8_t *secret,
		       size_t secret_len, void **key, char sig[ECFS_KEYMOD_SIG_HEX + 1],
		       char *err, size_t errlen)
{
	struct ko_pass pass;
	struct ko_tok t;
	EVP_PKEY *pk = NULL;
	int r;

	*key = NULL;
	r = tok_parse(blob, blob_len, &t);
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: malformed token blob");
		return r;
	}
	if (secret_len > KO_MAX_PASS) {
		ecfs_errbuf(err, errlen, "openssl: the passphrase must be at most %d bytes", KO_MAX_PASS);
		return -EINVAL;
	}
	/* No secret: open the key as the token says, as wrap() would (cached). */
	if (!secret_len) {
		r = key_load_tok(blob, blob_len, &pk, sig, err, errlen);
		if (!r)
			*key = pk;
		return r;
	}
	pass_init(&pass);
	if (secret_len) {
		memcpy(pass.buf, secret, secret_len);
		pass.len = secret_len;
		pass.set = 1;
	}
	r = key_load(t.path, &pass, &pk, err, errlen);
	pass_wipe(&pass);
	if (r)
		return r;
	r = ecfs_rsa_key_sig_hex(pk, sig);
	if (r) {
		ecfs_errbuf(err, errlen, "openssl: cannot compute the key signature");
		EVP_PKEY_free(pk);
		return r;
	}
	*key = pk;
	return 0;
}

static int ko_wrap_key(void *key, const uint8_t *in, size_t in_len, uint8_t *out,
		       size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	return pk_wrap(key, in, in_len, out, out_cap, out_len, err, errlen);
}

static int ko_unwrap_key(void *key, const uint8_t *in, size_t in_len, uint8_t **out,
			 size_t *out_len, char *err, size_t errlen)
{
	return pk_unwrap(key, in, in_len, out, out_len, err, errlen);
}

static void ko_close_key(void *key)
{
	EVP_PKEY_free(key);
}

/* Write @pk to @path: a 0600 temporary in the same directory, then link(). */
static int key_write(EVP_PKEY *pk, const char *path, const struct ko_pass *pass,
		     char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int fd, r, n, dfd;
	char *slash, dir[PATH_MAX];

	n = snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = -errno;
		ecfs_errbuf(err, errlen, "openssl: cannot create a file next to %s: %s", path,
		       strerror(errno));
		return r;
	}
	if (fchmod(fd, 0600)) {
		r = -errno;
		close(fd);
		goto err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		r = -errno;
		close(fd);
		goto err;
	}
	if (!PEM_write_PrivateKey(f, pk, pass->set ? EVP_aes_256_cbc() : NULL,
				  pass->set ? (unsigned char *)pass->buf : NULL,
				  pass->set ? (int)pass->len : 0, NULL, NULL)) {
		ERR_clear_error();
		ecfs_errbuf(err, errlen, "openssl: cannot write the key");
		r = -EIO;
		fclose(f);
		goto err;
	}
	if (fflush(f) || fsync(fileno(f))) {
		r = -errno;
		fclose(f);
		goto err;
	}
	if (fclose(f)) {
		r = -errno;
		goto err;
	}
	/* link() never replaces an existing key file. */
	if (link(tmp, path)) {
		r = -errno;
		if (errno == EEXIST)
			ecfs_errbuf(err, errlen, "openssl: %s exists; not overwriting a key", path);
		else
			ecfs_errbuf(err, errlen, "openssl: cannot create %s: %s", path,
			       strerror(errno));
		goto err;
	}
	unlink(tmp);
	memcpy(dir, path, strlen(path) + 1);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
err:
	if (err && errlen && !err[0])
		ecfs_errbuf(err, errlen, "openssl: cannot write %s: %s", tmp, strerror(-r));
	unlink(tmp);
	return r;
}

static int ko_generate(const struct ecfs_keymod_kv *kv, size_t n, char *err, size_t errlen)
{
	const char *keyfile = ko_kv(kv, n, "keyfile");
	const char *bits_s = ko_kv(kv, n, "bits");
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *pk = NULL;
	struct ko_pass pass;
	long bits = KO_DEFAULT_BITS;
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = ecfs_keymod_kv_check(ko_params, KO_NPARAMS, kv, n, "openssl", err, errlen);
	if (r)
		return r;
	if (!keyfile || !keyfile[0]) {
		ecfs_errbuf(err, errlen, "openssl: keyfile= is required");
		return -EINVAL;
	}
	if (bits_s) {
		char *end;

		errno = 0;
		bits = strtol(bits_s, &end, 10);
		if (errno || *end || end == bits_s || bits < KO_MIN_BITS || bits > 4096) {
			ecfs_errbuf(err, errlen, "openssl: bits= must be %d-4096 (the kernel stores at most 512 bytes)",
			       KO_MIN_BITS);
			return -EINVAL;
		}
	}
	pass_init(&pass);
	r = kv_pass(kv, n, &pass, err, errlen);
	if (r)
		goto out;
	r = -EIO;
	c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!c || EVP_PKEY_keygen_init(c) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(c, (int)bits) <= 0 ||
	    EVP_PKEY_generate(c, &pk) <= 0) {
		ecfs_errbuf(err, errlen, "openssl: RSA key generation failed");
		goto out;
	}
	r = key_write(pk, keyfile, &pass, err, errlen);
out:
	ERR_clear_error();
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(c);
	pass_wipe(&pass);
	return r;
}

static const struct ecfs_keymod_ops ko_ops = {
	.abi_version = ECFS_KEYMOD_ABI_VERSION,
	.alias = KO_ALIAS,
	.description = "RSA key in a PEM file (OpenSSL 3), upstream-compatible",
	.params = ko_get_params,
	.build_token = ko_build_token,
	.key_sig = ko_key_sig,
	.wrap = ko_wrap,
	.unwrap = ko_unwrap,
	.generate = ko_generate,
	.free_secret = ecfs_keymod_free_secret,
	.release_blob = ecfs_keymod_release_blob,
	.open_key = ko_open_key,
	.wrap_key = ko_wrap_key,
	.unwrap_key = ko_unwrap_key,
	.close_key = ko_close_key,
};

__attribute__((visibility("default")))
const struct ecfs_keymod_ops *ecfs_keymod_get_ops(void)
{
	return &ko_ops;
}
