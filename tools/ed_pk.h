/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ed_pk - RSA keys for the offline tools: tag 1 packets (public-key wrapped
 * FEK) as upstream's OpenSSL key module and ours write them.
 *
 * The wrapped blob is RSA-OAEP (SHA-1, MGF1-SHA-1) over the kernel's K
 * blob: cipher_code || FEK || be16 sum of the FEK bytes.  The key id in the
 * packet is upstream's key signature, ecfs_rsa_key_sig() (proto/ecfs_pgpkey.h,
 * proto/crypto_backend/ecfs_cb_rsa.h), which also says whether a key holds
 * its private half (ecfs_rsa_has_private()).
 *
 * Errors: -EKEYREJECTED wrong or missing PEM passphrase, or a public key
 * where the private one is needed; -EMEDIUMTYPE not an RSA key of 1024-4096
 * bits; -EBADMSG a wrapped key that does not decrypt or a bad K blob.
 */
#ifndef ED_PK_H
#define ED_PK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/types.h>

#include "crypto_backend/ecfs_cb_rsa.h"
#include "ecfs_cipher.h"
#include "ecfs_packet.h"
#include "ed_core.h"

/*
 * Load the private or public RSA key in @path.  @pass (may be NULL) unlocks
 * an encrypted private key.  *@has_private tells which half was found.
 */
int ed_pk_load(const char *path, const char *pass, size_t pass_len, EVP_PKEY **pk,
	       bool *has_private, struct ed_err *e);

/* Wrap @fek (@key_size bytes, cipher code @code) into the tag 1 @t. */
int ed_pk_wrap(EVP_PKEY *pk, uint8_t code, const uint8_t *fek, size_t key_size,
	       struct ecfs_tag1 *t);

/* Unwrap the FEK of @t; @fek holds ECFS_MAX_KEY_BYTES. */
int ed_pk_unwrap(EVP_PKEY *pk, const struct ecfs_tag1 *t, uint8_t *fek, size_t *key_size,
		 const struct ecfs_cipher **cipher);

#endif /* ED_PK_H */
