/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_sock.h - the daemon's end of the handoff socket (ecfs_handoff.h):
 * a thread that accepts one request per connection from a peer of the
 * daemon's own uid or root (SO_PEERCRED), hands it to a handler and
 * answers with the status; between connections, at least once a second,
 * it calls a housekeeping function (dropping held keys whose token left
 * the keyring).
 */
#ifndef ECFSD_SOCK_H
#define ECFSD_SOCK_H

#include "ecfs_handoff.h"

struct ecfsd_sock;

struct ecfsd_sock_ops {
	/* Serve a parsed request; 0 or -errno (sent back as the status). */
	int (*handle)(const struct ecfs_handoff_msg *m);
	/* Called about once a second.  May be NULL. */
	void (*tick)(void);
};

/*
 * Bind @path (mode 0600; a stale socket there is replaced, anything else
 * is an error), listen, start the thread.  0 or -errno with one line in
 * @err.
 */
int ecfsd_sock_start(const char *path, const struct ecfsd_sock_ops *ops,
		     struct ecfsd_sock **out, char *err, size_t errlen);
/* Stop the thread, close and unlink the socket.  Safe on NULL. */
void ecfsd_sock_stop(struct ecfsd_sock *s);

#endif /* ECFSD_SOCK_H */
