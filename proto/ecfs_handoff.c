// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_handoff.c - the mount helper <-> ecryptfsd handoff frames
 * (ecfs_handoff.h).  The client that sends them is tools/lib/et_handoff.c,
 * the server daemon/ecfsd_sock.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ecfs_buf.h"
#include "ecfs_handoff.h"

/* A cursor over the body: every take checks the bytes are there. */
struct cur {
	const uint8_t *p;
	size_t left;
};

static const uint8_t *take(struct cur *c, size_t n)
{
	const uint8_t *r = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return r;
}

static int take_sig(struct cur *c, char sig[ECFS_SIG_SIZE_HEX + 1])
{
	const uint8_t *p = take(c, ECFS_SIG_SIZE_HEX);

	if (!p || !ecfs_sig_text_ok((const char *)p, ECFS_SIG_SIZE_HEX, ECFS_SIG_ANY_CASE))
		return -EINVAL;
	memcpy(sig, p, ECFS_SIG_SIZE_HEX);
	sig[ECFS_SIG_SIZE_HEX] = '\0';
	return 0;
}

/* be16 length + bytes, the length within [min, max]. */
static int take_lv(struct cur *c, size_t min, size_t max, const uint8_t **v, size_t *n)
{
	const uint8_t *p = take(c, 2);

	if (!p)
		return -EINVAL;
	*n = ecfs_get_be16(p);
	if (*n < min || *n > max)
		return -EINVAL;
	*v = take(c, *n);
	return *v ? 0 : -EINVAL;
}

static int parse_add(struct cur *c, struct ecfs_handoff_msg *m)
{
	const uint8_t *p;
	size_t n;
	int r;

	r = take_sig(c, m->sig);
	if (r)
		return r;
	p = take(c, 1);
	if (!p || !*p || *p > ECFS_AUTHTOK_NAME_MAX)
		return -EINVAL;
	n = *p;
	p = take(c, n);
	if (!p)
		return -EINVAL;
	memcpy(m->alias, p, n);
	m->alias[n] = '\0';
	/* A NUL inside would make the name shorter than its length field. */
	if (strlen(m->alias) != n || !ecfs_authtok_name_valid(m->alias))
		return -EINVAL;
	r = take_lv(c, 1, ECFS_AUTHTOK_MAX_DATA, &m->blob, &m->blob_len);
	if (r)
		return r;
	return take_lv(c, 0, ECFS_HANDOFF_MAX_SECRET, &m->secret, &m->secret_len);
}

int ecfs_handoff_parse(const uint8_t *buf, size_t len, struct ecfs_handoff_msg *m)
{
	struct cur c;
	uint32_t body;
	int r = 0;

	memset(m, 0, sizeof(*m));
	if (!buf || len < ECFS_HANDOFF_HDR)
		return -ENODATA;
	if (memcmp(buf, ECFS_HANDOFF_MAGIC, 4))
		return -EPROTO;
	if (buf[4] != ECFS_HANDOFF_VERSION)
		return -EPROTONOSUPPORT;
	body = ecfs_get_be32(buf + 8);
	if (body > ECFS_HANDOFF_MAX_BODY)
		return -EMSGSIZE;
	if (ecfs_get_be16(buf + 6) || body != len - ECFS_HANDOFF_HDR)
		return -EBADMSG;
	c.p = buf + ECFS_HANDOFF_HDR;
	c.left = body;
	m->type = buf[5];
	switch (m->type) {
	case ECFS_HANDOFF_PING:
		break;
	case ECFS_HANDOFF_ADD:
		r = parse_add(&c, m);
		break;
	case ECFS_HANDOFF_FORGET:
		r = take_sig(&c, m->sig);
		break;
	case ECFS_HANDOFF_REPLY: {
		const uint8_t *p = take(&c, 4);

		if (!p)
			return -EINVAL;
		m->status = ecfs_get_be32(p);
		if (m->status > 4095)
			r = -EINVAL;
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	if (!r && c.left)
		r = -EINVAL;
	if (r)
		memset(m, 0, sizeof(*m));
	return r;
}

int ecfs_handoff_encode(const struct ecfs_handoff_msg *m, uint8_t *out, size_t cap,
			size_t *len)
{
	size_t body, alen = 0;
	uint8_t *p;

	*len = 0;
	switch (m->type) {
	case ECFS_HANDOFF_PING:
		body = 0;
		break;
	case ECFS_HANDOFF_ADD:
		alen = strnlen(m->alias, sizeof(m->alias));
		if (!ecfs_sig_valid(m->sig) ||
		    !ecfs_authtok_name_valid(m->alias) || !m->blob_len ||
		    m->blob_len > ECFS_AUTHTOK_MAX_DATA || m->secret_len > ECFS_HANDOFF_MAX_SECRET)
			return -EINVAL;
		body = ECFS_SIG_SIZE_HEX + 1 + alen + 2 + m->blob_len + 2 + m->secret_len;
		break;
	case ECFS_HANDOFF_FORGET:
		if (!ecfs_sig_valid(m->sig))
			return -EINVAL;
		body = ECFS_SIG_SIZE_HEX;
		break;
	case ECFS_HANDOFF_REPLY:
		if (m->status > 4095)
			return -EINVAL;
		body = 4;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (cap < ECFS_HANDOFF_HDR + body)
		return -ENOBUFS;
	memcpy(out, ECFS_HANDOFF_MAGIC, 4);
	out[4] = ECFS_HANDOFF_VERSION;
	out[5] = m->type;
	ecfs_put_be16(out + 6, 0);
	ecfs_put_be32(out + 8, (uint32_t)body);
	p = out + ECFS_HANDOFF_HDR;
	if (m->type == ECFS_HANDOFF_ADD || m->type == ECFS_HANDOFF_FORGET) {
		memcpy(p, m->sig, ECFS_SIG_SIZE_HEX);
		p += ECFS_SIG_SIZE_HEX;
	}
	if (m->type == ECFS_HANDOFF_ADD) {
		*p++ = (uint8_t)alen;
		memcpy(p, m->alias, alen);
		p += alen;
		ecfs_put_be16(p, m->blob_len);
		memcpy(p + 2, m->blob, m->blob_len);
		p += 2 + m->blob_len;
		ecfs_put_be16(p, m->secret_len);
		if (m->secret_len)
			memcpy(p + 2, m->secret, m->secret_len);
	}
	if (m->type == ECFS_HANDOFF_REPLY)
		ecfs_put_be32(p, m->status);
	*len = ECFS_HANDOFF_HDR + body;
	return 0;
}

int ecfs_handoff_path(uid_t uid, char *buf, size_t size)
{
	int n;

	if (uid == 0)
		n = snprintf(buf, size, "%s", ECFS_HANDOFF_ROOT_PATH);
	else
		n = snprintf(buf, size, "/run/user/%u/ecryptfsd.sock", (unsigned int)uid);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
