// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <keyutils.h>

#include "et_keyring.h"

int et_keyring_link_user(void)
{
	if (keyctl_link(KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING) < 0)
		return -errno;
	return 0;
}

long et_key_find(const char *sig)
{
	long id;

	if (!ecfs_sig_valid(sig))
		return -EINVAL;
	id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig, 0);
	if (id < 0)
		return -errno;
	return id;
}

int et_key_add_token(const char *sig, const uint8_t *tok, size_t tok_len)
{
	key_serial_t id;
	long found;

	found = et_key_find(sig);
	if (found >= 0)
		return 1;
	if (found != -ENOKEY)
		return (int)found;
	id = add_key("user", sig, tok, tok_len, KEY_SPEC_USER_KEYRING);
	if (id < 0)
		return -errno;
	/*
	 * The default permissions already deny group and other; this also
	 * lets the owner read it from outside the session (e.g. umount run
	 * from another login) while keeping it owner-only.
	 */
	if (keyctl_setperm(id, ET_KEY_PERM) < 0) {
		int rc = -errno;

		keyctl_unlink(id, KEY_SPEC_USER_KEYRING);
		return rc;
	}
	return 0;
}

int et_key_add_passphrase_tok(const uint8_t *fekek, const char *sig, const uint8_t *salt)
{
	uint8_t tok[ECFS_AUTH_TOK_SIZE] = { 0 };
	int rc;

	(void)mlock(tok, sizeof(tok));
	rc = ecfs_authtok_pass_encode(tok, sizeof(tok), fekek, sig, salt);
	if (!rc)
		rc = et_key_add_token(sig, tok, sizeof(tok));
	explicit_bzero(tok, sizeof(tok));
	(void)munlock(tok, sizeof(tok));
	return rc;
}

int et_key_unlink(const char *sig)
{
	long id = et_key_find(sig);

	if (id < 0)
		return (int)id;
	if (keyctl_unlink((key_serial_t)id, KEY_SPEC_USER_KEYRING) < 0)
		return -errno;
	return 0;
}

int et_key_list(int (*fn)(const char *sig, long serial, void *arg), void *arg)
{
	key_serial_t *ids = NULL;
	long n, i;
	int rc = 0;

	n = keyctl_read_alloc(KEY_SPEC_USER_KEYRING, (void **)&ids);
	if (n < 0)
		return -errno;
	for (i = 0; i < n / (long)sizeof(key_serial_t); i++) {
		char *desc = NULL;
		char *type, *name;

		if (keyctl_describe_alloc(ids[i], &desc) < 0)
			continue;
		/* "type;uid;gid;perm;description" */
		type = desc;
		name = strrchr(desc, ';');
		if (name && !strncmp(type, "user;", 5) && ecfs_sig_valid(name + 1))
			rc = fn(name + 1, ids[i], arg);
		free(desc);
		if (rc)
			break;
	}
	free(ids);
	return rc;
}
