// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_packet.c - packet length code and tags 1, 3, 11, 70 against
 * the upstream byte layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_packet.h"

static const uint8_t salt[8] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
static const uint8_t sig[8] = { 0x25, 0x3c, 0xa7, 0xe8, 0x88, 0x11, 0xd1, 0x84 };

static void test_pktlen_boundaries(void **state)
{
	uint8_t b[4];
	size_t v;

	(void)state;
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 0), 1);
	assert_int_equal(b[0], 0);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 191), 1);
	assert_int_equal(b[0], 191);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 192), 2);
	assert_int_equal(b[0], 0xc0);
	assert_int_equal(b[1], 0x00);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 266), 2);
	assert_int_equal(b[0], 0xc0);
	assert_int_equal(b[1], 0x4a);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 8383), 2);
	assert_int_equal(b[0], 0xdf);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 8384), -EMSGSIZE);
	assert_int_equal(ecfs_pktlen_encode(b, sizeof(b), 65535), -EMSGSIZE);
	assert_int_equal(ecfs_pktlen_encode(b, 1, 192), -ENOBUFS);
	assert_int_equal(ecfs_pktlen_encode(b, 0, 5), -ENOBUFS);
	assert_int_equal(ecfs_pktlen_size(191), 1);
	assert_int_equal(ecfs_pktlen_size(192), 2);
	assert_int_equal(ecfs_pktlen_size(8383), 2);
	assert_int_equal(ecfs_pktlen_size(8384), 0);

	b[0] = 0xdf;
	b[1] = 0xff;
	assert_int_equal(ecfs_pktlen_decode(b, 2, &v), 2);
	assert_int_equal(v, 8383);
	b[0] = 0xc0;
	b[1] = 0x00;
	assert_int_equal(ecfs_pktlen_decode(b, 2, &v), 2);
	assert_int_equal(v, 192);
	assert_int_equal(ecfs_pktlen_decode(b, 1, &v), -ENODATA);
	assert_int_equal(ecfs_pktlen_decode(b, 0, &v), -ENODATA);
	b[0] = 0xbf;
	assert_int_equal(ecfs_pktlen_decode(b, 1, &v), 1);
	assert_int_equal(v, 191);
}

static void test_pktlen_rejects_and_roundtrip(void **state)
{
	uint8_t b[2] = { 0, 0 };
	size_t v, n;
	unsigned int lead;

	(void)state;
	for (lead = 224; lead <= 255; lead++) {
		b[0] = (uint8_t)lead;
		assert_int_equal(ecfs_pktlen_decode(b, 2, &v), -EOVERFLOW);
		assert_int_equal(ecfs_pktlen_decode(b, 1, &v), -EOVERFLOW);
	}
	for (n = 0; n <= 8383; n++) {
		int w = ecfs_pktlen_encode(b, sizeof(b), n);

		assert_true(w == 1 || w == 2);
		assert_int_equal(ecfs_pktlen_decode(b, (size_t)w, &v), w);
		assert_int_equal(v, n);
	}
}

static void fill_tag3_aes128(struct ecfs_tag3 *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->cipher_code = ECFS_CIPHER_AES_128;
	memcpy(t->salt, salt, 8);
	t->count = ECFS_TAG3_COUNT_65536;
	t->enc_key_len = 16;
	for (i = 0; i < 16; i++)
		t->enc_key[i] = (uint8_t)(0xa0 + i);
}

static void test_tag3_layout(void **state)
{
	static const uint8_t head[] = {
		0x8c, 0x1d, 0x04, 0x07, 0x03, 0x01,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x60,
	};
	struct ecfs_tag3 t, d;
	uint8_t buf[64];
	size_t i;
	int n;

	(void)state;
	fill_tag3_aes128(&t);
	n = ecfs_tag3_encode(buf, sizeof(buf), &t);
	assert_int_equal(n, 31);
	assert_memory_equal(buf, head, sizeof(head));
	for (i = 0; i < 16; i++)
		assert_int_equal(buf[15 + i], 0xa0 + i);

	memset(&d, 0x5a, sizeof(d));
	assert_int_equal(ecfs_tag3_decode(buf, 31, &d), 31);
	assert_int_equal(d.cipher_code, 7);
	assert_memory_equal(d.salt, salt, 8);
	assert_int_equal(d.count, 0x60);
	assert_int_equal(d.enc_key_len, 16);
	assert_int_equal(d.fek_len, 16);
	assert_memory_equal(d.enc_key, t.enc_key, 16);
	/* Extra input after the packet is not consumed. */
	assert_int_equal(ecfs_tag3_decode(buf, sizeof(buf), &d), 31);
	for (i = 0; i < 31; i++)
		assert_int_equal(ecfs_tag3_decode(buf, i, &d), -ENODATA);
	assert_int_equal(ecfs_tag3_encode(buf, 30, &t), -ENOBUFS);
}

