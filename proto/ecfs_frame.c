// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_frame.c - /dev/ecryptfs frames (ecfs_frame.h).
 */
#include <errno.h>
#include <string.h>

#include "ecfs_buf.h"
#include "ecfs_frame.h"
#include "ecfs_packet.h"

static int type_ok(uint8_t type, unsigned int dir)
{
	switch (type) {
	case ECFS_MSG_HELO:
	case ECFS_MSG_QUIT:
	case ECFS_MSG_RESPONSE:
		return 1;
	case ECFS_MSG_REQUEST:
		/* The kernel answers a daemon's REQUEST with -EINVAL. */
		return dir != ECFS_FRAME_TO_KERNEL;
	default:
		return 0;
	}
}

static int carries_msg(uint8_t type)
{
	return type == ECFS_MSG_REQUEST || type == ECFS_MSG_RESPONSE;
}

int ecfs_frame_decode(const uint8_t *in, size_t in_len, unsigned int dir,
		      struct ecfs_frame *f)
{
	size_t len, lsz;
	uint32_t v;
	int n;

	if (in_len < ECFS_MSG_CTL_SIZE)
		return -ENODATA;
	if (dir == ECFS_FRAME_TO_KERNEL && in_len > ECFS_MSG_MAX_WRITE_SIZE)
		return -EMSGSIZE;
	if (!type_ok(in[ECFS_MSG_OFF_TYPE], dir))
		return -EPROTO;
	f->type = in[ECFS_MSG_OFF_TYPE];
	f->seq = ecfs_get_be32(in + ECFS_MSG_OFF_CTR);
	f->has_msg = 0;
	f->index = 0;
	f->data_len = 0;
	f->data = NULL;

	if (in_len == ECFS_MSG_CTL_SIZE) {
		/* A bare RESPONSE is below the kernel's 14-byte minimum. */
		if (f->type == ECFS_MSG_RESPONSE)
			return -ENODATA;
		return 0;
	}
	n = ecfs_pktlen_decode(in + ECFS_MSG_OFF_LEN,
			       in_len - ECFS_MSG_OFF_LEN, &len);
	if (n < 0)
		return n;
	lsz = (size_t)n;
	if (len > in_len - ECFS_MSG_OFF_LEN - lsz)
		return -ENODATA;
	if (len < in_len - ECFS_MSG_OFF_LEN - lsz)
		return -EBADMSG;
	if (!carries_msg(f->type))
		return 0;
	if (len < ECFS_MSG_HDR_SIZE)
		return -ENODATA;
	in += ECFS_MSG_OFF_LEN + lsz;
	/* index and data_len are in the host's byte order. */
	memcpy(&v, in, sizeof(v));
	f->index = v;
	memcpy(&v, in + 4, sizeof(v));
	if (v != len - ECFS_MSG_HDR_SIZE)
		return -EBADMSG;
	f->data_len = v;
	f->data = in + ECFS_MSG_HDR_SIZE;
	f->has_msg = 1;
	return 0;
}

int ecfs_frame_encode(uint8_t *out, size_t out_len, unsigned int dir,
		      const struct ecfs_frame *f)
{
	size_t len = 0, lsz = 0, total;
	uint32_t v;

	if (!type_ok(f->type, dir))
		return -EPROTO;
	if (!f->has_msg) {
		if (f->type == ECFS_MSG_RESPONSE)
			return -EINVAL;
		total = ECFS_MSG_CTL_SIZE;
	} else {
		if (!carries_msg(f->type))
			return -EINVAL;
		if (f->data_len > ECFS_PKT_LEN_MAX - ECFS_MSG_HDR_SIZE)
			return -EMSGSIZE;
		len = ECFS_MSG_HDR_SIZE + f->data_len;
		lsz = ecfs_pktlen_size(len);
		total = ECFS_MSG_OFF_LEN + lsz + len;
	}
	if (dir == ECFS_FRAME_TO_KERNEL && total > ECFS_MSG_MAX_WRITE_SIZE)
		return -EMSGSIZE;
	if (out_len < total)
		return -ENOBUFS;

	out[ECFS_MSG_OFF_TYPE] = f->type;
	ecfs_put_be32(out + ECFS_MSG_OFF_CTR, f->seq);
	if (!f->has_msg)
		return (int)total;
	out += ECFS_MSG_OFF_LEN;
	out += ecfs_pktlen_encode(out, lsz, len);
	v = f->index;
	memcpy(out, &v, sizeof(v));
	v = f->data_len;
	memcpy(out + 4, &v, sizeof(v));
	if (f->data_len)
		memcpy(out + ECFS_MSG_HDR_SIZE, f->data, f->data_len);
	return (int)total;
}
