// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The miscdev transport (/dev/ecryptfs) and the plain-descriptor transport
 * the unit tests use.  Both read one frame per read() and write one frame
 * per write(), which is the miscdev's contract.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecfsd_transport.h"
#include "ecfs_errbuf.h"

int ecfsd_transport_wait(int fd, int stop_fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
	};

	if (poll(p, stop_fd >= 0 ? 2 : 1, -1) < 0)
		return errno == EINTR ? 0 : -errno;
	if (stop_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
		return -ESHUTDOWN;
	if (p[0].revents & POLLNVAL)
		return -EBADF;
	return p[0].revents;
}

static ssize_t fd_recv(struct ecfsd_transport *t, uint8_t *buf, size_t cap, int stop_fd)
{
	int ev = ecfsd_transport_wait(t->fd, stop_fd);
	ssize_t n;

	if (ev <= 0)
		return ev;
	if (!(ev & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	/*
	 * The miscdev returns 0 when another read is in progress, the buffer
	 * is too small, or a signal interrupted it: all "try again".
	 */
	n = read(t->fd, buf, cap);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0 && (ev & POLLHUP))
		return -EPIPE;
	return n;
}

static int fd_send(struct ecfsd_transport *t, const uint8_t *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(t->fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static void fd_close(struct ecfsd_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static const struct ecfsd_transport_ops miscdev_ops = {
	.name = "miscdev",
	.recv = fd_recv,
	.send = fd_send,
	.close = fd_close,
};

static const struct ecfsd_transport_ops fd_ops = {
	.name = "fd",
	.recv = fd_recv,
	.send = fd_send,
	.close = fd_close,
};

int ecfsd_miscdev_open(const char *path, struct ecfsd_transport **out, char *err,
		       size_t errlen)
{
	struct ecfsd_transport *t;
	int fd, r;

	*out = NULL;
	if (!path)
		path = ECFSD_MISCDEV_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (errno == ENOENT || errno == ENODEV || errno == ENXIO)
			ecfs_errbuf(err, errlen,
			      "%s does not exist: load the ecryptfs kernel module (modprobe ecryptfs; it needs CONFIG_ECRYPT_FS_MESSAGING)",
			      path);
		else if (errno == EINVAL)
			ecfs_errbuf(err, errlen,
			      "%s: another ecryptfsd already serves user %u (the kernel allows one daemon per user)",
			      path, (unsigned int)geteuid());
		else if (errno == EACCES || errno == EPERM)
			ecfs_errbuf(err, errlen,
			      "%s: permission denied (install the udev rule from dist/ and join group ecryptfs, or run as root)",
			      path);
		else
			ecfs_errbuf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return r;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return -ENOMEM;
	}
	t->ops = &miscdev_ops;
	t->fd = fd;
	*out = t;
	return 0;
}

int ecfsd_fd_transport(int fd, struct ecfsd_transport **out)
{
	struct ecfsd_transport *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return -ENOMEM;
	t->ops = &fd_ops;
	t->fd = fd;
	*out = t;
	return 0;
}

void ecfsd_transport_close(struct ecfsd_transport *t)
{
	if (!t)
		return;
	t->ops->close(t);
	free(t);
}
