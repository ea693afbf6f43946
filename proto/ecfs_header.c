// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_header.c - lower-file header and metadata (ecfs_header.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ecfs_buf.h"
#include "ecfs_header.h"

int ecfs_header_has_marker(const uint8_t *buf, size_t len)
{
	uint32_t m1, m2;

	if (len < ECFS_HDR_OFF_MARKER1 + ECFS_HDR_MARKER_LEN)
		return 0;
	m1 = ecfs_get_be32(buf + ECFS_HDR_OFF_MARKER1);
	m2 = ecfs_get_be32(buf + ECFS_HDR_OFF_MARKER2);
	return (m1 ^ ECFS_MARKER_MAGIC) == m2;
}

int ecfs_header_decode(const uint8_t *in, size_t in_len, unsigned int opts,
		       struct ecfs_header *h)
{
	uint32_t word;
	uint64_t msize;

	/* The marker comes first so that plain files are told apart early. */
	if (in_len < ECFS_HDR_OFF_FLAGS)
		return -ENODATA;
	if (!ecfs_header_has_marker(in, in_len))
		return -EBADMSG;
	if (in_len < ECFS_HDR_OFF_FLAGS + ECFS_HDR_FLAGS_LEN)
		return -ENODATA;
	word = ecfs_get_be32(in + ECFS_HDR_OFF_FLAGS);
	h->version = (uint8_t)(word >> ECFS_HDR_VERSION_SHIFT);
	if (h->version > ECFS_SUPPORTED_FILE_VERSION)
		return -EPROTONOSUPPORT;
	h->file_size = ecfs_get_be64(in + ECFS_HDR_OFF_FILE_SIZE);
	h->marker1 = ecfs_get_be32(in + ECFS_HDR_OFF_MARKER1);
	h->flags = word & ((1U << ECFS_HDR_VERSION_SHIFT) - 1);
	if (h->version == 0) {
		/* Pre-versioned files: no size fields, fixed 8 KiB header. */
		h->extent_size = 0;
		h->num_extents = 0;
		h->metadata_size = ECFS_V0_HEADER_SIZE;
		return ECFS_HDR_V0_OFF_PACKETS;
	}
	if (in_len < ECFS_HDR_FIXED_LEN)
		return -ENODATA;
	h->extent_size = ecfs_get_be32(in + ECFS_HDR_OFF_EXTENT_SIZE);
	h->num_extents = ecfs_get_be16(in + ECFS_HDR_OFF_NUM_EXTENTS);
	msize = (uint64_t)h->extent_size * h->num_extents;
	if (msize > SIZE_MAX)
		return -ERANGE;
	h->metadata_size = (size_t)msize;
	if ((opts & ECFS_HDR_CHECK_SIZE) &&
	    h->metadata_size < ECFS_MIN_HEADER_SIZE)
		return -ERANGE;
	return ECFS_HDR_OFF_PACKETS;
}

int ecfs_header_encode(uint8_t *out, size_t out_len,
		       const struct ecfs_header *h)
{
	uint32_t word;

	if (h->version == 0 || h->version > ECFS_SUPPORTED_FILE_VERSION)
		return -EPROTONOSUPPORT;
	if (h->flags >> ECFS_HDR_VERSION_SHIFT)
		return -EINVAL;
	if (out_len < ECFS_HDR_FIXED_LEN)
		return -ENOBUFS;
	word = ((uint32_t)h->version << ECFS_HDR_VERSION_SHIFT) | h->flags;
	ecfs_put_be64(out + ECFS_HDR_OFF_FILE_SIZE, h->file_size);
	ecfs_put_be32(out + ECFS_HDR_OFF_MARKER1, h->marker1);
	ecfs_put_be32(out + ECFS_HDR_OFF_MARKER2,
		      h->marker1 ^ ECFS_MARKER_MAGIC);
	ecfs_put_be32(out + ECFS_HDR_OFF_FLAGS, word);
	ecfs_put_be32(out + ECFS_HDR_OFF_EXTENT_SIZE, h->extent_size);
	ecfs_put_be16(out + ECFS_HDR_OFF_NUM_EXTENTS, h->num_extents);
	return ECFS_HDR_FIXED_LEN;
}

int ecfs_header_set_file_size(uint8_t *buf, size_t len, uint64_t size)
{
	if (len < ECFS_HDR_FILE_SIZE_LEN)
		return -ENOBUFS;
	ecfs_put_be64(buf + ECFS_HDR_OFF_FILE_SIZE, size);
	return 0;
}

int ecfs_metadata_decode(const uint8_t *in, size_t in_len, unsigned int opts,
			 struct ecfs_header *h, struct ecfs_key_packet *kps,
			 size_t max, size_t *n)
{
	size_t limit = in_len;
	int off, rc;

	off = ecfs_header_decode(in, in_len, opts, h);
	if (off < 0)
		return off;
	/* In a file, key packets cannot run into the first data extent. */
	if ((opts & ECFS_HDR_CHECK_SIZE) && h->metadata_size < limit)
		limit = h->metadata_size;
	if ((size_t)off > limit)
		return -ENODATA;
	rc = ecfs_keyset_decode(in + off, limit - (size_t)off, kps, max, n);
	if (rc < 0)
		return rc;
	if (rc > INT_MAX - off)
		return -EMSGSIZE;
	return off + rc;
}

/* The xattr value ends with the last packet: no terminator, no fill. */
static int meta_encode_xattr_keys(uint8_t *out, size_t out_len, size_t pos,
				  const struct ecfs_key_packet *kps, size_t n)
{
	int rc = ecfs_keyset_encode_packets(out + pos, out_len - pos, kps, n);

	if (rc < 0)
		return rc;
	if ((size_t)rc > INT_MAX - pos)
		return -EMSGSIZE;
	return (int)(pos + (size_t)rc);
}

int ecfs_metadata_encode(uint8_t *out, size_t out_len, unsigned int opts,
			 const struct ecfs_header *h,
			 const struct ecfs_key_packet *kps, size_t n)
{
	uint64_t total;
	size_t room;
	int off, rc;

	if (opts & ECFS_META_XATTR) {
		room = out_len;
	} else {
		total = (uint64_t)h->extent_size * h->num_extents;
		if (total < ECFS_MIN_HEADER_SIZE || total > INT_MAX)
			return -ERANGE;
		if (out_len < total)
			return -ENOBUFS;
		room = (size_t)total;
	}
	off = ecfs_header_encode(out, room, h);
	if (off < 0)
		return off;
	if (opts & ECFS_META_XATTR)
		return meta_encode_xattr_keys(out, room, (size_t)off, kps, n);
	rc = ecfs_keyset_encode(out + off, room - (size_t)off, kps, n);
	if (rc < 0)
		return rc;
	memset(out + off + rc, 0, room - (size_t)off - (size_t)rc);
	return (int)room;
}
