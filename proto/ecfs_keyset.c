// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_keyset.c - key-packet set of a lower-file header (ecfs_keyset.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ecfs_keyset.h"

int ecfs_keyset_next(const uint8_t *in, size_t in_len, size_t *off,
		     struct ecfs_key_packet *kp)
{
	size_t pos = *off;
	int n, m;

	if (pos >= in_len)
		return 0;
	switch (in[pos]) {
	case ECFS_TAG_3:
		n = ecfs_tag3_decode(in + pos, in_len - pos, &kp->u.t3);
		if (n < 0)
			return n;
		pos += (size_t)n;
		/* The signature that selects the key lives in the tag 11. */
		m = ecfs_tag11_decode(in + pos, in_len - pos, kp->sig);
		if (m < 0)
			return m;
		pos += (size_t)m;
		kp->tag = ECFS_TAG_3;
		break;
	case ECFS_TAG_1:
		n = ecfs_tag1_decode(in + pos, in_len - pos, &kp->u.t1);
		if (n < 0)
			return n;
		pos += (size_t)n;
		memcpy(kp->sig, kp->u.t1.key_id, ECFS_SIG_SIZE);
		kp->tag = ECFS_TAG_1;
		break;
	case ECFS_TAG_11:
		return -ENOMSG;
	default:
		return 0;
	}
	*off = pos;
	return 1;
}

int ecfs_keyset_decode(const uint8_t *in, size_t in_len,
		       struct ecfs_key_packet *kps, size_t max, size_t *n)
{
	struct ecfs_key_packet scratch;
	size_t off = 0, count = 0;
	int rc;

	for (;;) {
		/* Decode into scratch first so overflow is seen before writing. */
		rc = ecfs_keyset_next(in, in_len, &off,
				      count < max ? &kps[count] : &scratch);
		if (rc < 0)
			goto out_wipe;
		if (rc == 0)
			break;
		if (count == max) {
			rc = -ENOSPC;
			goto out_wipe;
		}
		count++;
	}
	if (!count)
		return -ENOKEY;
	if (off > INT_MAX) {
		rc = -EMSGSIZE;
		goto out_wipe;
	}
	*n = count;
	return (int)off;

out_wipe:
	memset(&scratch, 0, sizeof(scratch));
	return rc;
}

int ecfs_keyset_encode_one(uint8_t *out, size_t out_len,
			   const struct ecfs_key_packet *kp)
{
	int n, m;

	switch (kp->tag) {
	case ECFS_TAG_3:
		n = ecfs_tag3_encode(out, out_len, &kp->u.t3);
		if (n < 0)
			return n;
		m = ecfs_tag11_encode(out + n, out_len - (size_t)n, kp->sig);
		if (m < 0)
			return m;
		return n + m;
	case ECFS_TAG_1:
		return ecfs_tag1_encode(out, out_len, &kp->u.t1);
	default:
		return -EPROTO;
	}
}

int ecfs_keyset_encode_packets(uint8_t *out, size_t out_len,
			       const struct ecfs_key_packet *kps, size_t n)
{
	size_t i, pos = 0;
	int rc;

	if (!n)
		return -ENOKEY;
	for (i = 0; i < n; i++) {
		rc = ecfs_keyset_encode_one(out + pos, out_len - pos, &kps[i]);
		if (rc < 0)
			return rc;
		pos += (size_t)rc;
		if (pos > INT_MAX - 1)
			return -EMSGSIZE;
	}
	return (int)pos;
}

int ecfs_keyset_encode(uint8_t *out, size_t out_len,
		       const struct ecfs_key_packet *kps, size_t n)
{
	int rc = ecfs_keyset_encode_packets(out, out_len, kps, n);
	size_t pos;

	if (rc < 0)
		return rc;
	pos = (size_t)rc;
	if (pos >= out_len)
		return -ENOBUFS;
	out[pos++] = ECFS_KEYSET_END;
	return (int)pos;
}
