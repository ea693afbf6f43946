/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * et_modkey.h - a key-module key (key=openssl:...) on its way into the
 * keyring, shared by mount.ecryptfs and ecryptfs-manager: the module
 * checks the key and builds the token; a passphrase that did not come
 * from a file (passwd=, passwd_fd=, typed on the terminal) is kept in
 * locked memory and handed to the user's ecryptfsd after the token is in
 * the keyring (proto/ecfs_handoff.h), never stored.
 */
#ifndef ET_MODKEY_H
#define ET_MODKEY_H

#include <stddef.h>
#include <stdint.h>

#include "keymods/ecfs_keymod.h"
#include "et_opts.h"
#include "et_secret.h"

struct et_modkey {
	char sig[ECFS_KEYMOD_SIG_HEX + 1];
	char module[ECFS_KEYMOD_NAME_MAX + 1];
	uint8_t *tok;			/* the keyring token */
	size_t tok_len;
	uint8_t *blob;			/* the module's blob, only while pass is held */
	size_t blob_len;
	struct et_secret pass;		/* to hand to ecryptfsd; buf NULL when none */
};

/*
 * Build the token for @k (module, keyfile, passphrase method).  A
 * protected key without a passphrase is asked for on the terminal when
 * @may_prompt and stdin is one.  Messages go to stderr, prefixed @prog.
 * 0 or -errno (-EKEYREJECTED: no or a wrong passphrase).
 */
int et_modkey_prepare(const char *prog, const struct et_keyspec *k, int may_prompt,
		      struct et_modkey *mk);

/*
 * Hand the held passphrase to the ecryptfsd of our euid (nothing to do
 * without one), then wipe it.  0 or -errno, with a message.
 */
int et_modkey_handoff(const char *prog, struct et_modkey *mk);

/* Wipe and free; safe on a zeroed struct. */
void et_modkey_free(struct et_modkey *mk);

#endif /* ET_MODKEY_H */
