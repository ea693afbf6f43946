// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The openssl key module, loaded through the real loader: key generation,
 * tokens, wrap/unwrap round trips, and compatibility checked against code
 * that is not ours: vectors from openssl(1) and Python (tests/data/keymod/
 * make-vectors) and Botan's RSA-OAEP(SHA-1) and SHA-1 at run time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <botan/ffi.h>

#include "keymods/ecfs_keymod_load.h"

struct fx {
	struct ecfs_keymod *km;
	const struct ecfs_keymod_ops *ops;
	char dir[256];
	char data[1024];
};

static const char *srcdir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	return top ? top : ECFS_TEST_SRCDIR;
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return -errno;
	*len = fread(buf, 1, cap, f);
	fclose(f);
	return 0;
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[512];

	assert_non_null(fx);
	setenv(ECFS_KEYMOD_DIR_ENV, ECFS_TEST_BUILDDIR "/keymods/.libs", 1);
	assert_int_equal(ecfs_keymod_load("openssl", &fx->km, err, sizeof(err)), 0);
	fx->ops = fx->km->ops;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ecfs-keymod-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->data, sizeof(fx->data), "%s/tests/data/keymod", srcdir());
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	ecfs_keymod_unload(fx->km);
	free(fx);
	return 0;
}

static int token(struct fx *fx, const char *keyfile, const char *pwfile, uint8_t **blob,
		 size_t *blob_len, char sig[17])
{
	struct ecfs_keymod_kv kv[2] = { { "keyfile", keyfile }, { "passwd_file", pwfile } };
	char err[512] = "";

	return fx->ops->build_token(kv, pwfile ? 2 : 1, blob, blob_len, sig, err, sizeof(err));
}

/* Independent signature: Botan reads n and e, we lay out the packet, Botan hashes. */
static void botan_sig(const char *pem_path, const char *pass, char out[17])
{
	uint8_t pem[8192], pkt[2048], md[20];
	size_t pem_len = 0, nb, eb, nbits, ebits, i = 0, j;
	botan_privkey_t key;
	botan_mp_t n, e;
	botan_hash_t h;

	assert_int_equal(read_file(pem_path, pem, sizeof(pem), &pem_len), 0);
	assert_int_equal(botan_privkey_load(&key, NULL, pem, pem_len, pass), 0);
	assert_int_equal(botan_mp_init(&n), 0);
	assert_int_equal(botan_mp_init(&e), 0);
	assert_int_equal(botan_privkey_get_field(n, key, "n"), 0);
	assert_int_equal(botan_privkey_get_field(e, key, "e"), 0);
	assert_int_equal(botan_mp_num_bits(n, &nbits), 0);
	assert_int_equal(botan_mp_num_bits(e, &ebits), 0);
	assert_int_equal(botan_mp_num_bytes(n, &nb), 0);
	assert_int_equal(botan_mp_num_bytes(e, &eb), 0);
	pkt[i++] = 0x99;
	pkt[i++] = (uint8_t)((10 + nb + eb) >> 8);
	pkt[i++] = (uint8_t)(10 + nb + eb);
	pkt[i++] = 4;
	for (j = 0; j < 4; j++)
		pkt[i++] = 0;
	pkt[i++] = 2;
	pkt[i++] = (uint8_t)(nbits >> 8);
	pkt[i++] = (uint8_t)nbits;
	assert_int_equal(botan_mp_to_bin(n, pkt + i), 0);
	i += nb;
	pkt[i++] = (uint8_t)(ebits >> 8);
	pkt[i++] = (uint8_t)ebits;
	assert_int_equal(botan_mp_to_bin(e, pkt + i), 0);
	i += eb;
	assert_int_equal(botan_hash_init(&h, "SHA-1", 0), 0);
	assert_int_equal(botan_hash_update(h, pkt, i), 0);
	assert_int_equal(botan_hash_final(h, md), 0);
	for (j = 0; j < 8; j++)
		snprintf(out + 2 * j, 3, "%02x", md[j]);
	botan_hash_destroy(h);
	botan_mp_destroy(n);
	botan_mp_destroy(e);
	botan_privkey_destroy(key);
}

