// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rk_paper - printable form of a recovery key (rk_paper.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_errbuf.h"
#include "rk_paper.h"

#define RK_MAGIC	"ecryptfs-recovery-key v1"
#define RK_SHA_LEN	32
#define RK_MAX_LINES	((RK_PAPER_MAX_BYTES + RK_PAPER_LINE_BYTES - 1) / RK_PAPER_LINE_BYTES)

uint16_t rk_paper_crc16(uint16_t lineno, const uint8_t *p, size_t n)
{
	uint8_t head[2] = { (uint8_t)(lineno >> 8), (uint8_t)lineno };
	uint16_t crc = 0xffff;
	size_t i, total = n + 2;
	int b;

	for (i = 0; i < total; i++) {
		crc ^= (uint16_t)((i < 2 ? head[i] : p[i - 2]) << 8);
		for (b = 0; b < 8; b++)
			crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
	}
	return crc;
}

static int rk_sha256(const uint8_t *p, size_t n, uint8_t out[RK_SHA_LEN])
{
	unsigned int l = 0;

	return EVP_Digest(p, n, out, &l, EVP_sha256(), NULL) && l == RK_SHA_LEN ? 0 : -EIO;
}

struct rk_buf {
	char *p;
	size_t len, cap;
};

static int rk_put(struct rk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int rk_put(struct rk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		return -ENOBUFS;
	b->len += (size_t)n;
	return 0;
}

int rk_paper_encode(const char *type, const char *sig_hex, const uint8_t *der, size_t len,
		    char **out)
{
	uint8_t sha[RK_SHA_LEN];
	struct rk_buf b = { 0 };
	size_t i, j, lines;
	int rc;

	if (!len || len > RK_PAPER_MAX_BYTES || strlen(type) >= RK_PAPER_TYPE_MAX ||
	    strchr(type, '\n'))
		return -EINVAL;
	lines = (len + RK_PAPER_LINE_BYTES - 1) / RK_PAPER_LINE_BYTES;
	b.cap = 256 + lines * 80 + 2 * RK_SHA_LEN;
	b.p = malloc(b.cap);
	if (!b.p)
		return -ENOMEM;
	rc = rk_sha256(der, len, sha);
	if (!rc)
		rc = rk_put(&b, "%s\ntype: %s\n", RK_MAGIC, type);
	if (!rc && sig_hex)
		rc = rk_put(&b, "sig: %s\n", sig_hex);
	if (!rc)
		rc = rk_put(&b, "bytes: %zu\n", len);
	for (i = 0; !rc && i < lines; i++) {
		size_t off = i * RK_PAPER_LINE_BYTES;
		size_t n = len - off < RK_PAPER_LINE_BYTES ? len - off : RK_PAPER_LINE_BYTES;

		rc = rk_put(&b, "%03zu:", i + 1);
		for (j = 0; !rc && j < n; j++)
			rc = rk_put(&b, "%s%02x", j % 2 ? "" : " ", der[off + j]);
		if (!rc)
			rc = rk_put(&b, "  crc %04x\n",
				    rk_paper_crc16((uint16_t)(i + 1), der + off, n));
	}
	if (!rc)
		rc = rk_put(&b, "sha256: ");
	for (i = 0; !rc && i < RK_SHA_LEN; i++)
		rc = rk_put(&b, "%02x", sha[i]);
	if (!rc)
		rc = rk_put(&b, "\n");
	if (rc) {
		OPENSSL_cleanse(b.p, b.cap);
		free(b.p);
		return rc;
	}
	*out = b.p;
	return 0;
}

static int rk_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex digits of @s (spaces skipped) into @out; returns the byte count. */
static int rk_hex(const char *s, size_t slen, uint8_t *out, size_t cap)
{
	size_t i, n = 0;
	int hi = -1, v;

	for (i = 0; i < slen; i++) {
		if (isspace((unsigned char)s[i]))
			continue;
		v = rk_hexval((unsigned char)s[i]);
		if (v < 0)
			return -EPROTO;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap)
			return -EMSGSIZE;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (int)n : -EPROTO;
}

struct rk_state {
	char *type;
	uint8_t *der;
	size_t bytes;
	bool have_type, have_bytes, have_sha;
	uint8_t sha[RK_SHA_LEN];
	uint8_t seen[RK_MAX_LINES + 1];
	size_t max_line;
};

/* One "NNN: hex ... crc XXXX" line. */
static int rk_data_line(struct rk_state *st, unsigned long no, const char *body, size_t blen,
			size_t srcline, char *msg, size_t msg_size)
{
	uint8_t buf[RK_PAPER_LINE_BYTES + 2];
	const char *crc;
	int n;

	if (!no || no > RK_MAX_LINES) {
		ecfs_errbuf(msg, msg_size, "line %zu: line number %lu is out of range", srcline, no);
		return -EPROTO;
	}
	/* "crc" is optional: the last four digits are the check. */
	crc = NULL;
	for (size_t i = 0; i + 3 <= blen; i++)
		if (!strncasecmp(body + i, "crc", 3))
			crc = body + i;
	if (crc) {
		n = rk_hex(body, (size_t)(crc - body), buf, RK_PAPER_LINE_BYTES);
		if (n >= 0) {
			uint8_t c[2];
			int m = rk_hex(crc + 3, blen - (size_t)(crc + 3 - body), c, 2);

			if (m != 2)
				n = -EPROTO;
			buf[n < 0 ? 0 : n] = c[0];
			buf[n < 0 ? 1 : n + 1] = c[1];
		}
	} else {
		n = rk_hex(body, blen, buf, sizeof(buf));
		n = n >= 3 ? n - 2 : -EPROTO;
	}
	if (n <= 0) {
		ecfs_errbuf(msg, msg_size, "line %03lu: not hex digits and a 4-digit check", no);
		return -EPROTO;
	}
	if (rk_paper_crc16((uint16_t)no, buf, (size_t)n) !=
	    (uint16_t)(buf[n] << 8 | buf[n + 1])) {
		ecfs_errbuf(msg, msg_size, "line %03lu: checksum mismatch: retype this line", no);
		return -EBADMSG;
	}
	if (n != RK_PAPER_LINE_BYTES && st->have_bytes &&
	    (no - 1) * RK_PAPER_LINE_BYTES + (size_t)n != st->bytes) {
		ecfs_errbuf(msg, msg_size, "line %03lu: %d bytes, a full line has %d", no, n,
		       RK_PAPER_LINE_BYTES);
		return -EPROTO;
	}
	if ((no - 1) * RK_PAPER_LINE_BYTES + (size_t)n > RK_PAPER_MAX_BYTES) {
		ecfs_errbuf(msg, msg_size, "line %03lu: beyond the largest key", no);
		return -EMSGSIZE;
	}
	memcpy(st->der + (no - 1) * RK_PAPER_LINE_BYTES, buf, (size_t)n);
	st->seen[no] = (uint8_t)n;
	if (no > st->max_line)
		st->max_line = no;
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

static int rk_line(struct rk_state *st, const char *l, size_t len, size_t srcline, char *msg,
		   size_t msg_size)
{
	char *end;
	unsigned long no;

	while (len && isspace((unsigned char)*l)) {
		l++;
		len--;
	}
	while (len && isspace((unsigned char)l[len - 1]))
		len--;
	if (!len)
		return 0;
	if (len > 5 && !strncmp(l, "type:", 5)) {
		l += 5;
		len -= 5;
		while (len && *l == ' ') {
			l++;
			len--;
		}
		if (!len || len >= RK_PAPER_TYPE_MAX) {
			ecfs_errbuf(msg, msg_size, "line %zu: bad type", srcline);
			return -EPROTO;
		}
		memcpy(st->type, l, len);
		st->type[len] = '\0';
		st->have_type = true;
		return 0;
	}
	if (len > 6 && !strncmp(l, "bytes:", 6)) {
		char num[16] = "";

		if (len - 6 >= sizeof(num))
			goto bad;
		memcpy(num, l + 6, len - 6);
		st->bytes = strtoul(num, &end, 10);
		if (*end || !st->bytes || st->bytes > RK_PAPER_MAX_BYTES)
			goto bad;
		st->have_bytes = true;
		return 0;
	}
	if (len > 7 && !strncmp(l, "sha256:", 7)) {
		if (rk_hex(l + 7, len - 7, st->sha, RK_SHA_LEN) != RK_SHA_LEN)
			goto bad;
		st->have_sha = true;
		return 0;
	}
	if (isdigit((unsigned char)*l)) {
		char num[8] = "";
		size_t i = 0;

		while (i < len && i < sizeof(num) - 1 && isdigit((unsigned char)l[i])) {
			num[i] = l[i];
			i++;
		}
		if (i == len || l[i] != ':')
			goto bad;
		no = strtoul(num, NULL, 10);
		return rk_data_line(st, no, l + i + 1, len - i - 1, srcline, msg, msg_size);
	}
	/* The title and "sig:" are informational. */
	return 0;
bad:
	ecfs_errbuf(msg, msg_size, "line %zu: cannot read \"%.*s\"", srcline, (int)(len > 40 ? 40 : len),
	       l);
	return -EPROTO;
}

int rk_paper_decode(const char *text, char *type, uint8_t *der, size_t *len, char *msg,
		    size_t msg_size)
{
	struct rk_state st = { .type = type, .der = der };
	uint8_t sha[RK_SHA_LEN];
	size_t srcline = 0, lines, i;
	const char *l = text;
	int rc;

	while (*l) {
		const char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);

		rc = rk_line(&st, l, ll, ++srcline, msg, msg_size);
		if (rc)
			return rc;
		l += ll + (nl ? 1 : 0);
	}
	if (!st.have_type || !st.have_bytes || !st.have_sha) {
		ecfs_errbuf(msg, msg_size, "the \"%s:\" line is missing",
		       !st.have_type ? "type" : !st.have_bytes ? "bytes" : "sha256");
		return -ENODATA;
	}
	lines = (st.bytes + RK_PAPER_LINE_BYTES - 1) / RK_PAPER_LINE_BYTES;
	if (st.max_line > lines) {
		ecfs_errbuf(msg, msg_size, "line %03zu: more lines than the %zu bytes announced",
		       st.max_line, st.bytes);
		return -EMSGSIZE;
	}
	for (i = 1; i <= lines; i++) {
		size_t want = i < lines ? RK_PAPER_LINE_BYTES :
			      st.bytes - (lines - 1) * RK_PAPER_LINE_BYTES;

		if (!st.seen[i]) {
			ecfs_errbuf(msg, msg_size, "line %03zu is missing", i);
			return -ENODATA;
		}
		if (st.seen[i] != want) {
			ecfs_errbuf(msg, msg_size, "line %03zu: %u bytes, expected %zu", i,
			       st.seen[i], want);
			return -EPROTO;
		}
	}
	if (rk_sha256(der, st.bytes, sha))
		return -EIO;
	if (CRYPTO_memcmp(sha, st.sha, RK_SHA_LEN)) {
		ecfs_errbuf(msg, msg_size, "every line checks but the sha256 line does not match: "
		       "check the sha256 line and the line order");
		return -EBADMSG;
	}
	*len = st.bytes;
	return 0;
}
