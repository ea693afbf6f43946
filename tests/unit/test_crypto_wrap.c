// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for ecfs_wrap: fixtures written by ecryptfs-utils 111 (v2) and
 * built independently (v1), round trips, the v2 layout, file writing, and
 * every decoder error.  Fixtures are found through $TOP_SRCDIR.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"

static char fixture_dir[4096];

static int setup(void **state)
{
	const char *top = getenv("TOP_SRCDIR");

	(void)state;
	/* The suite exports TOP_SRCDIR; the build also bakes the source dir in. */
#ifdef ECFS_TEST_SRCDIR
	if (!top)
		top = ECFS_TEST_SRCDIR;
#endif
	snprintf(fixture_dir, sizeof(fixture_dir), "%s/tests/data/upstream-fixtures",
		 top ? top : ".");
	return 0;
}

static void fixture_path(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", fixture_dir, name);
}

struct fixture {
	const char *file, *pass, *wrapping;
	int version;
};

static const struct fixture fixtures[] = {
	{ "wp2-test1.bin", "This is test #1", "Wrapping pass", 2 },
	{ "wp2-16.bin", "0123456789abcdef", "Wrapping pass", 2 },
	{ "wp2-64.bin", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	  "l0gin p\xc3\xa4ssw\xc3\xb6rd!", 2 },
	{ "wp1-default.bin", "This is test #2", "Wrapping pass", 1 },
	{ "wp1-33.bin", "abcdefghijklmnopqrstuvwxyz0123456", "another wrapping pass", 1 },
};

static void test_fixtures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *f = &fixtures[i];
		char path[4200], pass[ECFS_WRAP_PASS_BUF];
		size_t len = 0;
		int ver = 0;

		fixture_path(path, sizeof(path), f->file);
		assert_int_equal(ecfs_wrap_read_file(path, f->wrapping, strlen(f->wrapping), NULL,
						     pass, &len, &ver), 0);
		assert_int_equal(ver, f->version);
		assert_int_equal(len, strlen(f->pass));
		assert_string_equal(pass, f->pass);
		/* A wrong wrapping passphrase is caught by the signature. */
		assert_int_equal(ecfs_wrap_read_file(path, "wrong", 5, NULL, pass, &len, &ver),
				 -EKEYREJECTED);
	}
}

/* v1 files take their salt from outside; a different one must not match. */
static void test_v1_salt(void **state)
{
	static const uint8_t other[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char path[4200], pass[ECFS_WRAP_PASS_BUF];
	size_t len;

	(void)state;
	fixture_path(path, sizeof(path), "wp1-default.bin");
	assert_int_equal(ecfs_wrap_read_file(path, "Wrapping pass", 13, other, pass, &len, NULL),
			 -EKEYREJECTED);
	assert_int_equal(ecfs_wrap_read_file(path, "Wrapping pass", 13, ecfs_kdf_default_salt,
					     pass, &len, NULL), 0);
	assert_string_equal(pass, "This is test #2");
}

static void test_roundtrip(void **state)
{
	static const size_t lens[] = { 1, 15, 16, 17, 32, 33, 63, 64 };
	static const uint8_t salt[8] = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		uint8_t img[ECFS_WRAP_MAX_FILE], fekek[64], sig[8], plain[64];
		char in[65], out[ECFS_WRAP_PASS_BUF], hex[17];
		size_t n, len, ct_len = (lens[i] + 15) / 16 * 16, j;
		int ver;

		for (j = 0; j < lens[i]; j++)
			in[j] = (char)('A' + (i + j) % 26);
		in[lens[i]] = '\0';
		assert_int_equal(ecfs_wrap_encode(in, lens[i], "login", 5, salt, img, sizeof(img),
						  &n), 0);
		assert_int_equal(n, 26 + ct_len);
		/* Layout: ':' 0x02 salt sig_hex ct, with sig of the wrapping key. */
		assert_int_equal(img[0], ':');
		assert_int_equal(img[1], 0x02);
		assert_memory_equal(img + 2, salt, 8);
		assert_int_equal(ecfs_kdf_passphrase("login", 5, salt, fekek, sig), 0);
		ecfs_sig_to_hex(sig, hex);
		assert_memory_equal(img + 10, hex, 16);
		/* The ciphertext is AES-128-ECB of the zero-padded passphrase. */
		assert_int_equal(ecfs_cipher_ecb(ecfs_cipher_by_name("aes"), fekek, 16, false,
						 img + 26, plain, ct_len), 0);
		assert_memory_equal(plain, in, lens[i]);
		for (j = lens[i]; j < ct_len; j++)
			assert_int_equal(plain[j], 0);
		assert_int_equal(ecfs_wrap_decode(img, n, "login", 5, NULL, out, &len, &ver), 0);
		assert_int_equal(ver, 2);
		assert_int_equal(len, lens[i]);
		assert_string_equal(out, in);
	}
}

