// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ed_core - offline decryption of eCryptfs lower files over libecfs.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_b64.h"
#include "ecfs_errbuf.h"
#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_packet.h"
#include "ed_core.h"
#include "ed_pk.h"

#define ED_KEYS_BYTES	(ED_MAX_KEYS * sizeof(struct ed_key))
/* A user.ecryptfs value: header plus a few key packets, never near this. */
#define ED_XATTR_MAX	ED_HEADER_READ
#define ED_MD5_BYTES	16

int ed_fail(struct ed_err *e, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecfs_verrbuf(e ? e->msg : NULL, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}

int ed_keys_init(struct ed_keys *ks)
{
	void *p;

	memset(ks, 0, sizeof(*ks));
	p = mmap(NULL, ED_KEYS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* Not fatal if RLIMIT_MEMLOCK forbids it: the keys are wiped anyway. */
	(void)mlock(p, ED_KEYS_BYTES);
	(void)madvise(p, ED_KEYS_BYTES, MADV_DONTDUMP);
	ks->k = p;
	return 0;
}

void ed_keys_free(struct ed_keys *ks)
{
	while (ks->npk)
		EVP_PKEY_free(ks->pk[--ks->npk]);
	if (!ks->k)
		return;
	OPENSSL_cleanse(ks->k, ED_KEYS_BYTES);
	(void)munlock(ks->k, ED_KEYS_BYTES);
	munmap(ks->k, ED_KEYS_BYTES);
	ks->k = NULL;
	ks->n = 0;
}

int ed_keys_add_fekek(struct ed_keys *ks, const uint8_t fekek[ECFS_MAX_KEY_BYTES])
{
	struct ed_key *k;
	int rc;

	if (!ks->k)
		return -EINVAL;
	if (ks->n >= ED_MAX_KEYS)
		return -ENOSPC;
	k = &ks->k[ks->n];
	memcpy(k->fekek, fekek, ECFS_MAX_KEY_BYTES);
	rc = ecfs_kdf_sig(k->fekek, k->sig);
	if (rc) {
		OPENSSL_cleanse(k, sizeof(*k));
		return rc;
	}
	ks->n++;
	return 0;
}

int ed_keys_add_pk(struct ed_keys *ks, EVP_PKEY *pk)
{
	int rc;

	if (ks->npk >= ED_MAX_PK) {
		EVP_PKEY_free(pk);
		return -ENOSPC;
	}
	rc = ecfs_rsa_key_sig(pk, ks->pk_sig[ks->npk]);
	if (rc) {
		EVP_PKEY_free(pk);
		return rc;
	}
	ks->pk[ks->npk++] = pk;
	return 0;
}

int ed_keys_add(struct ed_keys *ks, const char *pass, size_t len,
		const uint8_t salt[ECFS_SALT_SIZE], bool fnek)
{
	uint8_t fn[ECFS_MAX_KEY_BYTES], sig[ECFS_SIG_SIZE];
	struct ed_key *k;
	int rc;

	if (!ks->k)
		return -EINVAL;
	if (ks->n >= ED_MAX_KEYS)
		return -ENOSPC;
	k = &ks->k[ks->n];
	rc = ecfs_kdf_passphrase(pass, len, salt, k->fekek, k->sig);
	if (rc)
		goto fail;
	if (fnek) {
		/*
		 * The mount's fn key size is not recorded anywhere; key_bytes 0
		 * lets the library take it from the AES code or find it by the
		 * deterministic prefix, and the cipher comes from each name.
		 */
		rc = ecfs_kdf_fnek(pass, len, fn, sig);
		if (!rc)
			rc = ecfs_fname_key_init(&k->fnek, ecfs_cipher_by_id(ECFS_CID_AES), 0, fn);
		OPENSSL_cleanse(fn, sizeof(fn));
		if (rc)
			goto fail;
		k->have_fnek = true;
	}
	ks->n++;
	if (fnek && ks->n < ED_MAX_KEYS) {
		/*
		 * mount.ecryptfs (upstream's and ours) offers the mount key's
		 * own signature as the FNEK signature, so names may also be
		 * encrypted with the FEKEK itself: keep a second slot for it.
		 */
		struct ed_key *k2 = &ks->k[ks->n];

		memcpy(k2->fekek, k->fekek, sizeof(k2->fekek));
		memcpy(k2->sig, k->sig, sizeof(k2->sig));
		rc = ecfs_fname_key_init(&k2->fnek, ecfs_cipher_by_id(ECFS_CID_AES), 0, k->fekek);
		if (rc) {
			OPENSSL_cleanse(k2, sizeof(*k2));
			return rc;
		}
		k2->have_fnek = true;
		ks->n++;
	}
	return 0;
fail:
	OPENSSL_cleanse(k, sizeof(*k));
	return rc;
}

const char *ed_cipher_name(unsigned int code)
{
	const struct ecfs_cipher *c = ecfs_cipher_by_code(code);

	return c ? c->name : "unknown";
}

static const char *meta_strerror(int rc)
{
	switch (rc) {
	case -EBADMSG:
		return "bad marker";
	case -EPROTONOSUPPORT:
		return "unsupported format or packet version";
	case -ERANGE:
		return "header size below 8192 bytes";
	case -ENOKEY:
		return "no key packet";
	case -ENODATA:
		return "key packets cut short";
	case -ENOSPC:
		return "too many key packets";
	default:
		return strerror(-rc);
	}
}

int ed_meta_parse(const uint8_t *buf, size_t len, bool xattr, struct ed_meta *m,
		  struct ed_err *e)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = ecfs_metadata_decode(buf, len, xattr ? 0 : ECFS_HDR_CHECK_SIZE, &m->h, m->kps,
				  ED_MAX_PACKETS, &m->nkps);
	if (rc < 0)
		return ed_fail(e, rc == -EBADMSG ? -EBADMSG : -EPROTO,
			       "corrupt metadata %s: %s (%d)",
			       xattr ? "in the user.ecryptfs xattr" : "in the file header",
			       meta_strerror(rc), rc);
	m->meta_len = (size_t)rc;
	m->in_xattr = xattr;
	m->data_off = xattr ? 0 : m->h.metadata_size;
	if (!(m->h.flags & ECFS_HDR_FLAG_ENCRYPTED))
		return ed_fail(e, -EPROTO, "header does not carry the ENCRYPTED flag (flags 0x%02x)",
			       (unsigned int)m->h.flags);
	return 0;
}

static int read_full(int fd, uint8_t *buf, size_t len, uint64_t off, size_t *got)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, buf + done, len - done, (off_t)(off + done));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	*got = done;
	return 0;
}

