// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_msg.c - tags 64-67 and /dev/ecryptfs frames, including the
 * kernel's write-side size rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"

static const char sig_hex[] = "253ca7e88811d184";

static void make_blob(struct ecfs_fek_blob *b, size_t len)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->cipher_code = ECFS_CIPHER_AES_128;
	b->fek_len = len;
	for (i = 0; i < len; i++)
		b->fek[i] = (uint8_t)(0xf0 + i);
}

static void test_checksum(void **state)
{
	uint8_t k[64];

	(void)state;
	memset(k, 0xff, sizeof(k));
	assert_int_equal(ecfs_fek_checksum(k, 64), 64 * 255);
	assert_int_equal(ecfs_fek_checksum(k, 0), 0);
	memset(k, 0xff, sizeof(k));
	/* The sum wraps at 65536 (only possible with more bytes). */
	assert_int_equal(ecfs_fek_checksum(k, 1), 255);
}

/* K alone, as a key module wraps it: the same bytes tag 66 carries. */
static void test_fek_blob(void **state)
{
	struct ecfs_fek_blob b, d;
	uint8_t k[ECFS_FEK_BLOB_MAX + 1];

	(void)state;
	make_blob(&b, 16);
	assert_int_equal(ecfs_fek_blob_encode(&b, k, sizeof(k)), 19);
	assert_int_equal(k[0], b.cipher_code);
	assert_memory_equal(k + 1, b.fek, 16);
	assert_int_equal((k[17] << 8) | k[18], ecfs_fek_checksum(b.fek, 16));
	assert_int_equal(ecfs_fek_blob_encode(&b, k, 18), -ENOBUFS);
	assert_int_equal(ecfs_fek_blob_decode(k, 19, &d), 0);
	assert_int_equal(d.fek_len, 16);
	assert_memory_equal(d.fek, b.fek, 16);
	k[18] ^= 1;
	assert_int_equal(ecfs_fek_blob_decode(k, 19, &d), -EKEYREJECTED);
	assert_int_equal(d.fek_len, 0);
	k[18] ^= 1;
	k[0] = 0x05;
	assert_int_equal(ecfs_fek_blob_decode(k, 19, &d), -EINVAL);
	assert_int_equal(ecfs_fek_blob_decode(k, 2, &d), -EMSGSIZE);
	assert_int_equal(ecfs_fek_blob_decode(k, ECFS_FEK_BLOB_MAX + 1, &d), -EMSGSIZE);
	b.cipher_code = 0x05;
	assert_int_equal(ecfs_fek_blob_encode(&b, k, sizeof(k)), -EINVAL);
}

static void test_tag66_layout(void **state)
{
	struct ecfs_fek_blob b, d;
	uint8_t buf[128], bad[128];
	char sig[17];
	uint16_t sum = 0;
	size_t i;

	(void)state;
	make_blob(&b, 16);
	for (i = 0; i < 16; i++)
		sum = (uint16_t)(sum + b.fek[i]);
	assert_int_equal(ecfs_tag66_encode(buf, sizeof(buf), sig_hex, &b), 38);
	assert_int_equal(buf[0], 0x42);
	assert_int_equal(buf[1], 16);
	assert_memory_equal(buf + 2, sig_hex, 16);
	assert_int_equal(buf[18], 19);
	assert_int_equal(buf[19], 7);
	assert_memory_equal(buf + 20, b.fek, 16);
	assert_int_equal(buf[36], sum >> 8);
	assert_int_equal(buf[37], sum & 0xff);
	assert_int_equal(ecfs_tag66_encode(buf, 37, sig_hex, &b), -ENOBUFS);

	assert_int_equal(ecfs_tag66_decode(buf, 38, sig, &d), 38);
	assert_string_equal(sig, sig_hex);
	assert_int_equal(d.fek_len, 16);
	assert_memory_equal(d.fek, b.fek, 16);
	for (i = 0; i < 38; i++)
		assert_int_equal(ecfs_tag66_decode(buf, i, sig, &d), -ENODATA);

	memcpy(bad, buf, 38);
	bad[37] ^= 1;
	memset(&d, 0x77, sizeof(d));
	assert_int_equal(ecfs_tag66_decode(bad, 38, sig, &d), -EKEYREJECTED);
	for (i = 0; i < sizeof(d.fek); i++)
		assert_int_equal(d.fek[i], 0);
	memcpy(bad, buf, 38);
	bad[5] = 'g';
	assert_int_equal(ecfs_tag66_decode(bad, 38, sig, &d), -EILSEQ);
	memcpy(bad, buf, 38);
	bad[1] = 15;
	assert_int_equal(ecfs_tag66_decode(bad, 38, sig, &d), -EMSGSIZE);
	memcpy(bad, buf, 38);
	bad[19] = 0x06;
	assert_int_equal(ecfs_tag66_decode(bad, 38, sig, &d), -EINVAL);
	memcpy(bad, buf, 38);
	bad[0] = 0x40;
	assert_int_equal(ecfs_tag66_decode(bad, 38, sig, &d), -EPROTO);
	assert_int_equal(ecfs_tag66_encode(buf, sizeof(buf), "253ca7e88811d18x", &b), -EILSEQ);
	b.fek_len = 65;
	assert_int_equal(ecfs_tag66_encode(buf, sizeof(buf), sig_hex, &b), -EMSGSIZE);
}

