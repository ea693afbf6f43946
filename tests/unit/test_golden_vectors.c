// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Golden vectors: lower files written by the upstream kernel module and
 * ecryptfs-utils (tests/data/golden, see its MANIFEST) must decrypt with
 * libecfs alone to the recorded plaintext size and SHA-256: every cipher
 * and key size, each key of a two-key file on its own, encrypted names and
 * symlink targets, metadata in the user.ecryptfs xattr (read from the
 * sidecar copies in tests/data/golden-xattrs) and the wrapped passphrase.
 */
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

#include <openssl/evp.h>

#include "ecfs_cipher.h"
#include "ecfs_fname.h"
#include "ecfs_header.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"

#define MAX_LINES	256
#define MAX_FIELD	512
#define PATH_BUF	(4096 + 2 * MAX_FIELD + 64)
#define SIG_FOO		"253ca7e88811d184"
#define SIG_BAR		"72c0078c0eaa7eec"
#define SIG_FNEK	"6967d0c28476ffa1"

struct vec {
	char set[64], path[MAX_FIELD], name[MAX_FIELD], type[16], cipher[16];
	char sigs[64], fnek_sig[20], sha256[65], target[MAX_FIELD];
	unsigned int key_bytes;
	int xattr;
	uint64_t size;
};

static struct vec vecs[MAX_LINES];
static size_t n_vecs;
static char top[4096];
static uint8_t fekek_foo[64], fekek_bar[64];
static struct ecfs_fname_key fnek_foo;

