// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cross-check against lower files written by the real kernel (Debian 6.1,
 * upstream ecryptfs.ko) for every cipher and key size it can use with a
 * passphrase: tests/data/kernel-crypto/ (see its README).  For each one the
 * FEK must unwrap and re-wrap to the kernel's bytes, every extent must
 * decrypt to `seq 1 2000` (zero tail) and re-encrypt to the kernel's bytes,
 * and the file name must decrypt, and re-encrypt to the kernel's name.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include "ecfs_cipher.h"
#include "ecfs_fname.h"
#include "ecfs_header.h"
#include "ecfs_kdf.h"

#define HDR_PREFIX	128
#define N_EXTENTS	3
#define BIN_SIZE	(HDR_PREFIX + N_EXTENTS * ECFS_EXTENT_SIZE)

static char data_dir[4096];
static uint8_t fekek[64], fnek[64], sig[8];
static char expected[N_EXTENTS * ECFS_EXTENT_SIZE];
static size_t expected_len;

static int setup(void **state)
{
	const char *top = getenv("TOP_SRCDIR");
	uint8_t fsig[8];
	int i;

	(void)state;
#ifdef ECFS_TEST_SRCDIR
	if (!top)
		top = ECFS_TEST_SRCDIR;
#endif
	snprintf(data_dir, sizeof(data_dir), "%s/tests/data/kernel-crypto", top ? top : ".");
	if (ecfs_kdf_passphrase("foo", 3, ecfs_kdf_default_salt, fekek, sig) ||
	    ecfs_kdf_fnek("foo", 3, fnek, fsig))
		return -1;
	/* The plaintext: the output of `seq 1 2000`. */
	for (i = 1; i <= 2000; i++)
		expected_len += (size_t)sprintf(expected + expected_len, "%d\n", i);
	return 0;
}

static void check_one(const char *cfg, const char *cname, size_t kb, const char *lower)
{
	const struct ecfs_cipher *c = ecfs_cipher_by_name(cname), *got = NULL;
	static uint8_t bin[BIN_SIZE + 1], plain[N_EXTENTS * ECFS_EXTENT_SIZE];
	uint8_t fek[64], rewrap[64], re[ECFS_EXTENT_SIZE];
	struct ecfs_key_packet kp[2];
	struct ecfs_extent_ctx *x = NULL;
	struct ecfs_fname_key fk;
	struct ecfs_header h;
	char path[4200], name[300], want[96], ours[300];
	size_t n, nk = 0, ks = 0, wl = 0, nl = 0, ol = 0, i;
	FILE *f;

	assert_non_null(c);
	snprintf(path, sizeof(path), "%s/%s.bin", data_dir, cfg);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(bin, 1, sizeof(bin), f);
	fclose(f);
	assert_int_equal(n, BIN_SIZE);

	/* Header and the single tag 3 + tag 11 group. */
	assert_true(ecfs_metadata_decode(bin, HDR_PREFIX, ECFS_HDR_CHECK_SIZE, &h, kp, 2,
					 &nk) > 0);
	assert_int_equal(nk, 1);
	assert_int_equal(h.metadata_size, 8192);
	assert_int_equal(h.file_size, expected_len);
	assert_int_equal(kp[0].tag, ECFS_TAG_3);
	assert_memory_equal(kp[0].sig, sig, 8);
	assert_int_equal(kp[0].u.t3.cipher_code, ecfs_cipher_code(c, kb));

	/* FEK: unwrap, then our wrap must give the kernel's bytes. */
	assert_int_equal(ecfs_cipher_fek_unwrap(kp[0].u.t3.cipher_code, fekek,
						kp[0].u.t3.enc_key, kp[0].u.t3.enc_key_len,
						fek, &ks, &got), 0);
	assert_int_equal(ks, kb);
	assert_ptr_equal(got, c);
	assert_int_equal(ecfs_cipher_fek_wrap(c, fekek, fek, ks, rewrap, sizeof(rewrap), &wl), 0);
	assert_int_equal(wl, kp[0].u.t3.enc_key_len);
	assert_memory_equal(rewrap, kp[0].u.t3.enc_key, wl);

	/* Extents both ways. */
	assert_int_equal(ecfs_extent_ctx_new(&x, c, fek, ks), 0);
	for (i = 0; i < N_EXTENTS; i++) {
		const uint8_t *ct = bin + HDR_PREFIX + i * ECFS_EXTENT_SIZE;

		assert_int_equal(ecfs_extent_decrypt(x, i, ct, plain + i * ECFS_EXTENT_SIZE), 0);
		assert_int_equal(ecfs_extent_encrypt(x, i, plain + i * ECFS_EXTENT_SIZE, re), 0);
		assert_memory_equal(re, ct, ECFS_EXTENT_SIZE);
	}
	ecfs_extent_ctx_free(x);
	assert_memory_equal(plain, expected, expected_len);
	for (i = expected_len; i < sizeof(plain); i++)
		assert_int_equal(plain[i], 0);

	/* File name: FNEK with the mount's default fn cipher = file cipher. */
	assert_int_equal(ecfs_fname_key_init(&fk, c, kb, fnek), 0);
	assert_int_equal(ecfs_fname_decrypt(&fk, lower, strlen(lower), ECFS_FNAME_VERIFY, name,
					    sizeof(name), &nl), 0);
	snprintf(want, sizeof(want), "file-%s.txt", cfg);
	assert_string_equal(name, want);
	assert_int_equal(ecfs_fname_encrypt(&fk, name, nl, ours, sizeof(ours), &ol), 0);
	assert_string_equal(ours, lower);
	ecfs_fname_key_wipe(&fk);
	OPENSSL_cleanse(fek, sizeof(fek));
}

static void test_kernel_files(void **state)
{
	char path[4200], line[512], cfg[64], cname[32], lower[300];
	unsigned int seen = 0, count = 0;
	size_t kb;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/MANIFEST", data_dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(sscanf(line, "%63s %31s %zu %299s", cfg, cname, &kb, lower), 4);
		check_one(cfg, cname, kb, lower);
		seen |= 1u << ecfs_cipher_by_name(cname)->id;
		count++;
	}
	fclose(f);
	/* All six ciphers, 13 configurations. */
	assert_int_equal(seen, (1u << ECFS_CID_COUNT) - 1);
	assert_int_equal(count, 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
