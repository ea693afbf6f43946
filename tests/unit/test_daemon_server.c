// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfsd's reader + worker pool over a SOCK_SEQPACKET pair (one frame
 * per read, like /dev/ecryptfs): a slow key module (4 s, beyond the
 * kernel's 3 s timeout) must not delay other requests; a full queue is
 * answered with the error reply at once; a stop answers what is queued.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecfs_frame.h"
#include "daemon/ecfsd_server.h"
#include "daemon_fixture.h"

#define MODDIR	ECFS_TEST_BUILDDIR "/tests/unit/.libs"
#define SIG_FAST "00000000000000aa"
#define SIG_SLOW "00000000000000bb"

struct fx {
	struct df_store s;
	struct ecfsd_backend be;
	struct ecfsd_transport *t;
	struct ecfsd_server_cfg cfg;
	struct ecfsd_server_stats stats;
	int kfd;		/* the "kernel" end */
	int stop[2];
	pthread_t th;
	int ret;
};

static void *serve_thread(void *arg)
{
	struct fx *fx = arg;

	fx->ret = ecfsd_serve(fx->t, &fx->be, &fx->cfg, fx->stop[0], &fx->stats);
	return NULL;
}

static void start(struct fx *fx, unsigned int workers, unsigned int qlen)
{
	int sv[2];

	memset(fx, 0, sizeof(*fx));
	assert_int_equal(df_add_token(&fx->s, SIG_FAST, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "fast", 4), 0);
	assert_int_equal(df_add_token(&fx->s, SIG_SLOW, ECFS_AUTH_TOK_VERSION,
				      ECFS_TOKEN_PRIVATE_KEY, "tgood", "slow", 4), 0);
	df_backend(&fx->be, &fx->s, MODDIR);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(fx->stop), 0);
	assert_int_equal(ecfsd_fd_transport(sv[0], &fx->t), 0);
	fx->kfd = sv[1];
	fx->cfg.workers = workers;
	fx->cfg.queue_len = qlen;
	fx->cfg.max_errors = 8;
	assert_int_equal(pthread_create(&fx->th, NULL, serve_thread, fx), 0);
}

