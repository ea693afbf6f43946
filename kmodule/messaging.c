// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * messaging.c - requests to the user's ecryptfsd (proto sections 6 and 7).
 *
 * A file operation on a public-key file sends one request (tag 64 or 66)
 * to the daemon registered for the caller's effective uid and sleeps until
 * that daemon answers, goes away, or the timeout passes.  Requests live in
 * a fixed pool of ecryptfs_message_buf_len contexts whose slot number is
 * the index carried in the frame; the counter is global and grows by one
 * per request, so a reply names its request by (index, counter).
 *
 * Differences from upstream that no client can observe on the wire:
 *  - a full pool makes the caller wait for a free context, within the
 *    timeout, instead of failing with ENOMEM;
 *  - a reply counts only if it comes from the daemon the request was
 *    handed to, after that daemon read it, for a still pending context
 *    with the same counter;
 *  - a daemon that goes away fails every request it holds at once.
 *
 * Locking: ecfs_msg_mutex guards the pool, the daemon table and every
 * daemon's queue.  A waiter looks at its context's state without the
 * mutex (READ_ONCE) only to decide whether to stop sleeping.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/hash.h>
#include <linux/wait.h>
#include <linux/sched/signal.h>
#include <linux/cred.h>
#include <linux/uidgid.h>

#include "ecfs.h"

/* Upstream's limits and defaults for the three parameters. */
#define ECFS_MSG_MAX_USERS		32768
#define ECFS_MSG_DEFAULT_USERS		4
#define ECFS_MSG_MAX_TIMEOUT_S		3600

static unsigned int ecryptfs_message_buf_len = ECFS_MSG_DEFAULT_BUF_LEN;
module_param(ecryptfs_message_buf_len, uint, 0);
MODULE_PARM_DESC(ecryptfs_message_buf_len,
		 "Number of requests that may wait for ecryptfsd at once (more wait for a free slot)");

static long ecryptfs_message_wait_timeout = ECFS_MSG_DEFAULT_TIMEOUT_S;
module_param(ecryptfs_message_wait_timeout, long, 0);
MODULE_PARM_DESC(ecryptfs_message_wait_timeout,
		 "Seconds an operation waits for ecryptfsd's answer");

static unsigned int ecryptfs_number_of_users = ECFS_MSG_DEFAULT_USERS;
module_param(ecryptfs_number_of_users, uint, 0);
MODULE_PARM_DESC(ecryptfs_number_of_users,
		 "An estimate of the number of users running ecryptfsd (sizes a hash table)");

enum ecfs_ctx_state {
	ECFS_CTX_FREE,
	ECFS_CTX_PENDING,	/* queued for or handed to its daemon */
	ECFS_CTX_DONE,		/* reply stored */
	ECFS_CTX_FAILED,	/* daemon gone; err says why */
};

struct ecfs_msg_ctx {
	struct list_head node;		/* free list or daemon queue */
	struct ecfs_daemon *daemon;	/* while pending */
	wait_queue_head_t wait;
	u32 index;
	u32 counter;
	int state;
	int err;
	bool delivered;			/* the daemon has read it */
	struct ecfs_message *req;
	struct ecfs_message *reply;
	size_t reply_size;
	/* A transport's own copy of req, dropped when the request is over. */
	void *copy;
	void (*release_copy)(void *copy);
};

static DEFINE_MUTEX(ecfs_msg_mutex);
static struct ecfs_msg_ctx *ecfs_ctxs;
static unsigned int ecfs_nr_ctxs;
static LIST_HEAD(ecfs_free_ctxs);
static DECLARE_WAIT_QUEUE_HEAD(ecfs_free_wait);
static u32 ecfs_msg_counter;
static struct hlist_head *ecfs_daemons;
static unsigned int ecfs_daemon_bits;
static unsigned long ecfs_timeout;	/* jiffies */

static struct hlist_head *ecfs_daemon_bucket(kuid_t euid)
{
	return &ecfs_daemons[hash_32(from_kuid(&init_user_ns, euid),
				     ecfs_daemon_bits)];
}

static struct ecfs_daemon *ecfs_find_daemon_locked(kuid_t euid)
{
	struct ecfs_daemon *d;

	lockdep_assert_held(&ecfs_msg_mutex);
	hlist_for_each_entry(d, ecfs_daemon_bucket(euid), node) {
		if (uid_eq(d->euid, euid))
			return d;
	}
	return NULL;
}

/*
 * Make @d the daemon of @euid.  -EINVAL if the user has one already
 * (upstream's answer to a second open of /dev/ecryptfs).
 */
