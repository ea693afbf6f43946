/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_keyset.h - the key-packet set of a lower-file header: one group per
 * mount key (tag 3 + tag 11, or tag 1), ended by 0x00.
 *
 * Reading follows the kernel: a set ends at the first byte that is neither
 * 0x8C nor 0x01, or at the end of the input (the xattr copy of a header
 * has no terminator).  Error codes are those of ecfs_packet.h, plus:
 *
 *    -ENOKEY   the set holds no key packet
 *    -ENOMSG   a tag 11 where a group must start (upstream: "Tag 11 not
 *              allowed by itself")
 *    -ENOSPC   more packets than the caller's array holds
 *
 * A tag 3 not followed by a valid tag 11 fails with the tag 11 decoder's
 * error (-EPROTO if the next byte is not 0xED).
 */
#ifndef ECFS_KEYSET_H
#define ECFS_KEYSET_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_packet.h"

struct ecfs_key_packet {
	uint8_t tag;			/* ECFS_TAG_3 or ECFS_TAG_1 */
	uint8_t sig[ECFS_SIG_SIZE];	/* tag 11 contents / tag 1 key id */
	union {
		struct ecfs_tag3 t3;
		struct ecfs_tag1 t1;
	} u;
};

/*
 * Decodes the group at *off.  Returns 1 and advances *off past the group,
 * or 0 at the end of the set (*off is left on the stop byte or at in_len),
 * or a negative error.  For tag 1, kp->sig is a copy of the key id.
 */
int ecfs_keyset_next(const uint8_t *in, size_t in_len, size_t *off,
		     struct ecfs_key_packet *kp);

/*
 * Decodes a whole set into kps[0..max).  On success stores the count in
 * *n and returns the number of bytes of packets (the stop byte excluded).
 */
int ecfs_keyset_decode(const uint8_t *in, size_t in_len,
		       struct ecfs_key_packet *kps, size_t max, size_t *n);

/*
 * Encodes one group (tag 3 + tag 11 for kp->tag == ECFS_TAG_3, tag 1 for
 * ECFS_TAG_1; -EPROTO otherwise).  Returns bytes written.
 */
int ecfs_keyset_encode_one(uint8_t *out, size_t out_len,
			   const struct ecfs_key_packet *kp);

/* The packets alone, without the 0x00 that ends a set (the xattr form). */
int ecfs_keyset_encode_packets(uint8_t *out, size_t out_len,
			       const struct ecfs_key_packet *kps, size_t n);

/*
 * Encodes n >= 1 groups (-ENOKEY for none) and the 0x00 terminator.
 * Returns the bytes written, terminator included.
 */
int ecfs_keyset_encode(uint8_t *out, size_t out_len,
		       const struct ecfs_key_packet *kps, size_t n);

#endif /* ECFS_KEYSET_H */
