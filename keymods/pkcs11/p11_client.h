/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * p11_client.h - the key module's side of ecryptfs-pkcs11-helper: starts
 * the helper on first use, sends one request at a time, bounds every
 * request by a timeout, and replaces a helper that died, hung or lost its
 * token (a fresh process initialises the provider again, which is how a
 * re-inserted token becomes usable without a remount).
 */
#ifndef P11_CLIENT_H
#define P11_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "p11_wire.h"

/*
 * Send @q, wait at most @timeout_ms for the answer.  Returns 0 with the
 * reply's data copied to @data (*dlen in: capacity, out: length), a
 * negative errno from the helper with its message in @err, or -EIO /
 * -ETIMEDOUT when the helper died or hung (it is then killed and the next
 * request starts a new one).
 */
int p11c_call(const struct p11w_msg *q, int timeout_ms, uint8_t *data, size_t *dlen,
	      char *err, size_t errlen);

/* Stop the helper (it wipes its PIN cache by exiting). */
void p11c_stop(void);

/*
 * Milliseconds the kernel waits for ecryptfsd: ECFS_PKCS11_TIMEOUT
 * (seconds) in the environment, else the module parameter if the kernel
 * shows it, else the kernel's default 3 s.
 */
int p11c_kernel_timeout_ms(void);

#endif /* P11_CLIENT_H */
