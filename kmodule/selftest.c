// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * selftest.c - load-time self-tests, built with DEBUG (make module-debug).
 * Each area logs "<area> self-tests: pass" or the failing case; any
 * failure makes module_init refuse to load.
 *
 * The known answers were computed outside the kernel (Python's hashlib
 * and the openssl command line) from the format description, not with
 * this code.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/string.h>

#include "ecfs.h"

#define ST_FAIL(area, fmt, ...) \
	pr_err(area " self-test failed: " fmt "\n", ##__VA_ARGS__)

static bool ecfs_selftest_pkt_len(void)
{
	static const size_t lens[] = { 0, 1, 191, 192, 193, 255, 8382, 8383 };
	static const u8 bad_lead[] = { 224, 240, 255 };
	size_t i, len, n, m;
	u8 buf[2];

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		if (ecfs_write_pkt_len(buf, sizeof(buf), lens[i], &n) ||
		    ecfs_parse_pkt_len(buf, n, &len, &m) || len != lens[i] ||
		    m != n || n != (lens[i] < 192 ? 1 : 2)) {
			ST_FAIL("packet length", "round trip of %zu", lens[i]);
			return false;
		}
	}
	if (!ecfs_write_pkt_len(buf, sizeof(buf), 8384, &n)) {
		ST_FAIL("packet length", "8384 was encoded");
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(bad_lead); i++) {
		buf[0] = bad_lead[i];
		buf[1] = 0;
		if (!ecfs_parse_pkt_len(buf, 2, &len, &n)) {
			ST_FAIL("packet length", "lead byte %u accepted",
				bad_lead[i]);
			return false;
		}
	}
	buf[0] = 192;
	if (!ecfs_parse_pkt_len(buf, 1, &len, &n) ||
	    !ecfs_parse_pkt_len(buf, 0, &len, &n)) {
		ST_FAIL("packet length", "read past a short input");
		return false;
	}
	/* 0xc0 0x00 is 192; 0xdf 0xff is 8383. */
	buf[0] = 0xdf;
	buf[1] = 0xff;
	if (ecfs_parse_pkt_len(buf, 2, &len, &n) || len != 8383) {
		ST_FAIL("packet length", "0xdf 0xff is not 8383");
		return false;
	}
	pr_info("packet length self-tests: pass\n");
	return true;
}

static bool ecfs_selftest_tag3(void)
{
	/* AES-128 body: version, code, S2K, hash, salt, count, 16 key bytes. */
	u8 body[ECFS_TAG3_BODY_FIXED + 32] = {
		ECFS_TAG3_VERSION, ECFS_CIPHER_AES_128, ECFS_TAG3_S2K_ID,
		ECFS_TAG3_HASH_MD5, 1, 2, 3, 4, 5, 6, 7, 8,
		ECFS_TAG3_COUNT_65536,
	};
	struct ecfs_tag3_ref t;

	if (ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED + 16, &t) ||
	    t.key_size != 16 || t.enc_len != 16 || strcmp(t.cipher, "aes") ||
	    t.enc != body + ECFS_TAG3_BODY_FIXED) {
		ST_FAIL("tag 3", "valid AES-128 body rejected");
		return false;
	}
	/* Code 7 says 16-byte keys: a 32-byte key does not match it. */
	if (!ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED + 32, &t)) {
		ST_FAIL("tag 3", "AES-128 code with 32 key bytes accepted");
		return false;
	}
	body[ECFS_TAG3_OFF_CIPHER] = ECFS_CIPHER_AES_192;
	if (ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED + 32, &t) ||
	    t.key_size != 24 || t.enc_len != 32) {
		ST_FAIL("tag 3", "AES-192 body not read as a 24-byte key");
		return false;
	}
	if (!ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED, &t) ||
	    !ecfs_parse_tag3(body, 3, &t)) {
		ST_FAIL("tag 3", "body without key accepted");
		return false;
	}
	body[ECFS_TAG3_OFF_CIPHER] = 0x05;
	if (!ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED + 16, &t)) {
		ST_FAIL("tag 3", "unknown cipher code accepted");
		return false;
	}
	body[ECFS_TAG3_OFF_CIPHER] = ECFS_CIPHER_AES_128;
	body[ECFS_TAG3_OFF_S2K] = 0x01;
	if (!ecfs_parse_tag3(body, ECFS_TAG3_BODY_FIXED + 16, &t)) {
		ST_FAIL("tag 3", "S2K other than 3 accepted");
		return false;
	}
	pr_info("tag 3 self-tests: pass\n");
	return true;
}

