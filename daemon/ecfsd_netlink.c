// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generic netlink transport (ecryptfs_proto.h section 13) over
 * libnl-genl-3.  libnl resolves the family and builds the messages we
 * send; what the kernel sends is parsed here, strictly, because the
 * dispatch code after it trusts the frame's framing.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "ecfs_errbuf.h"
#include "ecfs_frame.h"
#include "ecfsd_netlink.h"
#include "ecfsd_req.h"

/* The largest datagram the kernel sends us (a request or an error). */
#define NLT_RX_BUF		4096
/* Requests that arrive while we wait for HELO's answer. */
#define NLT_EARLY_MAX		64
#define NLT_HELO_TIMEOUT_MS	5000

int ecfsd_nl_parse(const void *buf, size_t len, int family_id, uint8_t *frame,
		   size_t cap, size_t *frame_len, int *nl_err)
{
	const struct nlmsghdr *nlh = buf;
	const struct genlmsghdr *gh;
	const struct nlattr *seen[ECFS_GENL_A_MAX + 1] = { NULL };
	const uint8_t *p, *end;
	struct ecfs_frame f;
	uint32_t ctr, index;
	int n;

	*frame_len = 0;
	*nl_err = 0;
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN ||
	    nlh->nlmsg_len != len)
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_DONE:
		return ECFSD_NL_IGNORED;
	case NLMSG_ERROR: {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		if (len < NLMSG_HDRLEN + sizeof(*e))
			return -EBADMSG;
		/* The kernel's error is 0 (an ack) or a negative errno. */
		if (e->error > 0 || e->error < -4095)
			return -EBADMSG;
		*nl_err = e->error;
		return ECFSD_NL_ERROR;
	}
	default:
		break;
	}
	if (family_id <= 0 || nlh->nlmsg_type != (unsigned int)family_id)
		return -EPROTO;
	if (len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	gh = NLMSG_DATA(nlh);
	if (gh->cmd != ECFS_GENL_CMD_REQUEST || gh->version != ECFS_GENL_VERSION)
		return -EPROTO;

	p = (const uint8_t *)gh + GENL_HDRLEN;
	end = (const uint8_t *)buf + len;
	while (p < end) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t alen, step;
		int type;

		if ((size_t)(end - p) < NLA_HDRLEN)
			return -EBADMSG;
		alen = a->nla_len;
		if (alen < NLA_HDRLEN || alen > (size_t)(end - p))
			return -EBADMSG;
		type = a->nla_type & NLA_TYPE_MASK;
		if (a->nla_type & ~NLA_TYPE_MASK)
			return -EINVAL;
		if (type < ECFS_GENL_A_COUNTER || type > ECFS_GENL_A_MAX ||
		    seen[type])
			return -EINVAL;
		alen -= NLA_HDRLEN;
		if (type == ECFS_GENL_A_DATA) {
			if (alen < 1 || alen > ECFS_GENL_MAX_REQUEST_DATA)
				return -EINVAL;
		} else if (alen != sizeof(uint32_t)) {
			return -EINVAL;
		}
		seen[type] = a;
		/* The last attribute may omit its padding. */
		step = NLA_ALIGN(a->nla_len);
		if (step > (size_t)(end - p))
			step = (size_t)(end - p);
		p += step;
	}
	if (!seen[ECFS_GENL_A_COUNTER] || !seen[ECFS_GENL_A_INDEX] ||
	    !seen[ECFS_GENL_A_DATA])
		return -EINVAL;

	memcpy(&ctr, (const uint8_t *)seen[ECFS_GENL_A_COUNTER] + NLA_HDRLEN,
	       sizeof(ctr));
	memcpy(&index, (const uint8_t *)seen[ECFS_GENL_A_INDEX] + NLA_HDRLEN,
	       sizeof(index));
	memset(&f, 0, sizeof(f));
	f.type = ECFS_MSG_REQUEST;
	f.seq = ctr;
	f.has_msg = 1;
	f.index = index;
	f.data_len = seen[ECFS_GENL_A_DATA]->nla_len - NLA_HDRLEN;
	f.data = (const uint8_t *)seen[ECFS_GENL_A_DATA] + NLA_HDRLEN;
	n = ecfs_frame_encode(frame, cap, ECFS_FRAME_FROM_KERNEL, &f);
	if (n == -ENOBUFS)
		return -ENOSPC;
	if (n < 0)
		return n;
	*frame_len = (size_t)n;
	return ECFSD_NL_REQUEST;
}

int ecfsd_nl_build_response(const uint8_t *frame, size_t len, int family_id,
			    struct nl_msg **out)
{
	struct ecfs_frame f;
	struct nl_msg *msg;
	int r;