static void test_encode_errors(void **state)
{
	uint8_t img[ECFS_WRAP_MAX_FILE];
	char big[66];
	size_t n;

	(void)state;
	memset(big, 'x', sizeof(big));
	assert_int_equal(ecfs_wrap_encode(big, 65, "w", 1, ecfs_kdf_default_salt, img,
					  sizeof(img), &n), -EINVAL);
	assert_int_equal(ecfs_wrap_encode(big, 0, "w", 1, ecfs_kdf_default_salt, img,
					  sizeof(img), &n), -EINVAL);
	assert_int_equal(ecfs_wrap_encode("a\0b", 3, "w", 1, ecfs_kdf_default_salt, img,
					  sizeof(img), &n), -EINVAL);
	assert_int_equal(ecfs_wrap_encode("abc", 3, big, 65, ecfs_kdf_default_salt, img,
					  sizeof(img), &n), -EINVAL);
	assert_int_equal(ecfs_wrap_encode("abc", 3, "w", 1, ecfs_kdf_default_salt, img, 41, &n),
			 -ENOBUFS);
}

static void test_decode_errors(void **state)
{
	uint8_t img[ECFS_WRAP_MAX_FILE], bad[ECFS_WRAP_MAX_FILE + 16];
	char out[ECFS_WRAP_PASS_BUF];
	size_t n, len;

	(void)state;
	assert_int_equal(ecfs_wrap_encode("secret", 6, "w", 1, ecfs_kdf_default_salt, img,
					  sizeof(img), &n), 0);
	assert_int_equal(n, 42);
	assert_int_equal(ecfs_wrap_decode(img, 0, "w", 1, NULL, out, &len, NULL), -ENODATA);
	assert_int_equal(ecfs_wrap_decode(img, 1, "w", 1, NULL, out, &len, NULL), -ENODATA);
	/* Header plus less than one block, then not a whole number of blocks. */
	assert_int_equal(ecfs_wrap_decode(img, 41, "w", 1, NULL, out, &len, NULL), -ENODATA);
	memcpy(bad, img, n);
	bad[n] = 0;
	assert_int_equal(ecfs_wrap_decode(bad, n + 1, "w", 1, NULL, out, &len, NULL), -EMSGSIZE);
	/* v1 (leading hex digit): 16 + 16 bytes at least. */
	assert_int_equal(ecfs_wrap_decode((const uint8_t *)"0123456789abcdef0123", 20, "w", 1,
					  NULL, out, &len, NULL), -ENODATA);
	bad[1] = 0x03;
	assert_int_equal(ecfs_wrap_decode(bad, n, "w", 1, NULL, out, &len, NULL),
			 -EPROTONOSUPPORT);
	bad[0] = 'x';
	assert_int_equal(ecfs_wrap_decode(bad, n, "w", 1, NULL, out, &len, NULL), -EPROTO);
	memcpy(bad, img, n);
	bad[12] = 'z';
	assert_int_equal(ecfs_wrap_decode(bad, n, "w", 1, NULL, out, &len, NULL), -EILSEQ);
	/* More than 64 bytes of ciphertext. */
	memcpy(bad, img, n);
	memset(bad + n, 0, 64);
	assert_int_equal(ecfs_wrap_decode(bad, n + 64, "w", 1, NULL, out, &len, NULL), -EMSGSIZE);
	assert_int_equal(ecfs_wrap_decode(img, n, "W", 1, NULL, out, &len, NULL), -EKEYREJECTED);
	/* A ciphertext that decrypts to an empty passphrase. */
	{
		uint8_t fekek[64], sig[8], zero[16] = { 0 };

		assert_int_equal(ecfs_kdf_passphrase("w", 1, ecfs_kdf_default_salt, fekek, sig),
				 0);
		memcpy(bad, img, 26);
		assert_int_equal(ecfs_cipher_ecb(ecfs_cipher_by_name("aes"), fekek, 16, true,
						 zero, bad + 26, 16), 0);
		assert_int_equal(ecfs_wrap_decode(bad, 42, "w", 1, NULL, out, &len, NULL),
				 -EBADMSG);
	}
}

static void test_files(void **state)
{
	char dir[] = "/tmp/ecfs-wrap-XXXXXX", path[64], pass[ECFS_WRAP_PASS_BUF];
	struct stat st;
	struct dirent *de;
	DIR *d;
	size_t len;
	int ver, entries = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/wrapped-passphrase", dir);
	/* Replace an existing file. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old contents", f);
	fclose(f);
	assert_int_equal(ecfs_wrap_write_file(path, "mount pass", 10, "login", 5), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 42);
	assert_int_equal(ecfs_wrap_read_file(path, "login", 5, NULL, pass, &len, &ver), 0);
	assert_int_equal(ver, 2);
	assert_string_equal(pass, "mount pass");
	/* Two writes use different random salts. */
	{
		uint8_t a[42], b[42];

		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(a, 1, 42, f), 42);
		fclose(f);
		assert_int_equal(ecfs_wrap_write_file(path, "mount pass", 10, "login", 5), 0);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(b, 1, 42, f), 42);
		fclose(f);
		assert_memory_not_equal(a + 2, b + 2, 8);
	}
	/* No temporary file is left behind. */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			entries++;
	closedir(d);
	assert_int_equal(entries, 1);
	/* Oversized file. */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(":\x02xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, 100, f),
			 100);
	fclose(f);
	assert_int_equal(ecfs_wrap_read_file(path, "login", 5, NULL, pass, &len, &ver), -EFBIG);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ecfs_wrap_read_file(path, "login", 5, NULL, pass, &len, &ver), -ENOENT);
	/* A directory that does not exist. */
	snprintf(path, sizeof(path), "%s/missing/wp", dir);
	assert_int_equal(ecfs_wrap_write_file(path, "p", 1, "login", 5), -ENOENT);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_v1_salt),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
