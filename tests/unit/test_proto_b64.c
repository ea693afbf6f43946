// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_proto_b64.c - filename base64 and ECRYPTFS_FNEK_ENCRYPTED. names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ecfs_b64.h"

static void test_b64_vectors(void **state)
{
	static const uint8_t zeros[3], ones[3] = { 0xff, 0xff, 0xff };
	static const uint8_t seq[3] = { 0x00, 0x10, 0x83 };
	static const uint8_t tag[2] = { 0x46, 0x2b };
	char out[16];
	uint8_t back[16];
	size_t n;

	(void)state;
	assert_int_equal(ecfs_b64_encode(zeros, 3, out, sizeof(out)), 4);
	assert_memory_equal(out, "----", 4);
	assert_int_equal(ecfs_b64_encode(ones, 3, out, sizeof(out)), 4);
	assert_memory_equal(out, "zzzz", 4);
	/* 000000 000001 000010 000011 -> indexes 0, 1, 2, 3 */
	assert_int_equal(ecfs_b64_encode(seq, 3, out, sizeof(out)), 4);
	assert_memory_equal(out, "-.01", 4);
	/* A tag 70 packet starts "FW"; one zero pad byte gives a '-' tail. */
	assert_int_equal(ecfs_b64_encode(tag, 2, out, sizeof(out)), 4);
	assert_memory_equal(out, "FWg-", 4);
	assert_int_equal(ecfs_b64_encode(tag, 1, out, sizeof(out)), 4);
	assert_memory_equal(out, "FU--", 4);
	assert_int_equal(ecfs_b64_encode(tag, 0, out, sizeof(out)), 0);
	assert_int_equal(ecfs_b64_encode(tag, 2, out, 3), -ENOBUFS);

	assert_int_equal(ecfs_b64_decode("FWg-", 4, back, sizeof(back), &n), 3);
	assert_int_equal(n, 3);
	assert_int_equal(back[0], 0x46);
	assert_int_equal(back[1], 0x2b);
	assert_int_equal(back[2], 0x00);
	assert_int_equal(ecfs_b64_decode("-.01", 4, back, sizeof(back), NULL), 3);
	assert_memory_equal(back, seq, 3);
	/* Partial groups keep whole bytes only. */
	assert_int_equal(ecfs_b64_decode("FW", 2, back, sizeof(back), &n), 1);
	assert_int_equal(back[0], 0x46);
	assert_int_equal(ecfs_b64_decode("F", 1, back, sizeof(back), &n), 0);
	assert_int_equal(ecfs_b64_decode("FWg", 3, back, sizeof(back), &n), 2);
	assert_int_equal(ecfs_b64_decode("FWg-", 4, back, 2, &n), -ENOBUFS);
	assert_int_equal(ecfs_b64_decode("FW_-", 4, back, sizeof(back), &n), -EILSEQ);
	assert_int_equal(ecfs_b64_decode("FW=-", 4, back, sizeof(back), &n), -EILSEQ);
	assert_int_equal(ecfs_b64_decode("FW\x80-", 4, back, sizeof(back), &n), -EILSEQ);
	assert_int_equal(ecfs_b64_decode("FW\0-", 4, back, sizeof(back), &n), -EILSEQ);
	assert_int_equal(ecfs_b64_encoded_len(0), 0);
	assert_int_equal(ecfs_b64_encoded_len(1), 4);
	assert_int_equal(ecfs_b64_encoded_len(171), 228);
	assert_int_equal(ecfs_b64_decoded_len(228), 171);
	assert_int_equal(ecfs_b64_decoded_len(231), 173);
}

static void test_b64_alphabet_and_roundtrip(void **state)
{
	static const char alpha[] = ECFS_B64_ALPHABET;
	uint8_t in[300], back[300];
	char enc[400];
	size_t len, i, n;
	int c, m;

	(void)state;
	/* Every alphabet character decodes to its index, nothing else does. */
	for (c = 0; c < 256; c++) {
		char s[4] = { (char)c, '-', '-', '-' };
		const char *hit = c ? strchr(alpha, c) : NULL;

		m = ecfs_b64_decode(s, 4, back, sizeof(back), &n);
		if (hit) {
			assert_int_equal(m, 3);
			assert_int_equal(back[0] >> 2, hit - alpha);
		} else {
			assert_int_equal(m, -EILSEQ);
		}
	}
	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 151 + 7);
	for (len = 0; len <= sizeof(in); len++) {
		m = ecfs_b64_encode(in, len, enc, sizeof(enc));
		assert_int_equal(m, (int)ecfs_b64_encoded_len(len));
		for (i = 0; i < (size_t)m; i++)
			assert_non_null(strchr(alpha, enc[i]));
		m = ecfs_b64_decode(enc, (size_t)m, back, sizeof(back), &n);
		assert_int_equal(n, (len + 2) / 3 * 3);
		assert_memory_equal(back, in, len);
		for (i = len; i < n; i++)
			assert_int_equal(back[i], 0);
	}
}

