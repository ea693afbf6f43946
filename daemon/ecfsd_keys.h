/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_keys.h - the daemon's real backend: auth tokens from the user
 * keyring of the user the daemon runs as (the kernel sends it only that
 * user's requests), key modules loaded on first use and kept.
 */
#ifndef ECFSD_KEYS_H
#define ECFSD_KEYS_H

#include "ecfsd_req.h"

/* Fill @be with the keyring/loader backend.  0 or -errno. */
int ecfsd_keys_backend(struct ecfsd_backend *be, int log_to_stderr);
/* Unload every module loaded so far. */
void ecfsd_keys_cleanup(void);

#endif /* ECFSD_KEYS_H */