static void test_tag65(void **state)
{
	struct ecfs_fek_blob b, d;
	uint8_t buf[128], bad[128];
	size_t i;

	(void)state;
	make_blob(&b, 32);
	assert_int_equal(ecfs_tag65_encode(buf, sizeof(buf), &b), 38);
	assert_int_equal(buf[0], 0x41);
	assert_int_equal(buf[1], 0x00);
	assert_int_equal(buf[2], 35);
	assert_int_equal(ecfs_tag65_decode(buf, 38, &d), 38);
	assert_memory_equal(d.fek, b.fek, 32);
	assert_int_equal(d.fek_len, 32);
	for (i = 0; i < 38; i++)
		assert_int_equal(ecfs_tag65_decode(buf, i, &d), -ENODATA);

	assert_int_equal(ecfs_reply_encode_error(bad, sizeof(bad), ECFS_TAG_65), 2);
	assert_int_equal(bad[0], 0x41);
	assert_int_equal(bad[1], 0xff);
	assert_int_equal(ecfs_tag65_decode(bad, 2, &d), -EREMOTEIO);
	assert_int_equal(ecfs_reply_encode_error(bad, sizeof(bad), ECFS_TAG_66), -EPROTO);
	memcpy(bad, buf, 38);
	bad[2] = 2;
	assert_int_equal(ecfs_tag65_decode(bad, 38, &d), -EMSGSIZE);
	bad[2] = 3 + 65;
	memset(bad + 38, 0, 60);
	assert_int_equal(ecfs_tag65_decode(bad, 128, &d), -EMSGSIZE);
	/* An empty FEK is framed correctly (sum 0). */
	make_blob(&b, 0);
	assert_int_equal(ecfs_tag65_encode(buf, sizeof(buf), &b), 6);
	assert_int_equal(ecfs_tag65_decode(buf, 6, &d), 6);
	assert_int_equal(d.fek_len, 0);
}

