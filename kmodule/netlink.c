// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink.c - the "ecryptfs" generic netlink family (proto section 13),
 * a second way for ecryptfsd to reach the request pool of messaging.c.
 *
 * A daemon registers its socket with HELO.  The registration is bound to
 * the euid of the credentials that opened the socket (as /dev/ecryptfs
 * binds the opener's), never to anything in the message, and no
 * capability is needed: a daemon only ever sees requests made by tasks of
 * its own euid, so registering gains a user nothing.  One euid has one
 * daemon over both transports (messaging.c's table enforces it).
 *
 * Identity of the daemon is the socket itself: HELO takes a reference on
 * the sending struct sock (which also keeps its network namespace), and
 * QUIT and RESPONSE are honoured only when they come from that very
 * socket, so a port id reused by another socket cannot answer for it.
 * Requests go out by unicast to the port id from a
 * work item, because messaging.c notifies with its lock held and sending
 * may have to wait for room in the receiver's buffer.
 *
 * The socket's release (NETLINK_URELEASE) unregisters the daemon, which
 * fails every request it holds at once.  Release unhashes the port before
 * the notifier runs, so the entry to drop is the one whose socket is
 * already orphaned (SOCK_DEAD); the send work checks the same flag.
 *
 * A registered daemon holds a reference on the module: rmmod is refused
 * while one is attached, exactly as an open /dev/ecryptfs refuses it.
 *
 * Locking: ecfs_nl_lock guards ecfs_nl_daemons and is taken before
 * messaging.c's lock.  The send work takes only messaging.c's lock.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/skbuff.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/sock.h>
#include <net/netlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "ecfs.h"
#include "netlink.h"

/* Pause before resending when the daemon's receive buffer is full. */
#define ECFS_NL_RETRY_MS	20

struct ecfs_nl_daemon {
	struct ecfs_daemon d;
	struct list_head node;		/* in ecfs_nl_daemons */
	struct sock *sk;		/* referenced: who the daemon is */
	u32 portid;			/* where requests go */
	struct delayed_work send;
};

static DEFINE_MUTEX(ecfs_nl_lock);
static LIST_HEAD(ecfs_nl_daemons);
static struct genl_family ecfs_genl_family;

static const struct nla_policy ecfs_genl_response_policy[ECFS_GENL_A_MAX + 1] = {
	[ECFS_GENL_A_COUNTER]	= { .type = NLA_U32 },
	[ECFS_GENL_A_INDEX]	= { .type = NLA_U32 },
	[ECFS_GENL_A_DATA]	= NLA_POLICY_RANGE(NLA_BINARY, 1,
						   ECFS_GENL_MAX_RESPONSE_DATA),
};

static struct ecfs_nl_daemon *ecfs_nl_find_locked(const struct sock *sk)
{
	struct ecfs_nl_daemon *nd;

	lockdep_assert_held(&ecfs_nl_lock);
	list_for_each_entry(nd, &ecfs_nl_daemons, node) {
		if (nd->sk == sk)
			return nd;
	}
	return NULL;
}

/* Wipe and drop our reference on a request's payload page. */
static void ecfs_nl_release_copy(void *copy)
{
	struct page *page = copy;

	memzero_explicit(page_address(page),
			 NLA_ALIGN(ECFS_GENL_MAX_REQUEST_DATA));
	put_page(page);
}

/*
 * A request's DATA may be a file key in the clear (tag 66), and the
 * socket that receives the message frees it without wiping.  So DATA
 * never enters the skb's head: it lives in a page of ours, attached as
 * the skb's only fragment, and we keep a reference on that page until
 * the request is over (ecfs_daemon_keep_copy()), then wipe it.  Netlink
 * only ever shares a fragment by reference: netlink_trim() may copy the
 * head (which holds no secret), taps clone the skb, the receiver copies
 * to user space and frees; none of them copies the page.  An extra
 * reference on the skb itself would not do: its destructor uncharges the
 * receiving socket, which may not be the one we hold (the port id is
 * looked up again on every send) and must not outlive it.
 */
static int ecfs_nl_send_one(struct ecfs_nl_daemon *nd, u32 ctr, u32 index,
			    const struct ecfs_message *msg)
{
	size_t padded = NLA_ALIGN(msg->data_len);
	struct sk_buff *skb;
	struct nlattr *nla;
	struct page *page;
	void *hdr;
	int err;

	if (!msg->data_len || msg->data_len > ECFS_GENL_MAX_REQUEST_DATA)
		return -EMSGSIZE;
	skb = genlmsg_new(2 * nla_total_size(sizeof(u32)) + nla_total_size(0),
			  GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		nlmsg_free(skb);
		return -ENOMEM;
	}
	hdr = genlmsg_put(skb, 0, 0, &ecfs_genl_family, 0,
			  ECFS_GENL_CMD_REQUEST);
	if (!hdr || nla_put_u32(skb, ECFS_GENL_A_COUNTER, ctr) ||
	    nla_put_u32(skb, ECFS_GENL_A_INDEX, index))
		goto too_big;
	/* DATA's header closes the head; its payload is the fragment. */
	nla = nla_reserve(skb, ECFS_GENL_A_DATA, 0);
	if (!nla)
		goto too_big;
	nla->nla_len = nla_attr_size(msg->data_len);
	memcpy(page_address(page), msg->data, msg->data_len);
	memset(page_address(page) + msg->data_len, 0,
	       padded - msg->data_len);
	get_page(page);		/* ours, until the request is over */
	skb_add_rx_frag(skb, 0, page, 0, padded, PAGE_SIZE);
	nlmsg_hdr(skb)->nlmsg_len = skb->len;

	err = genlmsg_unicast(sock_net(nd->sk), skb, nd->portid);
	if (err || ecfs_daemon_keep_copy(&nd->d, index, ctr, page))
		ecfs_nl_release_copy(page);
	return err;

too_big:
	nlmsg_free(skb);
	__free_page(page);
	return -EMSGSIZE;
}

/*
 * Hand every queued request to the daemon.  A request that cannot be
 * sent goes back to the head of the queue: after a pause when the
 * receiver is full or memory is short, for good when the socket is going
 * away (its release then fails it).
 */
static void ecfs_nl_send_work(struct work_struct *work)
{
	struct ecfs_nl_daemon *nd = container_of(to_delayed_work(work),
						 struct ecfs_nl_daemon, send);
	const size_t cap = ECFS_MSG_HDR_SIZE + ECFS_GENL_MAX_REQUEST_DATA;
	struct ecfs_message *msg;
	u32 ctr, index;
	ssize_t got;
	int err;

	msg = kmalloc(cap, GFP_KERNEL);
	if (!msg) {
		queue_delayed_work(system_wq, &nd->send,
				   msecs_to_jiffies(ECFS_NL_RETRY_MS));
		return;
	}
	while (!sock_flag(nd->sk, SOCK_DEAD)) {
		/* Requests are bounded by ECFS_GENL_MAX_REQUEST_DATA. */
		got = ecfs_daemon_take(&nd->d, &ctr, &index, msg, cap);
		if (got <= 0)
			break;
		err = ecfs_nl_send_one(nd, ctr, index, msg);
		if (!err)
			continue;
		ecfs_daemon_unread(&nd->d, index, ctr);
		if (err == -EAGAIN || err == -ENOMEM || err == -ENOBUFS)
			queue_delayed_work(system_wq, &nd->send,
					   msecs_to_jiffies(ECFS_NL_RETRY_MS));
		else
			pr_warn_ratelimited("cannot send a request to ecryptfsd at netlink port %u: %d\n",
					    nd->portid, err);
		break;
	}
	kfree_sensitive(msg);
}

/* Called by messaging.c with its lock held. */
static void ecfs_nl_notify(struct ecfs_daemon *d)
{
	struct ecfs_nl_daemon *nd = container_of(d, struct ecfs_nl_daemon, d);

	mod_delayed_work(system_wq, &nd->send, 0);
}

static const struct ecfs_daemon_ops ecfs_nl_ops = {
	.name = "netlink",
	.notify = ecfs_nl_notify,
	.release_copy = ecfs_nl_release_copy,
};

/* Take @nd out of the list and of messaging.  ecfs_nl_lock held. */
static void ecfs_nl_unlink_locked(struct ecfs_nl_daemon *nd)
{
	lockdep_assert_held(&ecfs_nl_lock);
	list_del_init(&nd->node);
	ecfs_daemon_unregister(&nd->d);
}

/* Free an unlinked daemon; no lock held. */
static void ecfs_nl_free(struct ecfs_nl_daemon *nd)
{
	cancel_delayed_work_sync(&nd->send);
	sock_put(nd->sk);
	kfree(nd);
	module_put(THIS_MODULE);
}

static int ecfs_nl_helo(struct sk_buff *skb, struct genl_info *info)
{
	struct sock *sk = NETLINK_CB(skb).sk;
	struct ecfs_nl_daemon *nd;
	kuid_t euid;
	int err;

	/* The opener's credentials, as /dev/ecryptfs uses its opener's. */
	if (!sk->sk_socket || !sk->sk_socket->file) {
		NL_SET_ERR_MSG(info->extack, "sender has no socket file");
		return -EPERM;
	}
	euid = sk->sk_socket->file->f_cred->euid;

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return -ENOMEM;
	nd->sk = sk;
	nd->portid = info->snd_portid;
	INIT_LIST_HEAD(&nd->node);
	INIT_DELAYED_WORK(&nd->send, ecfs_nl_send_work);

	mutex_lock(&ecfs_nl_lock);
	if (ecfs_nl_find_locked(sk)) {
		NL_SET_ERR_MSG(info->extack,
			       "this socket is already registered as ecryptfsd");
		err = -EALREADY;
		goto out_unlock;
	}
	if (!try_module_get(THIS_MODULE)) {
		err = -ENODEV;
		goto out_unlock;
	}
	/* Messaging may notify as soon as this succeeds: nd is complete. */
	err = ecfs_daemon_register(&nd->d, euid, &ecfs_nl_ops);
	if (err) {
		module_put(THIS_MODULE);
		NL_SET_ERR_MSG(info->extack,
			       "another ecryptfsd (netlink or /dev/ecryptfs) is registered for this user");
		err = -EEXIST;
		goto out_unlock;
	}
	sock_hold(sk);
	list_add_tail(&nd->node, &ecfs_nl_daemons);
	nd = NULL;
out_unlock:
	mutex_unlock(&ecfs_nl_lock);
	kfree(nd);
	return err;
}

static int ecfs_nl_quit(struct sk_buff *skb, struct genl_info *info)
{
	struct ecfs_nl_daemon *nd;

	mutex_lock(&ecfs_nl_lock);
	nd = ecfs_nl_find_locked(NETLINK_CB(skb).sk);
	if (nd)
		ecfs_nl_unlink_locked(nd);
	mutex_unlock(&ecfs_nl_lock);
	if (!nd) {
		NL_SET_ERR_MSG(info->extack, "this socket is not a registered ecryptfsd");
		return -ENOTCONN;
	}
	ecfs_nl_free(nd);
	return 0;
}

static int ecfs_nl_response(struct sk_buff *skb, struct genl_info *info)
{
	struct ecfs_nl_daemon *nd;
	struct ecfs_message *msg;
	const struct nlattr *data;
	size_t len, size;
	u32 ctr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, ECFS_GENL_A_COUNTER) ||
	    GENL_REQ_ATTR_CHECK(info, ECFS_GENL_A_INDEX) ||
	    GENL_REQ_ATTR_CHECK(info, ECFS_GENL_A_DATA))
		return -EINVAL;
	data = info->attrs[ECFS_GENL_A_DATA];
	len = nla_len(data);
	size = struct_size(msg, data, len);
	msg = kmalloc(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	msg->index = nla_get_u32(info->attrs[ECFS_GENL_A_INDEX]);
	msg->data_len = len;
	memcpy(msg->data, nla_data(data), len);
	/*
	 * DATA may hold a file key (tag 65).  The skb came from
	 * netlink_sendmsg() and, unless a tap (nlmon) still holds a clone of
	 * it, its data is ours alone to write; a clone's data is read-only,
	 * and the tap has been handed the key anyway.  An error ack that
	 * echoes the RESPONSE then carries zeros too.
	 */
	if (!skb_cloned(skb))
		memzero_explicit(nla_data(data), len);
	ctr = nla_get_u32(info->attrs[ECFS_GENL_A_COUNTER]);

	mutex_lock(&ecfs_nl_lock);
	nd = ecfs_nl_find_locked(NETLINK_CB(skb).sk);
	if (nd)
		err = ecfs_daemon_reply(&nd->d, ctr, msg, size);
	else
		err = -ENOTCONN;
	mutex_unlock(&ecfs_nl_lock);
	kfree_sensitive(msg);

	if (err == -ENOTCONN) {
		NL_SET_ERR_MSG(info->extack, "this socket is not a registered ecryptfsd");
	} else if (err == -EINVAL) {
		NL_SET_ERR_MSG(info->extack,
			       "no such pending request for this daemon");
		pr_warn_ratelimited("netlink response refused: no such pending request for this daemon\n");
	}
	return err;
}

static const struct genl_ops ecfs_genl_ops[] = {
	/* No policy: the core refuses any attribute on HELO and QUIT. */
	{
		.cmd	= ECFS_GENL_CMD_HELO,
		.doit	= ecfs_nl_helo,
	},
	{
		.cmd	= ECFS_GENL_CMD_QUIT,
		.doit	= ecfs_nl_quit,
	},
	{
		.cmd	= ECFS_GENL_CMD_RESPONSE,
		.doit	= ecfs_nl_response,
		.policy	= ecfs_genl_response_policy,
		.maxattr = ECFS_GENL_A_MAX,
	},
};

static struct genl_family ecfs_genl_family = {
	.name		= ECFS_GENL_NAME,
	.version	= ECFS_GENL_VERSION,
	.module		= THIS_MODULE,
	.ops		= ecfs_genl_ops,
	.n_ops		= ARRAY_SIZE(ecfs_genl_ops),
	/* Strict header and attribute checks for every command. */
	.resv_start_op	= ECFS_GENL_CMD_HELO,
	/*
	 * Any network namespace: registration is by (global) euid, as for
	 * /dev/ecryptfs, and a sandboxed daemon (PrivateNetwork=) has its own.
	 */
	.netnsok	= true,
};

static int ecfs_nl_event(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ecfs_nl_daemon *nd, *found = NULL;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    list_empty_careful(&ecfs_nl_daemons))
		return NOTIFY_DONE;
	mutex_lock(&ecfs_nl_lock);
	list_for_each_entry(nd, &ecfs_nl_daemons, node) {
		if (nd->portid == n->portid && net_eq(sock_net(nd->sk), n->net) &&
		    sock_flag(nd->sk, SOCK_DEAD)) {
			found = nd;
			ecfs_nl_unlink_locked(nd);
			break;
		}
	}
	mutex_unlock(&ecfs_nl_lock);
	if (found)
		ecfs_nl_free(found);
	return NOTIFY_DONE;
}

static struct notifier_block ecfs_nl_notifier = {
	.notifier_call = ecfs_nl_event,
};

int ecfs_netlink_init(void)
{
	int err;

	err = netlink_register_notifier(&ecfs_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&ecfs_genl_family);
	if (err)
		netlink_unregister_notifier(&ecfs_nl_notifier);
	return err;
}

/*
 * Every daemon holds a module reference, so none is left here; the
 * family goes first so that no HELO can race with the notifier's removal.
 */
void ecfs_netlink_exit(void)
{
	genl_unregister_family(&ecfs_genl_family);
	netlink_unregister_notifier(&ecfs_nl_notifier);
}