	*out = NULL;
	r = ecfs_frame_decode(frame, len, ECFS_FRAME_TO_KERNEL, &f);
	if (r)
		return r;
	if (f.type != ECFS_MSG_RESPONSE || !f.has_msg || !f.data_len ||
	    f.data_len > ECFS_GENL_MAX_RESPONSE_DATA)
		return -EPROTO;
	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, 0,
			 ECFS_GENL_CMD_RESPONSE, ECFS_GENL_VERSION) ||
	    nla_put_u32(msg, ECFS_GENL_A_COUNTER, f.seq) ||
	    nla_put_u32(msg, ECFS_GENL_A_INDEX, f.index) ||
	    nla_put(msg, ECFS_GENL_A_DATA, (int)f.data_len, f.data)) {
		explicit_bzero(nlmsg_data(nlmsg_hdr(msg)), nlmsg_datalen(nlmsg_hdr(msg)));
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*out = msg;
	return 0;
}

/* ---- the transport ---- */

struct early_req {
	size_t len;
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
};

struct nl_transport {
	struct ecfsd_transport t;	/* first: ecfsd_transport_close() frees it */
	struct nl_sock *sk;
	int family;
	pthread_mutex_t send_lock;	/* libnl's sequence counter */
	struct early_req *early;	/* requests read while awaiting HELO's ack */
	unsigned int n_early, early_head;
	unsigned long refused;		/* responses the kernel refused */
};

/*
 * Read one datagram; only the kernel (port 0) may talk to us.  Returns
 * its length, 0 for "nothing usable", or -errno.
 */
static ssize_t nlt_read(struct nl_transport *nt, uint8_t *buf, size_t cap)
{
	struct sockaddr_nl from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	n = recvfrom(nl_socket_get_fd(nt->sk), buf, cap, MSG_DONTWAIT | MSG_TRUNC,
		     (struct sockaddr *)&from, &flen);
	if (n < 0) {
		/* ENOBUFS: the kernel could not queue something; it resends requests. */
		if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
			return 0;
		return -errno;
	}
	if ((size_t)n > cap || flen != sizeof(from) || from.nl_pid != 0) {
		/* Not ours to parse, but it may hold a request's file key. */
		explicit_bzero(buf, (size_t)n < cap ? (size_t)n : cap);
		return 0;
	}
	return n;
}

/* Returns the kind, with a request's frame in @frame. */
static int nlt_classify(struct nl_transport *nt, const uint8_t *buf, size_t n,
			uint8_t *frame, size_t cap, size_t *flen, int *nl_err)
{
	int kind = ecfsd_nl_parse(buf, n, nt->family, frame, cap, flen, nl_err);

	if (kind < 0)
		fprintf(stderr, "ecryptfsd: ignored a malformed netlink message from the kernel (%s)\n",
			strerror(-kind));
	return kind;
}

static ssize_t nlt_recv(struct ecfsd_transport *t, uint8_t *buf, size_t cap, int stop_fd)
{
	struct nl_transport *nt = (struct nl_transport *)t;
	uint8_t rx[NLT_RX_BUF] __attribute__((aligned(8)));
	size_t flen;
	ssize_t n;
	int ev, kind, nl_err;

	if (nt->n_early) {
		struct early_req *e = &nt->early[nt->early_head];

		if (e->len > cap)
			return -ENOSPC;
		memcpy(buf, e->frame, e->len);
		n = (ssize_t)e->len;
		explicit_bzero(e, sizeof(*e));
		nt->early_head = (nt->early_head + 1) % NLT_EARLY_MAX;
		nt->n_early--;
		return n;
	}
	ev = ecfsd_transport_wait(nl_socket_get_fd(nt->sk), stop_fd);
	if (ev <= 0)
		return ev;
	if (!(ev & (POLLIN | POLLERR)))
		return 0;
	n = nlt_read(nt, rx, sizeof(rx));
	if (n <= 0)
		return n;
	kind = nlt_classify(nt, rx, (size_t)n, buf, cap, &flen, &nl_err);
	explicit_bzero(rx, (size_t)n);
	if (kind == ECFSD_NL_REQUEST)
		return (ssize_t)flen;
	if (kind == ECFSD_NL_ERROR && nl_err) {
		nt->refused++;
		fprintf(stderr, "ecryptfsd: the kernel refused a netlink response: %s\n",
			strerror(-nl_err));
	}
	return 0;
}

static int nlt_send(struct ecfsd_transport *t, const uint8_t *buf, size_t len)
{
	struct nl_transport *nt = (struct nl_transport *)t;
	struct nl_msg *msg;
	int r;

	r = ecfsd_nl_build_response(buf, len, nt->family, &msg);
	if (r)
		return r;
	pthread_mutex_lock(&nt->send_lock);
	r = nl_send_auto(nt->sk, msg);
	pthread_mutex_unlock(&nt->send_lock);
	explicit_bzero(nlmsg_data(nlmsg_hdr(msg)), nlmsg_datalen(nlmsg_hdr(msg)));
	nlmsg_free(msg);
	return r < 0 ? -EIO : 0;
}

