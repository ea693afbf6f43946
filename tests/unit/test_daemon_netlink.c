// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_daemon_netlink.c - ecryptfsd's generic netlink codec: what the
 * kernel sends is turned into exactly the /dev/ecryptfs REQUEST frame the
 * dispatch code reads, anything malformed is refused with its own errno,
 * and a RESPONSE frame from the dispatch becomes the attributes the
 * kernel's policy expects (proto section 13).
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "ecfs_frame.h"
#include "daemon/ecfsd_netlink.h"

#define FAMILY	0x21

/* A hand-made datagram, so that malformed ones can be made too. */
struct dgram {
	uint32_t w[1024];	/* aligned as the daemon's receive buffer */
	size_t len;
};

static uint8_t *db(struct dgram *d)
{
	return (uint8_t *)d->w;
}

static void start(struct dgram *d, uint16_t type, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *h = (struct nlmsghdr *)d->w;
	struct genlmsghdr *g;

	memset(d, 0, sizeof(*d));
	h->nlmsg_type = type;
	g = NLMSG_DATA(h);
	g->cmd = cmd;
	g->version = version;
	d->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static void put(struct dgram *d, uint16_t type, const void *p, size_t n)
{
	struct nlattr *a = (struct nlattr *)(db(d) + d->len);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	if (n)
		memcpy(db(d) + d->len + NLA_HDRLEN, p, n);
	d->len += NLA_ALIGN(NLA_HDRLEN + n);
}

static void put32(struct dgram *d, uint16_t type, uint32_t v)
{
	put(d, type, &v, sizeof(v));
}

static void finish(struct dgram *d)
{
	((struct nlmsghdr *)d->w)->nlmsg_len = (uint32_t)d->len;
}

static const uint8_t payload[] = { 0x42, 0x10, '0', '1', '2', '3', '4', '5', '6', '7',
				   '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 0x03, 0x07, 0x01, 0x02 };

static void good_request(struct dgram *d)
{
	start(d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(d, ECFS_GENL_A_COUNTER, 0x01020304);
	put32(d, ECFS_GENL_A_INDEX, 7);
	put(d, ECFS_GENL_A_DATA, payload, sizeof(payload));
	finish(d);
}

static int parse(struct dgram *d, uint8_t *frame, size_t cap, size_t *flen)
{
	int nl_err = 99;

	return ecfsd_nl_parse(d->w, d->len, FAMILY, frame, cap, flen, &nl_err);
}

static void test_request_becomes_frame(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct ecfs_frame f;
	struct dgram d;
	size_t flen;

	(void)state;
	good_request(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), ECFSD_NL_REQUEST);
	assert_int_equal(ecfs_frame_decode(frame, flen, ECFS_FRAME_FROM_KERNEL, &f), 0);
	assert_int_equal(f.type, ECFS_MSG_REQUEST);
	assert_int_equal(f.seq, 0x01020304);
	assert_int_equal(f.index, 7);
	assert_int_equal(f.data_len, sizeof(payload));
	assert_memory_equal(f.data, payload, sizeof(payload));
	/* The same bytes the miscdev would have delivered. */
	assert_int_equal(flen, ECFS_MSG_OFF_LEN + 1 + ECFS_MSG_HDR_SIZE + sizeof(payload));
	assert_int_equal(frame[1], 0x01);
	assert_int_equal(frame[4], 0x04);
}

static void test_attribute_order_is_free(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct ecfs_frame f;
	struct dgram d;
	size_t flen;

	(void)state;
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put(&d, ECFS_GENL_A_DATA, payload, 3);	/* unpadded length 7 */
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put32(&d, ECFS_GENL_A_COUNTER, 2);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), ECFSD_NL_REQUEST);
	assert_int_equal(ecfs_frame_decode(frame, flen, ECFS_FRAME_FROM_KERNEL, &f), 0);
	assert_int_equal(f.seq, 2);
	assert_int_equal(f.index, 1);
	assert_int_equal(f.data_len, 3);
}

