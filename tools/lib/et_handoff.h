/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Handing a key-module secret to the user's ecryptfsd (proto/ecfs_handoff.h
 * has the frames and the socket paths).
 */
#ifndef ET_HANDOFF_H
#define ET_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ecfs_handoff.h"

/*
 * Send @m to the daemon at @path, which must run as @uid, and wait for
 * its reply.  Returns 0 and sets *status (0 or a positive errno from the
 * daemon), or a negative errno with one line in @err (never NULL):
 * -ENOENT/-ECONNREFUSED when no daemon listens, -EPERM when the peer is
 * not @uid.  The frame (which may hold the secret) is wiped before
 * returning.
 */
int et_handoff_call(const char *path, uid_t uid, const struct ecfs_handoff_msg *m,
		    uint32_t *status, char *err, size_t errlen);

#endif /* ET_HANDOFF_H */