static void test_tag64_tag67(void **state)
{
	static uint8_t enc[513], buf[600];
	const uint8_t *p;
	char sig[17];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(enc); i++)
		enc[i] = (uint8_t)i;
	assert_int_equal(ecfs_tag64_encode(buf, sizeof(buf), sig_hex, enc, 512), 532);
	assert_int_equal(buf[0], 0x40);
	assert_int_equal(buf[1], 16);
	assert_int_equal(buf[18], 0xc1);
	assert_int_equal(buf[19], 0x40);
	assert_int_equal(ecfs_tag64_decode(buf, 532, sig, &p, &len), 532);
	assert_string_equal(sig, sig_hex);
	assert_int_equal(len, 512);
	assert_ptr_equal(p, buf + 20);
	for (i = 0; i < 532; i++)
		assert_int_equal(ecfs_tag64_decode(buf, i, sig, &p, &len), -ENODATA);
	assert_int_equal(ecfs_tag64_encode(buf, sizeof(buf), sig_hex, enc, 513), -EMSGSIZE);
	assert_int_equal(ecfs_tag64_encode(buf, 531, sig_hex, enc, 512), -ENOBUFS);

	assert_int_equal(ecfs_tag67_encode(buf, sizeof(buf), enc, 128), 131);
	assert_int_equal(buf[0], 0x43);
	assert_int_equal(buf[1], 0x00);
	assert_int_equal(buf[2], 128);
	assert_int_equal(ecfs_tag67_decode(buf, 131, &p, &len), 131);
	assert_int_equal(len, 128);
	assert_memory_equal(p, enc, 128);
	for (i = 0; i < 131; i++)
		assert_int_equal(ecfs_tag67_decode(buf, i, &p, &len), -ENODATA);
	buf[1] = 0xff;
	assert_int_equal(ecfs_tag67_decode(buf, 131, &p, &len), -EREMOTEIO);
	assert_int_equal(ecfs_tag67_encode(buf, sizeof(buf), enc, 513), -EMSGSIZE);
	/* A hand-made 513-byte key. */
	buf[0] = 0x43;
	buf[1] = 0;
	assert_int_equal(ecfs_pktlen_encode(buf + 2, 2, 513), 2);
	assert_int_equal(ecfs_tag67_decode(buf, sizeof(buf), &p, &len), -EMSGSIZE);
}

static void test_frame_control(void **state)
{
	struct ecfs_frame f = { .type = ECFS_MSG_HELO, .seq = 0x01020304 };
	uint8_t buf[16];

	(void)state;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), 5);
	assert_int_equal(buf[0], 100);
	assert_int_equal(buf[1], 1);
	assert_int_equal(buf[4], 4);
	memset(&f, 0, sizeof(f));
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_TO_KERNEL, &f), 0);
	assert_int_equal(f.type, ECFS_MSG_HELO);
	assert_int_equal(f.seq, 0x01020304);
	assert_int_equal(f.has_msg, 0);
	assert_int_equal(ecfs_frame_decode(buf, 4, ECFS_FRAME_TO_KERNEL, &f), -ENODATA);
	/* A HELO with a (zero) length is framed but not interpreted. */
	buf[5] = 0;
	assert_int_equal(ecfs_frame_decode(buf, 6, ECFS_FRAME_TO_KERNEL, &f), 0);
	assert_int_equal(f.has_msg, 0);
	buf[5] = 1;
	assert_int_equal(ecfs_frame_decode(buf, 6, ECFS_FRAME_TO_KERNEL, &f), -ENODATA);
	buf[5] = 0;
	assert_int_equal(ecfs_frame_decode(buf, 7, ECFS_FRAME_TO_KERNEL, &f), -EBADMSG);
	buf[0] = ECFS_MSG_QUIT;
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_TO_KERNEL, &f), 0);
	buf[0] = 99;
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_FROM_KERNEL, &f), -EPROTO);
	buf[0] = 104;
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_FROM_KERNEL, &f), -EPROTO);
	buf[0] = ECFS_MSG_REQUEST;
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_TO_KERNEL, &f), -EPROTO);
	buf[0] = ECFS_MSG_RESPONSE;
	assert_int_equal(ecfs_frame_decode(buf, 5, ECFS_FRAME_TO_KERNEL, &f), -ENODATA);
	f.type = ECFS_MSG_RESPONSE;
	f.has_msg = 0;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), -EINVAL);
}