int ed_meta_read(int fd, struct ed_meta *m, struct ed_err *e)
{
	uint8_t *buf;
	size_t got = 0;
	ssize_t xl;
	bool marker;
	int rc;

	buf = malloc(ED_HEADER_READ);
	if (!buf)
		return ed_fail(e, -ENOMEM, "out of memory");
	rc = read_full(fd, buf, ED_HEADER_READ, 0, &got);
	if (rc) {
		ed_fail(e, rc, "cannot read the header: %s", strerror(-rc));
		goto out;
	}
	marker = got >= ECFS_HDR_OFF_FLAGS && ecfs_header_has_marker(buf, got);
	if (marker) {
		rc = ed_meta_parse(buf, got, false, m, e);
		goto out;
	}
	xl = fgetxattr(fd, ECFS_XATTR_NAME, buf, ED_XATTR_MAX);
	if (xl < 0) {
		if (errno == ERANGE)
			rc = ed_fail(e, -EPROTO, "header marker check failed and the user.ecryptfs "
				     "xattr is larger than %d bytes", ED_XATTR_MAX);
		else if (errno == ENODATA || errno == ENOTSUP)
			rc = ed_fail(e, -EBADMSG, got < ECFS_HDR_OFF_FLAGS ?
				     "too short for an eCryptfs header (%zu bytes) and no "
				     "user.ecryptfs xattr" :
				     "header marker check failed (%zu bytes read) and no "
				     "user.ecryptfs xattr: not an eCryptfs file or a corrupt header",
				     got);
		else
			rc = ed_fail(e, -errno, "cannot read the user.ecryptfs xattr: %s",
				     strerror(errno));
		goto out;
	}
	rc = ed_meta_parse(buf, (size_t)xl, true, m, e);
out:
	free(buf);
	return rc;
}

int ed_worker_init(struct ed_worker *w)
{
	w->ctx = NULL;
	w->buf = aligned_alloc(64, ED_CHUNK_BYTES);
	return w->buf ? 0 : -ENOMEM;
}