static void test_vectors_sig_and_unwrap(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], path[PATH_MAX], sig[17], sig2[17], want[32] = "";
	uint8_t *blob, *k, kbin[64], ct[512];
	size_t blob_len, klen, kbin_len = 0, ct_len = 0, wl = 0;

	snprintf(key, sizeof(key), "%s/rsa2048.pem", fx->data);
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), 0);
	snprintf(path, sizeof(path), "%s/sig.txt", fx->data);
	assert_int_equal(read_file(path, (uint8_t *)want, sizeof(want) - 1, &wl), 0);
	assert_int_equal(wl, 17);
	want[16] = '\0';
	assert_string_equal(sig, want);
	assert_int_equal(fx->ops->key_sig(blob, blob_len, sig2, NULL, 0), 0);
	assert_string_equal(sig2, want);

	/* A tag 1 payload made by openssl pkeyutl (OAEP, SHA-1). */
	snprintf(path, sizeof(path), "%s/k.oaep", fx->data);
	assert_int_equal(read_file(path, ct, sizeof(ct), &ct_len), 0);
	assert_int_equal(ct_len, 256);
	snprintf(path, sizeof(path), "%s/k.bin", fx->data);
	assert_int_equal(read_file(path, kbin, sizeof(kbin), &kbin_len), 0);
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0), 0);
	assert_int_equal(klen, kbin_len);
	assert_memory_equal(k, kbin, klen);
	fx->ops->free_secret(k, klen);

	/* One flipped bit: OAEP rejects it, no garbage comes back. */
	ct[100] ^= 1;
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0),
			 -EBADMSG);
	assert_null(k);
	/* Wrong length for this modulus. */
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, 255, &k, &klen, NULL, 0), -EBADMSG);
	fx->ops->release_blob(blob, blob_len);
}

