// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_authtok.c - keyring auth tokens (ecfs_authtok.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ecfs_authtok.h"

int ecfs_authtok_name_valid(const char *name)
{
	size_t i;

	if (!name || !name[0])
		return 0;
	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (i >= ECFS_AUTHTOK_NAME_MAX)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int ecfs_authtok_pass_encode(uint8_t *tok, size_t tok_len, const uint8_t *fekek,
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
	at.token.password.hash_algo = ECFS_HASH_ALGO_SHA512;
	at.token.password.session_key_encryption_key_bytes = ECFS_AUTHTOK_FEKEK_BYTES;
	at.token.password.flags = ECFS_PW_SESSION_KEY_ENCRYPTION_KEY_SET;
	memcpy(at.token.password.session_key_encryption_key, fekek, ECFS_AUTHTOK_FEKEK_BYTES);
	/* 16 hex digits; the NUL after them is already there from the memset. */
	memcpy(at.token.password.signature, sig, ECFS_SIG_SIZE_HEX);
	memcpy(at.token.password.salt, salt, ECFS_SALT_SIZE);
	memcpy(tok, &at, sizeof(at));
	explicit_bzero(&at, sizeof(at));
	return 0;
}

int ecfs_authtok_pass_decode(const uint8_t *tok, size_t tok_len,
			     char sig[ECFS_SIG_SIZE_HEX + 1])
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
	memcpy(sig, at.token.password.signature, ECFS_SIG_SIZE_HEX);
	sig[ECFS_SIG_SIZE_HEX] = '\0';
	if (!ecfs_sig_valid(sig))
		rc = -EPROTO;
out:
	explicit_bzero(&at, sizeof(at));
	return rc;
}

int ecfs_authtok_key_encode(const char *name, const char *sig, const uint8_t *blob,
			    size_t blob_len, uint8_t **tok, size_t *tok_len)
{
	struct ecryptfs_auth_tok *at;
	uint32_t dl = (uint32_t)blob_len;
	size_t len;
	uint8_t *t;

	*tok = NULL;
	*tok_len = 0;
	if (!ecfs_authtok_name_valid(name) || !ecfs_sig_valid_lower(sig))
		return -EINVAL;
	if (blob_len > ECFS_AUTHTOK_MAX_DATA)
		return -E2BIG;
	len = sizeof(*at) + blob_len;
	t = calloc(1, len);
	if (!t)
		return -ENOMEM;
	at = (struct ecryptfs_auth_tok *)t;
	at->version = ECFS_AUTH_TOK_VERSION;
	at->token_type = ECFS_TOKEN_PRIVATE_KEY;
	/* Upstream stores 16 here ("TODO"); the kernel only uses it as a hint. */
	at->token.private_key.key_size = ECFS_MAX_PKI_NAME_BYTES;
	memcpy(&at->token.private_key.data_len, &dl, sizeof(dl));
	memcpy(at->token.private_key.signature, sig, ECFS_SIG_SIZE_HEX + 1);
	memcpy(at->token.private_key.pki_type, name, strlen(name) + 1);
	if (blob_len)
		memcpy(t + ECFS_AUTH_TOK_OFF_TOKEN + ECFS_PRIVATE_KEY_DATA_OFF, blob, blob_len);
	*tok = t;
	*tok_len = len;
	return 0;
}

/* Offsets in the payload, which has no alignment promise: copy, never load. */
#define TOK_PK(member)	(ECFS_AUTH_TOK_OFF_TOKEN + \
			 ECFS_OFFSETOF(struct ecryptfs_private_key, member))

int ecfs_authtok_key_decode(const uint8_t *tok, size_t tok_len, const char *sig,
			    char name[ECFS_AUTHTOK_NAME_MAX + 1], const uint8_t **blob,
			    size_t *blob_len)
{
	const char *tsig = (const char *)tok + TOK_PK(signature);
	const uint8_t *tname = tok + TOK_PK(pki_type);
	uint32_t data_len;
	uint16_t v, type;

	if (tok_len < ECFS_AUTH_TOK_SIZE)
		return -EBADMSG;
	memcpy(&v, tok + ECFS_OFFSETOF(struct ecryptfs_auth_tok, version), sizeof(v));
	memcpy(&type, tok + ECFS_OFFSETOF(struct ecryptfs_auth_tok, token_type), sizeof(type));
	if (v != ECFS_AUTH_TOK_VERSION)
		return -EPROTO;
	if (type != ECFS_TOKEN_PRIVATE_KEY)
		return -EMEDIUMTYPE;
	if (tsig[ECFS_SIG_SIZE_HEX] != '\0' || strncasecmp(tsig, sig, ECFS_SIG_SIZE_HEX))
		return -EKEYREJECTED;
	if (!memchr(tname, '\0', ECFS_AUTHTOK_NAME_MAX + 1))
		return -EBADMSG;
	memcpy(name, tname, ECFS_AUTHTOK_NAME_MAX + 1);
	if (!ecfs_authtok_name_valid(name))
		return -EBADMSG;
	memcpy(&data_len, tok + TOK_PK(data_len), sizeof(data_len));
	if (data_len > tok_len - TOK_PK(data))
		return -EBADMSG;
	*blob = tok + TOK_PK(data);
	*blob_len = data_len;
	return 0;
}