static void test_fnek_split(void **state)
{
	char name[300];
	const char *enc;
	size_t enc_len;

	(void)state;
	assert_int_equal(ecfs_fnek_name_split("lost+found", 10, &enc, &enc_len), 0);
	assert_int_equal(ecfs_fnek_name_split(ECFS_FNEK_PREFIX, 24, &enc, &enc_len), 0);
	assert_int_equal(ecfs_fnek_name_split("ECRYPTFS_FNEK_ENCRYPTEDx", 24, &enc, &enc_len), 0);
	assert_int_equal(ecfs_fnek_name_split(ECFS_FNEK_PREFIX "FW", 26, &enc, &enc_len), 1);
	assert_int_equal(enc_len, 2);
	assert_memory_equal(enc, "FW", 2);
	memset(name, 'a', sizeof(name));
	memcpy(name, ECFS_FNEK_PREFIX, 24);
	assert_int_equal(ecfs_fnek_name_split(name, 255, &enc, &enc_len), 1);
	assert_int_equal(ecfs_fnek_name_split(name, 256, &enc, &enc_len), -ENAMETOOLONG);
}

static void test_fnek_name_roundtrip_and_limit(void **state)
{
	uint8_t ct[200], buf[200];
	struct ecfs_tag70 t, d;
	char name[300];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(ct); i++)
		ct[i] = (uint8_t)(i ^ 0x5c);
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 8; i++)
		t.fnek_sig[i] = (uint8_t)(0x69 + i);
	t.cipher_code = ECFS_CIPHER_AES_128;
	t.ct = ct;
	/* 143-byte name: 16 + 1 + 143 = 160 bytes, a 171-byte packet. */
	t.ct_len = 160;
	n = ecfs_fnek_name_encode(name, sizeof(name), &t);
	assert_int_equal(n, 24 + 228);
	assert_memory_equal(name, ECFS_FNEK_PREFIX, 24);
	/* 0x46, then length 169 = 0xa9: "Fe". */
	assert_memory_equal(name + 24, "Fe", 2);
	assert_int_equal(ecfs_fnek_name_decode(name, (size_t)n, buf, sizeof(buf), &d), 0);
	assert_int_equal(d.ct_len, 160);
	assert_memory_equal(d.ct, ct, 160);
	assert_memory_equal(d.fnek_sig, t.fnek_sig, 8);
	/* 144 bytes need another block and no longer fit. */
	t.ct_len = 176;
	assert_int_equal(ecfs_fnek_name_encode(name, sizeof(name), &t), -ENAMETOOLONG);
	/* Blowfish: 16 + 1 + 143 = 160 is also the 8-byte-block limit. */
	t.cipher_code = ECFS_CIPHER_BLOWFISH;
	t.ct_len = 160;
	assert_true(ecfs_fnek_name_encode(name, sizeof(name), &t) > 0);
	t.ct_len = 168;
	assert_int_equal(ecfs_fnek_name_encode(name, sizeof(name), &t), -ENAMETOOLONG);

	t.cipher_code = ECFS_CIPHER_AES_128;
	/* Short names: two AES blocks, length byte 0x29, so "FW" as upstream. */
	t.ct_len = 32;
	n = ecfs_fnek_name_encode(name, sizeof(name), &t);
	assert_int_equal(n, 24 + 60);
	assert_memory_equal(name + 24, "FW", 2);
	assert_int_equal(ecfs_fnek_name_encode(name, 24 + 59, &t), -ENOBUFS);
	assert_int_equal(ecfs_fnek_name_decode("plain", 5, buf, sizeof(buf), &d), -ENOENT);
	name[30] = '+';
	assert_int_equal(ecfs_fnek_name_decode(name, (size_t)n, buf, sizeof(buf), &d), -EILSEQ);
	/* Truncated names fail in the tag 70 decoder. */
	n = ecfs_fnek_name_encode(name, sizeof(name), &t);
	for (i = 25; i < 24 + 60 - 4; i++)
		assert_true(ecfs_fnek_name_decode(name, i, buf, sizeof(buf), &d) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_vectors),
		cmocka_unit_test(test_b64_alphabet_and_roundtrip),
		cmocka_unit_test(test_fnek_split),
		cmocka_unit_test(test_fnek_name_roundtrip_and_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