void ed_worker_free(struct ed_worker *w)
{
	if (!w->buf)
		return;
	/* The buffer last held plaintext. */
	OPENSSL_cleanse(w->buf, ED_CHUNK_BYTES);
	free(w->buf);
	w->buf = NULL;
	ecfs_extent_ctx_free(w->ctx);
	w->ctx = NULL;
}

/*
 * Unwrap the FEK with the first tag 3 packet one of our keys can open.
 * Returns 0, -ENOKEY, or the unwrap error of the last matching packet.
 */
static int pick_fek(const struct ed_keys *ks, const struct ed_meta *m, uint8_t *fek,
		    size_t *key_size, const struct ecfs_cipher **cipher, struct ed_err *e)
{
	char sigs[ED_MAX_PACKETS * (ECFS_SIG_SIZE_HEX + 2) + 1] = "";
	char hex[ECFS_SIG_SIZE_HEX + 1];
	bool tag1 = false;
	int rc = -ENOKEY;
	size_t i, j;

	for (i = 0; i < m->nkps; i++) {
		const struct ecfs_key_packet *kp = &m->kps[i];

		ecfs_sig_to_hex(kp->sig, hex);
		if (i)
			strcat(sigs, ", ");
		strcat(sigs, hex);
		if (kp->tag != ECFS_TAG_3) {
			for (j = 0; j < ks->npk; j++) {
				if (memcmp(kp->sig, ks->pk_sig[j], ECFS_SIG_SIZE))
					continue;
				rc = ed_pk_unwrap(ks->pk[j], &kp->u.t1, fek, key_size, cipher);
				if (!rc)
					return 0;
				ed_fail(e, -EPROTO, "cannot unwrap the key of packet %zu (RSA key %s): %s",
					i + 1, hex, strerror(-rc));
			}
			if (!ks->npk)
				tag1 = true;
			continue;
		}
		for (j = 0; j < ks->n; j++) {
			if (memcmp(kp->sig, ks->k[j].sig, ECFS_SIG_SIZE))
				continue;
			rc = ecfs_cipher_fek_unwrap(kp->u.t3.cipher_code, ks->k[j].fekek,
						    kp->u.t3.enc_key, kp->u.t3.enc_key_len, fek,
						    key_size, cipher);
			if (!rc)
				return 0;
			ed_fail(e, -EPROTO, "cannot unwrap the key of packet %zu (sig %s, %s): %s",
				i + 1, hex, ed_cipher_name(kp->u.t3.cipher_code), strerror(-rc));
		}
	}
	if (rc != -ENOKEY)
		return -EPROTO;
	return ed_fail(e, -ENOKEY, "no matching key: the file's key signatures are %s%s", sigs,
		       tag1 ? " (public-key packets need --recovery-key)" : "");
}

int ed_fek_unwrap(const struct ed_keys *ks, const struct ed_meta *m, uint8_t *fek,
		  size_t *key_size, const struct ecfs_cipher **cipher, struct ed_err *e)
{
	return pick_fek(ks, m, fek, key_size, cipher, e);
}

