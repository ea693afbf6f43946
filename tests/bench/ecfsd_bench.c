// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfsd-bench: requests per second that ecryptfsd's server loop answers
 * with 1, 2, 4 ... workers.  A benchmark that prints figures, not a test.
 *
 *   ecfsd-bench [--seconds S] [--inflight N] [WORKERS...]   (default 1 2 4)
 *
 * It runs the daemon's own code (ecfsd_serve: one reader, a worker pool,
 * ecfsd_handle, the OpenSSL key module loaded through the real loader)
 * over a SOCK_SEQPACKET pair that keeps frame boundaries as /dev/ecryptfs
 * does.  A "kernel" thread keeps --inflight requests outstanding (the
 * kernel has 32 message slots) and counts the answers.  Requests are
 * the kernel's two: tag 64 (unwrap a file key: an RSA-2048 private-key
 * operation, what opening a file of an OpenSSL mount costs) and tag 66
 * (wrap a new file's key: a public-key operation).  Only the keyring is
 * replaced, by the in-memory store of the unit tests' fixture.
 *
 * Run from the build directory (the key module is found in keymods/.libs).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"
#include "daemon/ecfsd_server.h"
#include "daemon_fixture.h"

#define PROG		"ecfsd-bench"
#define MODDIR		ECFS_TEST_BUILDDIR "/keymods/.libs"
/* tests/data/keymod/sig.txt: the signature of rsa2048.pem. */
#define SIG_RSA2048	"204c7eaa3cf7c7dd"
#define MAX_INFLIGHT	ECFSD_QUEUE_LEN

struct bench {
	struct df_store s;
	struct ecfsd_backend be;
	/* The request payloads; each frame gets its own seq and slot. */
	uint8_t p64[ECFS_MSG_MAX_REQUEST_DATA], p66[ECFS_MSG_MAX_REQUEST_DATA];
	size_t p64_len, p66_len;
	double seconds;
	unsigned int inflight;
};

struct server {
	struct ecfsd_transport *t;
	const struct ecfsd_backend *be;
	struct ecfsd_server_cfg cfg;
	struct ecfsd_server_stats stats;
	int stop[2];
	int ret;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static const char *srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	return top ? top : ECFS_TEST_SRCDIR;
}

/* One request through ecfsd_handle; the reply's payload in @data. */
static int handle_once(struct bench *b, const uint8_t *req, size_t len, uint8_t *out,
		       struct ecfs_frame *f)
{
	struct ecfsd_req_info info;
	int n = ecfsd_handle(&b->be, req, len, out, ECFSD_REPLY_MAX, &info);

	if (n < 0 || info.status)
		return n < 0 ? n : info.status;
	return ecfs_frame_decode(out, (size_t)n, ECFS_FRAME_TO_KERNEL, f);
}

/* Token, module, and the two payloads (tag 64 from a real wrap). */
static int setup(struct bench *b)
{
	char key[4096], pw[4096];
	uint8_t blob[8192 + 4], req[ECFSD_REQ_BUF], out[ECFSD_REPLY_MAX];
	struct ecfs_fek_blob fb = { .cipher_code = 0x07, .fek_len = 16 };
	const uint8_t *enc;
	struct ecfs_frame f;
	size_t enc_len, i;
	int n;

	snprintf(key, sizeof(key), "%s/tests/data/keymod/rsa2048.pem", srcdir());
	snprintf(pw, sizeof(pw), "%s/tests/data/keymod/pass.txt", srcdir());
	if (df_add_token(&b->s, SIG_RSA2048, ECFS_AUTH_TOK_VERSION, ECFS_TOKEN_PRIVATE_KEY,
			 "openssl", blob, df_openssl_blob(blob, key, pw)))
		return -ENOMEM;
	df_backend(&b->be, &b->s, MODDIR);
	for (i = 0; i < fb.fek_len; i++)
		fb.fek[i] = (uint8_t)(i * 37 + 1);
	n = ecfs_tag66_encode(b->p66, sizeof(b->p66), SIG_RSA2048, &fb);
	if (n < 0)
		return n;
	b->p66_len = (size_t)n;
	n = df_req_raw(req, sizeof(req), 1, 0, b->p66, b->p66_len);
	n = n < 0 ? n : handle_once(b, req, (size_t)n, out, &f);
	if (n) {
		fprintf(stderr, PROG ": the OpenSSL key module did not wrap a key (%s); "
			"run from the build directory after make\n", strerror(n < 0 ? -n : n));
		return n < 0 ? n : -EIO;
	}
	if (ecfs_tag67_decode(f.data, f.data_len, &enc, &enc_len) <= 0)
		return -EPROTO;
	n = ecfs_tag64_encode(b->p64, sizeof(b->p64), SIG_RSA2048, enc, enc_len);
	if (n < 0)
		return n;
	b->p64_len = (size_t)n;
	n = df_req_raw(req, sizeof(req), 1, 0, b->p64, b->p64_len);
	n = n < 0 ? n : handle_once(b, req, (size_t)n, out, &f);
	if (n) {
		fprintf(stderr, PROG ": the OpenSSL key module did not unwrap its own key\n");
		return n < 0 ? n : -EIO;
	}
	return 0;
}

static void *serve_thread(void *arg)
{
	struct server *sv = arg;

	sv->ret = ecfsd_serve(sv->t, sv->be, &sv->cfg, sv->stop[0], &sv->stats);
	return NULL;
}

/*
 * Keep b->inflight requests outstanding for b->seconds; *rate gets the
 * answers per second, *cpu the process's CPU seconds per answer.
 */
static int run(struct bench *b, unsigned int workers, const uint8_t *payload, size_t len,
	       double *rate, double *cpu_per_req)
{
	uint8_t req[ECFSD_REQ_BUF], buf[ECFSD_REPLY_MAX];
	struct pollfd p;
	struct server sv;
	struct ecfs_frame f;
	unsigned long sent = 0, got = 0, bad = 0;
	double t0, t1, c0, c1;
	pthread_t th;
	ssize_t n;
	int pair[2], kfd, rc = 0;
	bool stopping = false;

	memset(&sv, 0, sizeof(sv));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) || pipe(sv.stop))
		return -errno;
	kfd = pair[1];
	if (ecfsd_fd_transport(pair[0], &sv.t))
		return -ENOMEM;
	sv.be = &b->be;
	sv.cfg.workers = workers;
	sv.cfg.queue_len = ECFSD_QUEUE_LEN;
	sv.cfg.max_errors = 8;
	if (pthread_create(&th, NULL, serve_thread, &sv))
		return -EAGAIN;
	p.fd = kfd;
	t0 = now();
	c0 = cpu_seconds();
	t1 = t0;
	while (!stopping || got < sent) {
		while (!stopping && sent - got < b->inflight) {
			int rl = df_req_raw(req, sizeof(req), (uint32_t)sent,
					    (uint32_t)(sent % 32), payload, len);

			if (rl < 0 || write(kfd, req, (size_t)rl) != rl) {
				rc = rl < 0 ? rl : -errno;
				goto out;
			}
			sent++;
		}
		p.events = POLLIN;
		if (poll(&p, 1, 10000) != 1) {
			fprintf(stderr, PROG ": no answer within 10 s\n");
			rc = -ETIMEDOUT;
			goto out;
		}
		n = read(kfd, buf, sizeof(buf));
		if (n <= 0 || ecfs_frame_decode(buf, (size_t)n, ECFS_FRAME_TO_KERNEL, &f) < 0)
			bad++;
		else if (!(f.data_len > 2 && f.data[1] == ECFS_MSG_STATUS_OK)) {
			bad++;
		}
		got++;
		t1 = now();
		if (t1 - t0 >= b->seconds)
			stopping = true;
	}
	c1 = cpu_seconds();
	*rate = (double)got / (t1 - t0);
	*cpu_per_req = (c1 - c0) / (double)got;
	if (bad) {
		fprintf(stderr, PROG ": %lu of %lu answers were not good\n", bad, got);
		rc = -EIO;
	}