static void test_frame_response(void **state)
{
	static uint8_t data[600], buf[700];
	struct ecfs_frame f, d;
	uint32_t v;
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	memset(&f, 0, sizeof(f));
	f.type = ECFS_MSG_RESPONSE;
	f.seq = 0xa1b2c3d4;
	f.has_msg = 1;
	f.index = 31;
	f.data_len = 38;
	f.data = data;
	n = ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f);
	assert_int_equal(n, 1 + 4 + 1 + 8 + 38);
	assert_int_equal(buf[0], 103);
	assert_int_equal(buf[1], 0xa1);
	assert_int_equal(buf[4], 0xd4);
	assert_int_equal(buf[5], 46);
	memcpy(&v, buf + 6, 4);
	assert_int_equal(v, 31);
	memcpy(&v, buf + 10, 4);
	assert_int_equal(v, 38);
	assert_memory_equal(buf + 14, data, 38);
	assert_int_equal(ecfs_frame_decode(buf, (size_t)n, ECFS_FRAME_TO_KERNEL, &d), 0);
	assert_int_equal(d.has_msg, 1);
	assert_int_equal(d.index, 31);
	assert_int_equal(d.seq, 0xa1b2c3d4);
	assert_int_equal(d.data_len, 38);
	assert_ptr_equal(d.data, buf + 14);
	for (i = 0; i < (size_t)n; i++)
		assert_true(ecfs_frame_decode(buf, i, ECFS_FRAME_TO_KERNEL, &d) < 0);
	assert_int_equal(ecfs_frame_decode(buf, (size_t)n - 1, ECFS_FRAME_TO_KERNEL, &d),
			 -ENODATA);

	/* data_len that disagrees with the length code. */
	v = 37;
	memcpy(buf + 10, &v, 4);
	assert_int_equal(ecfs_frame_decode(buf, (size_t)n, ECFS_FRAME_TO_KERNEL, &d), -EBADMSG);
	/* The minimum response: 14 bytes, no data. */
	f.data_len = 0;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), 14);
	assert_int_equal(ecfs_frame_decode(buf, 14, ECFS_FRAME_TO_KERNEL, &d), 0);
	buf[5] = 7;
	assert_int_equal(ecfs_frame_decode(buf, 13, ECFS_FRAME_TO_KERNEL, &d), -ENODATA);

	/* 531 bytes is the largest write: 5 + 2 + 8 + 516. */
	f.data_len = 516;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), 531);
	assert_int_equal(ecfs_frame_decode(buf, 531, ECFS_FRAME_TO_KERNEL, &d), 0);
	f.data_len = 517;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), -EMSGSIZE);
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_FROM_KERNEL, &f), 532);
	assert_int_equal(ecfs_frame_decode(buf, 532, ECFS_FRAME_TO_KERNEL, &d), -EMSGSIZE);
	assert_int_equal(ecfs_frame_decode(buf, 532, ECFS_FRAME_FROM_KERNEL, &d), 0);
	assert_int_equal(ecfs_frame_encode(buf, 531, ECFS_FRAME_FROM_KERNEL, &f), -ENOBUFS);
	buf[5] = 0xff;
	assert_int_equal(ecfs_frame_decode(buf, 532, ECFS_FRAME_FROM_KERNEL, &d), -EOVERFLOW);
}

static void test_frame_request(void **state)
{
	static uint8_t pkt[600], buf[700];
	struct ecfs_frame f, d;
	const uint8_t *p;
	char sig[17];
	size_t len;
	int n;

	(void)state;
	n = ecfs_tag64_encode(pkt, sizeof(pkt), sig_hex, pkt + 580, 0);
	assert_int_equal(n, 19);
	/* The largest request: a tag 64 with 512 key bytes, 547 bytes. */
	n = ecfs_tag64_encode(pkt, sizeof(pkt), sig_hex, buf, 512);
	assert_int_equal(n, ECFS_MSG_MAX_REQUEST_DATA);
	memset(&f, 0, sizeof(f));
	f.type = ECFS_MSG_REQUEST;
	f.seq = 9;
	f.has_msg = 1;
	f.index = 2;
	f.data_len = (uint32_t)n;
	f.data = pkt;
	assert_int_equal(ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_TO_KERNEL, &f), -EPROTO);
	n = ecfs_frame_encode(buf, sizeof(buf), ECFS_FRAME_FROM_KERNEL, &f);
	assert_int_equal(n, ECFS_MSG_MAX_REQUEST_SIZE);
	assert_int_equal(ecfs_frame_decode(buf, (size_t)n, ECFS_FRAME_FROM_KERNEL, &d), 0);
	assert_int_equal(ecfs_tag64_decode(d.data, d.data_len, sig, &p, &len), (int)d.data_len);
	assert_int_equal(len, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_fek_blob),
		cmocka_unit_test(test_tag66_layout),
		cmocka_unit_test(test_tag65),
		cmocka_unit_test(test_tag64_tag67),
		cmocka_unit_test(test_frame_control),
		cmocka_unit_test(test_frame_response),
		cmocka_unit_test(test_frame_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