static void nlt_close(struct ecfsd_transport *t)
{
	struct nl_transport *nt = (struct nl_transport *)t;

	/* Closing the socket unregisters us (NETLINK_URELEASE). */
	if (nt->sk)
		nl_socket_free(nt->sk);
	nt->sk = NULL;
	if (nt->early) {
		explicit_bzero(nt->early, NLT_EARLY_MAX * sizeof(*nt->early));
		free(nt->early);
	}
	nt->early = NULL;
	pthread_mutex_destroy(&nt->send_lock);
	t->fd = -1;
}

static const struct ecfsd_transport_ops netlink_ops = {
	.name = "netlink",
	.recv = nlt_recv,
	.send = nlt_send,
	.close = nlt_close,
};

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Send HELO and wait for its answer.  Once registered the kernel may send
 * requests before the ack: they are kept for recv().  Returns the
 * kernel's -errno, or -ETIMEDOUT.
 */
static int nlt_helo(struct nl_transport *nt)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct timespec t0;
	uint8_t rx[NLT_RX_BUF] __attribute__((aligned(8)));
	int r;

	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nt->family, 0,
			 NLM_F_ACK, ECFS_GENL_CMD_HELO, ECFS_GENL_VERSION)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	r = nl_send_auto(nt->sk, msg);
	nlmsg_free(msg);
	if (r < 0)
		return -EIO;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = nl_socket_get_fd(nt->sk), .events = POLLIN };
		long left = NLT_HELO_TIMEOUT_MS - ms_since(&t0);
		struct early_req *e;
		int kind, nl_err;
		ssize_t n;
		size_t flen;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		n = nlt_read(nt, rx, sizeof(rx));
		if (n < 0)
			return (int)n;
		if (n == 0)
			continue;
		e = &nt->early[(nt->early_head + nt->n_early) % NLT_EARLY_MAX];
		kind = nlt_classify(nt, rx, (size_t)n, e->frame, sizeof(e->frame),
				    &flen, &nl_err);
		explicit_bzero(rx, (size_t)n);
		if (kind == ECFSD_NL_ERROR)
			return nl_err;
		if (kind == ECFSD_NL_REQUEST && nt->n_early < NLT_EARLY_MAX - 1) {
			e->len = flen;
			nt->n_early++;
		}
	}
}

int ecfsd_netlink_open(struct ecfsd_transport **out, char *err, size_t errlen)
{
	struct nl_transport *nt;
	int r, one;

	*out = NULL;
	nt = calloc(1, sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	nt->t.ops = &netlink_ops;
	nt->t.fd = -1;
	pthread_mutex_init(&nt->send_lock, NULL);
	nt->early = calloc(NLT_EARLY_MAX, sizeof(*nt->early));
	nt->sk = nl_socket_alloc();
	if (!nt->early || !nt->sk) {
		r = -ENOMEM;
		ecfs_errbuf(err, errlen, "out of memory for the netlink socket");
		goto fail;
	}
	r = genl_connect(nt->sk);
	if (r < 0) {
		ecfs_errbuf(err, errlen, "cannot open a generic netlink socket: %s", nl_geterror(r));
		r = -EIO;
		goto fail;
	}
	r = genl_ctrl_resolve(nt->sk, ECFS_GENL_NAME);
	if (r < 0) {
		ecfs_errbuf(err, errlen,
			"no generic netlink family \"%s\": load an ecryptfs module with netlink support (this project's kmodule), or use --transport=miscdev",
			ECFS_GENL_NAME);
		r = -ENOENT;
		goto fail;
	}
	nt->family = r;
	/*
	 * No ack for a RESPONSE that the kernel accepted: each would wake the
	 * reader for nothing (measured: two polls and reads per request
	 * instead of one).  A refused RESPONSE is still answered with its
	 * error, and HELO asks for its ack explicitly.
	 */
	nl_socket_disable_auto_ack(nt->sk);
	/* Room for a full pool of requests even if we fall behind. */
	nl_socket_set_buffer_size(nt->sk, 1 << 20, 0);
	/*
	 * An error about a response would echo the response, which may hold
	 * a file key (tag 65), back to us: ask for the header only.
	 */
	one = 1;
	setsockopt(nl_socket_get_fd(nt->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	r = nlt_helo(nt);
	if (r == -EEXIST) {
		ecfs_errbuf(err, errlen,
			"netlink: another ecryptfsd (netlink or /dev/ecryptfs) already serves user %u (the kernel allows one daemon per user)",
			(unsigned int)geteuid());
		goto fail;
	}
	if (r) {
		ecfs_errbuf(err, errlen, "netlink: the kernel refused the registration: %s",
			strerror(-r));
		goto fail;
	}
	nt->t.fd = nl_socket_get_fd(nt->sk);
	*out = &nt->t;
	return 0;
fail:
	nlt_close(&nt->t);
	free(nt);
	return r;
}
