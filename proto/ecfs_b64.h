/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_b64.h - the filename base64 of eCryptfs and lower-name parsing.
 *
 * Alphabet ECFS_B64_ALPHABET ("-.0-9A-Za-z", '-' is 0); input is taken in
 * 3-byte groups, the last one zero padded, 4 characters per group, no '='.
 * Decoding turns every character into 6 bits and keeps whole bytes, so a
 * decoded packet is followed by up to 2 zero pad bytes.
 *
 * Upstream decodes characters outside the alphabet as 0; we reject them
 * (-EILSEQ): no upstream writer produces them.  Errors, besides those of
 * ecfs_packet.h (used for the embedded tag 70):
 *
 *    -EILSEQ        a character outside the alphabet
 *    -ENOBUFS       the output buffer is too small
 *    -ENAMETOOLONG  a lower name longer than 255 bytes
 *    -ENOENT        the name is not FNEK-encrypted (no prefix, or nothing
 *                   after it); the kernel hides such names
 */
#ifndef ECFS_B64_H
#define ECFS_B64_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_packet.h"

/* 4 * ceil(n / 3); 0 if that does not fit in size_t. */
size_t ecfs_b64_encoded_len(size_t n);
/* floor(6 * n / 8): bytes produced by decoding n characters. */
size_t ecfs_b64_decoded_len(size_t n);

/*
 * These two take the input first (unlike the packet encoders).
 * ecfs_b64_encode() returns the characters written; no NUL is added.
 * ecfs_b64_decode() returns the bytes written and also stores them in
 * *out_len (out_len may be NULL).
 */
int ecfs_b64_encode(const uint8_t *in, size_t in_len, char *out,
		    size_t out_size);
int ecfs_b64_decode(const char *in, size_t in_len, uint8_t *out,
		    size_t out_size, size_t *out_len);

/*
 * Splits a lower name: returns 1 and points *enc and *enc_len at the encoded
 * part if the name carries ECFS_FNEK_PREFIX and something after it, 0 for
 * a plain name, -ENAMETOOLONG above 255 bytes.
 */
int ecfs_fnek_name_split(const char *name, size_t len, const char **enc,
			 size_t *enc_len);

/*
 * Lower name -> tag 70.  buf receives the decoded packet (size it with
 * ecfs_b64_decoded_len(len)); t->ct points into buf.  Returns 0,
 * -ENOENT for a plain name, or a decode error.
 */
int ecfs_fnek_name_decode(const char *name, size_t len, uint8_t *buf,
			  size_t buf_len, struct ecfs_tag70 *t);

/*
 * Tag 70 -> lower name (prefix + base64), no NUL added.  Returns the name
 * length, -ENAMETOOLONG if it would exceed 255 bytes.
 */
int ecfs_fnek_name_encode(char *out, size_t out_len,
			  const struct ecfs_tag70 *t);

#endif /* ECFS_B64_H */
