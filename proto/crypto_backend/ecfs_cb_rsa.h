/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_cb_rsa.h - the RSA operations of upstream's public-key key modules,
 * on OpenSSL 3 keys, shared by the key modules (OpenSSL, PKCS#11) and the
 * offline tools (tools/ed_pk.c):
 *  - the key signature: the first 8 bytes of SHA-1 over the public-key
 *    packet of ecfs_pgpkey.h;
 *  - RSA-OAEP with SHA-1 and MGF1-SHA-1, upstream's RSA_PKCS1_OAEP_PADDING;
 *  - whether a key holds its private half (a public-only key wraps only).
 *
 * A convenience library (libecfs-rsa) linked into its users, OpenSSL only:
 * the key modules must not pull in libecfs-crypto and with it Botan.
 */
#ifndef ECFS_CB_RSA_H
#define ECFS_CB_RSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ecryptfs_proto.h"

/* 0, -EINVAL (no RSA key, or too large), -ENOMEM, -EIO (digest). */
int ecfs_rsa_key_sig(EVP_PKEY *pk, uint8_t sig[ECFS_SIG_SIZE]);
/* The same as 16 lower-case hex digits and a NUL. */
int ecfs_rsa_key_sig_hex(EVP_PKEY *pk, char sig[ECFS_SIG_SIZE_HEX + 1]);

/* True when @pk holds the private exponent, not only the public half. */
bool ecfs_rsa_has_private(EVP_PKEY *pk);

/* An encrypt or decrypt context set up for upstream's OAEP, or NULL. */
EVP_PKEY_CTX *ecfs_rsa_oaep_ctx(EVP_PKEY *pk, bool encrypt);

/*
 * The padding of a key wrap: upstream's OAEP (the OpenSSL module), or
 * PKCS#1 v1.5 (the PKCS#11 module: what a token's key can decrypt).
 */
enum ecfs_rsa_pad { ECFS_RSA_PAD_OAEP, ECFS_RSA_PAD_PKCS1 };

/*
 * Encrypt @in with the public half of @pk into @out.  Returns 0, -EPROTO
 * (no context for this key and padding), -ENOBUFS (the result would not
 * fit @out_cap), -EIO (encryption failed).
 */
int ecfs_rsa_encrypt(EVP_PKEY *pk, enum ecfs_rsa_pad pad, const uint8_t *in, size_t in_len,
		     uint8_t *out, size_t out_cap, size_t *out_len);

#endif /* ECFS_CB_RSA_H */