static void test_missing_or_repeated_attribute(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct dgram d;
	size_t flen;
	int skip;

	(void)state;
	for (skip = ECFS_GENL_A_COUNTER; skip <= ECFS_GENL_A_DATA; skip++) {
		start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
		if (skip != ECFS_GENL_A_COUNTER)
			put32(&d, ECFS_GENL_A_COUNTER, 1);
		if (skip != ECFS_GENL_A_INDEX)
			put32(&d, ECFS_GENL_A_INDEX, 1);
		if (skip != ECFS_GENL_A_DATA)
			put(&d, ECFS_GENL_A_DATA, payload, sizeof(payload));
		finish(&d);
		assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
		assert_int_equal(flen, 0);
	}
	good_request(&d);
	put32(&d, ECFS_GENL_A_INDEX, 3);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	/* Unknown type, type 0, and the nested/byte-order flags. */
	good_request(&d);
	put32(&d, ECFS_GENL_A_MAX + 1, 3);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	good_request(&d);
	put32(&d, 0, 3);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(&d, ECFS_GENL_A_COUNTER | NLA_F_NESTED, 1);
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put(&d, ECFS_GENL_A_DATA, payload, sizeof(payload));
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
}

static void test_attribute_lengths(void **state)
{
	static uint8_t big[ECFS_GENL_MAX_REQUEST_DATA + 1];
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	uint64_t wide = 1;
	uint16_t narrow = 1;
	struct dgram d;
	size_t flen;

	(void)state;
	/* u32 attributes are exactly 4 bytes. */
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put(&d, ECFS_GENL_A_COUNTER, &wide, sizeof(wide));
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put(&d, ECFS_GENL_A_DATA, payload, sizeof(payload));
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(&d, ECFS_GENL_A_COUNTER, 1);
	put(&d, ECFS_GENL_A_INDEX, &narrow, sizeof(narrow));
	put(&d, ECFS_GENL_A_DATA, payload, sizeof(payload));
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	/* DATA is 1..ECFS_GENL_MAX_REQUEST_DATA bytes. */
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(&d, ECFS_GENL_A_COUNTER, 1);
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put(&d, ECFS_GENL_A_DATA, NULL, 0);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(&d, ECFS_GENL_A_COUNTER, 1);
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put(&d, ECFS_GENL_A_DATA, big, sizeof(big));
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EINVAL);
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	put32(&d, ECFS_GENL_A_COUNTER, 1);
	put32(&d, ECFS_GENL_A_INDEX, 1);
	put(&d, ECFS_GENL_A_DATA, big, sizeof(big) - 1);
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), ECFSD_NL_REQUEST);
	assert_int_equal(flen, ECFS_MSG_MAX_REQUEST_SIZE);
	/* A frame buffer one byte short. */
	assert_int_equal(parse(&d, frame, sizeof(frame) - 1, &flen), -ENOSPC);
}

static void test_truncated_and_inconsistent(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct nlattr *last;
	struct dgram d;
	size_t flen, n;

	(void)state;
	good_request(&d);
	/*
	 * Every truncation into the content of a good datagram is refused
	 * (only the last attribute's padding may go).
	 */
	for (n = 0; n < d.len - (NLA_ALIGN(sizeof(payload)) - sizeof(payload)); n++) {
		int r;

		((struct nlmsghdr *)d.w)->nlmsg_len = (uint32_t)n;
		r = ecfsd_nl_parse(d.w, n, FAMILY, frame, sizeof(frame), &flen, &(int){ 0 });
		assert_true(r == -EBADMSG || r == -EINVAL);
	}
	/* nlmsg_len disagreeing with the datagram. */
	good_request(&d);
	((struct nlmsghdr *)d.w)->nlmsg_len = (uint32_t)d.len - 4;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EBADMSG);
	/* An attribute claiming more than is left. */
	good_request(&d);
	last = (struct nlattr *)(db(&d) + d.len - NLA_ALIGN(NLA_HDRLEN + sizeof(payload)));
	last->nla_len += 8;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EBADMSG);
	/* An attribute shorter than its own header. */
	good_request(&d);
	last->nla_len = 2;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EBADMSG);
	/* Trailing bytes too short for an attribute header. */
	good_request(&d);
	d.len += 2;
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EBADMSG);
}

static void test_other_family_command_version(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct dgram d;
	size_t flen;

	(void)state;
	good_request(&d);
	((struct nlmsghdr *)d.w)->nlmsg_type = FAMILY + 1;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EPROTO);
	good_request(&d);
	((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)d.w))->cmd = ECFS_GENL_CMD_RESPONSE;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EPROTO);
	good_request(&d);
	((struct genlmsghdr *)NLMSG_DATA((struct nlmsghdr *)d.w))->version = 2;
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EPROTO);
	/* A genl header cut short. */
	start(&d, FAMILY, ECFS_GENL_CMD_REQUEST, ECFS_GENL_VERSION);
	d.len = NLMSG_HDRLEN + 2;
	finish(&d);
	assert_int_equal(parse(&d, frame, sizeof(frame), &flen), -EBADMSG);
}