static void stop(struct fx *fx)
{
	assert_int_equal(write(fx->stop[1], "x", 1), 1);
	pthread_join(fx->th, NULL);
	assert_int_equal(fx->ret, 0);
	ecfsd_transport_close(fx->t);
	close(fx->kfd);
	close(fx->stop[0]);
	close(fx->stop[1]);
	assert_int_equal(fx->s.gets, fx->s.puts);
	df_store_free(&fx->s);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_req(struct fx *fx, uint32_t seq, const char *sig)
{
	uint8_t req[ECFSD_REQ_BUF], fek[16] = { 1, 2, 3 };
	int rl = df_req66(req, sizeof(req), seq, seq % 32, sig, 7, fek, sizeof(fek));

	assert_true(rl > 0);
	assert_int_equal(write(fx->kfd, req, (size_t)rl), rl);
}

/* Next response within @timeout s: its seq, and whether it was ok. */
static int recv_resp(struct fx *fx, double timeout, uint32_t *seq, int *ok)
{
	uint8_t buf[1024];
	struct pollfd p = { .fd = fx->kfd, .events = POLLIN };
	struct ecfs_frame f;
	ssize_t n;

	if (poll(&p, 1, (int)(timeout * 1000)) != 1)
		return -ETIMEDOUT;
	n = read(fx->kfd, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(ecfs_frame_decode(buf, (size_t)n, ECFS_FRAME_TO_KERNEL, &f), 0);
	assert_int_equal(f.type, ECFS_MSG_RESPONSE);
	assert_int_equal(f.index, f.seq % 32);
	*seq = f.seq;
	*ok = f.data_len > 2 && f.data[1] == ECFS_MSG_STATUS_OK;
	return 0;
}

static void test_slow_does_not_block(void **state)
{
	struct fx fx;
	uint32_t seq, i;
	int ok, fast_seen = 0;
	double t0;

	start(&fx, 4, ECFSD_QUEUE_LEN);
	t0 = now();
	send_req(&fx, 1, SIG_SLOW);
	for (i = 2; i <= 9; i++)
		send_req(&fx, i, SIG_FAST);
	/* All eight fast answers arrive well inside the kernel's 3 s. */
	while (fast_seen < 8) {
		assert_int_equal(recv_resp(&fx, 2.5, &seq, &ok), 0);
		assert_true(ok);
		assert_int_not_equal(seq, 1);
		fast_seen++;
	}
	assert_true(now() - t0 < 3.0);
	/* The slow one still gets its (good) answer. */
	assert_int_equal(recv_resp(&fx, 6.0, &seq, &ok), 0);
	assert_int_equal(seq, 1);
	assert_true(ok);
	stop(&fx);
	assert_int_equal(fx.stats.served, 9);
	assert_int_equal(fx.stats.failed, 0);
}

static void test_full_queue_fails_fast(void **state)
{
	struct fx fx;
	uint32_t seq;
	int ok;
	double t0;

	start(&fx, 1, 1);
	send_req(&fx, 1, SIG_SLOW);	/* occupies the only worker */
	usleep(200 * 1000);
	send_req(&fx, 2, SIG_FAST);	/* fills the queue */
	send_req(&fx, 3, SIG_FAST);	/* nowhere to go */
	t0 = now();
	assert_int_equal(recv_resp(&fx, 2.0, &seq, &ok), 0);
	assert_int_equal(seq, 3);
	assert_false(ok);
	assert_true(now() - t0 < 1.0);
	assert_int_equal(recv_resp(&fx, 6.0, &seq, &ok), 0);
	assert_int_equal(seq, 1);
	assert_true(ok);
	assert_int_equal(recv_resp(&fx, 2.0, &seq, &ok), 0);
	assert_int_equal(seq, 2);
	assert_true(ok);
	stop(&fx);
	assert_int_equal(fx.stats.busy, 1);
}

static void test_stop_answers_inflight(void **state)
{
	struct fx fx;
	uint32_t seq;
	int ok;

	start(&fx, 2, ECFSD_QUEUE_LEN);
	send_req(&fx, 5, SIG_SLOW);
	send_req(&fx, 6, SIG_FAST);
	usleep(300 * 1000);
	/* The stop returns only after the slow request was answered. */
	assert_int_equal(write(fx.stop[1], "x", 1), 1);
	pthread_join(fx.th, NULL);
	assert_int_equal(fx.ret, 0);
	assert_int_equal(recv_resp(&fx, 0.5, &seq, &ok), 0);
	assert_int_equal(seq, 6);
	assert_int_equal(recv_resp(&fx, 0.5, &seq, &ok), 0);
	assert_int_equal(seq, 5);
	assert_true(ok);
	ecfsd_transport_close(fx.t);
	close(fx.kfd);
	close(fx.stop[0]);
	close(fx.stop[1]);
	df_store_free(&fx.s);
}

static void test_garbage_is_dropped(void **state)
{
	struct fx fx;
	uint8_t junk[1100];
	uint32_t seq;
	int ok;

	start(&fx, 2, 4);
	memset(junk, 0x66, sizeof(junk));
	assert_int_equal(write(fx.kfd, junk, 3), 3);
	assert_int_equal(write(fx.kfd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	send_req(&fx, 9, SIG_FAST);
	assert_int_equal(recv_resp(&fx, 2.0, &seq, &ok), 0);
	assert_int_equal(seq, 9);
	assert_true(ok);
	assert_int_equal(recv_resp(&fx, 0.3, &seq, &ok), -ETIMEDOUT);
	stop(&fx);
	assert_int_equal(fx.stats.dropped, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slow_does_not_block),
		cmocka_unit_test(test_full_queue_fails_fast),
		cmocka_unit_test(test_stop_answers_inflight),
		cmocka_unit_test(test_garbage_is_dropped),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	df_unload_modules();
	return r;
}
