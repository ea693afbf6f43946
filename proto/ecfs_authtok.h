/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_authtok - the keyring auth token (ecryptfs_proto.h section 8), the
 * payload of a "user" key named by the token's hex signature.  The kernel
 * copies the payload straight into its packed struct ecryptfs_auth_tok,
 * host endian, so tokens are built in that struct and copied out.
 *
 * Passphrase token: 740 bytes, type PASSWORD, the 64-byte FEKEK, its
 * signature, the salt.  Key-module token (upstream's "private key"): type
 * PRIVATE_KEY, the signature, the module name in pki_type, and the
 * module's blob in private_key.data: 740 + blob bytes, as upstream
 * allocates it.  The kernel reads only version, type and signature;
 * ecryptfsd reads the name and the blob.
 */
#ifndef ECFS_AUTHTOK_H
#define ECFS_AUTHTOK_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

#define ECFS_AUTHTOK_FEKEK_BYTES	ECFS_MAX_KEY_BYTES
/* Largest module blob we write or accept (a key-module token's data). */
#define ECFS_AUTHTOK_MAX_DATA		4096
/* Module names: 1-16 of A-Z a-z 0-9 _ - (pki_type, also the .so name). */
#define ECFS_AUTHTOK_NAME_MAX		ECFS_MAX_PKI_NAME_BYTES

/* 1 when @name fits pki_type and is safe in a file name, else 0. */
int ecfs_authtok_name_valid(const char *name);

/*
 * Fill @tok (ECFS_AUTH_TOK_SIZE bytes) with a passphrase token.  Returns
 * 0 or -EINVAL (wrong size, NULL argument, bad signature).  The stack copy
 * is wiped.
 */
int ecfs_authtok_pass_encode(uint8_t *tok, size_t tok_len, const uint8_t *fekek,
			     const char *sig, const uint8_t *salt);

/*
 * Check that @tok is a passphrase token the kernel accepts and copy its
 * signature (NUL terminated) to @sig.  0, -EINVAL (length), -EPROTO
 * (version or signature) or -EMEDIUMTYPE (another token type).
 */
int ecfs_authtok_pass_decode(const uint8_t *tok, size_t tok_len,
			     char sig[ECFS_SIG_SIZE_HEX + 1]);

/*
 * Build a key-module token for module @name, signature @sig (lower case:
 * the kernel finds keys by its own text) and @blob.  *@tok is malloc'ed,
 * ECFS_AUTH_TOK_SIZE + @blob_len bytes; free with free().  0, -EINVAL
 * (name or signature), -E2BIG (blob over ECFS_AUTHTOK_MAX_DATA), -ENOMEM.
 */
int ecfs_authtok_key_encode(const char *name, const char *sig, const uint8_t *blob,
			    size_t blob_len, uint8_t **tok, size_t *tok_len);

/*
 * Check a key-module token found under description @sig: version, type
 * PRIVATE_KEY, the same signature (either case), a valid NUL-terminated
 * name, data_len within the payload.  Sets @name and the blob pointer
 * into @tok.  0, -EBADMSG (short, bad name or length), -EPROTO (version),
 * -EMEDIUMTYPE (another type), -EKEYREJECTED (another signature).
 */
int ecfs_authtok_key_decode(const uint8_t *tok, size_t tok_len, const char *sig,
			    char name[ECFS_AUTHTOK_NAME_MAX + 1], const uint8_t **blob,
			    size_t *blob_len);

#endif /* ECFS_AUTHTOK_H */
