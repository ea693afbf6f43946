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
#include <stdbool.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ecfsd_keys.h"
#include "ecfsd_server.h"
#include "ecfsd_sock.h"
#include "ecfsd_transport.h"
#include "ecfsd_netlink.h"

#define PROG "ecryptfsd"

/* What main()'s steps share. */
struct daemon {
	int argc;
	char **argv;
	int fg;
	const char *pidfile, *device, *sockpath;
	const char *transport;	/* "miscdev", "netlink" or "auto" */
	char defsock[108];
	struct ecfsd_server_cfg cfg;
	struct ecfsd_transport *t;
	struct ecfsd_backend be;
	struct ecfsd_sock *sock;
	int ret;		/* exit status once a step stops the run */
};

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
	fprintf(f, "Usage: %s [-f] [-p PIDFILE] [-t TRANSPORT] [-d DEVICE] [-S SOCKET] [-j WORKERS] [-V]\n"
		"  -f, --foreground     stay in the foreground, log to stderr as well\n"
		"  -p, --pidfile FILE   write the daemon's pid to FILE\n"
		"  -t, --transport T    how the kernel reaches us: miscdev (" ECFSD_MISCDEV_PATH "),\n"
		"                       netlink (generic netlink family \"" ECFS_GENL_NAME "\"), or\n"
		"                       auto (default: miscdev if the device opens, else netlink)\n"
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

/* ---- the steps of a run, in order; each returns 0 to go on, else stops ---- */

static int step_cmdline(struct daemon *d)
{
	static const struct option lopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "transport", required_argument, NULL, 't' },
		{ "device", required_argument, NULL, 'd' },
		{ "socket", required_argument, NULL, 'S' },
		{ "workers", required_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	d->ret = 1;
	while ((c = getopt_long(d->argc, d->argv, "fp:t:d:S:j:Vh", lopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			d->fg = 1;
			break;
		case 'p':
			d->pidfile = optarg;
			break;
		case 't':
			if (strcmp(optarg, "miscdev") && strcmp(optarg, "netlink") &&
			    strcmp(optarg, "auto")) {
				fprintf(stderr, "%s: --transport must be miscdev, netlink or auto, not \"%s\"\n",
					PROG, optarg);
				return -EINVAL;
			}
			d->transport = optarg;
			break;
		case 'd':
			d->device = optarg;
			break;
		case 'S':
			d->sockpath = optarg;
			break;
		case 'j': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > ECFSD_MAX_WORKERS) {
				fprintf(stderr, "%s: -j needs 1..%d\n", PROG, ECFSD_MAX_WORKERS);
				return -EINVAL;
			}
			d->cfg.workers = (unsigned int)v;
			break;
		}
		case 'V':
			printf("%s %s\n", PROG, PACKAGE_VERSION);
			d->ret = 0;
			return 1;
		case 'h':
			usage(stdout);
			d->ret = 0;
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != d->argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (d->pidfile && d->pidfile[0] != '/') {
		fprintf(stderr, "%s: the pid file must be an absolute path\n", PROG);
		return -EINVAL;
	}
	return 0;
}

/*
 * Under systemd, stderr is already the journal (JOURNAL_STREAM names its
 * device and inode): copying syslog lines to it would log each twice.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st))
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* Key material must not end up in a core file or be ptrace-readable. */
static int step_harden(struct daemon *d)
{
	struct rlimit core = { 0, 0 };
	bool perror_too = d->fg && !stderr_is_journal();

	setrlimit(RLIMIT_CORE, &core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	umask(077);
	openlog(PROG, LOG_PID | (perror_too ? LOG_PERROR : 0), LOG_DAEMON);
	return 0;
}

/*
 * Open the kernel transport before daemonising, so "no module", "no
 * permission" and "another daemon serves this user" reach the terminal.
 */
static int step_transport(struct daemon *d)
{
	const char *want = d->transport ? d->transport : "auto";
	char err[512], nlerr[512] = "";
	int r;

	if (strcmp(want, "netlink")) {
		r = ecfsd_miscdev_open(d->device, &d->t, err, sizeof(err));
		/* auto: only a missing device sends us to netlink. */
		if ((r == -ENOENT || r == -ENODEV || r == -ENXIO) &&
		    !strcmp(want, "auto"))
			r = ecfsd_netlink_open(&d->t, nlerr, sizeof(nlerr));
	} else {
		r = ecfsd_netlink_open(&d->t, nlerr, sizeof(nlerr));
	}
	if (r) {
		/* auto with neither: both reasons, the device's first. */
		if (strcmp(want, "netlink")) {
			fprintf(stderr, "%s: %s\n", PROG, err);
			syslog(LOG_ERR, "%s", err);
		}
		if (nlerr[0]) {
			fprintf(stderr, "%s: %s\n", PROG, nlerr);
			syslog(LOG_ERR, "%s", nlerr);
		}
		d->ret = r == -EINVAL || r == -EEXIST ? 3 : 2;
		return r;
	}
	fprintf(stderr, "%s: serving requests over %s (--transport=%s)\n", PROG,
		d->t->ops->name, want);
	syslog(LOG_INFO, "serving requests over %s (--transport=%s)", d->t->ops->name, want);
	return 0;
}

static int step_background(struct daemon *d)
{
	int r;

	d->ret = 1;
	if (!d->fg) {
		r = daemonize();
		if (r) {
			syslog(LOG_ERR, "cannot daemonize: %s", strerror(-r));
			return r;
		}
	}
	if (d->pidfile) {
		r = write_pidfile(d->pidfile);
		if (r) {
			syslog(LOG_ERR, "cannot write %s: %s", d->pidfile, strerror(-r));
			d->pidfile = NULL;
			return r;
		}
	}
	return 0;
}

/*
 * Lock all memory, so unlocked keys and passphrases are never swapped out.
 * A user's daemon is bound by RLIMIT_MEMLOCK (the user unit raises it as
 * far as the user's hard limit allows): say plainly when keys are not
 * locked, and what limit stopped it.
 */
/* CAP_IPC_LOCK in the effective set: locked memory is not limited. */
static bool can_lock_unbounded(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	struct rlimit ml;

	if (!getrlimit(RLIMIT_MEMLOCK, &ml) && ml.rlim_cur == RLIM_INFINITY)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_IPC_LOCK / 32].effective & (1U << (CAP_IPC_LOCK % 32));
}

static int step_lock_memory(struct daemon *d)
{
	struct rlimit ml;
	char lim[32] = "unknown";

	/*
	 * Under a finite RLIMIT_MEMLOCK (a user's daemon: 8 MiB on Debian),
	 * MCL_FUTURE would make every later mapping (thread stacks, the key
	 * modules and their libraries) fail once the limit is reached: lock
	 * only when nothing bounds it, else run unlocked and say so.
	 */
	const char *why = "limited";

	if (can_lock_unbounded()) {
		if (!mlockall(MCL_CURRENT | MCL_FUTURE))
			return 0;
		why = strerror(errno);
	}
	if (!getrlimit(RLIMIT_MEMLOCK, &ml)) {
		if (ml.rlim_cur == RLIM_INFINITY)
			snprintf(lim, sizeof(lim), "unlimited");
		else
			snprintf(lim, sizeof(lim), "%llu KiB", (unsigned long long)ml.rlim_cur / 1024);
	}
	syslog(LOG_WARNING, "keys are NOT locked in memory and may be swapped out: mlockall: %s (RLIMIT_MEMLOCK %s); raise the limit (LimitMEMLOCK=infinity, ulimit -l unlimited) or give CAP_IPC_LOCK. Secrets are still wiped after use",
	       why, lim);
	return 0;
}

static int step_signals(struct daemon *d)
{
	int r = setup_signals();

	if (r) {
		syslog(LOG_ERR, "cannot set up signals: %s", strerror(-r));
		d->ret = 1;
	}
	return r;
}

/* The socket mount.ecryptfs hands typed passphrases over. */
static int step_handoff(struct daemon *d)
{
	static const struct ecfsd_sock_ops sock_ops = {
		.handle = ecfsd_keys_handoff,
		.tick = ecfsd_keys_sweep,
	};
	char err[512];

	ecfsd_keys_backend(&d->be, d->fg);
	if (!d->sockpath && !ecfs_handoff_path(geteuid(), d->defsock, sizeof(d->defsock)))
		d->sockpath = d->defsock;
	/* Without the socket, keys unlocked by a typed passphrase cannot be used. */
	if (d->sockpath && ecfsd_sock_start(d->sockpath, &sock_ops, &d->sock, err, sizeof(err)))
		syslog(LOG_WARNING, "no handoff socket (%s): passphrase-protected keys work only with passwd_file=",
		       err);
	else if (d->sock)
		syslog(LOG_INFO, "handoff socket %s", d->sockpath);
	return 0;
}

static int step_serve(struct daemon *d)
{
	struct ecfsd_server_stats stats;
	int r;

	syslog(LOG_INFO, "serving uid %u on %s with %u workers", (unsigned int)geteuid(),
	       d->device ? d->device : ECFSD_MISCDEV_PATH, d->cfg.workers);
	syslog(LOG_INFO, "SIGHUP is ignored: there is no configuration to reload");
	r = ecfsd_serve(d->t, &d->be, &d->cfg, stop_pipe[0], &stats);
	syslog(LOG_INFO, "exiting: %lu served, %lu failed, %lu busy, %lu dropped",
	       stats.served, stats.failed, stats.busy, stats.dropped);
	d->ret = r ? 1 : 0;
	return 0;
}

static int (*const daemon_steps[])(struct daemon *d) = {
	step_cmdline,
	step_harden,
	step_transport,
	step_background,
	step_lock_memory,
	step_signals,
	step_handoff,
	step_serve,
};

/* Stop taking keys, close the transport, wipe held keys. */
static void daemon_cleanup(struct daemon *d)
{
	/* No new keys once requests stop; held keys are wiped below. */
	ecfsd_sock_stop(d->sock);
	ecfsd_transport_close(d->t);
	ecfsd_keys_cleanup();
	if (d->pidfile)
		unlink(d->pidfile);
	closelog();
}

int main(int argc, char **argv)
{
	struct daemon d = {
		.argc = argc,
		.argv = argv,
		.cfg = {
			.workers = ECFSD_DEFAULT_WORKERS,
			.queue_len = ECFSD_QUEUE_LEN,
			.max_errors = 8,
		},
	};
	size_t i;

	for (i = 0; i < sizeof(daemon_steps) / sizeof(daemon_steps[0]); i++)
		if (daemon_steps[i](&d))
			break;
	/* Before the transport is open there is nothing to clean up. */
	if (d.t)
		daemon_cleanup(&d);
	return d.ret;
}
