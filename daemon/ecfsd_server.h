/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_server.h - one reader, a bounded pool of workers.
 *
 * The kernel hands a daemon one request per read() and lets only one
 * read() run at a time, but accepts answers from any thread and waits at
 * most ecryptfs_message_wait_timeout (3 s) for each.  So the calling
 * thread reads and queues, and workers answer: a slow key module (a token,
 * a TPM) occupies one worker while the others keep answering.  When the
 * queue is full a request gets the error reply at once instead of waiting
 * out the kernel's timeout.
 */
#ifndef ECFSD_SERVER_H
#define ECFSD_SERVER_H

#include "ecfsd_req.h"
#include "ecfsd_transport.h"

#define ECFSD_DEFAULT_WORKERS	4
#define ECFSD_MAX_WORKERS	64
/* The kernel has 32 message slots by default; twice that is plenty. */
#define ECFSD_QUEUE_LEN		64

struct ecfsd_server_cfg {
	unsigned int workers;		/* 1..ECFSD_MAX_WORKERS */
	unsigned int queue_len;		/* 1..ECFSD_QUEUE_LEN */
	/* Consecutive transport errors before giving up. */
	unsigned int max_errors;
};

struct ecfsd_server_stats {
	unsigned long served;		/* answered with status ok */
	unsigned long failed;		/* answered with the error reply */
	unsigned long dropped;		/* malformed frames, no answer possible */
	unsigned long busy;		/* answered with the error reply: queue full */
};

/*
 * Serve requests from @t until @stop_fd becomes readable (or the
 * transport fails for good).  Requests already queued are answered before
 * it returns.  Returns 0 after a stop, or the transport's -errno.
 */
int ecfsd_serve(struct ecfsd_transport *t, const struct ecfsd_backend *be,
		const struct ecfsd_server_cfg *cfg, int stop_fd,
		struct ecfsd_server_stats *stats);

#endif /* ECFSD_SERVER_H */
