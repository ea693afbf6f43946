// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <keyutils.h>

#include "ecryptfs_proto.h"
#include "keymods/ecfs_keymod_load.h"
#include "keymods/ecfs_keymod_token.h"

/* Possessor and owning user only, as for passphrase tokens. */
#define ECFS_KEYMOD_KEY_PERM	0x3f3f0000u

int ecfs_keymod_token_build(const char *alias, const char *sig, const uint8_t *blob,
			    size_t blob_len, uint8_t **tok, size_t *tok_len)
{
	struct ecryptfs_auth_tok *at;
	uint32_t dl = (uint32_t)blob_len;
	size_t len;
	uint8_t *t;

	*tok = NULL;
	*tok_len = 0;
	/* The kernel matches the lower-case hex it prints itself. */
	if (!ecfs_keymod_name_valid(alias) || !ecfs_sig_valid_lower(sig))
		return -EINVAL;
	if (blob_len > ECFS_KEYMOD_MAX_BLOB)
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
	memcpy(at->token.private_key.pki_type, alias, strlen(alias) + 1);
	memcpy(t + ECFS_AUTH_TOK_OFF_TOKEN + ECFS_PRIVATE_KEY_DATA_OFF, blob, blob_len);
	*tok = t;
	*tok_len = len;
	return 0;
}

int ecfs_keymod_token_add(const char *sig, const uint8_t *tok, size_t tok_len)
{
	key_serial_t id;

	if (!ecfs_sig_valid_lower(sig))
		return -EINVAL;
	if (keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig, 0) >= 0)
		return 1;
	if (errno != ENOKEY)
		return -errno;
	id = add_key("user", sig, tok, tok_len, KEY_SPEC_USER_KEYRING);
	if (id < 0)
		return -errno;
	if (keyctl_setperm(id, ECFS_KEYMOD_KEY_PERM) < 0) {
		int r = -errno;

		keyctl_unlink(id, KEY_SPEC_USER_KEYRING);
		return r;
	}
	return 0;
}
