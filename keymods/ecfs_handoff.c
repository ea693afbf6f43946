// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ecfs_handoff.h"
#include "ecfs_keymod_load.h"
#include "ecryptfs_proto.h"

/* How long the helper waits for the daemon (opening a PEM key is slow under emulation). */
#define HANDOFF_TIMEOUT_MS	30000

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

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

static int take_sig(struct cur *c, char sig[ECFS_KEYMOD_SIG_HEX + 1])
{
	const uint8_t *p = take(c, ECFS_KEYMOD_SIG_HEX);

	if (!p || !ecfs_sig_text_ok((const char *)p, ECFS_KEYMOD_SIG_HEX, ECFS_SIG_ANY_CASE))
		return -EINVAL;
	memcpy(sig, p, ECFS_KEYMOD_SIG_HEX);
	sig[ECFS_KEYMOD_SIG_HEX] = '\0';
	return 0;
}

/* be16 length + bytes, the length within [min, max]. */
static int take_lv(struct cur *c, size_t min, size_t max, const uint8_t **v, size_t *n)
{
	const uint8_t *p = take(c, 2);

	if (!p)
		return -EINVAL;
	*n = get16(p);
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
	if (!p || !*p || *p > ECFS_KEYMOD_NAME_MAX)
		return -EINVAL;
	n = *p;
	p = take(c, n);
	if (!p)
		return -EINVAL;
	memcpy(m->alias, p, n);
	m->alias[n] = '\0';
	/* A NUL inside would make the name shorter than its length field. */
	if (strlen(m->alias) != n || !ecfs_keymod_name_valid(m->alias))
		return -EINVAL;
	r = take_lv(c, 1, ECFS_KEYMOD_MAX_BLOB, &m->blob, &m->blob_len);
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
	body = get32(buf + 8);
	if (body > ECFS_HANDOFF_MAX_BODY)
		return -EMSGSIZE;
	if (get16(buf + 6) || body != len - ECFS_HANDOFF_HDR)
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
		m->status = get32(p);
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
		    !ecfs_keymod_name_valid(m->alias) || !m->blob_len ||
		    m->blob_len > ECFS_KEYMOD_MAX_BLOB || m->secret_len > ECFS_HANDOFF_MAX_SECRET)
			return -EINVAL;
		body = ECFS_KEYMOD_SIG_HEX + 1 + alen + 2 + m->blob_len + 2 + m->secret_len;
		break;
	case ECFS_HANDOFF_FORGET:
		if (!ecfs_sig_valid(m->sig))
			return -EINVAL;
		body = ECFS_KEYMOD_SIG_HEX;
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
	put16(out + 6, 0);
	put32(out + 8, (uint32_t)body);
	p = out + ECFS_HANDOFF_HDR;
	if (m->type == ECFS_HANDOFF_ADD || m->type == ECFS_HANDOFF_FORGET) {
		memcpy(p, m->sig, ECFS_KEYMOD_SIG_HEX);
		p += ECFS_KEYMOD_SIG_HEX;
	}
	if (m->type == ECFS_HANDOFF_ADD) {
		*p++ = (uint8_t)alen;
		memcpy(p, m->alias, alen);
		p += alen;
		put16(p, m->blob_len);
		memcpy(p + 2, m->blob, m->blob_len);
		p += 2 + m->blob_len;
		put16(p, m->secret_len);
		if (m->secret_len)
			memcpy(p + 2, m->secret, m->secret_len);
	}
	if (m->type == ECFS_HANDOFF_REPLY)
		put32(p, m->status);
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

static int handoff_connect(const char *path, uid_t uid, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "cannot reach ecryptfsd at %s: %s", path,
			    strerror(errno));
		goto fail;
	}
	/* Never hand a secret to a socket someone else put there. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) || crlen != sizeof(cr)) {
		r = -EPERM;
		snprintf(err, errlen, "cannot check who listens on %s", path);
		goto fail;
	}
	if (cr.uid != uid) {
		r = -EPERM;
		snprintf(err, errlen, "%s is served by uid %u, not by uid %u; refusing it",
			    path, (unsigned int)cr.uid, (unsigned int)uid);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return r;
}

int ecfs_handoff_call(const char *path, uid_t uid, const struct ecfs_handoff_msg *m,
		      uint32_t *status, char *err, size_t errlen)
{
	uint8_t frame[ECFS_HANDOFF_MAX_FRAME] = { 0 };
	uint8_t rep[ECFS_HANDOFF_HDR + 8];
	struct ecfs_handoff_msg rm;
	struct pollfd pfd;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	*status = 0;
	(void)mlock(frame, sizeof(frame));
	r = ecfs_handoff_encode(m, frame, sizeof(frame), &len);
	if (r) {
		snprintf(err, errlen, "cannot encode the request: %s", strerror(-r));
		goto out;
	}
	fd = handoff_connect(path, uid, err, errlen);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	n = send(fd, frame, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		r = n < 0 ? -errno : -EIO;
		snprintf(err, errlen, "cannot send to ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, HANDOFF_TIMEOUT_MS);
	if (r <= 0) {
		r = r ? -errno : -ETIMEDOUT;
		snprintf(err, errlen, "no answer from ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	n = recv(fd, rep, sizeof(rep), MSG_TRUNC);
	if (n < 0) {
		r = -errno;
		snprintf(err, errlen, "no answer from ecryptfsd: %s", strerror(errno));
		goto out_close;
	}
	r = (size_t)n > sizeof(rep) ? -EMSGSIZE : ecfs_handoff_parse(rep, (size_t)n, &rm);
	if (!r && rm.type != ECFS_HANDOFF_REPLY)
		r = -EBADMSG;
	if (r) {
		snprintf(err, errlen, "malformed answer from ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	*status = rm.status;
out_close:
	close(fd);
out:
	explicit_bzero(frame, len);
	(void)munlock(frame, sizeof(frame));
	return r;
}