int ecfs_daemon_register(struct ecfs_daemon *d, kuid_t euid,
			 const struct ecfs_daemon_ops *ops)
{
	int err = 0;

	d->euid = euid;
	d->ops = ops;
	d->in_read = false;
	d->dead = false;
	INIT_LIST_HEAD(&d->queue);
	init_waitqueue_head(&d->wait);
	mutex_lock(&ecfs_msg_mutex);
	if (ecfs_find_daemon_locked(euid))
		err = -EINVAL;
	else
		hlist_add_head(&d->node, ecfs_daemon_bucket(euid));
	mutex_unlock(&ecfs_msg_mutex);
	return err;
}

/*
 * The request of @ctx is over (answered, failed, abandoned): nothing may
 * keep a copy of its payload any longer.  ecfs_msg_mutex held.
 */
static void ecfs_ctx_drop_copy_locked(struct ecfs_msg_ctx *ctx)
{
	if (!ctx->copy)
		return;
	ctx->release_copy(ctx->copy);
	ctx->copy = NULL;
	ctx->release_copy = NULL;
}

/* Fail @ctx's caller now.  ecfs_msg_mutex held. */
static void ecfs_ctx_fail_locked(struct ecfs_msg_ctx *ctx, int err)
{
	ecfs_ctx_drop_copy_locked(ctx);
	if (!ctx->delivered)
		list_del_init(&ctx->node);
	ctx->daemon = NULL;
	ctx->err = err;
	WRITE_ONCE(ctx->state, ECFS_CTX_FAILED);
	wake_up(&ctx->wait);
}

/*
 * Take @d out of the table and fail every request it holds, queued or
 * read.  After this returns nothing refers to @d; its owner frees it.
 */
void ecfs_daemon_unregister(struct ecfs_daemon *d)
{
	unsigned int i;

	mutex_lock(&ecfs_msg_mutex);
	if (d->dead)
		goto out;
	hlist_del_init(&d->node);
	d->dead = true;
	for (i = 0; i < ecfs_nr_ctxs; i++) {
		struct ecfs_msg_ctx *ctx = &ecfs_ctxs[i];

		if (ctx->state == ECFS_CTX_PENDING && ctx->daemon == d)
			ecfs_ctx_fail_locked(ctx, -ENOTCONN);
	}
out:
	mutex_unlock(&ecfs_msg_mutex);
	wake_up_interruptible_all(&d->wait);
}

bool ecfs_daemon_has_request(struct ecfs_daemon *d)
{
	return !list_empty_careful(&d->queue);
}

/*
 * Take the oldest request queued for @d: its frame fields go to *ctr and
 * a copy of its message (index, data_len, data) to @msg, at most @cap
 * bytes.  Returns the message size, 0 when the queue is empty, or
 * -ENOSPC (nothing taken) when it does not fit.  The request counts as
 * read from now on; ecfs_daemon_unread() puts it back.
 */
ssize_t ecfs_daemon_take(struct ecfs_daemon *d, u32 *ctr, u32 *index,
			 void *msg, size_t cap)
{
	struct ecfs_msg_ctx *ctx;
	size_t size;
	ssize_t ret = 0;

	mutex_lock(&ecfs_msg_mutex);
	ctx = list_first_entry_or_null(&d->queue, struct ecfs_msg_ctx, node);
	if (!ctx)
		goto out;
	size = sizeof(*ctx->req) + ctx->req->data_len;
	ret = -ENOSPC;
	if (size > cap)
		goto out;
	memcpy(msg, ctx->req, size);
	*ctr = ctx->counter;
	*index = ctx->index;
	list_del_init(&ctx->node);
	ctx->delivered = true;
	ret = size;
out:
	mutex_unlock(&ecfs_msg_mutex);
	return ret;
}

/* Queue a request taken by ecfs_daemon_take() again (copy-out failed). */
void ecfs_daemon_unread(struct ecfs_daemon *d, u32 index, u32 ctr)
{
	struct ecfs_msg_ctx *ctx;

	if (index >= ecfs_nr_ctxs)
		return;
	ctx = &ecfs_ctxs[index];
	mutex_lock(&ecfs_msg_mutex);
	if (ctx->state == ECFS_CTX_PENDING && ctx->daemon == d &&
	    ctx->counter == ctr && ctx->delivered) {
		ctx->delivered = false;
		list_add(&ctx->node, &d->queue);
	}
	mutex_unlock(&ecfs_msg_mutex);
	wake_up_interruptible(&d->wait);
}

/*
 * Transport @d sent request @index/@ctr in a form that holds a copy of
 * its payload which the receiver frees without wiping (a netlink skb):
 * keep @copy with the request and have d->ops->release_copy() wipe and
 * drop it when the request is over, however it ends.  -ESTALE, keeping
 * nothing, when the request is over already (the caller drops @copy).
 */
