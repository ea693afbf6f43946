// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfsd - answers the kernel's public-key requests (tags 64 and 66)
 * on /dev/ecryptfs for the user it runs as, through key modules.
 *
 * The device is opened before daemonising, so "no module", "no
 * permission" and "another daemon already serves this user" are reported
 * on the terminal with a non-zero exit.  SIGTERM/SIGINT stop reading and
 * exit once the queued requests are answered; SIGHUP is logged and
 * otherwise ignored (there is nothing to reload; said once at start).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ecfsd_keys.h"
#include "ecfsd_server.h"
#include "ecfsd_sock.h"
#include "ecfsd_transport.h"

#define PROG "ecryptfsd"

static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
	int e = errno;
	char c = 1;

	(void)!write(stop_pipe[1], &c, 1);
	errno = e;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-f] [-p PIDFILE] [-d DEVICE] [-S SOCKET] [-j WORKERS] [-V]\n"
		"  -f, --foreground     stay in the foreground, log to stderr as well\n"
		"  -p, --pidfile FILE   write the daemon's pid to FILE\n"
		"  -d, --device PATH    misc device (default " ECFSD_MISCDEV_PATH ")\n"
		"  -S, --socket PATH    handoff socket of mount.ecryptfs (default\n"
		"                       " ECFS_HANDOFF_ROOT_PATH " for root,\n"
		"                       /run/user/UID/ecryptfsd.sock for others)\n"
		"  -j, --workers N      concurrent requests (default %d, max %d)\n"
		"  -V, --version        print the version\n", PROG, ECFSD_DEFAULT_WORKERS,
		ECFSD_MAX_WORKERS);
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int fd, n, r = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n)
		r = -EIO;
	if (close(fd) && !r)
		r = -errno;
	return r;
}

static int daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -errno;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

static int setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must interrupt the blocking read(). */
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* There is no configuration to reload: say so once, then ignore it. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "device", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 'S' },
		{ "workers", required_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ecfsd_server_cfg cfg = {
		.workers = ECFSD_DEFAULT_WORKERS,
		.queue_len = ECFSD_QUEUE_LEN,
		.max_errors = 8,
	};
	struct ecfsd_server_stats stats;
	struct ecfsd_transport *t = NULL;
	struct ecfsd_backend be;
	static const struct ecfsd_sock_ops sock_ops = {
		.handle = ecfsd_keys_handoff,
		.tick = ecfsd_keys_sweep,
	};
	const char *pidfile = NULL, *device = NULL, *sockpath = NULL;
	struct ecfsd_sock *sock = NULL;
	char defsock[108];
	struct rlimit core = { 0, 0 };
	char err[512];
	int c, fg = 0, r, ret = 1;

	while ((c = getopt_long(argc, argv, "fp:d:S:j:Vh", lopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fg = 1;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'd':
			device = optarg;
			break;
		case 'S':
			sockpath = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > ECFSD_MAX_WORKERS) {
				fprintf(stderr, "%s: -j needs 1..%d\n", PROG, ECFSD_MAX_WORKERS);
				return 1;
			}
			cfg.workers = (unsigned int)v;
			break;
		}
		case 'V':
			printf("%s %s\n", PROG, PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (pidfile && pidfile[0] != '/') {
		fprintf(stderr, "%s: the pid file must be an absolute path\n", PROG);
		return 1;
	}

	/* Key material must not end up in a core file or be ptrace-readable. */
	setrlimit(RLIMIT_CORE, &core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(077);
	openlog(PROG, LOG_PID | (fg ? LOG_PERROR : 0), LOG_DAEMON);

	r = ecfsd_miscdev_open(device, &t, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		syslog(LOG_ERR, "%s", err);
		return r == -EINVAL ? 3 : 2;
	}
	if (!fg) {
		r = daemonize();
		if (r) {
			syslog(LOG_ERR, "cannot daemonize: %s", strerror(-r));
			goto out;
		}
	}
	if (pidfile) {
		r = write_pidfile(pidfile);
		if (r) {
			syslog(LOG_ERR, "cannot write %s: %s", pidfile, strerror(-r));
			pidfile = NULL;
			goto out;
		}
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		syslog(LOG_WARNING, "cannot lock memory (%s); secrets are still wiped after use",
		       strerror(errno));
	r = setup_signals();
	if (r) {
		syslog(LOG_ERR, "cannot set up signals: %s", strerror(-r));
		goto out;
	}
	ecfsd_keys_backend(&be, fg);
	if (!sockpath && !ecfs_handoff_path(geteuid(), defsock, sizeof(defsock)))
		sockpath = defsock;
	/* Without the socket, keys unlocked by a typed passphrase cannot be used. */
	if (sockpath && ecfsd_sock_start(sockpath, &sock_ops, &sock, err, sizeof(err)))
		syslog(LOG_WARNING, "no handoff socket (%s): passphrase-protected keys work only with passwd_file=",
		       err);
	else if (sock)
		syslog(LOG_INFO, "handoff socket %s", sockpath);
	syslog(LOG_INFO, "serving uid %u on %s with %u workers", (unsigned int)geteuid(),
	       device ? device : ECFSD_MISCDEV_PATH, cfg.workers);
	syslog(LOG_INFO, "SIGHUP is ignored: there is no configuration to reload");
	r = ecfsd_serve(t, &be, &cfg, stop_pipe[0], &stats);
	syslog(LOG_INFO, "exiting: %lu served, %lu failed, %lu busy, %lu dropped",
	       stats.served, stats.failed, stats.busy, stats.dropped);
	ret = r ? 1 : 0;
	/* No new keys once requests stop; held keys are wiped below. */
	ecfsd_sock_stop(sock);
out:
	ecfsd_transport_close(t);
	ecfsd_keys_cleanup();
	if (pidfile)
		unlink(pidfile);
	closelog();
	return ret;
}