static void test_encrypted_key(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], pw[PATH_MAX], sig[17], want[17], err[512] = "";
	struct ecfs_keymod_kv kv[2];
	uint8_t *blob;
	size_t blob_len;

	snprintf(key, sizeof(key), "%s/rsa2048-enc.pem", fx->data);
	snprintf(pw, sizeof(pw), "%s/pass.txt", fx->data);
	/* Protected key without any passphrase. */
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), -EKEYREJECTED);
	/*
	 * With passwd= but no file: a token without any secret; only a key
	 * opened with the passphrase (the daemon's held key) can use it.
	 */
	kv[0] = (struct ecfs_keymod_kv){ "keyfile", key };
	kv[1] = (struct ecfs_keymod_kv){ "passwd", "vector-pass" };
	assert_int_equal(fx->ops->build_token(kv, 2, &blob, &blob_len, sig, err, sizeof(err)), 0);
	assert_null(memmem(blob, blob_len, "vector-pass", 11));
	botan_sig(key, "vector-pass", want);
	assert_string_equal(sig, want);
	{
		static const uint8_t in[] = { 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
					      15, 16, 0, 136 };
		uint8_t ct[ECFS_KEYMOD_MAX_WRAPPED], *k = NULL;
		size_t ct_len = 0, klen = 0;
		char hsig[17];
		void *h = NULL;

		assert_true(ecfs_keymod_can_hold(fx->ops));
		/* The token alone cannot unlock it. */
		assert_int_equal(fx->ops->wrap(blob, blob_len, in, sizeof(in), ct, sizeof(ct),
					       &ct_len, err, sizeof(err)), -EKEYREJECTED);
		assert_int_equal(fx->ops->open_key(blob, blob_len, (const uint8_t *)"wrong", 5,
						   &h, hsig, err, sizeof(err)), -EKEYREJECTED);
		assert_null(h);
		assert_int_equal(fx->ops->open_key(blob, blob_len, (const uint8_t *)"vector-pass",
						   11, &h, hsig, err, sizeof(err)), 0);
		assert_string_equal(hsig, want);
		assert_int_equal(fx->ops->wrap_key(h, in, sizeof(in), ct, sizeof(ct), &ct_len,
						   err, sizeof(err)), 0);
		assert_int_equal(fx->ops->unwrap_key(h, ct, ct_len, &k, &klen, err,
						     sizeof(err)), 0);
		assert_int_equal(klen, sizeof(in));
		assert_memory_equal(k, in, sizeof(in));
		fx->ops->free_secret(k, klen);
		ct[5] ^= 1;
		assert_int_equal(fx->ops->unwrap_key(h, ct, ct_len, &k, &klen, err,
						     sizeof(err)), -EBADMSG);
		fx->ops->close_key(h);
		assert_int_equal(fx->ops->open_key(blob, 3, NULL, 0, &h, hsig, err, sizeof(err)),
				 -EBADMSG);
	}
	fx->ops->release_blob(blob, blob_len);
	/* Wrong passphrase. */
	kv[1] = (struct ecfs_keymod_kv){ "openssl_passwd", "wrong" };
	assert_int_equal(fx->ops->build_token(kv, 2, &blob, &blob_len, sig, err, sizeof(err)),
			 -EKEYREJECTED);
	assert_non_null(strstr(err, "wrong passphrase"));
	/* passwd_file: works, and the blob names the file, not the passphrase. */
	assert_int_equal(token(fx, key, pw, &blob, &blob_len, sig), 0);
	botan_sig(key, "vector-pass", want);
	assert_string_equal(sig, want);
	assert_null(memmem(blob, blob_len, "vector-pass", 11));
	assert_non_null(memmem(blob, blob_len, "pass.txt", 8));
	fx->ops->release_blob(blob, blob_len);
}

static void test_bad_keys(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], sig[17];
	uint8_t *blob;
	size_t blob_len;

	snprintf(key, sizeof(key), "%s/ec.pem", fx->data);
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), -EMEDIUMTYPE);
	snprintf(key, sizeof(key), "%s/k.bin", fx->data);
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), -EMEDIUMTYPE);
	snprintf(key, sizeof(key), "%s/no-such-key.pem", fx->data);
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), -ENOENT);
	assert_int_equal(token(fx, "", NULL, &blob, &blob_len, sig), -EINVAL);
}

/* Keys under 2048 bits are refused on load, as generation refuses them. */
static void test_small_key_refused(void **state)
{
	struct fx *fx = *state;
	struct ecfs_keymod_kv kv[1] = { { "keyfile", NULL } };
	char key[PATH_MAX], sig[17], err[512] = "";
	uint8_t *blob;
	size_t blob_len;

	snprintf(key, sizeof(key), "%s/rsa1024.pem", fx->data);
	kv[0].value = key;
	assert_int_equal(fx->ops->build_token(kv, 1, &blob, &blob_len, sig, err, sizeof(err)),
			 -EMEDIUMTYPE);
	assert_non_null(strstr(err, "1024 bits"));
	assert_non_null(strstr(err, "2048"));
}

/*
 * Run @fn in a child and give it 5 s: a key or passphrase path that is a
 * FIFO or a device must fail at once, never block a daemon worker (or the
 * mount helper) in open() or read().  The child's exit status is the
 * negated return value of @fn.
 */
static int in_child_with_timeout(int (*fn)(struct fx *, const char *), struct fx *fx,
				 const char *arg)
{
	struct timespec t = { 0, 20 * 1000 * 1000 };
	int status, i;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		alarm(10);
		_exit(-fn(fx, arg) & 0xff);
	}
	for (i = 0; i < 250; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			assert_true(WIFEXITED(status));
			return -WEXITSTATUS(status);
		}
		nanosleep(&t, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	fail_msg("blocked on %s", arg);
	return 0;
}

