// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reader thread (the caller) and worker pool.  Request and response
 * buffers may hold key material (a tag 66 carries the FEK, a tag 65 reply
 * too): they are wiped as soon as they are used.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>

#include "ecfsd_server.h"

/* Workers need little stack; small stacks keep mlockall() affordable. */
#define ECFSD_WORKER_STACK	(256 * 1024)

struct job {
	size_t len;
	uint8_t buf[ECFSD_REQ_BUF];
};

struct server {
	struct ecfsd_transport *t;
	const struct ecfsd_backend *be;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *q;
	unsigned int qlen, head, count;
	int stopping;
	struct ecfsd_server_stats *stats;
};

static void srv_log(struct server *s, int prio, const char *msg)
{
	if (s->be->log)
		s->be->log(s->be->arg, prio, msg);
}

static void send_reply(struct server *s, uint8_t *out, int n, int ok)
{
	int r = s->t->ops->send(s->t, out, (size_t)n);

	explicit_bzero(out, ECFSD_REPLY_MAX);
	/*
	 * -EINVAL/-ENOMSG: the kernel no longer waits for this one (timed out
	 * or the slot was reused); nothing to do.
	 */
	if (r)
		srv_log(s, LOG_WARNING, "the kernel did not take a response (request timed out?)");
	pthread_mutex_lock(&s->lock);
	if (!r && ok)
		s->stats->served++;
	else
		s->stats->failed++;
	pthread_mutex_unlock(&s->lock);
}

static void handle_one(struct server *s, struct job *j)
{
	uint8_t out[ECFSD_REPLY_MAX];
	struct ecfsd_req_info info;
	int n;

	n = ecfsd_handle(s->be, j->buf, j->len, out, sizeof(out), &info);
	explicit_bzero(j->buf, j->len);
	if (n < 0) {
		pthread_mutex_lock(&s->lock);
		s->stats->dropped++;
		pthread_mutex_unlock(&s->lock);
		srv_log(s, LOG_WARNING, "dropped a malformed request frame");
		return;
	}
	send_reply(s, out, n, info.status == 0);
}

static void *worker(void *arg)
{
	struct server *s = arg;
	struct job *j;

	j = malloc(sizeof(*j));
	if (!j)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!s->count && !s->stopping)
			pthread_cond_wait(&s->cond, &s->lock);
		if (!s->count) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		/* Copy out so the slot is free while the key module works. */
		memcpy(j, &s->q[s->head], sizeof(*j));
		explicit_bzero(&s->q[s->head], sizeof(*j));
		s->head = (s->head + 1) % s->qlen;
		s->count--;
		pthread_mutex_unlock(&s->lock);
		handle_one(s, j);
	}
	explicit_bzero(j, sizeof(*j));
	free(j);
	return NULL;
}

/* Queue @buf or, when full, answer it with the error reply right away. */
static void enqueue(struct server *s, const uint8_t *buf, size_t len)
{
	uint8_t out[ECFSD_REPLY_MAX];
	int n;

	pthread_mutex_lock(&s->lock);
	if (s->count < s->qlen) {
		struct job *j = &s->q[(s->head + s->count) % s->qlen];

		memcpy(j->buf, buf, len);
		j->len = len;
		s->count++;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->stats->busy++;
	pthread_mutex_unlock(&s->lock);
	srv_log(s, LOG_WARNING, "request queue full: answering with an error");
	n = ecfsd_error_reply(buf, len, out, sizeof(out));
	if (n > 0)
		send_reply(s, out, n, 0);
}

int ecfsd_serve(struct ecfsd_transport *t, const struct ecfsd_backend *be,
		const struct ecfsd_server_cfg *cfg, int stop_fd,
		struct ecfsd_server_stats *stats)
{
	struct server s;
	pthread_t *th;
	pthread_attr_t attr;
	sigset_t all, old;
	uint8_t *buf;
	unsigned int i, started = 0, errors = 0;
	int r = 0;

	if (!cfg->workers || cfg->workers > ECFSD_MAX_WORKERS || !cfg->queue_len ||
	    cfg->queue_len > ECFSD_QUEUE_LEN)
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	memset(stats, 0, sizeof(*stats));
	s.t = t;
	s.be = be;
	s.stats = stats;
	s.qlen = cfg->queue_len;
	s.q = calloc(s.qlen, sizeof(*s.q));
	buf = malloc(ECFSD_REQ_BUF);
	th = calloc(cfg->workers, sizeof(*th));
	if (!s.q || !buf || !th) {
		r = -ENOMEM;
		goto out_free;
	}
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, ECFSD_WORKER_STACK);

	/* Workers never take signals; the reader's read() may be interrupted. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < cfg->workers; i++) {
		r = -pthread_create(&th[i], &attr, worker, &s);
		if (r)
			break;
		started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (!started) {
		srv_log(&s, LOG_ERR, "cannot start any worker thread");
		goto out_join;
	}
	r = 0;

	for (;;) {
		ssize_t n = t->ops->recv(t, buf, ECFSD_REQ_BUF, stop_fd);

		if (n == -ESHUTDOWN)
			break;
		if (n < 0) {
			if (++errors > cfg->max_errors) {
				r = (int)n;
				srv_log(&s, LOG_ERR, "too many consecutive transport errors");
				break;
			}
			continue;
		}
		errors = 0;
		if (n == 0)
			continue;
		if ((size_t)n >= ECFSD_REQ_BUF) {
			/* Longer than any request the kernel sends: not ours to parse. */
			explicit_bzero(buf, ECFSD_REQ_BUF);
			pthread_mutex_lock(&s.lock);
			s.stats->dropped++;
			pthread_mutex_unlock(&s.lock);
			continue;
		}
		enqueue(&s, buf, (size_t)n);
		explicit_bzero(buf, (size_t)n);
	}

out_join:
	pthread_mutex_lock(&s.lock);
	s.stopping = 1;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	/* Without workers nothing drained the queue: fail what is left. */
	while (s.count) {
		uint8_t out[ECFSD_REPLY_MAX];
		struct job *j = &s.q[s.head];
		int n = ecfsd_error_reply(j->buf, j->len, out, sizeof(out));

		if (n > 0)
			send_reply(&s, out, n, 0);
		explicit_bzero(j, sizeof(*j));
		s.head = (s.head + 1) % s.qlen;
		s.count--;
	}
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
out_free:
	if (s.q)
		explicit_bzero(s.q, s.qlen * sizeof(*s.q));
	free(s.q);
	free(buf);
	free(th);
	return r;
}
