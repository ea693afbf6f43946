/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_keymod_util - what every key module of ours does the same way:
 * look up its parameters (by name or alias) in the key=value list the
 * caller hands over, refuse an unknown one, and wipe and free the secrets
 * and blobs it returned.  Linked into each module (libecfs-keymod-util);
 * not part of the module ABI (ecfs_keymod.h).
 */
#ifndef ECFS_KEYMOD_UTIL_H
#define ECFS_KEYMOD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "keymods/ecfs_keymod.h"

/* Value of the parameter @name of @tab (by its name or alias) in @kv, or NULL. */
const char *ecfs_keymod_kv_get(const struct ecfs_keymod_param *tab, size_t ntab,
			       const struct ecfs_keymod_kv *kv, size_t n, const char *name);

/*
 * 0 when every name in @kv is a parameter of @tab; else -EINVAL and
 * "@who: unknown parameter 'NAME'" in @err.
 */
int ecfs_keymod_kv_check(const struct ecfs_keymod_param *tab, size_t ntab,
			 const struct ecfs_keymod_kv *kv, size_t n, const char *who,
			 char *err, size_t errlen);

/* The ops' free_secret (wiped, unlocked, freed) and release_blob (wiped, freed). */
void ecfs_keymod_free_secret(uint8_t *p, size_t len);
void ecfs_keymod_release_blob(uint8_t *blob, size_t len);

#endif /* ECFS_KEYMOD_UTIL_H */