static int sig_of_keyfile(struct fx *fx, const char *path)
{
	uint8_t blob[PATH_MAX + 8];
	size_t l = strlen(path) + 1;
	char sig[17], err[512] = "";

	/* A token as the keyring holds it: le16 len, path, le16 1, "". */
	blob[0] = (uint8_t)l;
	blob[1] = (uint8_t)(l >> 8);
	memcpy(blob + 2, path, l);
	blob[2 + l] = 1;
	blob[3 + l] = 0;
	blob[4 + l] = 0;
	return fx->ops->key_sig(blob, l + 5, sig, err, sizeof(err));
}

static int token_keyfile(struct fx *fx, const char *path)
{
	uint8_t *blob = NULL;
	size_t blob_len;
	char sig[17];

	return token(fx, path, NULL, &blob, &blob_len, sig);
}

static int token_pwfile(struct fx *fx, const char *path)
{
	char key[PATH_MAX], sig[17];
	uint8_t *blob = NULL;
	size_t blob_len;

	snprintf(key, sizeof(key), "%s/rsa2048-enc.pem", fx->data);
	return token(fx, key, path, &blob, &blob_len, sig);
}

static void test_fifo_and_device_paths(void **state)
{
	struct fx *fx = *state;
	char fifo[PATH_MAX];

	snprintf(fifo, sizeof(fifo), "%s/key.fifo", fx->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(in_child_with_timeout(sig_of_keyfile, fx, fifo), -EINVAL);
	assert_int_equal(in_child_with_timeout(token_keyfile, fx, fifo), -EINVAL);
	assert_int_equal(in_child_with_timeout(token_pwfile, fx, fifo), -EINVAL);
	assert_int_equal(in_child_with_timeout(sig_of_keyfile, fx, "/dev/zero"), -EINVAL);
	assert_int_equal(in_child_with_timeout(token_pwfile, fx, "/dev/zero"), -EINVAL);
}

static void test_malformed_blobs(void **state)
{
	struct fx *fx = *state;
	static const uint8_t bad[][12] = {
		{ 0 },					/* too short */
		{ 5, 0, '/', 'a', 0 },			/* truncated path */
		{ 3, 0, 'a', 'b', 0, 1, 0, 0 },		/* relative path */
		{ 3, 0, '/', 'b', 0, 1, 0, 0, 9 },	/* trailing byte */
		{ 3, 0, '/', 0, 0, 1, 0, 0 },		/* NUL inside the path */
		{ 3, 0, '/', 'b', 'c', 1, 0, 0 },	/* path not NUL-terminated */
	};
	static const size_t lens[] = { 1, 5, 8, 9, 8, 8 };
	uint8_t in[19] = { 7 }, out[512];
	char sig[17];
	size_t i, ol;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		assert_int_equal(fx->ops->key_sig(bad[i], lens[i], sig, NULL, 0), -EBADMSG);
		assert_int_equal(fx->ops->wrap(bad[i], lens[i], in, sizeof(in), out, sizeof(out),
					       &ol, NULL, 0), -EBADMSG);
	}
}

