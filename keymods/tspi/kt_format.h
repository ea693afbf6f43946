/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kt_format.h - the byte formats of the "tspi" key module, with no TSS in
 * sight (so they are unit-tested and fuzzed without a TPM):
 *
 *  - the token blob: the 16 bytes of the TSS_UUID under which the sealing
 *    key is registered in the user's TrouSerS persistent storage, in the
 *    order the tspi_uuid= parameter spells them (32 hex digits read as
 *    big-endian 32-bit groups, which is the UUID's memory image);
 *  - the key signature: the first 8 bytes of SHA-1 over an OpenPGP v4
 *    public-key packet of the key's modulus, as upstream's module builds
 *    it: the modulus' bit count is its byte length times 8, and e is the
 *    3 bytes 01 00 01 counted as 24 bits (not the 17 of a proper MPI);
 *  - the wrapped key: a TPM_STORED_DATA (1.1, or the 1.2 form with its
 *    tag) as Tspi_Data_Seal returns it, checked for shape before a TPM
 *    ever sees it;
 *  - the unsealed key: accepted only as a well-formed eCryptfs key record.
 */
#ifndef KT_FORMAT_H
#define KT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "keymods/ecfs_keymod.h"

#define KT_UUID_LEN		16
#define KT_UUID_HEX		(2 * KT_UUID_LEN)
/* Moduli of 512..4096 bits: what a TPM 1.2 can hold. */
#define KT_MIN_MODULUS		64
#define KT_MAX_MODULUS		512

/* 0, or -EINVAL unless @s is exactly 32 hex digits (either case). */
int kt_uuid_parse(const char *s, uint8_t uuid[KT_UUID_LEN]);
void kt_uuid_format(const uint8_t uuid[KT_UUID_LEN], char hex[KT_UUID_HEX + 1]);

/* The token blob is the UUID itself: 0 or -EBADMSG (wrong length). */
int kt_blob_parse(const uint8_t *blob, size_t len, uint8_t uuid[KT_UUID_LEN]);

/* Upstream's signature of the key with modulus @n (big-endian, @nlen bytes). */
int kt_sig_from_modulus(const uint8_t *n, size_t nlen, char sig[ECFS_KEYMOD_SIG_HEX + 1]);

/*
 * 0 when @b is one whole TPM_STORED_DATA or TPM_STORED_DATA12 whose
 * encrypted part is 64..512 bytes; -EBADMSG otherwise.
 */
int kt_sealed_check(const uint8_t *b, size_t len);

/*
 * 0 when @k is a key record the kernel can use: a known cipher code, a key
 * length that cipher takes, the be16 sum of the key bytes; -EBADMSG
 * otherwise.
 */
int kt_record_check(const uint8_t *k, size_t len);

#endif /* KT_FORMAT_H */
