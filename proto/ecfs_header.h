/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_header.h - the lower-file header (format version 3, read back to
 * version 0) and the complete metadata: header plus key-packet set, stored
 * at the front of the lower file or in the user.ecryptfs xattr.
 *
 * Error codes are those of ecfs_packet.h and ecfs_keyset.h, plus:
 *
 *    -EBADMSG          the marker pair does not match (not an eCryptfs file)
 *    -EPROTONOSUPPORT  format version above 3
 *    -ERANGE           header size (extent size * count) below 8192 when
 *                      ECFS_HDR_CHECK_SIZE is given, or not representable
 */
#ifndef ECFS_HEADER_H
#define ECFS_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_keyset.h"

struct ecfs_header {
	uint64_t file_size;	/* plaintext size */
	uint32_t marker1;	/* m2 is derived; callers supply a random m1 */
	uint8_t version;	/* 0..3; written: 3 */
	uint32_t flags;		/* ECFS_HDR_FLAG_*, low 24 bits of the word */
	uint32_t extent_size;	/* header extent size (version >= 1) */
	uint16_t num_extents;	/* header extents at front (version >= 1) */
	size_t metadata_size;	/* decode: bytes before data extent 0 */
};

/*
 * Check the header size against the 8192-byte minimum, as the kernel does
 * for headers read from the file (not for xattr copies).  Note: upstream
 * 6.1/6.12 log this error and then let the key-packet parse overwrite it;
 * we reject, since no upstream writer produces such a header.
 */
#define ECFS_HDR_CHECK_SIZE	0x1

/*
 * Decodes the fixed part.  Returns the offset of the key-packet set (26,
 * or 20 for version 0).  Unknown flag bits are kept, as upstream ignores
 * them.  For version 0, extent_size/num_extents are 0 and metadata_size
 * is 8192.
 */
int ecfs_header_decode(const uint8_t *in, size_t in_len, unsigned int opts,
		       struct ecfs_header *h);

/*
 * Encodes the 26-byte fixed part of a version 1..3 header from h (h->version
 * 0 gives -EPROTONOSUPPORT: nobody should write version 0).  Returns 26.
 */
int ecfs_header_encode(uint8_t *out, size_t out_len,
		       const struct ecfs_header *h);

/* Rewrites the 8-byte size field, as the kernel does on every write. */
int ecfs_header_set_file_size(uint8_t *buf, size_t len, uint64_t size);

/* True (1) if the 16 bytes at buf hold a valid marker pair, else 0. */
int ecfs_header_has_marker(const uint8_t *buf, size_t len);

/*
 * Decodes a header and its key-packet set: from the front of a lower file
 * (pass ECFS_HDR_CHECK_SIZE; in_len may be less than metadata_size, the
 * set is read up to in_len and never past metadata_size) or from the
 * xattr value.  Returns the offset just past the last key packet.
 */
int ecfs_metadata_decode(const uint8_t *in, size_t in_len, unsigned int opts,
			 struct ecfs_header *h, struct ecfs_key_packet *kps,
			 size_t max, size_t *n);

/*
 * Encodes header and key packets.  ECFS_META_XATTR: the xattr form,
 * header and packets without terminator (81 bytes for one AES-128 key).
 * Otherwise the file form: exactly extent_size * num_extents bytes, with
 * the terminator and zero fill (-ERANGE if below 8192 or above INT_MAX).
 * Returns the bytes written.  The METADATA_IN_XATTR flag is taken from
 * h->flags as given; the caller decides it.
 */
#define ECFS_META_XATTR		0x1
int ecfs_metadata_encode(uint8_t *out, size_t out_len, unsigned int opts,
			 const struct ecfs_header *h,
			 const struct ecfs_key_packet *kps, size_t n);

#endif /* ECFS_HEADER_H */
