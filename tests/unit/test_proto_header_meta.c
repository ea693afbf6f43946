// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_header_meta.c - lower-file header, key-packet sets and the
 * two metadata forms (file header, user.ecryptfs xattr).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_header.h"

static const uint8_t sig_a[8] = { 0x25, 0x3c, 0xa7, 0xe8, 0x88, 0x11, 0xd1, 0x84 };
static const uint8_t sig_b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void make_key(struct ecfs_key_packet *kp, const uint8_t *sig,
		     uint8_t code, size_t enc_len)
{
	size_t i;

	memset(kp, 0, sizeof(*kp));
	kp->tag = ECFS_TAG_3;
	memcpy(kp->sig, sig, 8);
	kp->u.t3.cipher_code = code;
	for (i = 0; i < 8; i++)
		kp->u.t3.salt[i] = (uint8_t)(i * 0x11);
	kp->u.t3.count = 0x60;
	kp->u.t3.enc_key_len = enc_len;
	for (i = 0; i < enc_len; i++)
		kp->u.t3.enc_key[i] = (uint8_t)(sig[0] + i);
}

static void make_hdr(struct ecfs_header *h, uint8_t flags)
{
	memset(h, 0, sizeof(*h));
	h->file_size = 0x0102030405060708ULL;
	h->marker1 = 0xdeadbeef;
	h->version = 3;
	h->flags = flags;
	h->extent_size = 4096;
	h->num_extents = 2;
}

static void test_header_layout(void **state)
{
	struct ecfs_header h, d;
	uint8_t b[32];
	size_t i;

	(void)state;
	make_hdr(&h, ECFS_HDR_FLAG_ENCRYPTED);
	assert_int_equal(ecfs_header_encode(b, sizeof(b), &h), 26);
	for (i = 0; i < 8; i++)
		assert_int_equal(b[i], i + 1);
	assert_int_equal(b[8], 0xde);
	assert_int_equal(b[11], 0xef);
	/* 0xdeadbeef ^ 0x3c81b7f5 = 0xe22c091a */
	assert_int_equal(b[12], 0xe2);
	assert_int_equal(b[13], 0x2c);
	assert_int_equal(b[14], 0x09);
	assert_int_equal(b[15], 0x1a);
	assert_int_equal(b[16], 0x03);
	assert_int_equal(b[17], 0x00);
	assert_int_equal(b[18], 0x00);
	assert_int_equal(b[19], 0x02);
	assert_int_equal(b[20], 0x00);
	assert_int_equal(b[21], 0x00);
	assert_int_equal(b[22], 0x10);
	assert_int_equal(b[23], 0x00);
	assert_int_equal(b[24], 0x00);
	assert_int_equal(b[25], 0x02);
	assert_int_equal(ecfs_header_has_marker(b, 26), 1);

	assert_int_equal(ecfs_header_decode(b, 26, ECFS_HDR_CHECK_SIZE, &d), 26);
	assert_true(d.file_size == h.file_size);
	assert_int_equal(d.marker1, 0xdeadbeef);
	assert_int_equal(d.version, 3);
	assert_int_equal(d.flags, ECFS_HDR_FLAG_ENCRYPTED);
	assert_int_equal(d.extent_size, 4096);
	assert_int_equal(d.num_extents, 2);
	assert_int_equal(d.metadata_size, 8192);
	for (i = 0; i < 26; i++)
		assert_int_equal(ecfs_header_decode(b, i, 0, &d), -ENODATA);

	assert_int_equal(ecfs_header_set_file_size(b, 26, 4097), 0);
	assert_int_equal(ecfs_header_decode(b, 26, 0, &d), 26);
	assert_true(d.file_size == 4097);
	assert_int_equal(b[6], 0x10);
	assert_int_equal(b[7], 0x01);
	assert_int_equal(ecfs_header_encode(b, 25, &h), -ENOBUFS);
	h.version = 0;
	assert_int_equal(ecfs_header_encode(b, 26, &h), -EPROTONOSUPPORT);
	h.version = 4;
	assert_int_equal(ecfs_header_encode(b, 26, &h), -EPROTONOSUPPORT);
	h.version = 3;
	h.flags = 0x01000000;
	assert_int_equal(ecfs_header_encode(b, 26, &h), -EINVAL);
}

