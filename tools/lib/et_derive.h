/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Passphrase -> FEKEK and signature, and into the keyring, over libecfs. */
#ifndef ET_DERIVE_H
#define ET_DERIVE_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_authtok.h"

struct et_derived {
	uint8_t fekek[ECFS_AUTHTOK_FEKEK_BYTES];
	uint8_t salt[ECFS_SALT_SIZE];
	char sig[ECFS_SIG_SIZE_HEX + 1];
};

/*
 * Derive the FEKEK and signature of @pass (1..64 bytes) with @salt, or
 * with upstream's FNEK salt quirk when @fnek is set (@salt unused then).
 * Returns 0, -EINVAL (length) or -EIO.
 */
int et_derive(const char *pass, size_t len, const uint8_t *salt, int fnek, struct et_derived *d);

/* Wipe a derived key. */
void et_derived_wipe(struct et_derived *d);

/*
 * Link the user keyring into the session keyring and add the token for
 * @d. Returns 1 if a key with that signature was already there, 0 if it
 * was added, -errno.
 */
int et_derived_add(const struct et_derived *d);

#endif /* ET_DERIVE_H */
