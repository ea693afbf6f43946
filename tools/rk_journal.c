// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rk_journal - crash journal of ecryptfs-rekey (rk_journal.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_buf.h"
#include "ecryptfs_proto.h"
#include "rk_journal.h"

#define RK_MAGIC	"ECFSRKJ1"
#define RK_MAGIC_LEN	8
#define RK_SHA		32

static int rk_sha(const uint8_t *p, size_t n, uint8_t out[RK_SHA])
{
	unsigned int l = 0;

	return EVP_Digest(p, n, out, &l, EVP_sha256(), NULL) && l == RK_SHA ? 0 : -EIO;
}

int rk_record_encode(const struct rk_record *r, uint8_t *buf, size_t size)
{
	size_t plen = strnlen(r->path, sizeof(r->path)), pos = 0;

	if (plen == 0 || plen >= sizeof(r->path) || r->old_len > RK_META_SPAN ||
	    r->new_len > RK_META_SPAN || !r->new_len ||
	    (r->kind != RK_KIND_HEADER && r->kind != RK_KIND_XATTR) ||
	    (r->kind == RK_KIND_HEADER && (r->old_len != RK_META_SPAN ||
					   r->new_len != RK_META_SPAN)))
		return -EINVAL;
	if (size < RK_MAGIC_LEN + 1 + 16 + 2 + plen + 2 + r->old_len + 2 + r->new_len + RK_SHA)
		return -ENOBUFS;
	memcpy(buf, RK_MAGIC, RK_MAGIC_LEN);
	pos = RK_MAGIC_LEN;
	buf[pos++] = r->kind;
	ecfs_put_be64(buf + pos, r->dev);
	ecfs_put_be64(buf + pos + 8, r->ino);
	pos += 16;
	ecfs_put_be16(buf + pos, (uint16_t)plen);
	memcpy(buf + pos + 2, r->path, plen);
	pos += 2 + plen;
	ecfs_put_be16(buf + pos, (uint16_t)r->old_len);
	memcpy(buf + pos + 2, r->old, r->old_len);
	pos += 2 + r->old_len;
	ecfs_put_be16(buf + pos, (uint16_t)r->new_len);
	memcpy(buf + pos + 2, r->new_, r->new_len);
	pos += 2 + r->new_len;
	if (rk_sha(buf, pos, buf + pos))
		return -EIO;
	return (int)(pos + RK_SHA);
}

int rk_record_decode(const uint8_t *buf, size_t len, struct rk_record *r)
{
	uint8_t sha[RK_SHA];
	size_t pos, plen;

	if (len == 0)
		return -ENOENT;
	if (len < RK_MAGIC_LEN + 1 + 16 + 2 || memcmp(buf, RK_MAGIC, RK_MAGIC_LEN))
		return -EBADMSG;
	memset(r, 0, sizeof(*r));
	pos = RK_MAGIC_LEN;
	r->kind = buf[pos++];
	r->dev = ecfs_get_be64(buf + pos);
	r->ino = ecfs_get_be64(buf + pos + 8);
	pos += 16;
	plen = ecfs_get_be16(buf + pos);
	pos += 2;
	if (!plen || plen >= sizeof(r->path) || len - pos < plen + 2)
		return -EBADMSG;
	memcpy(r->path, buf + pos, plen);
	r->path[plen] = '\0';
	pos += plen;
	r->old_len = ecfs_get_be16(buf + pos);
	pos += 2;
	if (r->old_len > RK_META_SPAN || len - pos < r->old_len + 2)
		return -EBADMSG;
	memcpy(r->old, buf + pos, r->old_len);
	pos += r->old_len;
	r->new_len = ecfs_get_be16(buf + pos);
	pos += 2;
	if (!r->new_len || r->new_len > RK_META_SPAN || len - pos < r->new_len + RK_SHA)
		return -EBADMSG;
	memcpy(r->new_, buf + pos, r->new_len);
	pos += r->new_len;
	if (rk_sha(buf, pos, sha) || CRYPTO_memcmp(sha, buf + pos, RK_SHA))
		return -EBADMSG;
	if ((r->kind != RK_KIND_HEADER && r->kind != RK_KIND_XATTR) ||
	    (r->kind == RK_KIND_HEADER && (r->old_len != RK_META_SPAN ||
					   r->new_len != RK_META_SPAN)) ||
	    memchr(r->path, '\0', plen))
		return -EBADMSG;
	return 0;
}

enum rk_state rk_classify(const struct rk_record *r, const uint8_t *cur, size_t cur_len)
{
	size_t off;