static void test_header_errors_and_versions(void **state)
{
	struct ecfs_header h, d;
	uint8_t b[32], c[32];

	(void)state;
	make_hdr(&h, 0x0f);
	assert_int_equal(ecfs_header_encode(b, sizeof(b), &h), 26);

	memcpy(c, b, 26);
	c[15] ^= 1;
	assert_int_equal(ecfs_header_decode(c, 26, 0, &d), -EBADMSG);
	assert_int_equal(ecfs_header_has_marker(c, 26), 0);
	memcpy(c, b, 26);
	c[16] = 4;
	assert_int_equal(ecfs_header_decode(c, 26, 0, &d), -EPROTONOSUPPORT);
	/* Unknown flag bits are kept, not refused. */
	memcpy(c, b, 26);
	c[18] = 0x80;
	assert_int_equal(ecfs_header_decode(c, 26, 0, &d), 26);
	assert_int_equal(d.flags, 0x800f);
	/* A 4 KiB header is refused only when the size is checked. */
	memcpy(c, b, 26);
	c[25] = 1;
	assert_int_equal(ecfs_header_decode(c, 26, ECFS_HDR_CHECK_SIZE, &d), -ERANGE);
	assert_int_equal(ecfs_header_decode(c, 26, 0, &d), 26);
	assert_int_equal(d.metadata_size, 4096);
	/* 16 extents of 4 KiB: a 64 KiB header. */
	c[25] = 16;
	assert_int_equal(ecfs_header_decode(c, 26, ECFS_HDR_CHECK_SIZE, &d), 26);
	assert_int_equal(d.metadata_size, 65536);
	/* Version 0: packets at 20, 8 KiB header, no size fields needed. */
	memcpy(c, b, 26);
	c[16] = 0;
	assert_int_equal(ecfs_header_decode(c, 20, ECFS_HDR_CHECK_SIZE, &d), 20);
	assert_int_equal(d.version, 0);
	assert_int_equal(d.metadata_size, 8192);
	assert_int_equal(ecfs_header_decode(c, 19, 0, &d), -ENODATA);
	c[16] = 1;
	assert_int_equal(ecfs_header_decode(c, 26, 0, &d), 26);
	assert_int_equal(d.version, 1);
}

static void test_metadata_file_form(void **state)
{
	struct ecfs_key_packet kp, out[2];
	struct ecfs_header h, d;
	uint8_t *buf;
	size_t n, i;

	(void)state;
	buf = malloc(8192 + 16);
	assert_non_null(buf);
	memset(buf, 0xaa, 8192 + 16);
	make_hdr(&h, ECFS_HDR_FLAG_ENCRYPTED);
	make_key(&kp, sig_a, ECFS_CIPHER_AES_128, 16);
	assert_int_equal(ecfs_metadata_encode(buf, 8192 + 16, 0, &h, &kp, 1), 8192);
	/* Tag 3 at 26..56, tag 11 at 57..80, terminator at 81, zero fill. */
	assert_int_equal(buf[26], 0x8c);
	assert_int_equal(buf[27], 0x1d);
	assert_int_equal(buf[57], 0xed);
	assert_int_equal(buf[58], 0x16);
	assert_memory_equal(buf + 73, sig_a, 8);
	assert_int_equal(buf[81], 0x00);
	for (i = 82; i < 8192; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[8192], 0xaa);

	assert_int_equal(ecfs_metadata_decode(buf, 8192, ECFS_HDR_CHECK_SIZE,
					      &d, out, 2, &n), 81);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].tag, ECFS_TAG_3);
	assert_memory_equal(out[0].sig, sig_a, 8);
	assert_int_equal(out[0].u.t3.enc_key_len, 16);
	assert_memory_equal(out[0].u.t3.enc_key, kp.u.t3.enc_key, 16);
	/* A short read of the front of the file is enough. */
	assert_int_equal(ecfs_metadata_decode(buf, 4096, ECFS_HDR_CHECK_SIZE,
					      &d, out, 2, &n), 81);
	assert_int_equal(ecfs_metadata_encode(buf, 8191, 0, &h, &kp, 1), -ENOBUFS);
	h.num_extents = 1;
	assert_int_equal(ecfs_metadata_encode(buf, 8192, 0, &h, &kp, 1), -ERANGE);
	free(buf);
}