static void test_generate_wrap_unwrap_botan(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], sig[17], want[17], err[512] = "";
	struct ecfs_keymod_kv kv[2];
	uint8_t *blob, *k, in[67], ct[512], pt[512], pem[8192];
	size_t blob_len, klen, ct_len, pt_len, pem_len = 0, i;
	botan_privkey_t priv;
	botan_pubkey_t pub;
	botan_pk_op_encrypt_t enc;
	botan_pk_op_decrypt_t dec;
	botan_rng_t rng;
	struct stat sb;

	snprintf(key, sizeof(key), "%s/k3072.pem", fx->dir);
	kv[0] = (struct ecfs_keymod_kv){ "keyfile", key };
	assert_int_equal(fx->ops->generate(kv, 1, err, sizeof(err)), 0);
	assert_int_equal(stat(key, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	/* Never over an existing key. */
	assert_int_equal(fx->ops->generate(kv, 1, err, sizeof(err)), -EEXIST);
	kv[1] = (struct ecfs_keymod_kv){ "bits", "1024" };
	assert_int_equal(fx->ops->generate(kv, 2, err, sizeof(err)), -EINVAL);

	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), 0);
	botan_sig(key, NULL, want);
	assert_string_equal(sig, want);

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	/* Ours -> ours, for every K length the kernel can send. */
	for (i = 3; i <= sizeof(in); i += 16) {
		assert_int_equal(fx->ops->wrap(blob, blob_len, in, i, ct, sizeof(ct), &ct_len,
					       NULL, 0), 0);
		assert_int_equal(ct_len, 384);
		assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0), 0);
		assert_int_equal(klen, i);
		assert_memory_equal(k, in, i);
		fx->ops->free_secret(k, klen);
	}
	assert_int_equal(fx->ops->wrap(blob, blob_len, in, sizeof(in), ct, 100, &ct_len, NULL, 0),
			 -ENOBUFS);

	/* Ours -> Botan and Botan -> ours. */
	assert_int_equal(read_file(key, pem, sizeof(pem), &pem_len), 0);
	assert_int_equal(botan_rng_init(&rng, "system"), 0);
	assert_int_equal(botan_privkey_load(&priv, rng, pem, pem_len, NULL), 0);
	assert_int_equal(botan_privkey_export_pubkey(&pub, priv), 0);
	assert_int_equal(fx->ops->wrap(blob, blob_len, in, 19, ct, sizeof(ct), &ct_len, NULL, 0), 0);
	assert_int_equal(botan_pk_op_decrypt_create(&dec, priv, "OAEP(SHA-160)", 0), 0);
	pt_len = sizeof(pt);
	assert_int_equal(botan_pk_op_decrypt(dec, pt, &pt_len, ct, ct_len), 0);
	assert_int_equal(pt_len, 19);
	assert_memory_equal(pt, in, 19);
	assert_int_equal(botan_pk_op_encrypt_create(&enc, pub, "OAEP(SHA-160)", 0), 0);
	ct_len = sizeof(ct);
	assert_int_equal(botan_pk_op_encrypt(enc, rng, ct, &ct_len, in, 35), 0);
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0), 0);
	assert_int_equal(klen, 35);
	assert_memory_equal(k, in, 35);
	fx->ops->free_secret(k, klen);
	botan_pk_op_encrypt_destroy(enc);
	botan_pk_op_decrypt_destroy(dec);
	botan_pubkey_destroy(pub);
	botan_privkey_destroy(priv);
	botan_rng_destroy(rng);
	fx->ops->release_blob(blob, blob_len);
}

/*
 * A public key alone (a recovery key's public half) builds a token with the
 * private key's signature and wraps; only the private key unwraps.
 */
