/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_keys.h - the daemon's real backend: auth tokens from the user
 * keyring of the user the daemon runs as (the kernel sends it only that
 * user's requests), key modules loaded on first use and kept.
 */
#ifndef ECFSD_KEYS_H
#define ECFSD_KEYS_H

#include "ecfsd_req.h"
#include "ecfs_handoff.h"

/* Fill @be with the keyring/loader backend.  0 or -errno. */
int ecfsd_keys_backend(struct ecfsd_backend *be, int log_to_stderr);
/*
 * Serve one request from the mount helper (already parsed; the peer's
 * credentials checked): PING, ADD (unlock and hold a key), FORGET.
 * 0 or -errno, sent back as the reply status.
 */
int ecfsd_keys_handoff(const struct ecfs_handoff_msg *m);
/* Drop held keys whose token is no longer in the user's keyring. */
void ecfsd_keys_sweep(void);
/* Close every held key and unload every module loaded so far. */
void ecfsd_keys_cleanup(void);

#endif /* ECFSD_KEYS_H */