static void test_metadata_xattr_form(void **state)
{
	struct ecfs_key_packet kp[2], out[2];
	struct ecfs_header h, d;
	uint8_t buf[256];
	size_t n, i;
	int rc;

	(void)state;
	make_hdr(&h, ECFS_HDR_FLAG_ENCRYPTED | ECFS_HDR_FLAG_METADATA_IN_XATTR);
	make_key(&kp[0], sig_a, ECFS_CIPHER_AES_128, 16);
	assert_int_equal(ecfs_metadata_encode(buf, 81, ECFS_META_XATTR, &h, kp, 1), 81);
	assert_int_equal(buf[19], 0x06);
	assert_int_equal(ecfs_metadata_decode(buf, 81, 0, &d, out, 2, &n), 81);
	assert_int_equal(n, 1);
	assert_int_equal(d.flags, 0x06);
	/* Every truncation of the xattr value fails. */
	for (i = 0; i < 81; i++) {
		rc = ecfs_metadata_decode(buf, i, 0, &d, out, 2, &n);
		if (i == 26)
			assert_int_equal(rc, -ENOKEY);
		else
			assert_int_equal(rc, -ENODATA);
	}
	assert_int_equal(ecfs_metadata_encode(buf, 80, ECFS_META_XATTR, &h, kp, 1), -ENOBUFS);

	/* Two keys, AES-256: 26 + 2 * (47 + 24). */
	make_key(&kp[0], sig_a, ECFS_CIPHER_AES_256, 32);
	make_key(&kp[1], sig_b, ECFS_CIPHER_AES_256, 32);
	assert_int_equal(ecfs_metadata_encode(buf, sizeof(buf), ECFS_META_XATTR,
					      &h, kp, 2), 168);
	assert_int_equal(ecfs_metadata_decode(buf, 168, 0, &d, out, 2, &n), 168);
	assert_int_equal(n, 2);
	assert_memory_equal(out[0].sig, sig_a, 8);
	assert_memory_equal(out[1].sig, sig_b, 8);
	assert_int_equal(ecfs_metadata_decode(buf, 168, 0, &d, out, 1, &n), -ENOSPC);
	assert_int_equal(ecfs_metadata_encode(buf, sizeof(buf), ECFS_META_XATTR,
					      &h, kp, 0), -ENOKEY);
}

static void test_keyset_rules(void **state)
{
	struct ecfs_key_packet kp[2], out[3];
	uint8_t buf[600];
	size_t n, off;
	int len, rc;

	(void)state;
	make_key(&kp[0], sig_a, ECFS_CIPHER_AES_128, 16);
	memset(&kp[1], 0, sizeof(kp[1]));
	kp[1].tag = ECFS_TAG_1;
	memcpy(kp[1].u.t1.key_id, sig_b, 8);
	kp[1].u.t1.pk_algo = 1;
	kp[1].u.t1.enc_key_len = 256;
	len = ecfs_keyset_encode(buf, sizeof(buf), kp, 2);
	assert_int_equal(len, 31 + 24 + 269 + 1);
	assert_int_equal(buf[len - 1], 0);
	assert_int_equal(ecfs_keyset_decode(buf, (size_t)len, out, 3, &n), len - 1);
	assert_int_equal(n, 2);
	assert_int_equal(out[1].tag, ECFS_TAG_1);
	assert_memory_equal(out[1].sig, sig_b, 8);

	/* Parsing stops at the first byte that is not 0x8c or 0x01. */
	buf[55] = 0x42;
	assert_int_equal(ecfs_keyset_decode(buf, (size_t)len, out, 3, &n), 55);
	assert_int_equal(n, 1);
	off = 0;
	assert_int_equal(ecfs_keyset_next(buf, (size_t)len, &off, &out[0]), 1);
	assert_int_equal(off, 55);
	assert_int_equal(ecfs_keyset_next(buf, (size_t)len, &off, &out[0]), 0);
	assert_int_equal(off, 55);

	/* A lone tag 11 is an error, a tag 3 needs its tag 11. */
	buf[55] = 0xed;
	assert_int_equal(ecfs_keyset_decode(buf, (size_t)len, out, 3, &n), -ENOMSG);
	buf[31] = 0x00;
	assert_int_equal(ecfs_keyset_decode(buf, (size_t)len, out, 3, &n), -EPROTO);
	/* Nothing at all. */
	buf[0] = 0x00;
	assert_int_equal(ecfs_keyset_decode(buf, (size_t)len, out, 3, &n), -ENOKEY);
	assert_int_equal(ecfs_keyset_decode(buf, 0, out, 3, &n), -ENOKEY);
	/* Terminator needs room. */
	rc = ecfs_keyset_encode(buf, 55, kp, 1);
	assert_int_equal(rc, -ENOBUFS);
	assert_int_equal(ecfs_keyset_encode(buf, 56, kp, 1), 56);
	kp[0].tag = 0x47;
	assert_int_equal(ecfs_keyset_encode(buf, sizeof(buf), kp, 1), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_header_errors_and_versions),
		cmocka_unit_test(test_metadata_file_form),
		cmocka_unit_test(test_metadata_xattr_form),
		cmocka_unit_test(test_keyset_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
