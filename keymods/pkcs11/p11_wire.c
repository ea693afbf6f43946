// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>

#include "p11_wire.h"

int p11w_encode(const struct p11w_msg *m, int reply, uint8_t *out, size_t cap)
{
	size_t i, off;

	if (m->n > P11W_MAX_FIELDS)
		return -EINVAL;
	off = reply ? 5 : 2;
	if (cap < off)
		return -ENOBUFS;
	if (reply) {
		out[0] = (uint8_t)m->op_or_status;
		out[1] = (uint8_t)(m->op_or_status >> 8);
		out[2] = (uint8_t)(m->op_or_status >> 16);
		out[3] = (uint8_t)(m->op_or_status >> 24);
		out[4] = (uint8_t)m->n;
	} else {
		if (m->op_or_status > 0xff)
			return -EINVAL;
		out[0] = (uint8_t)m->op_or_status;
		out[1] = (uint8_t)m->n;
	}
	for (i = 0; i < m->n; i++) {
		size_t l = m->f[i].len;

		if (l > 0xffff || cap - off < 2 || cap - off - 2 < l)
			return -ENOBUFS;
		out[off++] = (uint8_t)l;
		out[off++] = (uint8_t)(l >> 8);
		if (l)
			memcpy(out + off, m->f[i].p, l);
		off += l;
	}
	return (int)off;
}

int p11w_decode(const uint8_t *in, size_t len, int reply, struct p11w_msg *m)
{
	size_t i, off = reply ? 5 : 2;

	memset(m, 0, sizeof(*m));
	if (len < off || len > P11W_MAX_MSG)
		return -EBADMSG;
	if (reply) {
		m->op_or_status = (uint32_t)in[0] | ((uint32_t)in[1] << 8) |
				  ((uint32_t)in[2] << 16) | ((uint32_t)in[3] << 24);
		m->n = in[4];
	} else {
		m->op_or_status = in[0];
		m->n = in[1];
	}
	if (m->n > P11W_MAX_FIELDS)
		return -EBADMSG;
	for (i = 0; i < m->n; i++) {
		size_t l;

		if (len - off < 2)
			return -EBADMSG;
		l = (size_t)in[off] | ((size_t)in[off + 1] << 8);
		off += 2;
		if (len - off < l)
			return -EBADMSG;
		m->f[i].p = in + off;
		m->f[i].len = l;
		off += l;
	}
	return off == len ? 0 : -EBADMSG;
}
