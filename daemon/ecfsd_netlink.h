/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_netlink.h - the generic netlink transport of ecryptfsd (family
 * "ecryptfs", ecryptfs_proto.h section 13).
 *
 * The transport turns each REQUEST message into the /dev/ecryptfs frame
 * the dispatch code already understands, and each RESPONSE frame the
 * dispatch writes back into a RESPONSE message, so request handling is
 * the same on both transports.  The two converters are pure functions on
 * buffers, unit-tested and fuzzed without a kernel.
 */
#ifndef ECFSD_NETLINK_H
#define ECFSD_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ecfsd_transport.h"

struct nl_msg;

/* What one netlink datagram from the kernel turned out to be. */
enum ecfsd_nl_kind {
	ECFSD_NL_REQUEST = 1,	/* a request: *frame holds its frame */
	ECFSD_NL_ERROR,		/* NLMSG_ERROR: *nl_err holds the -errno (0: ack) */
	ECFSD_NL_IGNORED,	/* NLMSG_NOOP / NLMSG_DONE: nothing to do */
};

/*
 * Parse @len bytes received on the socket: exactly one netlink message
 * (trailing bytes are refused).  A message of @family_id must be a
 * REQUEST (genl version ECFS_GENL_VERSION) with exactly one each of
 * COUNTER (u32), INDEX (u32) and DATA (1..ECFS_GENL_MAX_REQUEST_DATA
 * bytes) and nothing else; it is written to @frame as a /dev/ecryptfs
 * REQUEST frame.  Returns the kind (frame length in *frame_len), or:
 *   -EBADMSG   netlink or genl header damaged, length out of bounds
 *   -EPROTO    another family, command or version
 *   -EINVAL    an attribute missing, repeated, unknown or of a bad length
 *   -ENOSPC    @frame too small
 */
int ecfsd_nl_parse(const void *buf, size_t len, int family_id, uint8_t *frame,
		   size_t cap, size_t *frame_len, int *nl_err);

/*
 * Turn a RESPONSE frame written by the dispatch code (@frame, @len) into
 * a RESPONSE message of @family_id.  Returns 0 and *out (nlmsg_free() it),
 * -EPROTO for a frame that is not a RESPONSE with a message, another
 * -errno from the frame decoder, or -ENOMEM.
 */
int ecfsd_nl_build_response(const uint8_t *frame, size_t len, int family_id,
			    struct nl_msg **out);

/*
 * Connect to the "ecryptfs" family and register with HELO, which binds
 * this socket to the caller's euid.  On failure one line goes to @err:
 *   -ENOENT   no such family: the module (ours, with netlink) is not loaded
 *   -EEXIST   another ecryptfsd (either transport) serves this euid
 *   other     socket errors
 */
int ecfsd_netlink_open(struct ecfsd_transport **out, char *err, size_t errlen);

#endif /* ECFSD_NETLINK_H */
