/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_keymod_token.h - the keyring token of a key-module key, as upstream
 * lays it out and the kernel reads it: a struct ecryptfs_auth_tok with
 * token_type PRIVATE_KEY, the 16-hex signature, the module alias, and the
 * module's blob in private_key.data, stored as a "user" key named by the
 * signature in the user keyring.  The kernel only reads the version, the
 * type and the signature; ecryptfsd reads the alias and the blob.
 */
#ifndef ECFS_KEYMOD_TOKEN_H
#define ECFS_KEYMOD_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Build the payload (sizeof(struct ecryptfs_auth_tok) + @blob_len bytes,
 * as upstream allocates it; the blob starts at the data field).  Returns 0,
 * -EINVAL (bad alias or signature), -E2BIG or -ENOMEM.  Free with free().
 */
int ecfs_keymod_token_build(const char *alias, const char *sig, const uint8_t *blob,
			    size_t blob_len, uint8_t **tok, size_t *tok_len);

/*
 * Add the token under @sig to the user keyring unless a key with that
 * description is there already; owner-only permissions.  Returns 1 if it
 * was there, 0 if added, -errno.
 */
int ecfs_keymod_token_add(const char *sig, const uint8_t *tok, size_t tok_len);

#endif /* ECFS_KEYMOD_TOKEN_H */