static void test_error_and_ack(void **state)
{
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE];
	struct nlmsghdr *h;
	struct nlmsgerr *e;
	struct dgram d;
	size_t flen;
	int nl_err = 1;

	(void)state;
	memset(&d, 0, sizeof(d));
	h = (struct nlmsghdr *)d.w;
	h->nlmsg_type = NLMSG_ERROR;
	e = NLMSG_DATA(h);
	e->error = -EEXIST;
	d.len = NLMSG_HDRLEN + sizeof(*e);
	finish(&d);
	assert_int_equal(ecfsd_nl_parse(d.w, d.len, FAMILY, frame, sizeof(frame), &flen,
					&nl_err), ECFSD_NL_ERROR);
	assert_int_equal(nl_err, -EEXIST);
	e->error = 0;
	assert_int_equal(ecfsd_nl_parse(d.w, d.len, FAMILY, frame, sizeof(frame), &flen,
					&nl_err), ECFSD_NL_ERROR);
	assert_int_equal(nl_err, 0);
	e->error = 5;
	assert_int_equal(ecfsd_nl_parse(d.w, d.len, FAMILY, frame, sizeof(frame), &flen,
					&nl_err), -EBADMSG);
	e->error = -EEXIST;
	d.len -= 4;
	finish(&d);
	assert_int_equal(ecfsd_nl_parse(d.w, d.len, FAMILY, frame, sizeof(frame), &flen,
					&nl_err), -EBADMSG);
	h->nlmsg_type = NLMSG_DONE;
	assert_int_equal(ecfsd_nl_parse(d.w, d.len, FAMILY, frame, sizeof(frame), &flen,
					&nl_err), ECFSD_NL_IGNORED);
}

static void test_response_attributes(void **state)
{
	static const uint8_t reply[] = { 0x43, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef };
	struct nla_policy pol[ECFS_GENL_A_MAX + 1] = {
		[ECFS_GENL_A_COUNTER] = { .type = NLA_U32 },
		[ECFS_GENL_A_INDEX] = { .type = NLA_U32 },
		[ECFS_GENL_A_DATA] = { .type = NLA_UNSPEC },
	};
	struct nlattr *tb[ECFS_GENL_A_MAX + 1];
	uint8_t buf[ECFS_MSG_MAX_WRITE_SIZE];
	struct genlmsghdr *g;
	struct ecfs_frame f = {
		.type = ECFS_MSG_RESPONSE, .seq = 0xa0b0c0d0, .has_msg = 1,
		.index = 31, .data_len = sizeof(reply), .data = reply,
	};
	struct nl_msg *msg;
	int n;

	(void)state;
	n = ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f);
	assert_true(n > 0);
	assert_int_equal(ecfsd_nl_build_response(buf, (size_t)n, FAMILY, &msg), 0);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_type, FAMILY);
	g = nlmsg_data(nlmsg_hdr(msg));
	assert_int_equal(g->cmd, ECFS_GENL_CMD_RESPONSE);
	assert_int_equal(g->version, ECFS_GENL_VERSION);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ECFS_GENL_A_MAX, pol), 0);
	assert_non_null(tb[ECFS_GENL_A_COUNTER]);
	assert_int_equal(nla_get_u32(tb[ECFS_GENL_A_COUNTER]), 0xa0b0c0d0);
	assert_int_equal(nla_get_u32(tb[ECFS_GENL_A_INDEX]), 31);
	assert_int_equal(nla_len(tb[ECFS_GENL_A_DATA]), sizeof(reply));
	assert_memory_equal(nla_data(tb[ECFS_GENL_A_DATA]), reply, sizeof(reply));
	nlmsg_free(msg);

	/* HELO/QUIT frames and damaged frames are not turned into responses. */
	f.type = ECFS_MSG_HELO;
	f.has_msg = 0;
	n = ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f);
	assert_int_equal(ecfsd_nl_build_response(buf, (size_t)n, FAMILY, &msg), -EPROTO);
	assert_null(msg);
	assert_true(ecfsd_nl_build_response(buf, 3, FAMILY, &msg) < 0);
	assert_null(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_becomes_frame),
		cmocka_unit_test(test_attribute_order_is_free),
		cmocka_unit_test(test_missing_or_repeated_attribute),
		cmocka_unit_test(test_attribute_lengths),
		cmocka_unit_test(test_truncated_and_inconsistent),
		cmocka_unit_test(test_other_family_command_version),
		cmocka_unit_test(test_error_and_ack),
		cmocka_unit_test(test_response_attributes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
