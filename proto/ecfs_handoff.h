/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_handoff.h - the small protocol between mount.ecryptfs and the
 * user's ecryptfsd over a Unix socket: the helper hands over the secret
 * that unlocks a key-module key (a PEM passphrase) so that it never has to
 * be stored in the keyring token or in a file.
 *
 * Transport: one SOCK_SEQPACKET message per frame, one request and one
 * reply per connection.  Both ends check the other's credentials with
 * SO_PEERCRED: the daemon serves only its own uid and root, the helper
 * talks only to a daemon running as the uid it expects.
 *
 * Frame (all integers big-endian):
 *   "ECHO" | u8 version (1) | u8 type | be16 flags (0) | be32 body length | body
 * Bodies:
 *   PING   empty
 *   ADD    sig[16 hex] | u8 n | alias[n] | be16 n | blob[n] | be16 n | secret[n]
 *   FORGET sig[16 hex]
 *   REPLY  be32 status (0, or a positive errno)
 * A body must be consumed exactly; anything else is a distinct error.
 */
#ifndef ECFS_HANDOFF_H
#define ECFS_HANDOFF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ecfs_authtok.h"

#define ECFS_HANDOFF_MAGIC	"ECHO"
#define ECFS_HANDOFF_VERSION	1
#define ECFS_HANDOFF_HDR	12
#define ECFS_HANDOFF_MAX_SECRET	1023
#define ECFS_HANDOFF_MAX_BODY	(ECFS_SIG_SIZE_HEX + 1 + ECFS_AUTHTOK_NAME_MAX + 2 + \
				 ECFS_AUTHTOK_MAX_DATA + 2 + ECFS_HANDOFF_MAX_SECRET)
#define ECFS_HANDOFF_MAX_FRAME	(ECFS_HANDOFF_HDR + ECFS_HANDOFF_MAX_BODY)
/* Socket of root's daemon, and of user N's: /run/user/N/ecryptfsd.sock. */
#define ECFS_HANDOFF_ROOT_PATH	"/run/ecryptfsd.sock"

enum ecfs_handoff_type {
	ECFS_HANDOFF_PING = 1,
	ECFS_HANDOFF_ADD = 2,
	ECFS_HANDOFF_FORGET = 3,
	ECFS_HANDOFF_REPLY = 0x81,
};

/* A decoded frame; pointers point into the parsed buffer. */
struct ecfs_handoff_msg {
	uint8_t type;
	char sig[ECFS_SIG_SIZE_HEX + 1];		/* ADD, FORGET */
	char alias[ECFS_AUTHTOK_NAME_MAX + 1];		/* ADD */
	const uint8_t *blob;				/* ADD */
	size_t blob_len;
	const uint8_t *secret;				/* ADD, may be empty */
	size_t secret_len;
	uint32_t status;				/* REPLY */
};

/*
 * Decode @len bytes.  0, or:
 *   -ENODATA          shorter than a header
 *   -EPROTO           wrong magic
 *   -EPROTONOSUPPORT  another version
 *   -EBADMSG          flags set, or the body length disagrees with @len
 *   -EMSGSIZE         body longer than ECFS_HANDOFF_MAX_BODY
 *   -EOPNOTSUPP       unknown type
 *   -EINVAL           a field out of range, a bad signature or alias, or
 *                     bytes left over / missing inside the body
 */
int ecfs_handoff_parse(const uint8_t *buf, size_t len, struct ecfs_handoff_msg *m);

/* Encode @m into @out (@cap bytes); *len gets the frame size. 0 or -errno. */
int ecfs_handoff_encode(const struct ecfs_handoff_msg *m, uint8_t *out, size_t cap,
			size_t *len);

/* The socket path of the daemon serving @uid into @buf. 0 or -ENAMETOOLONG. */
int ecfs_handoff_path(uid_t uid, char *buf, size_t size);

#endif /* ECFS_HANDOFF_H */
