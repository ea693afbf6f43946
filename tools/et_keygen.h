/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * et_keygen.h - generate a key with a key module, shared by
 * ecryptfs-generate-key and ecryptfs-manager: the default key file, the
 * generation itself, and reading the new key back through the token path
 * to print its signature.
 */
#ifndef ET_KEYGEN_H
#define ET_KEYGEN_H

#include <stddef.h>

#include "keymods/ecfs_keymod.h"

/* Names of the key modules we ship, for listings and menus. */
extern const char *const et_keygen_known[];
extern const size_t et_keygen_nknown;

/*
 * Upstream's default key file of @module under $HOME (for openssl,
 * ~/.ecryptfs/pki/openssl/key.pem), its directories created 0700.
 * -ENOENT when the module has no default or there is no home.
 */
int et_keygen_default_keyfile(const char *module, char *out, size_t cap);

/* Print the known modules and whether they load, one a line. */
void et_keygen_list(void);

struct et_keygen_args {
	const char *module;
	const char *keyfile;		/* NULL: the module's default */
	const char *bits;		/* NULL: the module's default (RSA 3072) */
	const char *passwd_file;	/* protect the new key with the passphrase in it */
	const char *passwd;		/* or with this one (a secret; never echoed) */
	const struct ecfs_keymod_kv *extra;	/* more NAME=VALUE parameters */
	size_t nextra;
};

/*
 * Generate the key, read it back, print "Wrote FILE" and "Key signature:
 * SIG" on stdout.  On failure one line goes to stderr, prefixed @prog.
 * @sig (may be NULL) gets the signature.  0 or -errno.
 */
int et_keygen_run(const char *prog, const struct et_keygen_args *a,
		    char sig[ECFS_KEYMOD_SIG_HEX + 1]);

#endif /* ET_KEYGEN_H */