static void test_tag3_aes192_and_limits(void **state)
{
	struct ecfs_tag3 t, d;
	uint8_t buf[128];

	(void)state;
	memset(buf, 0, sizeof(buf));
	fill_tag3_aes128(&t);
	t.cipher_code = ECFS_CIPHER_AES_192;
	t.enc_key_len = 32;
	assert_int_equal(ecfs_tag3_encode(buf, sizeof(buf), &t), 47);
	assert_int_equal(ecfs_tag3_decode(buf, 47, &d), 47);
	assert_int_equal(d.fek_len, 24);
	assert_int_equal(d.enc_key_len, 32);

	t.cipher_code = ECFS_CIPHER_BLOWFISH;
	t.enc_key_len = 64;
	assert_int_equal(ecfs_tag3_encode(buf, sizeof(buf), &t), 79);
	assert_int_equal(ecfs_tag3_decode(buf, 79, &d), 79);
	assert_int_equal(d.fek_len, 64);
	t.enc_key_len = 65;
	assert_int_equal(ecfs_tag3_encode(buf, sizeof(buf), &t), -EMSGSIZE);
	/* A hand-made body with 65 key bytes is refused by the decoder too. */
	buf[1] = 13 + 65;
	assert_int_equal(ecfs_tag3_decode(buf, sizeof(buf), &d), -EMSGSIZE);
	t.cipher_code = 0x05;
	t.enc_key_len = 16;
	assert_int_equal(ecfs_tag3_encode(buf, sizeof(buf), &t), -EINVAL);
}

static void test_tag3_field_errors(void **state)
{
	struct ecfs_tag3 t, d;
	uint8_t buf[64], bad[64];

	(void)state;
	fill_tag3_aes128(&t);
	assert_int_equal(ecfs_tag3_encode(buf, sizeof(buf), &t), 31);

	memcpy(bad, buf, 31);
	bad[0] = 0x8d;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EPROTO);
	memcpy(bad, buf, 31);
	bad[2] = 0x05;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EPROTONOSUPPORT);
	memcpy(bad, buf, 31);
	bad[3] = 0x05;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EINVAL);
	memcpy(bad, buf, 31);
	bad[3] = ECFS_CIPHER_RSA;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EINVAL);
	memcpy(bad, buf, 31);
	bad[4] = 0x01;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EOPNOTSUPP);
	memcpy(bad, buf, 31);
	bad[5] = 0x02;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EOPNOTSUPP);
	memcpy(bad, buf, 31);
	bad[1] = 12;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EMSGSIZE);
	memcpy(bad, buf, 31);
	bad[1] = 0xe0;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), -EOVERFLOW);
	/* A count other than 0x60 is kept, as upstream ignores it. */
	memcpy(bad, buf, 31);
	bad[14] = 0x61;
	assert_int_equal(ecfs_tag3_decode(bad, 31, &d), 31);
	assert_int_equal(d.count, 0x61);
}

static void test_tag11(void **state)
{
	static const uint8_t want[24] = {
		0xed, 0x16, 0x62, 0x08, '_', 'C', 'O', 'N', 'S', 'O', 'L', 'E',
		0, 0, 0, 0, 0x25, 0x3c, 0xa7, 0xe8, 0x88, 0x11, 0xd1, 0x84,
	};
	uint8_t buf[32], bad[32], got[8];
	size_t i;

	(void)state;
	assert_int_equal(ecfs_tag11_encode(buf, sizeof(buf), sig), 24);
	assert_memory_equal(buf, want, 24);
	assert_int_equal(ecfs_tag11_decode(buf, 24, got), 24);
	assert_memory_equal(got, sig, 8);
	for (i = 0; i < 24; i++)
		assert_int_equal(ecfs_tag11_decode(buf, i, got), -ENODATA);
	assert_int_equal(ecfs_tag11_encode(buf, 23, sig), -ENOBUFS);

	/* Filename and date are not checked, as upstream. */
	memcpy(bad, want, 24);
	bad[5] = 'X';
	bad[12] = 0x7f;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), 24);
	memcpy(bad, want, 24);
	bad[2] = 0x74;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), -EILSEQ);
	memcpy(bad, want, 24);
	bad[3] = 0x07;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), -EILSEQ);
	memcpy(bad, want, 24);
	bad[1] = 0x15;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), -EMSGSIZE);
	bad[1] = 0x0d;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), -EMSGSIZE);
	memcpy(bad, want, 24);
	bad[0] = 0x8c;
	assert_int_equal(ecfs_tag11_decode(bad, 24, got), -EPROTO);
}

