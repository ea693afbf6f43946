// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ecfs_kdf.h"
#include "et_derive.h"
#include "et_keyring.h"

int et_derive(const char *pass, size_t len, const uint8_t *salt, int fnek, struct et_derived *d)
{
	uint8_t sig[ECFS_KDF_SIG_BYTES];
	int rc;

	memset(d, 0, sizeof(*d));
	if (!pass || len == 0 || len > ECFS_MAX_PASSPHRASE_BYTES)
		return -EINVAL;
	if (fnek) {
		rc = ecfs_kdf_fnek(pass, len, d->fekek, sig);
		memcpy(d->salt, ecfs_kdf_fnek_salt, ECFS_SALT_SIZE);
	} else {
		rc = ecfs_kdf_passphrase(pass, len, salt, d->fekek, sig);
		memcpy(d->salt, salt, ECFS_SALT_SIZE);
	}
	if (rc) {
		et_derived_wipe(d);
		return rc;
	}
	ecfs_sig_to_hex(sig, d->sig);
	return 0;
}

void et_derived_wipe(struct et_derived *d)
{
	explicit_bzero(d, sizeof(*d));
}

int et_derived_add(const struct et_derived *d)
{
	int rc = et_keyring_link_user();

	if (rc)
		return rc;
	return et_key_add_passphrase_tok(d->fekek, d->sig, d->salt);
}