int ecfs_daemon_keep_copy(struct ecfs_daemon *d, u32 index, u32 ctr,
			  void *copy)
{
	struct ecfs_msg_ctx *ctx;
	int err = -ESTALE;

	if (index >= ecfs_nr_ctxs || !d->ops->release_copy)
		return -ESTALE;
	ctx = &ecfs_ctxs[index];
	mutex_lock(&ecfs_msg_mutex);
	if (ctx->state == ECFS_CTX_PENDING && ctx->daemon == d &&
	    ctx->counter == ctr && ctx->delivered && !ctx->copy) {
		ctx->copy = copy;
		ctx->release_copy = d->ops->release_copy;
		err = 0;
	}
	mutex_unlock(&ecfs_msg_mutex);
	return err;
}

/*
 * A reply from daemon @d: @msg is the whole message (@size bytes,
 * 8 + data_len, checked by the transport).  Accepted only for a request
 * that @d has read and that still waits, with counter @ctr.
 */
int ecfs_daemon_reply(struct ecfs_daemon *d, u32 ctr,
		      const struct ecfs_message *msg, size_t size)
{
	struct ecfs_msg_ctx *ctx;
	int err = -EINVAL;

	if (size != sizeof(*msg) + msg->data_len || msg->index >= ecfs_nr_ctxs)
		return -EINVAL;
	ctx = &ecfs_ctxs[msg->index];
	mutex_lock(&ecfs_msg_mutex);
	if (ctx->state != ECFS_CTX_PENDING || ctx->daemon != d ||
	    !ctx->delivered || ctx->counter != ctr)
		goto out;
	ctx->reply = kmemdup(msg, size, GFP_KERNEL);
	err = -ENOMEM;
	if (!ctx->reply)
		goto out;
	ctx->reply_size = size;
	ctx->daemon = NULL;
	ecfs_ctx_drop_copy_locked(ctx);
	WRITE_ONCE(ctx->state, ECFS_CTX_DONE);
	wake_up(&ctx->wait);
	err = 0;
out:
	mutex_unlock(&ecfs_msg_mutex);
	return err;
}

/* Return @ctx to the pool.  ecfs_msg_mutex held. */
static void ecfs_ctx_put_locked(struct ecfs_msg_ctx *ctx)
{
	ecfs_ctx_drop_copy_locked(ctx);
	list_del_init(&ctx->node);
	kfree_sensitive(ctx->req);
	ctx->req = NULL;
	kfree_sensitive(ctx->reply);
	ctx->reply = NULL;
	ctx->reply_size = 0;
	ctx->daemon = NULL;
	ctx->delivered = false;
	ctx->err = 0;
	WRITE_ONCE(ctx->state, ECFS_CTX_FREE);
	list_add_tail(&ctx->node, &ecfs_free_ctxs);
	wake_up(&ecfs_free_wait);
}

static bool ecfs_ctx_available(void)
{
	return !list_empty_careful(&ecfs_free_ctxs);
}

/*
 * Queue @req on the caller's daemon in a free context, waiting for one
 * until @deadline.  Returns the context, pending, or an ERR_PTR:
 * -ENOTCONN no daemon for the caller's euid, -ETIME no context in time,
 * -EINTR fatal signal.
 */
static struct ecfs_msg_ctx *ecfs_ctx_send(struct ecfs_message *req,
					  unsigned long deadline)
{
	kuid_t euid = current_euid();
	struct ecfs_msg_ctx *ctx;
	struct ecfs_daemon *d;

	mutex_lock(&ecfs_msg_mutex);
	for (;;) {
		long left;

		d = ecfs_find_daemon_locked(euid);
		if (!d) {
			mutex_unlock(&ecfs_msg_mutex);
			return ERR_PTR(-ENOTCONN);
		}
		ctx = list_first_entry_or_null(&ecfs_free_ctxs,
					       struct ecfs_msg_ctx, node);
		if (ctx)
			break;
		mutex_unlock(&ecfs_msg_mutex);
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return ERR_PTR(-ETIME);
		left = wait_event_killable_timeout(ecfs_free_wait,
						   ecfs_ctx_available(), left);
		if (left < 0)
			return ERR_PTR(-EINTR);
		mutex_lock(&ecfs_msg_mutex);
	}
	list_del_init(&ctx->node);
	ctx->counter = ++ecfs_msg_counter;
	ctx->daemon = d;
	ctx->delivered = false;
	req->index = ctx->index;
	ctx->req = req;
	WRITE_ONCE(ctx->state, ECFS_CTX_PENDING);
	list_add_tail(&ctx->node, &d->queue);
	d->ops->notify(d);
	mutex_unlock(&ecfs_msg_mutex);
	return ctx;
}