static void test_tag1(void **state)
{
	struct ecfs_tag1 t, d;
	static uint8_t buf[600];
	size_t i;

	(void)state;
	memset(&t, 0, sizeof(t));
	memcpy(t.key_id, sig, 8);
	t.pk_algo = ECFS_CIPHER_RSA;
	t.enc_key_len = 256;
	for (i = 0; i < 256; i++)
		t.enc_key[i] = (uint8_t)i;
	assert_int_equal(ecfs_tag1_encode(buf, sizeof(buf), &t), 269);
	assert_int_equal(buf[0], 0x01);
	assert_int_equal(buf[1], 0xc0);
	assert_int_equal(buf[2], 0x4a);
	assert_int_equal(buf[3], 0x03);
	assert_memory_equal(buf + 4, sig, 8);
	assert_int_equal(buf[12], 0x01);
	assert_int_equal(buf[13], 0x00);
	assert_int_equal(buf[268], 0xff);
	assert_int_equal(ecfs_tag1_decode(buf, 269, &d), 269);
	assert_memory_equal(d.key_id, sig, 8);
	assert_int_equal(d.enc_key_len, 256);
	assert_memory_equal(d.enc_key, t.enc_key, 256);
	for (i = 0; i < 269; i++)
		assert_int_equal(ecfs_tag1_decode(buf, i, &d), -ENODATA);

	buf[3] = 0x04;
	assert_int_equal(ecfs_tag1_decode(buf, 269, &d), -EPROTONOSUPPORT);
	t.enc_key_len = 512;
	assert_int_equal(ecfs_tag1_encode(buf, sizeof(buf), &t), 525);
	assert_int_equal(ecfs_tag1_decode(buf, 525, &d), 525);
	t.enc_key_len = 513;
	assert_int_equal(ecfs_tag1_encode(buf, sizeof(buf), &t), -EMSGSIZE);
	/* Body of 10 + 513 written by hand. */
	assert_int_equal(ecfs_pktlen_encode(buf + 1, 2, 523), 2);
	assert_int_equal(ecfs_tag1_decode(buf, sizeof(buf), &d), -EMSGSIZE);
	buf[1] = 9;
	assert_int_equal(ecfs_tag1_decode(buf, sizeof(buf), &d), -EMSGSIZE);
}

static void test_tag70(void **state)
{
	uint8_t ct[32], buf[64];
	struct ecfs_tag70 t, d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ct); i++)
		ct[i] = (uint8_t)(0x30 + i);
	memcpy(t.fnek_sig, sig, 8);
	t.cipher_code = ECFS_CIPHER_AES_128;
	t.ct = ct;
	t.ct_len = 32;
	assert_int_equal(ecfs_tag70_encode(buf, sizeof(buf), &t), 43);
	assert_int_equal(buf[0], 0x46);
	assert_int_equal(buf[1], 41);
	assert_memory_equal(buf + 2, sig, 8);
	assert_int_equal(buf[10], 7);
	assert_memory_equal(buf + 11, ct, 32);
	assert_int_equal(ecfs_tag70_decode(buf, 43, &d), 43);
	assert_int_equal(d.ct_len, 32);
	assert_ptr_equal(d.ct, buf + 11);
	assert_memory_equal(d.fnek_sig, sig, 8);
	for (i = 0; i < 43; i++)
		assert_int_equal(ecfs_tag70_decode(buf, i, &d), -ENODATA);

	buf[1] = 40;	/* 31 bytes of ciphertext: not whole AES blocks */
	assert_int_equal(ecfs_tag70_decode(buf, 43, &d), -EMSGSIZE);
	buf[1] = 9;
	assert_int_equal(ecfs_tag70_decode(buf, 43, &d), -EMSGSIZE);
	buf[1] = 41;
	buf[10] = 0x05;
	assert_int_equal(ecfs_tag70_decode(buf, 43, &d), -EINVAL);
	/* 8-byte block ciphers accept 8-byte multiples. */
	buf[10] = ECFS_CIPHER_BLOWFISH;
	buf[1] = 9 + 24;
	assert_int_equal(ecfs_tag70_decode(buf, 43, &d), 35);
	t.ct_len = 0;
	assert_int_equal(ecfs_tag70_encode(buf, sizeof(buf), &t), -EMSGSIZE);
	t.ct_len = 17;
	assert_int_equal(ecfs_tag70_encode(buf, sizeof(buf), &t), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pktlen_boundaries),
		cmocka_unit_test(test_pktlen_rejects_and_roundtrip),
		cmocka_unit_test(test_tag3_layout),
		cmocka_unit_test(test_tag3_aes192_and_limits),
		cmocka_unit_test(test_tag3_field_errors),
		cmocka_unit_test(test_tag11),
		cmocka_unit_test(test_tag1),
		cmocka_unit_test(test_tag70),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