	if (cur_len == r->new_len && !memcmp(cur, r->new_, cur_len))
		return RK_STATE_NEW;
	if (cur_len == r->old_len && !memcmp(cur, r->old, cur_len))
		return RK_STATE_OLD;
	/* An xattr is replaced whole; only the header can tear. */
	if (r->kind != RK_KIND_HEADER || cur_len != RK_META_SPAN)
		return RK_STATE_FOREIGN;
	for (off = 0; off < RK_META_SPAN; off += RK_SECTOR)
		if (memcmp(cur + off, r->old + off, RK_SECTOR) &&
		    memcmp(cur + off, r->new_ + off, RK_SECTOR))
			return RK_STATE_FOREIGN;
	return RK_STATE_TORN;
}

static int rk_pwrite_all(int fd, const uint8_t *p, size_t n, off_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

int rk_journal_write(int fd, const struct rk_record *r)
{
	uint8_t *buf = malloc(RK_JOURNAL_MAX);
	int n, rc;

	if (!buf)
		return -ENOMEM;
	n = rk_record_encode(r, buf, RK_JOURNAL_MAX);
	if (n < 0) {
		rc = n;
		goto out;
	}
	rc = rk_pwrite_all(fd, buf, (size_t)n, 0);
	/* A longer old record's tail would only fail the checksum; trim it anyway. */
	if (!rc && ftruncate(fd, n))
		rc = -errno;
	if (!rc && fdatasync(fd))
		rc = -errno;
out:
	/* The record holds wrapped keys only, but no need to leave them about. */
	OPENSSL_cleanse(buf, RK_JOURNAL_MAX);
	free(buf);
	return rc;
}

int rk_journal_clear(int fd)
{
	if (ftruncate(fd, 0) || fdatasync(fd))
		return -errno;
	return 0;
}

int rk_apply(int fd, const struct rk_record *r, const struct rk_fault *f)
{
	int rc;

	if (r->kind == RK_KIND_XATTR) {
		if (fsetxattr(fd, ECFS_XATTR_NAME, r->new_, r->new_len, XATTR_REPLACE))
			return -errno;
	} else if (f && f->tear && f->tear(f->arg)) {
		rc = rk_pwrite_all(fd, r->new_, RK_SECTOR, 0);
		if (rc)
			return rc;
	} else {
		rc = rk_pwrite_all(fd, r->new_, RK_META_SPAN, 0);
		if (rc)
			return rc;
	}
	if (fdatasync(fd) && errno != EINVAL)
		return -errno;
	if (f && f->after_write)
		f->after_write(f->arg);
	return 0;
}

static ssize_t rk_read_journal(int jfd, uint8_t *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(jfd, buf + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int rk_journal_recover(int jfd, char *msg, size_t msg_size)
{
	uint8_t *buf = malloc(RK_JOURNAL_MAX), cur[RK_META_SPAN];
	struct rk_record *r = malloc(sizeof(*r));
	ssize_t n, cl = 0;
	struct stat st;
	int fd = -1, rc;

	msg[0] = '\0';
	if (!buf || !r) {
		rc = -ENOMEM;
		goto out;
	}
	n = rk_read_journal(jfd, buf, RK_JOURNAL_MAX);
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	rc = rk_record_decode(buf, (size_t)n, r);
	if (rc == -ENOENT || rc == -EBADMSG) {
		if (rc == -EBADMSG)
			snprintf(msg, msg_size, "journal record torn before its file was touched: ignored");
		rc = 0;
		goto out;
	}
	fd = open(r->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		snprintf(msg, msg_size, "%s: cannot open the file of the journal record: %s",
			 r->path, strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_dev != r->dev || (uint64_t)st.st_ino != r->ino) {
		rc = -ESTALE;
		snprintf(msg, msg_size, "%s: another file now has this name; the journal record "
			 "is left unapplied", r->path);
		goto out;
	}
	if (r->kind == RK_KIND_XATTR) {
		cl = fgetxattr(fd, ECFS_XATTR_NAME, cur, sizeof(cur));
	} else {
		cl = pread(fd, cur, RK_META_SPAN, 0);
	}
	if (cl < 0) {
		rc = -errno;
		snprintf(msg, msg_size, "%s: cannot read its metadata: %s", r->path, strerror(errno));
		goto out;
	}
	switch (rk_classify(r, cur, (size_t)cl)) {
	case RK_STATE_NEW:
		/* Written, perhaps not yet synced when the process died. */
		rc = fdatasync(fd) ? -errno : 0;
		snprintf(msg, msg_size, "%s: already has its new keys", r->path);
		break;
	case RK_STATE_OLD:
	case RK_STATE_TORN:
		rc = rk_apply(fd, r, NULL);
		snprintf(msg, msg_size, "%s: interrupted rewrite of its keys completed", r->path);
		break;
	default:
		rc = -ESTALE;
		snprintf(msg, msg_size, "%s: its metadata changed since the interrupted run "
			 "(was the tree mounted?); left alone", r->path);
		break;
	}
out:
	if (fd >= 0)
		close(fd);
	if (r)
		OPENSSL_cleanse(r, sizeof(*r));
	if (buf)
		OPENSSL_cleanse(buf, RK_JOURNAL_MAX);
	free(r);
	free(buf);
	return rc;
}