/*
 * Send @len bytes of @data (a tag 64 or 66 payload) to the daemon of the
 * caller's euid and wait for its reply.  On success *reply holds the
 * reply message (kmalloc'ed; free it with kfree_sensitive()).
 * Errors: -ENOTCONN no daemon, or it went away before answering;
 * -ETIME no answer within ecryptfs_message_wait_timeout; -EINTR fatal
 * signal; -EINVAL oversized request; -ENOMEM.
 */
int ecfs_msg_request(const u8 *data, size_t len, struct ecfs_message **reply,
		     size_t *reply_size)
{
	unsigned long deadline = jiffies + ecfs_timeout;
	struct ecfs_message *req;
	struct ecfs_msg_ctx *ctx;
	long left;
	int err;

	*reply = NULL;
	if (len > ECFS_MSG_MAX_REQUEST_DATA)
		return -EINVAL;
	req = kmalloc(sizeof(*req) + len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->data_len = len;
	memcpy(req->data, data, len);
	ctx = ecfs_ctx_send(req, deadline);
	if (IS_ERR(ctx)) {
		kfree_sensitive(req);
		return PTR_ERR(ctx);
	}
	left = wait_event_killable_timeout(ctx->wait,
					   READ_ONCE(ctx->state) !=
					   ECFS_CTX_PENDING, ecfs_timeout);
	mutex_lock(&ecfs_msg_mutex);
	switch (ctx->state) {
	case ECFS_CTX_DONE:
		*reply = ctx->reply;
		*reply_size = ctx->reply_size;
		ctx->reply = NULL;
		err = 0;
		break;
	case ECFS_CTX_FAILED:
		err = ctx->err;
		break;
	default:
		err = left < 0 ? -EINTR : -ETIME;
		break;
	}
	ecfs_ctx_put_locked(ctx);
	mutex_unlock(&ecfs_msg_mutex);
	return err;
}

int ecfs_messaging_init(void)
{
	unsigned int i, users = ecryptfs_number_of_users;
	long timeout = ecryptfs_message_wait_timeout;

	if (users > ECFS_MSG_MAX_USERS) {
		pr_warn("ecryptfs_number_of_users %u is too large, using %u\n",
			users, ECFS_MSG_MAX_USERS);
		users = ECFS_MSG_MAX_USERS;
	}
	ecfs_daemon_bits = 1;
	while (users >> ecfs_daemon_bits)
		ecfs_daemon_bits++;
	if (timeout < 1 || timeout > ECFS_MSG_MAX_TIMEOUT_S) {
		pr_warn("ecryptfs_message_wait_timeout %ld is out of range 1..%d, using %d\n",
			timeout, ECFS_MSG_MAX_TIMEOUT_S,
			ECFS_MSG_DEFAULT_TIMEOUT_S);
		timeout = ECFS_MSG_DEFAULT_TIMEOUT_S;
	}
	ecfs_timeout = timeout * HZ;
	ecfs_nr_ctxs = ecryptfs_message_buf_len;
	if (!ecfs_nr_ctxs) {
		pr_warn("ecryptfs_message_buf_len 0 leaves no room for requests, using 1\n");
		ecfs_nr_ctxs = 1;
	}

	ecfs_daemons = kcalloc(1U << ecfs_daemon_bits, sizeof(*ecfs_daemons),
			       GFP_KERNEL);
	if (!ecfs_daemons)
		return -ENOMEM;
	ecfs_ctxs = kvcalloc(ecfs_nr_ctxs, sizeof(*ecfs_ctxs), GFP_KERNEL);
	if (!ecfs_ctxs) {
		kfree(ecfs_daemons);
		ecfs_daemons = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < ecfs_nr_ctxs; i++) {
		struct ecfs_msg_ctx *ctx = &ecfs_ctxs[i];

		ctx->index = i;
		ctx->state = ECFS_CTX_FREE;
		init_waitqueue_head(&ctx->wait);
		list_add_tail(&ctx->node, &ecfs_free_ctxs);
	}
	return 0;
}

/*
 * Module exit: the transports are gone, so no daemon is registered and,
 * with no mount left, no request is pending.
 */
void ecfs_messaging_exit(void)
{
	unsigned int i;

	for (i = 0; i < ecfs_nr_ctxs; i++) {
		kfree_sensitive(ecfs_ctxs[i].req);
		kfree_sensitive(ecfs_ctxs[i].reply);
	}
	INIT_LIST_HEAD(&ecfs_free_ctxs);
	kvfree(ecfs_ctxs);
	ecfs_ctxs = NULL;
	kfree(ecfs_daemons);
	ecfs_daemons = NULL;
}
