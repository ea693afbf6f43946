// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "ecfsd_sock.h"

#define ECFSD_SOCK_STACK	(256 * 1024)

/* A peer gets this long to send its one request. */
#define SOCK_RECV_TIMEOUT_S	5

struct ecfsd_sock {
	int fd;
	int stop[2];
	pthread_t thread;
	struct ecfsd_sock_ops ops;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void sock_reply(int fd, int status)
{
	struct ecfs_handoff_msg m = { .type = ECFS_HANDOFF_REPLY };
	uint8_t buf[ECFS_HANDOFF_HDR + 4];
	size_t len;

	m.status = (uint32_t)(status < 0 ? -status : status);
	if (m.status > 4095)
		m.status = EIO;
	if (!ecfs_handoff_encode(&m, buf, sizeof(buf), &len))
		(void)send(fd, buf, len, MSG_NOSIGNAL);
}

static void sock_serve_one(struct ecfsd_sock *s, int fd)
{
	/* One byte more than the largest frame, to see an overlong one. */
	static uint8_t buf[ECFS_HANDOFF_MAX_FRAME + 1];
	struct timeval tv = { .tv_sec = SOCK_RECV_TIMEOUT_S };
	struct ecfs_handoff_msg m = { 0 };
	struct ucred cr;
	socklen_t crlen = sizeof(cr);
	ssize_t n;
	int r;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) || crlen != sizeof(cr)) {
		syslog(LOG_WARNING, "handoff: cannot read the peer's credentials; closed");
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/*
	 * Read the request even from a peer we refuse: closing with unread
	 * data would reset the connection, and it should see EPERM instead.
	 */
	n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
	if (n < 0) {
		syslog(LOG_WARNING, "handoff: no request from pid %d: %s", (int)cr.pid,
		       strerror(errno));
		return;
	}
	if ((size_t)n > sizeof(buf))
		n = sizeof(buf);
	/* Only our own user (its mount helper) and root may hand us keys. */
	if (cr.uid != geteuid() && cr.uid != 0) {
		syslog(LOG_WARNING, "handoff: refused a connection from uid %u (pid %d)",
		       (unsigned int)cr.uid, (int)cr.pid);
		r = -EPERM;
	} else if ((size_t)n > ECFS_HANDOFF_MAX_FRAME) {
		r = -EMSGSIZE;
	} else {
		r = ecfs_handoff_parse(buf, (size_t)n, &m);
	}
	if (r == -EPERM) {
		/* Logged above. */
	} else if (r) {
		syslog(LOG_WARNING, "handoff: malformed request from pid %d: %s", (int)cr.pid,
		       strerror(-r));
	} else if (m.type == ECFS_HANDOFF_REPLY) {
		r = -EOPNOTSUPP;
	} else {
		r = s->ops.handle(&m);
	}
	explicit_bzero(buf, (size_t)n);
	explicit_bzero(&m, sizeof(m));
	sock_reply(fd, r);
}

static void *sock_thread(void *arg)
{
	struct ecfsd_sock *s = arg;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->fd, .events = POLLIN },
			{ .fd = s->stop[0], .events = POLLIN },
		};
		int r = poll(p, 2, 1000);

		if (r < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (s->ops.tick)
			s->ops.tick();
		if (r > 0 && (p[0].revents & POLLIN)) {
			int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				sock_serve_one(s, fd);
				close(fd);
			}
		}
	}
	return NULL;
}

/* A socket left by a daemon that died goes; anything else stays an error. */
static int sock_clear_stale(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot check %s: %s", path, strerror(errno));
		return -errno;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -EEXIST;
	}
	/* Only one ecryptfsd per user holds /dev/ecryptfs, and we do: it is stale. */
	if (unlink(path)) {
		snprintf(err, errlen, "cannot remove the stale socket %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int ecfsd_sock_start(const char *path, const struct ecfsd_sock_ops *ops,
		     struct ecfsd_sock **out, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_attr_t attr;
	struct ecfsd_sock *s;
	mode_t old;
	int r;

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	s->ops = *ops;
	snprintf(s->path, sizeof(s->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (pipe2(s->stop, O_CLOEXEC)) {
		r = -errno;
		free(s);
		return r;
	}
	r = sock_clear_stale(path, err, errlen);
	if (r)
		goto fail;
	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto fail;
	}
	/* Owner-only from the start: no window with a wider mode. */
	old = umask(0177);
	r = bind(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r || listen(s->fd, 8)) {
		r = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	/*
	 * A bounded stack, as the workers have: after mlockall(MCL_FUTURE)
	 * every new mapping counts against RLIMIT_MEMLOCK, and a user's daemon
	 * (8 MiB limit on Debian) cannot map the default 8 MiB thread stack.
	 */
	r = -pthread_attr_init(&attr);
	if (!r) {
		pthread_attr_setstacksize(&attr, ECFSD_SOCK_STACK);
		r = -pthread_create(&s->thread, &attr, sock_thread, s);
		pthread_attr_destroy(&attr);
	}
	if (r) {
		snprintf(err, errlen, "cannot start the socket thread: %s", strerror(-r));
		unlink(path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	if (s->fd >= 0)
		close(s->fd);
	close(s->stop[0]);
	close(s->stop[1]);
	free(s);
	return r;
}

void ecfsd_sock_stop(struct ecfsd_sock *s)
{
	if (!s)
		return;
	(void)!write(s->stop[1], "x", 1);
	pthread_join(s->thread, NULL);
	close(s->fd);
	unlink(s->path);
	close(s->stop[0]);
	close(s->stop[1]);
	free(s);
}
