/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_msgpkt.h - the payloads of /dev/ecryptfs messages: tags 64 and 66
 * (kernel -> daemon) and their replies 65 and 67 (daemon -> kernel).
 * Layouts: ecryptfs_proto.h section 7.
 *
 * Decoders return the bytes consumed; like the kernel, they accept
 * trailing bytes after the packet (message data_len may be larger).
 * Signatures are the 16 ASCII hex characters the kernel sends (either
 * case).  Error codes are those of ecfs_packet.h, plus:
 *
 *    -EILSEQ        a signature character is not a hex digit
 *    -EKEYREJECTED  the FEK checksum does not match
 *    -EREMOTEIO     a reply carries a non-zero (failure) status
 *
 * A FEK blob holds key material: callers wipe it after use; decoders wipe
 * it themselves when they fail after copying key bytes.
 */
#ifndef ECFS_MSGPKT_H
#define ECFS_MSGPKT_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_packet.h"

/* K = cipher_code || FEK || be16 checksum, in tags 65 and 66. */
struct ecfs_fek_blob {
	uint8_t cipher_code;
	size_t fek_len;			/* <= ECFS_MAX_KEY_BYTES */
	uint8_t fek[ECFS_MAX_KEY_BYTES];
};

/* Sum of the FEK bytes modulo 65536, as stored after the FEK. */
uint16_t ecfs_fek_checksum(const uint8_t *fek, size_t len);

/*
 * K itself, as key modules wrap and unwrap it.  Encode returns its length
 * (FEK + 3) or -EMSGSIZE (FEK over 64), -EINVAL (unknown cipher code),
 * -ENOBUFS.  Decode checks all @klen bytes: 0, -EMSGSIZE (length),
 * -EINVAL (cipher code), -EKEYREJECTED (checksum; @b is wiped).
 */
int ecfs_fek_blob_encode(const struct ecfs_fek_blob *b, uint8_t *out, size_t out_len);
int ecfs_fek_blob_decode(const uint8_t *k, size_t klen, struct ecfs_fek_blob *b);
/*
 * Decode, and the FEK must have a size the cipher takes (-EINVAL
 * otherwise, @b wiped): what a key module checks after an RSA unwrap,
 * where a wrong key or padding gives random bytes.
 */
int ecfs_fek_blob_decode_key(const uint8_t *k, size_t klen, struct ecfs_fek_blob *b);

/* Tag 64: sig_out gets 16 characters and a NUL; enc points into in. */
int ecfs_tag64_encode(uint8_t *out, size_t out_len,
		      const char sig[ECFS_SIG_SIZE_HEX],
		      const uint8_t *enc, size_t enc_len);
int ecfs_tag64_decode(const uint8_t *in, size_t in_len,
		      char sig_out[ECFS_SIG_SIZE_HEX + 1],
		      const uint8_t **enc, size_t *enc_len);

/* Tag 65: status 0 and the FEK blob.  Cipher code must be known. */
int ecfs_tag65_encode(uint8_t *out, size_t out_len,
		      const struct ecfs_fek_blob *b);
int ecfs_tag65_decode(const uint8_t *in, size_t in_len,
		      struct ecfs_fek_blob *b);

/* Tag 66: signature and FEK blob. */
int ecfs_tag66_encode(uint8_t *out, size_t out_len,
		      const char sig[ECFS_SIG_SIZE_HEX],
		      const struct ecfs_fek_blob *b);
int ecfs_tag66_decode(const uint8_t *in, size_t in_len,
		      char sig_out[ECFS_SIG_SIZE_HEX + 1],
		      struct ecfs_fek_blob *b);

/* Tag 67: status 0 and the encrypted FEK (<= 512); enc points into in. */
int ecfs_tag67_encode(uint8_t *out, size_t out_len,
		      const uint8_t *enc, size_t enc_len);
int ecfs_tag67_decode(const uint8_t *in, size_t in_len,
		      const uint8_t **enc, size_t *enc_len);

/*
 * The 2-byte failure reply "tag FF" for tag ECFS_TAG_65 or ECFS_TAG_67
 * (-EPROTO for other tags).  Returns 2.
 */
int ecfs_reply_encode_error(uint8_t *out, size_t out_len, uint8_t tag);

#endif /* ECFS_MSGPKT_H */