static int write_full(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t r = write(fd, buf, len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

static int write_sink(void *arg, const uint8_t *buf, size_t len)
{
	return write_full(*(int *)arg, buf, len);
}

int ed_decrypt_fd(const struct ed_keys *ks, int in_fd, int out_fd, struct ed_worker *w,
		  uint64_t *size, struct ed_err *e)
{
	return ed_decrypt_to(ks, in_fd, write_sink, &out_fd, w, size, e);
}

int ed_decrypt_to(const struct ed_keys *ks, int in_fd, ed_sink_fn sink, void *arg,
		  struct ed_worker *w, uint64_t *size, struct ed_err *e)
{
	uint8_t fek[ECFS_MAX_KEY_BYTES];
	const struct ecfs_cipher *cipher = NULL;
	struct ed_meta *m;
	uint64_t n_ext, ext, left, need;
	size_t key_size = 0;
	struct stat st;
	int rc;

	m = malloc(sizeof(*m));
	if (!m)
		return ed_fail(e, -ENOMEM, "out of memory");
	if (fstat(in_fd, &st)) {
		rc = ed_fail(e, -errno, "cannot stat: %s", strerror(errno));
		goto out;
	}
	rc = ed_meta_read(in_fd, m, e);
	if (rc)
		goto out;
	left = m->h.file_size;
	n_ext = left / ECFS_EXTENT_SIZE + (left % ECFS_EXTENT_SIZE ? 1 : 0);
	if (n_ext > (UINT64_MAX - m->data_off) / ECFS_EXTENT_SIZE ||
	    m->data_off + n_ext * ECFS_EXTENT_SIZE > (uint64_t)INT64_MAX) {
		rc = ed_fail(e, -EFBIG, "corrupt header: plaintext size %llu is impossible",
			     (unsigned long long)left);
		goto out;
	}
	need = m->data_off + n_ext * ECFS_EXTENT_SIZE;
	if ((uint64_t)st.st_size < need) {
		rc = ed_fail(e, -ENODATA,
			     "truncated: plaintext size %llu needs %llu lower bytes, the file has %lld",
			     (unsigned long long)left, (unsigned long long)need,
			     (long long)st.st_size);
		goto out;
	}
	rc = pick_fek(ks, m, fek, &key_size, &cipher, e);
	if (rc)
		goto out;
	if (w->ctx)
		rc = ecfs_extent_ctx_rekey(w->ctx, cipher, fek, key_size);
	else
		rc = ecfs_extent_ctx_new(&w->ctx, cipher, fek, key_size);
	if (rc) {
		ed_fail(e, rc, "cannot key %s with the unwrapped %zu-byte key: %s", cipher->name,
			key_size, strerror(-rc));
		goto out;
	}
	(void)posix_fadvise(in_fd, (off_t)m->data_off, 0, POSIX_FADV_SEQUENTIAL);
	for (ext = 0; ext < n_ext;) {
		uint64_t todo = n_ext - ext;
		size_t n = todo < ED_CHUNK_EXTENTS ? (size_t)todo : ED_CHUNK_EXTENTS;
		size_t bytes = n * ECFS_EXTENT_SIZE, got = 0, out_len;

		rc = read_full(in_fd, w->buf, bytes, m->data_off + ext * ECFS_EXTENT_SIZE, &got);
		if (rc) {
			ed_fail(e, rc, "read error at extent %llu: %s", (unsigned long long)ext,
				strerror(-rc));
			goto out;
		}
		if (got != bytes) {
			rc = ed_fail(e, -ENODATA, "truncated: extent %llu is cut short",
				     (unsigned long long)(ext + got / ECFS_EXTENT_SIZE));
			goto out;
		}
		rc = ecfs_extent_decrypt_run(w->ctx, ext, n, w->buf, w->buf);
		if (rc) {
			ed_fail(e, rc, "cannot decrypt extents %llu-%llu: %s",
				(unsigned long long)ext, (unsigned long long)(ext + n - 1),
				strerror(-rc));
			goto out;
		}
		out_len = left < bytes ? (size_t)left : bytes;
		rc = sink(arg, w->buf, out_len);
		if (rc) {
			ed_fail(e, rc, "write error: %s", strerror(-rc));
			goto out;
		}
		left -= out_len;
		ext += n;
	}
	if (size)
		*size = m->h.file_size;
	rc = 0;
out:
	OPENSSL_cleanse(fek, sizeof(fek));
	free(m);
	return rc;
}

static int fname_errmsg(int rc, const char *lower, struct ed_err *e)
{
	switch (rc) {
	case -EKEYREJECTED:
		return ed_fail(e, rc, "no matching filename key for encrypted name %.40s...",
			       lower);
	case -ENAMETOOLONG:
		return ed_fail(e, rc, "encrypted name longer than 255 bytes");
	default:
		return ed_fail(e, rc, "corrupt encrypted name %.40s...: %s (%d)", lower,
			       strerror(-rc), rc);
	}
}

int ed_name_decrypt(const struct ed_keys *ks, const char *lower, char *out, size_t out_size,
		    struct ed_err *e)
{
	size_t len = strlen(lower), out_len, i;
	const char *enc;
	size_t enc_len;
	int rc;

	rc = ecfs_fnek_name_split(lower, len, &enc, &enc_len);
	if (rc <= 0) {
		if (rc < 0)
			return fname_errmsg(rc, lower, e);
		if (len + 1 > out_size)
			return ed_fail(e, -ENOBUFS, "name too long");
		memcpy(out, lower, len + 1);
		return 0;
	}
	rc = -EKEYREJECTED;
	for (i = 0; i < ks->n; i++) {
		if (!ks->k[i].have_fnek)
			continue;
		rc = ecfs_fname_decrypt(&ks->k[i].fnek, lower, len, ECFS_FNAME_VERIFY, out,
					out_size, &out_len);
		if (rc != -EKEYREJECTED)
			break;
	}
	if (rc)
		return fname_errmsg(rc, lower, e);
	return 1;
}

/* The kernel's deterministic name prefix (see ecfs_fname.h). */
static int target_prefix(const uint8_t fnek[ECFS_MAX_KEY_BYTES], uint8_t *out, size_t n)
{
	uint8_t h[ED_MD5_BYTES];
	size_t i;
	int rc = -EIO;

	if (!EVP_Digest(fnek, ECFS_MAX_KEY_BYTES, h, NULL, EVP_md5(), NULL))
		goto out;
	for (i = 0; i < n; i++) {
		out[i] = h[i % ED_MD5_BYTES] ? h[i % ED_MD5_BYTES] : ECFS_FN_PREFIX_NON_NULL;
		if (i % ED_MD5_BYTES == ED_MD5_BYTES - 1 &&
		    !EVP_Digest(h, ED_MD5_BYTES, h, NULL, EVP_md5(), NULL))
			goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(h, sizeof(h));
	return rc;
}

/* One attempt at a long target with one key length; 0 or -EKEYREJECTED. */
static int target_try(const struct ed_key *k, const struct ecfs_cipher *c, size_t ks,
		      const struct ecfs_tag70 *t, uint8_t *plain, uint8_t *expect,
		      char *out, size_t out_size)
{
	size_t pre, nlen, want;
	uint8_t *sep;

	if (ecfs_cipher_ecb(c, k->fnek.fnek, ks, false, t->ct, plain, t->ct_len))
		return -EKEYREJECTED;
	sep = memchr(plain, 0, t->ct_len);
	if (!sep)
		return -EKEYREJECTED;
	pre = (size_t)(sep - plain);
	nlen = t->ct_len - pre - 1;
	want = ECFS_FN_MIN_PREFIX_BYTES + 1;
	if ((want + nlen) % c->block_size)
		want += c->block_size - (want + nlen) % c->block_size;
	if (!nlen || pre + 1 != want || target_prefix(k->fnek.fnek, expect, pre) ||
	    CRYPTO_memcmp(expect, plain, pre))
		return -EKEYREJECTED;
	if (memchr(sep + 1, 0, nlen) || nlen + 1 > out_size)
		return -EBADMSG;
	memcpy(out, sep + 1, nlen);
	out[nlen] = '\0';
	return 0;
}

/* Targets the name decoder refuses: longer than a name, or holding '/'. */
static int target_long(const struct ed_keys *ks, const char *lower, char *out,
		       size_t out_size, struct ed_err *e)
{
	size_t len = strlen(lower), dlen, i, ksz;
	const char *enc = lower + ECFS_FNEK_PREFIX_LEN;
	uint8_t *pkt = NULL, *plain = NULL, *expect = NULL;
	const struct ecfs_cipher *c;
	struct ecfs_tag70 t;
	int rc;

	dlen = ecfs_b64_decoded_len(len - ECFS_FNEK_PREFIX_LEN);
	pkt = malloc(dlen + 1);
	plain = malloc(dlen + 1);
	expect = malloc(dlen + 1);
	if (!pkt || !plain || !expect) {
		rc = ed_fail(e, -ENOMEM, "out of memory");
		goto out;
	}
	rc = ecfs_b64_decode(enc, len - ECFS_FNEK_PREFIX_LEN, pkt, dlen + 1, NULL);
	if (rc >= 0)
		rc = ecfs_tag70_decode(pkt, (size_t)rc, &t);
	if (rc < 0) {
		fname_errmsg(rc, lower, e);
		goto out;
	}
	c = ecfs_cipher_by_code(t.cipher_code);
	if (!c || t.ct_len % c->block_size) {
		rc = fname_errmsg(-EBADMSG, lower, e);
		goto out;
	}
	rc = -EKEYREJECTED;
	for (i = 0; i < ks->n && rc == -EKEYREJECTED; i++) {
		if (!ks->k[i].have_fnek || memcmp(ks->k[i].fnek.sig, t.fnek_sig, ECFS_SIG_SIZE))
			continue;
		if (c->id == ECFS_CID_AES) {
			ksz = t.cipher_code == ECFS_CIPHER_AES_128 ? 16 :
			      t.cipher_code == ECFS_CIPHER_AES_192 ? 24 : 32;
			rc = target_try(&ks->k[i], c, ksz, &t, plain, expect, out, out_size);
			continue;
		}
		for (ksz = c->min_key; ksz <= c->max_key && rc == -EKEYREJECTED;
		     ksz += c->key_step)
			rc = target_try(&ks->k[i], c, ksz, &t, plain, expect, out, out_size);
	}
	if (rc)
		fname_errmsg(rc, lower, e);
	else
		rc = 1;
out:
	if (plain)
		OPENSSL_cleanse(plain, dlen + 1);
	free(pkt);
	free(plain);
	free(expect);
	return rc;
}

int ed_target_decrypt(const struct ed_keys *ks, const char *lower, char *out, size_t out_size,
		      struct ed_err *e)
{
	size_t len = strlen(lower);
	int rc;

	/* Lower targets are not lower names: only the prefix marks them. */
	if (len <= ECFS_FNEK_PREFIX_LEN ||
	    memcmp(lower, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN)) {
		if (len + 1 > out_size)
			return ed_fail(e, -ENAMETOOLONG, "symlink target too long");
		memcpy(out, lower, len + 1);
		return 0;
	}
	if (len <= ECFS_LOWER_NAME_MAX) {
		rc = ed_name_decrypt(ks, lower, out, out_size, e);
		if (rc != -EBADMSG)
			return rc;
	}
	return target_long(ks, lower, out, out_size, e);
}

/*
 * A long name (ecryptfs_long_names, ours only): the lower entry @path is
 * named by a digest; its record, an upstream-style name too long for the
 * lower file system, is in an extended attribute of the entry itself.
 */
static int lname_decrypt(const struct ed_keys *ks, const char *path, const char *lower,
			 char *out, size_t out_size, struct ed_err *e)
{
	char xname[ECFS_LN_XATTR_NAME_MAX + 1], rec[ECFS_LN_VALUE_MAX + 1];
	size_t len = strlen(lower), n;
	ssize_t got;
	int rc;

	rc = ecfs_lname_xattr(lower, len, xname, sizeof(xname));
	if (rc < 0)
		return ed_fail(e, -EBADMSG, "malformed long-name entry %.40s...", lower);
	got = lgetxattr(path, xname, rec, sizeof(rec) - 1);
	if (got < 0) {
		if (errno == ENODATA || errno == ERANGE)
			return ed_fail(e, -EBADMSG,
				       "long-name entry %.40s... has no valid %s attribute (was it copied without extended attributes?)",
				       lower, xname);
		return ed_fail(e, -errno, "cannot read %s: %s", xname, strerror(errno));
	}
	rec[got] = '\0';
	rc = ecfs_lname_check(lower, len, rec, (size_t)got);
	if (rc < 0)
		return ed_fail(e, rc == -EIO ? -EIO : -EBADMSG,
			       "long-name entry %.40s...: its %s attribute belongs to another name",
			       lower, xname);
	if (memchr(rec, '\0', (size_t)got))
		return ed_fail(e, -EBADMSG, "long-name entry %.40s...: corrupt record", lower);
	rc = target_long(ks, rec, out, out_size, e);
	if (rc < 0)
		return rc;
	n = strlen(out);
	/* What the kernel would show: one path component, too long for upstream. */
	if (n > ECFS_LOWER_NAME_MAX || n <= ECFS_FNEK_MAX_NAME_LEN || strchr(out, '/') ||
	    !strcmp(out, ".") || !strcmp(out, ".."))
		return ed_fail(e, -EBADMSG, "long-name entry %.40s... decrypts to no valid long name",
			       lower);
	return 1;
}

int ed_entry_name(const struct ed_keys *ks, const char *path, const char *lower, char *out,
		  size_t out_size, struct ed_err *e)
{
	if (ecfs_lname_slot(lower, strlen(lower)) != -ENOENT)
		return lname_decrypt(ks, path, lower, out, out_size, e);
	return ed_name_decrypt(ks, lower, out, out_size, e);
}
