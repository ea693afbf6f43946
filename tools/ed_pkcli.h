/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ed_pkcli - command-line side of RSA keys for the offline tools: load a
 * PEM key, asking for its passphrase from a file or the terminal, and
 * report errors in the tool's name.
 */
#ifndef ED_PKCLI_H
#define ED_PKCLI_H

#include <stdbool.h>

#include <openssl/types.h>

#include "ed_core.h"

/* Longest PEM passphrase read (OpenSSL's own limit is 1023). */
#define ED_PKCLI_PASS_MAX	1023

/*
 * Load @path; an encrypted private key is unlocked with the first line of
 * @passfile, else with a passphrase asked on the terminal.  With
 * @need_private a public key alone is refused.  Errors are printed.
 */
int ed_pkcli_load(const char *prog, const char *path, const char *passfile, bool need_private,
		  EVP_PKEY **pk);

/* ed_pkcli_load() with a private key, added to @ks for tag 1 packets. */
int ed_pk_add_recovery(struct ed_keys *ks, const char *path, const char *passfile,
		       const char *prog);

/* Read the first line of @path into @s (allocated with @cap); errors printed. */
struct et_secret;
int ed_pkcli_read_pass(const char *prog, const char *path, size_t cap, struct et_secret *s);

#endif /* ED_PKCLI_H */
