// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel copies the key payload straight into its own packed struct,
 * so the token is built in that struct and copied out byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "et_authtok.h"

int et_authtok_build(uint8_t *tok, size_t tok_len, const uint8_t *fekek,
		     const char *sig, const uint8_t *salt)
{
	struct ecryptfs_auth_tok at;

	if (!tok || tok_len != sizeof(at) || !fekek || !salt || !ecfs_sig_valid(sig))
		return -EINVAL;

	memset(&at, 0, sizeof(at));
	at.version = ECFS_AUTH_TOK_VERSION;
	at.token_type = ECFS_TOKEN_PASSWORD;
	/*
	 * password_bytes and hash_iterations stay 0 and the session key area
	 * stays empty: upstream leaves them so and the kernel never reads them.
	 */
	at.token.password.hash_algo = ET_HASH_SHA512;
	at.token.password.session_key_encryption_key_bytes = ET_FEKEK_BYTES;
	at.token.password.flags = ECFS_PW_SESSION_KEY_ENCRYPTION_KEY_SET;
	memcpy(at.token.password.session_key_encryption_key, fekek, ET_FEKEK_BYTES);
	/* 16 hex digits; the NUL after them is already there from the memset. */
	memcpy(at.token.password.signature, sig, ET_SIG_HEX);
	memcpy(at.token.password.salt, salt, ET_SALT_BYTES);
	memcpy(tok, &at, sizeof(at));
	explicit_bzero(&at, sizeof(at));
	return 0;
}

int et_authtok_parse(const uint8_t *tok, size_t tok_len, char sig[ET_SIG_HEX + 1])
{
	struct ecryptfs_auth_tok at;
	int rc = 0;

	if (!tok || tok_len != sizeof(at))
		return -EINVAL;
	memcpy(&at, tok, sizeof(at));
	if (at.version != ECFS_AUTH_TOK_VERSION) {
		rc = -EPROTO;
		goto out;
	}
	if (at.token_type != ECFS_TOKEN_PASSWORD) {
		rc = -EMEDIUMTYPE;
		goto out;
	}
	memcpy(sig, at.token.password.signature, ET_SIG_HEX);
	sig[ET_SIG_HEX] = '\0';
	if (!ecfs_sig_valid(sig))
		rc = -EPROTO;
out:
	explicit_bzero(&at, sizeof(at));
	return rc;
}
