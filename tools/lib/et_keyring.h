/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tokens in the kernel keyring: "user" keys named by their
 * 16-hex signature, held in the user keyring, which is linked into the
 * session keyring so the kernel's request_key() at mount time finds them.
 */
#ifndef ET_KEYRING_H
#define ET_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_authtok.h"

/* Possessor and owning user only: no group, no other. */
#define ET_KEY_PERM	0x3f3f0000u

/* Link the user keyring into the session keyring. 0 or -errno. */
int et_keyring_link_user(void);

/*
 * The one keyring writer: add @tok (a passphrase or key-module token) as
 * the user key @sig unless a key with that description is already in the
 * user keyring, with ET_KEY_PERM.  Returns 1 if it was there already, 0
 * if added, -errno on failure.
 */
int et_key_add_token(const char *sig, const uint8_t *tok, size_t tok_len);

/*
 * Add the token for (@fekek, @sig, @salt) unless a key with that
 * description is already in the user keyring. Returns 1 if it was there
 * already, 0 if added, -errno on failure. The token is wiped afterwards.
 */
int et_key_add_passphrase_tok(const uint8_t *fekek, const char *sig, const uint8_t *salt);

/* Serial of the user key @sig in the user keyring, or -errno (-ENOKEY). */
long et_key_find(const char *sig);

/* Unlink the key @sig from the user keyring. 0, -ENOKEY or -errno. */
int et_key_unlink(const char *sig);

/*
 * Call @fn for every "user" key directly in the user keyring whose
 * description is a 16-hex signature. Stops at the first non-zero return
 * of @fn and returns it; otherwise 0 or -errno.
 */
int et_key_list(int (*fn)(const char *sig, long serial, void *arg), void *arg);

#endif /* ET_KEYRING_H */