static void field(const char *line, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	const char *p = line;

	out[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t n = strcspn(v, "\t\n");

			assert_true(n < size);
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	fail_msg("MANIFEST line lacks %s: %s", key, line);
}

static int load_manifest(void **state)
{
	static char line[4096];
	const char *t = getenv("TOP_SRCDIR");
	char path[PATH_BUF], num[32];
	uint8_t sig[ECFS_SIG_SIZE], fn[64];
	char hex[ECFS_SIG_SIZE_HEX + 1];
	FILE *f;

	(void)state;
	snprintf(top, sizeof(top), "%s", t ? t : "..");
	snprintf(path, sizeof(path), "%s/tests/data/golden/MANIFEST", top);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s (set TOP_SRCDIR)\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct vec *v;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (n_vecs == MAX_LINES)
			break;
		v = &vecs[n_vecs++];
		field(line, "set", v->set, sizeof(v->set));
		field(line, "path", v->path, sizeof(v->path));
		field(line, "name", v->name, sizeof(v->name));
		field(line, "type", v->type, sizeof(v->type));
		field(line, "cipher", v->cipher, sizeof(v->cipher));
		field(line, "sigs", v->sigs, sizeof(v->sigs));
		field(line, "fnek_sig", v->fnek_sig, sizeof(v->fnek_sig));
		field(line, "sha256", v->sha256, sizeof(v->sha256));
		field(line, "target", v->target, sizeof(v->target));
		field(line, "key_bytes", num, sizeof(num));
		v->key_bytes = (unsigned int)strtoul(num, NULL, 10);
		field(line, "xattr", num, sizeof(num));
		v->xattr = atoi(num);
		field(line, "size", num, sizeof(num));
		v->size = strtoull(num, NULL, 10);
	}
	fclose(f);
	if (ecfs_crypto_init())
		return -1;
	/* The keys the vectors were made with, checked by their signatures. */
	if (ecfs_kdf_passphrase("foo", 3, ecfs_kdf_default_salt, fekek_foo, sig))
		return -1;
	ecfs_sig_to_hex(sig, hex);
	if (strcmp(hex, SIG_FOO))
		return -1;
	if (ecfs_kdf_passphrase("bar", 3, ecfs_kdf_default_salt, fekek_bar, sig))
		return -1;
	ecfs_sig_to_hex(sig, hex);
	if (strcmp(hex, SIG_BAR))
		return -1;
	if (ecfs_kdf_fnek("foo", 3, fn, sig))
		return -1;
	ecfs_sig_to_hex(sig, hex);
	if (strcmp(hex, SIG_FNEK))
		return -1;
	if (ecfs_fname_key_init(&fnek_foo, ecfs_cipher_by_name("aes"), 16, fn))
		return -1;
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t md[32];
	unsigned int i;

	assert_int_equal(EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/*
 * Decrypt @v's lower file with the key whose signature is @sig and check
 * cipher, key size, plaintext size and hash.
 */
static void check_file(const struct vec *v, const char *sig, const uint8_t *fekek)
{
	struct ecfs_key_packet kps[8];
	struct ecfs_header h;
	const struct ecfs_cipher *c = NULL;
	struct ecfs_extent_ctx *ctx = NULL;
	char path[PATH_BUF], hex[17], got[65];
	uint8_t fek[64], *lower, *meta, *plain;
	size_t len, meta_len, n = 0, ks = 0, i, found = SIZE_MAX, data_off;
	uint64_t ext, n_ext;
	int rc;

	snprintf(path, sizeof(path), "%s/tests/data/golden/%s/%s", top, v->set, v->path);
	lower = slurp(path, &len);
	if (v->xattr) {
		/* Metadata from the sidecar copy of the xattr; data from offset 0. */
		snprintf(path, sizeof(path), "%s/tests/data/golden-xattrs/%s/%s", top, v->set,
			 v->path);
		meta = slurp(path, &meta_len);
		rc = ecfs_metadata_decode(meta, meta_len, 0, &h, kps, 8, &n);
		assert_true(rc > 0);
		assert_true(h.flags & ECFS_HDR_FLAG_METADATA_IN_XATTR);
		/* The kernel writes no header into such a file. */
		assert_false(len >= 16 && ecfs_header_has_marker(lower, len));
		data_off = 0;
		free(meta);
	} else {
		rc = ecfs_metadata_decode(lower, len, ECFS_HDR_CHECK_SIZE, &h, kps, 8, &n);
		assert_true(rc > 0);
		data_off = h.metadata_size;
	}
	assert_int_equal(h.version, 3);
	assert_true(h.flags & ECFS_HDR_FLAG_ENCRYPTED);
	assert_int_equal(h.file_size, v->size);
	/* The packets name exactly the manifest's signatures, in order. */
	hex[0] = '\0';
	{
		char all[64] = "";

		for (i = 0; i < n; i++) {
			ecfs_sig_to_hex(kps[i].sig, hex);
			if (i)
				strcat(all, ",");
			strcat(all, hex);
			if (!strcmp(hex, sig))
				found = i;
		}
		assert_string_equal(all, v->sigs);
	}
	assert_true(found != SIZE_MAX);
	assert_int_equal(kps[found].tag, ECFS_TAG_3);
	rc = ecfs_cipher_fek_unwrap(kps[found].u.t3.cipher_code, fekek, kps[found].u.t3.enc_key,
				    kps[found].u.t3.enc_key_len, fek, &ks, &c);
	assert_int_equal(rc, 0);
	assert_string_equal(c->name, v->cipher);
	assert_int_equal(ks, v->key_bytes);

	n_ext = (v->size + ECFS_EXTENT_SIZE - 1) / ECFS_EXTENT_SIZE;
	assert_true(data_off + n_ext * ECFS_EXTENT_SIZE <= len);
	plain = malloc(n_ext * ECFS_EXTENT_SIZE + 1);
	assert_non_null(plain);
	assert_int_equal(ecfs_extent_ctx_new(&ctx, c, fek, ks), 0);
	for (ext = 0; ext < n_ext; ext++)
		assert_int_equal(ecfs_extent_decrypt(ctx, ext,
						     lower + data_off + ext * ECFS_EXTENT_SIZE,
						     plain + ext * ECFS_EXTENT_SIZE), 0);
	ecfs_extent_ctx_free(ctx);
	sha256_hex(plain, v->size, got);
	if (strcmp(got, v->sha256))
		fail_msg("%s/%s with key %s: sha256 %s, want %s", v->set, v->path, sig, got,
			 v->sha256);
	free(plain);
	free(lower);
}

/* Every path component of an FNEK vector decrypts to the manifest name. */
static void check_names(const struct vec *v)
{
	char lower[MAX_FIELD], plain[MAX_FIELD], out[256], *save = NULL, *comp;
	size_t out_len;

	snprintf(lower, sizeof(lower), "%s", v->path);
	plain[0] = '\0';
	for (comp = strtok_r(lower, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		uint8_t sig[ECFS_SIG_SIZE];
		char hex[17];

		assert_int_equal(ecfs_fname_peek(comp, strlen(comp), sig, NULL), 0);
		ecfs_sig_to_hex(sig, hex);
		assert_string_equal(hex, v->fnek_sig);
		assert_int_equal(ecfs_fname_decrypt(&fnek_foo, comp, strlen(comp),
						    ECFS_FNAME_VERIFY, out, sizeof(out),
						    &out_len), 0);
		assert_int_equal(out_len, strlen(out));
		if (plain[0])
			strcat(plain, "/");
		strcat(plain, out);
	}
	assert_string_equal(plain, v->name);
}

static size_t checked;

static void test_ciphers_and_history(void **state)
{
	size_t i, here = 0;

	(void)state;
	for (i = 0; i < n_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (strcmp(v->type, "file") || v->xattr || strcmp(v->fnek_sig, "-") ||
		    strchr(v->sigs, ','))
			continue;
		assert_string_equal(v->sigs, SIG_FOO);
		check_file(v, SIG_FOO, fekek_foo);
		here++;
	}
	/* 11 cipher/key-size sets of 6 sizes, and the 5 history files. */
	assert_int_equal(here, 11 * 6 + 5);
	checked += here;
}

static void test_two_keys_each_alone(void **state)
{
	size_t i, here = 0;

	(void)state;
	for (i = 0; i < n_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (!strchr(v->sigs, ','))
			continue;
		check_file(v, SIG_FOO, fekek_foo);
		check_file(v, SIG_BAR, fekek_bar);
		here++;
	}
	assert_int_equal(here, 2);
	checked += here;
}

static void test_fnek_names_and_targets(void **state)
{
	char path[PATH_BUF], link[512], out[256];
	size_t i, here = 0, out_len;
	ssize_t n;

	(void)state;
	for (i = 0; i < n_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (!strcmp(v->fnek_sig, "-"))
			continue;
		check_names(v);
		if (!strcmp(v->type, "file")) {
			check_file(v, SIG_FOO, fekek_foo);
		} else if (!strcmp(v->type, "symlink")) {
			snprintf(path, sizeof(path), "%s/tests/data/golden/%s/%s", top, v->set,
				 v->path);
			n = readlink(path, link, sizeof(link) - 1);
			assert_true(n > 0);
			link[n] = '\0';
			assert_int_equal(ecfs_fname_decrypt(&fnek_foo, link, (size_t)n,
							    ECFS_FNAME_VERIFY, out, sizeof(out),
							    &out_len), 0);
			assert_string_equal(out, v->target);
		} else {
			assert_string_equal(v->type, "dir");
		}
		here++;
	}
	assert_int_equal(here, 5);
	checked += here;
}

static void test_xattr_metadata(void **state)
{
	size_t i, here = 0;

	(void)state;
	for (i = 0; i < n_vecs; i++) {
		if (!vecs[i].xattr)
			continue;
		check_file(&vecs[i], SIG_FOO, fekek_foo);
		here++;
	}
	assert_int_equal(here, 3);
	checked += here;
}

static void test_wrapped_passphrase(void **state)
{
	char path[PATH_BUF], pass[ECFS_WRAP_PASS_BUF], got[65];
	size_t i, len = 0, here = 0;
	int version = 0;

	(void)state;
	for (i = 0; i < n_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (strcmp(v->type, "wrapped"))
			continue;
		snprintf(path, sizeof(path), "%s/tests/data/golden/%s/%s", top, v->set, v->path);
		assert_int_equal(ecfs_wrap_read_file(path, "wrapping pass", 13, NULL, pass, &len,
						     &version), 0);
		assert_int_equal(version, 2);
		assert_int_equal(len, v->size);
		sha256_hex((const uint8_t *)pass, len, got);
		assert_string_equal(got, v->sha256);
		assert_string_equal(pass, "This is the mount passphrase");
		assert_int_equal(ecfs_wrap_read_file(path, "wrong pass", 10, NULL, pass, &len,
						     NULL), -EKEYREJECTED);
		here++;
	}
	assert_int_equal(here, 1);
	checked += here;
}

/* Runs last: every manifest line was checked by one of the tests above. */
static void test_every_vector_checked(void **state)
{
	(void)state;
	assert_int_equal(n_vecs, 89 - 7);
	assert_int_equal(checked, n_vecs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ciphers_and_history),
		cmocka_unit_test(test_two_keys_each_alone),
		cmocka_unit_test(test_fnek_names_and_targets),
		cmocka_unit_test(test_xattr_metadata),
		cmocka_unit_test(test_wrapped_passphrase),
		cmocka_unit_test(test_every_vector_checked),
	};

	return cmocka_run_group_tests(tests, load_manifest, NULL);
}
