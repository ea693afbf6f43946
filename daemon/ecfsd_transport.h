/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_transport.h - how requests reach ecryptfsd and answers go back.
 *
 * The dispatch code (ecfsd_req.h, ecfsd_server.h) speaks /dev/ecryptfs
 * frames only.  A transport moves whole frames: recv() returns exactly one
 * request frame, send() writes exactly one response frame and may be
 * called from any thread while recv() blocks in another (the kernel's
 * miscdev allows that; one reader at a time).  A transport with another
 * wire format (generic netlink, later) converts to and from these frames
 * inside recv()/send(), so dispatch never changes.
 */
#ifndef ECFSD_TRANSPORT_H
#define ECFSD_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ECFSD_MISCDEV_PATH	"/dev/ecryptfs"

struct ecfsd_transport;

struct ecfsd_transport_ops {
	const char *name;
	/*
	 * Wait for one request or for @stop_fd to become readable.  Returns
	 * the frame length, 0 when nothing was read (retry), -ESHUTDOWN when
	 * @stop_fd fired, or another -errno.
	 */
	ssize_t (*recv)(struct ecfsd_transport *t, uint8_t *buf, size_t cap, int stop_fd);
	/* Write one whole frame.  0 or -errno. */
	int (*send)(struct ecfsd_transport *t, const uint8_t *buf, size_t len);
	void (*close)(struct ecfsd_transport *t);
};

struct ecfsd_transport {
	const struct ecfsd_transport_ops *ops;
	int fd;
};

/*
 * Open the eCryptfs misc device at @path (NULL: ECFSD_MISCDEV_PATH), which
 * registers the caller's euid as the daemon the kernel sends that user's
 * requests to.  On failure one line goes to @err:
 *   -ENOENT   no device node: the ecryptfs module is not loaded
 *   -EINVAL   another daemon of this euid holds the device
 *   -EACCES   no permission (see dist/: udev rule, group ecryptfs)
 */
int ecfsd_miscdev_open(const char *path, struct ecfsd_transport **out, char *err,
		       size_t errlen);

/*
 * A transport over any descriptor that keeps message boundaries (a
 * SOCK_SEQPACKET socket in the unit tests).  Takes ownership of @fd.
 */
int ecfsd_fd_transport(int fd, struct ecfsd_transport **out);

void ecfsd_transport_close(struct ecfsd_transport *t);

/*
 * Block until @fd is readable or @stop_fd (ignored when < 0) fires, for a
 * transport's recv(). Returns @fd's poll revents (> 0), 0 to retry (a
 * signal), -ESHUTDOWN when @stop_fd fired, -EBADF or -errno.
 */
int ecfsd_transport_wait(int fd, int stop_fd);

#endif /* ECFSD_TRANSPORT_H */