static const u8 st_fek[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static bool ecfs_selftest_iv(struct ecfs_crypt *cs)
{
	static const u8 root[16] = {
		0x1a, 0xc1, 0xef, 0x01, 0xe9, 0x6c, 0xaf, 0x1b,
		0xe0, 0xd3, 0x29, 0x33, 0x1a, 0x4f, 0xc2, 0xa8,
	};
	static const u8 iv0[16] = {
		0xcd, 0x09, 0x6e, 0x1d, 0xb4, 0x64, 0xe9, 0xb4,
		0xc9, 0x1e, 0x51, 0x41, 0x90, 0x90, 0x60, 0x6b,
	};
	static const u8 iv123456[16] = {
		0xc1, 0x10, 0x96, 0x07, 0xcc, 0x30, 0x3e, 0x8d,
		0x98, 0x2b, 0x19, 0x0d, 0x19, 0x2d, 0x1d, 0x8c,
	};
	u8 iv[ECFS_IV_SIZE];

	if (memcmp(cs->root_iv, root, sizeof(root))) {
		ST_FAIL("IV", "root IV is not MD5(FEK)");
		return false;
	}
	if (ecfs_derive_iv(cs, 0, iv) || memcmp(iv, iv0, sizeof(iv))) {
		ST_FAIL("IV", "extent 0");
		return false;
	}
	if (ecfs_derive_iv(cs, 123456, iv) ||
	    memcmp(iv, iv123456, sizeof(iv))) {
		ST_FAIL("IV", "extent 123456");
		return false;
	}
	pr_info("IV self-tests: pass\n");
	return true;
}

/* Extent 5 of the pattern (7i + 3) mod 256 under FEK 00..0f, AES-128. */
static bool ecfs_selftest_extent(struct ecfs_crypt *cs)
{
	static const u8 first[16] = {
		0xcf, 0xe4, 0xe3, 0xbb, 0x78, 0x8a, 0x4f, 0x77,
		0x95, 0x83, 0xa1, 0x80, 0x22, 0xc4, 0x60, 0xa2,
	};
	static const u8 last[16] = {
		0xf0, 0x02, 0x8f, 0x9f, 0xb5, 0xd6, 0x04, 0xbc,
		0x2f, 0x75, 0xdf, 0x54, 0x88, 0x33, 0xee, 0x4d,
	};
	struct page *pt, *ct;
	bool ok = false;
	u8 *p, *c;
	int i;

	if (PAGE_SIZE != ECFS_EXTENT_SIZE) {
		pr_info("extent self-tests: skipped (PAGE_SIZE %lu)\n",
			PAGE_SIZE);
		return true;
	}
	pt = alloc_page(GFP_KERNEL);
	ct = alloc_page(GFP_KERNEL);
	if (!pt || !ct)
		goto out;
	p = kmap_local_page(pt);
	for (i = 0; i < ECFS_EXTENT_SIZE; i++)
		p[i] = (i * 7 + 3) & 0xff;
	kunmap_local(p);
	if (ecfs_crypt_page(cs, ct, pt, 5, true)) {
		ST_FAIL("extent", "encryption failed");
		goto out;
	}
	c = kmap_local_page(ct);
	ok = !memcmp(c, first, 16) &&
	     !memcmp(c + ECFS_EXTENT_SIZE - 16, last, 16);
	kunmap_local(c);
	if (!ok) {
		ST_FAIL("extent", "known answer mismatch");
		goto out;
	}
	if (ecfs_crypt_page(cs, ct, ct, 5, false)) {
		ST_FAIL("extent", "decryption failed");
		ok = false;
		goto out;
	}
	c = kmap_local_page(ct);
	for (i = 0; i < ECFS_EXTENT_SIZE && ok; i++)
		ok = c[i] == ((i * 7 + 3) & 0xff);
	kunmap_local(c);
	if (!ok)
		ST_FAIL("extent", "decryption does not restore the plaintext");
	else
		pr_info("extent self-tests: pass\n");
out:
	if (ct)
		__free_page(ct);
	if (pt)
		__free_page(pt);
	if (!pt || !ct)
		ST_FAIL("extent", "out of memory");
	return ok;
}

/* FEK wrapping (tag 3 payload) with FEKEK bytes a0, a1, ... */
static bool ecfs_selftest_wrap(void)
{
	static const u8 wrap128[16] = {
		0x14, 0x66, 0x75, 0x2c, 0x7f, 0x15, 0x97, 0x22,
		0xb2, 0x41, 0x0a, 0x6a, 0x94, 0x87, 0x55, 0x38,
	};
	static const u8 wrap192[32] = {
		0x7f, 0xbe, 0x43, 0x8a, 0xa9, 0x59, 0xc1, 0x61,
		0x4a, 0xbe, 0xd7, 0xcb, 0xd7, 0x38, 0x4d, 0x27,
		0xeb, 0xec, 0x9d, 0x5a, 0x6b, 0xa4, 0x55, 0x17,
		0xe5, 0xa6, 0x8a, 0xa7, 0x77, 0xe4, 0xfd, 0xb5,
	};
	u8 fekek[24];
	bool ok = false;
	u8 *buf;
	int i;

	for (i = 0; i < sizeof(fekek); i++)
		fekek[i] = 0xa0 + i;
	buf = kzalloc(32, GFP_KERNEL);
	if (!buf) {
		ST_FAIL("key wrap", "out of memory");
		return false;
	}
	memcpy(buf, st_fek, 16);
	if (ecfs_ecb_crypt("aes", fekek, 16, buf, 16, true) ||
	    memcmp(buf, wrap128, 16)) {
		ST_FAIL("key wrap", "AES-128");
		goto out;
	}
	for (i = 0; i < 24; i++)
		buf[i] = i;
	memset(buf + 24, 0, 8);
	if (ecfs_ecb_crypt("aes", fekek, 24, buf, 32, true) ||
	    memcmp(buf, wrap192, 32)) {
		ST_FAIL("key wrap", "AES-192 (24-byte key, 32 bytes)");
		goto out;
	}
	if (ecfs_ecb_crypt("aes", fekek, 24, buf, 32, false) ||
	    buf[23] != 23 || buf[24] || buf[31]) {
		ST_FAIL("key wrap", "AES-192 unwrap");
		goto out;
	}
	ok = true;
	pr_info("key wrap self-tests: pass\n");
out:
	kfree_sensitive(buf);
	return ok;
}

int ecfs_selftests(void)
{
	struct ecfs_crypt *cs;
	bool ok;

	ok = ecfs_selftest_pkt_len();
	ok = ecfs_selftest_tag3() && ok;
	ok = ecfs_selftest_wrap() && ok;

	cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return -ENOMEM;
	strscpy(cs->cipher, "aes", sizeof(cs->cipher));
	cs->key_size = sizeof(st_fek);
	memcpy(cs->key, st_fek, sizeof(st_fek));
	if (ecfs_crypt_set_key(cs)) {
		ST_FAIL("IV", "cannot set up cbc(aes)");
		ok = false;
	} else {
		ok = ecfs_selftest_iv(cs) && ok;
		ok = ecfs_selftest_extent(cs) && ok;
	}
	ecfs_crypt_clear(cs);
	kfree(cs);
	return ok ? 0 : -ENOTRECOVERABLE;
}
