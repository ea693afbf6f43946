/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The passphrase authentication token the kernel reads from a "user" key:
 * struct ecryptfs_auth_tok (proto/ecryptfs_proto.h), 740 bytes, host endian.
 */
#ifndef ET_AUTHTOK_H
#define ET_AUTHTOK_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

#define ET_AUTH_TOK_SIZE	ECFS_AUTH_TOK_SIZE
#define ET_FEKEK_BYTES		ECFS_MAX_KEY_BYTES
#define ET_SALT_BYTES		ECFS_SALT_SIZE
#define ET_SIG_BYTES		ECFS_SIG_SIZE
#define ET_SIG_HEX		ECFS_SIG_SIZE_HEX
#define ET_MAX_PASSPHRASE	ECFS_MAX_PASSPHRASE_BYTES
/* OpenPGP hash id of SHA-512, what upstream records in hash_algo. */
#define ET_HASH_SHA512		10

/*
 * Fill @tok (ET_AUTH_TOK_SIZE bytes) with a password token carrying the
 * 64-byte FEKEK, its 16-hex signature and the salt it was derived with.
 * Returns 0 or -EINVAL (wrong size, NULL argument, bad signature).
 */
int et_authtok_build(uint8_t *tok, size_t tok_len, const uint8_t *fekek,
		     const char *sig, const uint8_t *salt);

/*
 * Check that @tok is a password token the kernel accepts and copy its
 * signature (NUL terminated) to @sig. Returns 0, -EINVAL (length),
 * -EPROTO (version or signature) or -EMEDIUMTYPE (not a password token).
 */
int et_authtok_parse(const uint8_t *tok, size_t tok_len, char sig[ET_SIG_HEX + 1]);

#endif /* ET_AUTHTOK_H */