static void test_public_key_only(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], pubp[PATH_MAX], sig[17], psig[17], err[512] = "";
	uint8_t *blob, *pblob, *k, in[19], ct[512], pem[8192], out[4096];
	size_t blob_len, pblob_len, klen, ct_len, pem_len = 0, out_len = sizeof(out);
	struct ecfs_keymod_kv kv[2];
	botan_privkey_t priv;
	botan_pubkey_t pub;
	FILE *f;

	snprintf(key, sizeof(key), "%s/priv.pem", fx->dir);
	snprintf(pubp, sizeof(pubp), "%s/pub.pem", fx->dir);
	kv[0] = (struct ecfs_keymod_kv){ "keyfile", key };
	kv[1] = (struct ecfs_keymod_kv){ "bits", "2048" };
	assert_int_equal(fx->ops->generate(kv, 2, err, sizeof(err)), 0);
	assert_int_equal(read_file(key, pem, sizeof(pem), &pem_len), 0);
	assert_int_equal(botan_privkey_load(&priv, NULL, pem, pem_len, NULL), 0);
	assert_int_equal(botan_privkey_export_pubkey(&pub, priv), 0);
	assert_int_equal(botan_pubkey_export(pub, out, &out_len, 1), 0);
	f = fopen(pubp, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(out, 1, strlen((char *)out), f), strlen((char *)out));
	fclose(f);

	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), 0);
	assert_int_equal(token(fx, pubp, NULL, &pblob, &pblob_len, psig), 0);
	assert_string_equal(sig, psig);
	memset(in, 0x5a, sizeof(in));
	assert_int_equal(fx->ops->wrap(pblob, pblob_len, in, sizeof(in), ct, sizeof(ct), &ct_len,
				       NULL, 0), 0);
	assert_int_equal(ct_len, 256);
	err[0] = '\0';
	assert_int_equal(fx->ops->unwrap(pblob, pblob_len, ct, ct_len, &k, &klen, err,
					 sizeof(err)), -EKEYREJECTED);
	assert_non_null(strstr(err, "public"));
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0), 0);
	assert_int_equal(klen, sizeof(in));
	assert_memory_equal(k, in, sizeof(in));
	fx->ops->free_secret(k, klen);
	fx->ops->release_blob(blob, blob_len);
	fx->ops->release_blob(pblob, pblob_len);
	botan_pubkey_destroy(pub);
	botan_privkey_destroy(priv);
}

static void test_generate_encrypted(void **state)
{
	struct fx *fx = *state;
	char key[PATH_MAX], pw[PATH_MAX], sig[17], err[512] = "";
	struct ecfs_keymod_kv kv[3];
	uint8_t *blob, in[19] = { 7, 1, 2, 3 }, ct[512], *k;
	size_t blob_len, ct_len, klen;
	FILE *f;

	snprintf(key, sizeof(key), "%s/enc.pem", fx->dir);
	snprintf(pw, sizeof(pw), "%s/pw", fx->dir);
	f = fopen(pw, "w");
	assert_non_null(f);
	fputs("# comment\nopenssl_passwd=s3cret pass\n", f);
	fclose(f);
	kv[0] = (struct ecfs_keymod_kv){ "keyfile", key };
	kv[1] = (struct ecfs_keymod_kv){ "passwd_file", pw };
	kv[2] = (struct ecfs_keymod_kv){ "bits", "2048" };
	assert_int_equal(fx->ops->generate(kv, 3, err, sizeof(err)), 0);
	assert_int_equal(token(fx, key, NULL, &blob, &blob_len, sig), -EKEYREJECTED);
	assert_int_equal(token(fx, key, pw, &blob, &blob_len, sig), 0);
	assert_int_equal(fx->ops->wrap(blob, blob_len, in, sizeof(in), ct, sizeof(ct), &ct_len,
				       NULL, 0), 0);
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, NULL, 0), 0);
	assert_memory_equal(k, in, sizeof(in));
	fx->ops->free_secret(k, klen);
	/* The passphrase file changes: the daemon's unwrap fails cleanly. */
	f = fopen(pw, "w");
	assert_non_null(f);
	fputs("passwd=other\n", f);
	fclose(f);
	assert_int_equal(fx->ops->unwrap(blob, blob_len, ct, ct_len, &k, &klen, err, sizeof(err)),
			 -EKEYREJECTED);
	fx->ops->release_blob(blob, blob_len);
	/* Unknown parameter. */
	kv[1] = (struct ecfs_keymod_kv){ "pass_file", pw };
	assert_int_equal(fx->ops->build_token(kv, 2, &blob, &blob_len, sig, err, sizeof(err)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vectors_sig_and_unwrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_encrypted_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_blobs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_key_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_and_device_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_wrap_unwrap_botan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generate_encrypted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_key_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
