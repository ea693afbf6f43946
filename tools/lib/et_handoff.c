// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The client side of the handoff (proto/ecfs_handoff.h): one request over
 * a SOCK_SEQPACKET connection to a daemon whose uid is checked first.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "et_handoff.h"

/* How long the helper waits for the daemon (opening a PEM key is slow under emulation). */
#define HANDOFF_TIMEOUT_MS	30000

static int handoff_connect(const char *path, uid_t uid, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "cannot reach ecryptfsd at %s: %s", path,
			    strerror(errno));
		goto fail;
	}
	/* Never hand a secret to a socket someone else put there. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) || crlen != sizeof(cr)) {
		r = -EPERM;
		snprintf(err, errlen, "cannot check who listens on %s", path);
		goto fail;
	}
	if (cr.uid != uid) {
		r = -EPERM;
		snprintf(err, errlen, "%s is served by uid %u, not by uid %u; refusing it",
			    path, (unsigned int)cr.uid, (unsigned int)uid);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return r;
}

int et_handoff_call(const char *path, uid_t uid, const struct ecfs_handoff_msg *m,
		    uint32_t *status, char *err, size_t errlen)
{
	uint8_t frame[ECFS_HANDOFF_MAX_FRAME] = { 0 };
	uint8_t rep[ECFS_HANDOFF_HDR + 8];
	struct ecfs_handoff_msg rm;
	struct pollfd pfd;
	size_t len = 0;
	ssize_t n;
	int fd, r;

	*status = 0;
	(void)mlock(frame, sizeof(frame));
	r = ecfs_handoff_encode(m, frame, sizeof(frame), &len);
	if (r) {
		snprintf(err, errlen, "cannot encode the request: %s", strerror(-r));
		goto out;
	}
	fd = handoff_connect(path, uid, err, errlen);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	n = send(fd, frame, len, MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		r = n < 0 ? -errno : -EIO;
		snprintf(err, errlen, "cannot send to ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	r = poll(&pfd, 1, HANDOFF_TIMEOUT_MS);
	if (r <= 0) {
		r = r ? -errno : -ETIMEDOUT;
		snprintf(err, errlen, "no answer from ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	n = recv(fd, rep, sizeof(rep), MSG_TRUNC);
	if (n < 0) {
		r = -errno;
		snprintf(err, errlen, "no answer from ecryptfsd: %s", strerror(errno));
		goto out_close;
	}
	r = (size_t)n > sizeof(rep) ? -EMSGSIZE : ecfs_handoff_parse(rep, (size_t)n, &rm);
	if (!r && rm.type != ECFS_HANDOFF_REPLY)
		r = -EBADMSG;
	if (r) {
		snprintf(err, errlen, "malformed answer from ecryptfsd: %s", strerror(-r));
		goto out_close;
	}
	*status = rm.status;
out_close:
	close(fd);
out:
	explicit_bzero(frame, len);
	(void)munlock(frame, sizeof(frame));
	return r;
}