out:
	if (write(sv.stop[1], "x", 1) != 1)
		rc = rc ? rc : -EIO;
	pthread_join(th, NULL);
	ecfsd_transport_close(sv.t);
	close(kfd);
	close(sv.stop[0]);
	close(sv.stop[1]);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " [--seconds S] [--inflight N] [WORKERS...]\n"
		"Requests per second ecryptfsd's server loop answers with each number of\n"
		"workers (default 1 2 4): tag 64 (RSA-2048 unwrap, a file open) and tag 66\n"
		"(wrap, a file creation), S seconds each (default 2), N requests kept in\n"
		"flight (default 32, the kernel's message slots).  Run from the build tree.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "inflight", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int def[] = { 1, 2, 4 }, workers[16], nw = 0, i, k;
	struct bench b;
	double base[2] = { 0, 0 };
	int opt, rc;

	memset(&b, 0, sizeof(b));
	b.seconds = 2;
	b.inflight = 32;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			b.seconds = atof(optarg);
			if (b.seconds <= 0 || b.seconds > 600) {
				fprintf(stderr, PROG ": --seconds needs a number from 0 to 600\n");
				return 2;
			}
			break;
		case 'n':
			b.inflight = (unsigned int)atoi(optarg);
			if (b.inflight < 1 || b.inflight > MAX_INFLIGHT) {
				fprintf(stderr, PROG ": --inflight needs a number from 1 to %d\n",
					MAX_INFLIGHT);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (; optind < argc && nw < 16; optind++) {
		int v = atoi(argv[optind]);

		if (v < 1 || v > ECFSD_MAX_WORKERS) {
			fprintf(stderr, PROG ": workers must be 1 to %d\n", ECFSD_MAX_WORKERS);
			return 2;
		}
		workers[nw++] = (unsigned int)v;
	}
	if (!nw) {
		memcpy(workers, def, sizeof(def));
		nw = 3;
	}
	rc = setup(&b);
	if (rc)
		return 1;
	{
		FILE *la = fopen("/proc/loadavg", "r");
		char line[128] = "?\n";

		if (la) {
			if (!fgets(line, sizeof(line), la))
				strcpy(line, "?\n");
			fclose(la);
		}
		printf("ecryptfsd server loop, OpenSSL key module, RSA-2048, %u in flight, "
		       "%.1f s each\n%ld CPUs online, load average %s", b.inflight, b.seconds,
		       sysconf(_SC_NPROCESSORS_ONLN), line);
	}
	printf("%-8s %-26s %10s %8s %12s\n", "workers", "request", "req/s", "x 1st",
	       "CPU ms/req");
	for (i = 0; i < nw; i++) {
		for (k = 0; k < 2; k++) {
			double rate = 0, cpu = 0;

			rc = run(&b, workers[i], k ? b.p66 : b.p64, k ? b.p66_len : b.p64_len,
				 &rate, &cpu);
			if (rc) {
				fprintf(stderr, PROG ": %u workers: %s\n", workers[i], strerror(-rc));
				return 1;
			}
			if (i == 0)
				base[k] = rate;
			printf("%-8u %-26s %10.0f %8.2f %12.3f\n", workers[i],
			       k ? "tag 66 wrap (create)" : "tag 64 unwrap (open)", rate,
			       rate / base[k], cpu * 1e3);
			fflush(stdout);
		}
	}
	df_unload_modules();
	df_store_free(&b.s);
	return 0;
}
