/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rk_paper - the printable form of a recovery key: the DER bytes of a PEM
 * block written as numbered lines of hex, each with its own checksum, so
 * that a copy typed back from paper is checked line by line.
 *
 *   ecryptfs-recovery-key v1
 *   type: PRIVATE KEY
 *   sig: 0123456789abcdef
 *   bytes: 1793
 *   001: 3082 0701 0201 ... (24 bytes in 12 groups)  crc 1a2b
 *   ...
 *   sha256: 64 hex digits over all the bytes
 *
 * A line's check is CRC-16/CCITT (poly 0x1021, init 0xffff) over the line
 * number (be16) and the line's bytes, so a line typed in the wrong place
 * fails too.  Hex is case-insensitive; spaces and the word "crc" are
 * optional when typing it back.
 *
 * Errors of rk_paper_decode(): -EBADMSG a line's checksum or the SHA-256
 * does not match, -ENODATA a numbered line or a header field is missing,
 * -EPROTO a malformed line, -EMSGSIZE more bytes than announced.  The
 * message names the line.
 */
#ifndef RK_PAPER_H
#define RK_PAPER_H

#include <stddef.h>
#include <stdint.h>

#define RK_PAPER_LINE_BYTES	24
#define RK_PAPER_MAX_BYTES	16384
#define RK_PAPER_TYPE_MAX	64

uint16_t rk_paper_crc16(uint16_t lineno, const uint8_t *p, size_t n);

/* Encode into a malloc'ed string (*out); @sig_hex may be NULL. */
int rk_paper_encode(const char *type, const char *sig_hex, const uint8_t *der, size_t len,
		    char **out);

/*
 * Decode @text.  @der must hold RK_PAPER_MAX_BYTES; @type
 * RK_PAPER_TYPE_MAX.  @msg (may be NULL) gets a reason naming the line.
 */
int rk_paper_decode(const char *text, char *type, uint8_t *der, size_t *len, char *msg,
		    size_t msg_size);

#endif /* RK_PAPER_H */
