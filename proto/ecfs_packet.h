/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_packet.h - packet length code, cipher codes and the key packets
 * stored in lower-file headers (tags 1, 3, 11) and filenames (tag 70).
 *
 * Byte layouts are specified in ecryptfs_proto.h.  No cryptography here:
 * encrypted keys and filename ciphertext are carried as opaque bytes.
 *
 * Conventions shared by every libecfs codec (ecfs_packet, ecfs_keyset,
 * ecfs_header, ecfs_msgpkt, ecfs_frame, ecfs_b64):
 *  - decoders take the input length and never read past it; they return
 *    the number of bytes consumed (>= 1) unless documented otherwise;
 *  - encoders take the output size and return the number of bytes
 *    written; they never emit a length above ECFS_PKT_LEN_MAX;
 *  - errors are negative errno values, one per failure reason:
 *
 *    -ENODATA          the input ends before the packet or field does
 *    -EOVERFLOW        length code with a lead byte >= 224 (incl. 0xff)
 *    -EMSGSIZE         a length is outside what the field allows
 *    -ENOBUFS          the output buffer is too small (encoders)
 *    -EPROTO           unexpected tag byte
 *    -EPROTONOSUPPORT  unsupported packet version
 *    -EOPNOTSUPP       unsupported S2K or hash identifier (tag 3)
 *    -EINVAL           unknown cipher code, or a bad argument
 *    -EILSEQ           a fixed byte has the wrong value (tag 11 format)
 *
 *    Further codes used by the other modules are listed in their headers.
 */
#ifndef ECFS_PACKET_H
#define ECFS_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

/*
 * Packet length code.  ecfs_pktlen_decode() stores the length in *value and
 * returns 1 or 2 (bytes consumed); -ENODATA if in_len is too short for the
 * form announced by the lead byte, -EOVERFLOW for lead bytes >= 224.
 * ecfs_pktlen_encode() returns 1 or 2; -EMSGSIZE above 8383, -ENOBUFS if
 * out_len is too small.  ecfs_pktlen_size() is 1, 2, or 0 if unencodable.
 */
int ecfs_pktlen_decode(const uint8_t *in, size_t in_len, size_t *value);
int ecfs_pktlen_encode(uint8_t *out, size_t out_len, size_t value);
size_t ecfs_pktlen_size(size_t value);

/* Tag 3: passphrase-wrapped FEK. */
struct ecfs_tag3 {
	uint8_t cipher_code;
	uint8_t salt[ECFS_SALT_SIZE];
	uint8_t count;		/* S2K count byte, 0x60 from upstream */
	size_t enc_key_len;	/* <= ECFS_TAG3_MAX_ENC_KEY */
	uint8_t enc_key[ECFS_TAG3_MAX_ENC_KEY];
	size_t fek_len;		/* decode only: 24 for AES-192, else enc_key_len */
};

/*
 * ecfs_tag3_decode(): the upstream parser's rules: body >= 13 and fits the
 * input, encrypted key <= 64 (-EMSGSIZE), version 4 (-EPROTONOSUPPORT),
 * known cipher code (-EINVAL), S2K 3 and hash 1 (-EOPNOTSUPP).  The count
 * byte is kept but not checked, as upstream.
 * ecfs_tag3_encode(): writes version 4, S2K 3, hash 1 and t->count.
 */
int ecfs_tag3_decode(const uint8_t *in, size_t in_len, struct ecfs_tag3 *t);
int ecfs_tag3_encode(uint8_t *out, size_t out_len, const struct ecfs_tag3 *t);

/*
 * Tag 11: literal packet holding the binary key signature.  The decoder
 * checks the format byte 0x62 and the filename length 8 (-EILSEQ), ignores
 * the filename and date as upstream does, and requires exactly 8 bytes of
 * contents (-EMSGSIZE).  The encoder writes "_CONSOLE" and a zero date.
 */
int ecfs_tag11_decode(const uint8_t *in, size_t in_len,
		      uint8_t sig[ECFS_SIG_SIZE]);
int ecfs_tag11_encode(uint8_t *out, size_t out_len,
		      const uint8_t sig[ECFS_SIG_SIZE]);

/* Tag 1: public-key-wrapped FEK. */
struct ecfs_tag1 {
	uint8_t key_id[ECFS_SIG_SIZE];
	uint8_t pk_algo;	/* 0x01 (RSA) when written; ignored on parse */
	size_t enc_key_len;	/* <= ECFS_TAG1_MAX_ENC_KEY */
	uint8_t enc_key[ECFS_TAG1_MAX_ENC_KEY];
};

/* Body >= 10, version 3 (-EPROTONOSUPPORT), encrypted key <= 512. */
int ecfs_tag1_decode(const uint8_t *in, size_t in_len, struct ecfs_tag1 *t);
int ecfs_tag1_encode(uint8_t *out, size_t out_len, const struct ecfs_tag1 *t);

/*
 * Tag 70: the filename packet, framing only.  On decode, ct points into
 * the input buffer.  The ciphertext must be at least one byte and a whole
 * number of cipher blocks (-EMSGSIZE); the cipher code must be known.
 */
struct ecfs_tag70 {
	uint8_t fnek_sig[ECFS_SIG_SIZE];
	uint8_t cipher_code;
	size_t ct_len;
	const uint8_t *ct;
};

int ecfs_tag70_decode(const uint8_t *in, size_t in_len, struct ecfs_tag70 *t);
int ecfs_tag70_encode(uint8_t *out, size_t out_len,
		      const struct ecfs_tag70 *t);

#endif /* ECFS_PACKET_H */
