// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "p11_client.h"

#ifndef ECFS_PKCS11_HELPER
#define ECFS_PKCS11_HELPER "/usr/lib/ecryptfs/ecryptfs-pkcs11-helper"
#endif

extern char **environ;

static pthread_mutex_t p11c_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t p11c_pid = -1;
static int p11c_fd = -1;

static const char *helper_path(void)
{
	/* For the test suite; ignored in set-id programs. */
	const char *p = secure_getenv("ECFS_PKCS11_HELPER");

	return p && p[0] == '/' ? p : ECFS_PKCS11_HELPER;
}

int p11c_kernel_timeout_ms(void)
{
	const char *env = secure_getenv("ECFS_PKCS11_TIMEOUT");
	char buf[32] = "";
	long s = 0;
	FILE *f;

	/*
	 * The kernel does not publish ecryptfs_message_wait_timeout (its
	 * sysfs mode is 0); whoever raises it tells ecryptfsd the same way.
	 */
	if (env && env[0]) {
		s = strtol(env, NULL, 10);
		if (s > 0 && s <= 3600)
			return (int)(s * 1000);
	}
	f = fopen("/sys/module/ecryptfs/parameters/ecryptfs_message_wait_timeout", "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			s = strtol(buf, NULL, 10);
		fclose(f);
	}
	if (s <= 0 || s > 3600)
		s = 3;	/* the kernel's default */
	return (int)(s * 1000);
}

/* Under the lock. */
static void reap(const char *why, char *err, size_t errlen)
{
	int st = 0;

	if (p11c_fd >= 0)
		close(p11c_fd);
	p11c_fd = -1;
	if (p11c_pid <= 0)
		return;
	if (why)
		kill(p11c_pid, SIGKILL);
	while (waitpid(p11c_pid, &st, 0) < 0 && errno == EINTR)
		;
	if (why && err && errlen) {
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			snprintf(err, errlen,
				 "pkcs11-helper: the PKCS#11 provider crashed (signal %d) %s",
				 WTERMSIG(st), why);
		else if (WIFEXITED(st))
			snprintf(err, errlen,
				 "pkcs11-helper: the PKCS#11 helper exited (status %d) %s",
				 WEXITSTATUS(st), why);
	}
	p11c_pid = -1;
}

static int start(char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char *argv[3] = { NULL, "3", NULL };
	const char *path = helper_path();
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		r = -errno;
		snprintf(err, errlen, "pkcs11-helper: socketpair: %s", strerror(errno));
		return r;
	}
	argv[0] = (char *)path;
	posix_spawn_file_actions_init(&fa);
	/* dup2 clears close-on-exec on the child's copy. */
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	r = posix_spawn(&p11c_pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (r) {
		close(sv[0]);
		p11c_pid = -1;
		snprintf(err, errlen, "pkcs11-helper: cannot start %s: %s", path, strerror(r));
		return -r;
	}
	p11c_fd = sv[0];
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int p11c_call(const struct p11w_msg *q, int timeout_ms, uint8_t *data, size_t *dlen,
	      char *err, size_t errlen)
{
	static uint8_t buf[P11W_MAX_MSG];
	struct p11w_msg a;
	long deadline;
	ssize_t n;
	int r, len;

	pthread_mutex_lock(&p11c_lock);
	if (p11c_fd < 0) {
		r = start(err, errlen);
		if (r)
			goto out;
	}
	len = p11w_encode(q, 0, buf, sizeof(buf));
	if (len < 0) {
		r = len;
		snprintf(err, errlen, "pkcs11-helper: request too large");
		goto out;
	}
	n = send(p11c_fd, buf, (size_t)len, MSG_NOSIGNAL);
	explicit_bzero(buf, (size_t)len);
	if (n != len) {
		snprintf(err, errlen, "pkcs11-helper: the PKCS#11 helper is gone");
		reap("before the request", err, errlen);
		r = -EIO;
		goto out;
	}
	deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd pfd = { .fd = p11c_fd, .events = POLLIN };
		long left = deadline - now_ms();

		if (left <= 0) {
			snprintf(err, errlen,
				 "pkcs11-helper: the PKCS#11 provider did not answer within %d ms; helper killed",
				 timeout_ms);
			reap("(hung)", NULL, 0);
			r = -ETIMEDOUT;
			goto out;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			break;
	}
	n = recv(p11c_fd, buf, sizeof(buf), 0);
	if (n <= 0) {
		snprintf(err, errlen, "pkcs11-helper: the PKCS#11 helper died during the request");
		reap("during the request", err, errlen);
		r = -EIO;
		goto out;
	}
	if (p11w_decode(buf, (size_t)n, 1, &a) || a.n != 2 || a.op_or_status > 4095) {
		snprintf(err, errlen, "pkcs11-helper: malformed answer from the PKCS#11 helper");
		reap("(malformed answer)", NULL, 0);
		r = -EIO;
		goto out;
	}
	if (a.op_or_status) {
		snprintf(err, errlen, "pkcs11-helper: %.*s", (int)a.f[0].len,
			 (const char *)a.f[0].p);
		r = -(int)a.op_or_status;
		/*
		 * Whatever failed (a token that went away, a provider that
		 * lost track of it and now reports a login or key error), start
		 * over with a freshly initialised provider next time: PKCS#11
		 * has no portable way to rescan a slot.
		 */
		reap(NULL, NULL, 0);
		goto out;
	}
	if (a.f[1].len > *dlen) {
		snprintf(err, errlen, "pkcs11-helper: answer too large");
		r = -ENOBUFS;
		goto out;
	}
	memcpy(data, a.f[1].p, a.f[1].len);
	*dlen = a.f[1].len;
	r = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	pthread_mutex_unlock(&p11c_lock);
	return r;
}

void p11c_stop(void)
{
	pthread_mutex_lock(&p11c_lock);
	if (p11c_fd >= 0) {
		/* EOF makes it exit; it logs out and terminates its providers. */
		close(p11c_fd);
		p11c_fd = -1;
	}
	if (p11c_pid > 0) {
		int i, st;

		for (i = 0; i < 50; i++) {
			if (waitpid(p11c_pid, &st, WNOHANG) == p11c_pid)
				break;
			usleep(20000);
		}
		if (i == 50) {
			kill(p11c_pid, SIGKILL);
			waitpid(p11c_pid, &st, 0);
		}
	}
	p11c_pid = -1;
	pthread_mutex_unlock(&p11c_lock);
}
