// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs-mklower: write eCryptfs lower files from a plaintext file with
 * libecfs, the way the kernel lays them out (8192-byte header, one tag 3 +
 * tag 11 per key, 4096-byte CBC extents, a fresh random FEK per file).
 * A test and benchmark aid: the kernel is not available on the host, and
 * the golden vectors are too small to measure anything.
 *
 *   ecfs-mklower --passphrase-file FILE [--salt HEX] [--cipher NAME]
 *                [--key-bytes N] PLAINTEXT LOWER...
 *
 * Every LOWER gets the same plaintext under its own FEK.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ecfs_cipher.h"
#include "ecfs_header.h"
#include "ecfs_kdf.h"
#include "et_secret.h"

#define PROG "ecfs-mklower"
#define CHUNK (256 * ECFS_EXTENT_SIZE)

struct mk {
	const struct ecfs_cipher *c;
	size_t key_bytes;
	uint8_t salt[ECFS_SALT_SIZE];
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	uint8_t sig[ECFS_SIG_SIZE];
	uint8_t *buf;
};

static int write_full(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int make_one(struct mk *mk, int in, uint64_t size, const char *out_path)
{
	uint8_t fek[ECFS_MAX_KEY_BYTES], hdr[ECFS_MIN_HEADER_SIZE];
	struct ecfs_extent_ctx *ctx = NULL;
	struct ecfs_key_packet kp;
	struct ecfs_header h;
	uint64_t ext = 0, off = 0;
	size_t enc_len = 0;
	int out, rc, code;

	out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		return -errno;
	rc = -EIO;
	if (RAND_bytes(fek, (int)mk->key_bytes) != 1)
		goto out;
	memset(&kp, 0, sizeof(kp));
	kp.tag = ECFS_TAG_3;
	memcpy(kp.sig, mk->sig, sizeof(kp.sig));
	code = ecfs_cipher_code(mk->c, mk->key_bytes);
	rc = code;
	if (code < 0)
		goto out;
	kp.u.t3.cipher_code = (uint8_t)code;
	memcpy(kp.u.t3.salt, mk->salt, sizeof(mk->salt));
	kp.u.t3.count = ECFS_TAG3_COUNT_65536;
	rc = ecfs_cipher_fek_wrap(mk->c, mk->fekek, fek, mk->key_bytes, kp.u.t3.enc_key,
				  sizeof(kp.u.t3.enc_key), &enc_len);
	if (rc)
		goto out;
	kp.u.t3.enc_key_len = enc_len;
	memset(&h, 0, sizeof(h));
	h.file_size = size;
	if (RAND_bytes((uint8_t *)&h.marker1, sizeof(h.marker1)) != 1) {
		rc = -EIO;
		goto out;
	}
	h.version = ECFS_FILE_VERSION;
	h.flags = ECFS_HDR_FLAG_ENCRYPTED;
	h.extent_size = ECFS_DEFAULT_HEADER_EXTENT_SIZE;
	h.num_extents = ECFS_DEFAULT_NUM_HEADER_EXTENTS;
	rc = ecfs_metadata_encode(hdr, sizeof(hdr), 0, &h, &kp, 1);
	if (rc != (int)sizeof(hdr)) {
		rc = rc < 0 ? rc : -EIO;
		goto out;
	}
	rc = write_full(out, hdr, sizeof(hdr));
	if (rc)
		goto out;
	rc = ecfs_extent_ctx_new(&ctx, mk->c, fek, mk->key_bytes);
	if (rc)
		goto out;
	while (off < size) {
		ssize_t got = pread(in, mk->buf, CHUNK, (off_t)off);
		size_t n, i;

		if (got <= 0) {
			rc = got < 0 ? -errno : -ENODATA;
			goto out;
		}
		/* Past the end of the plaintext the kernel encrypts zeros. */
		n = ((size_t)got + ECFS_EXTENT_SIZE - 1) / ECFS_EXTENT_SIZE;
		memset(mk->buf + got, 0, n * ECFS_EXTENT_SIZE - (size_t)got);
		for (i = 0; i < n; i++) {
			uint8_t *p = mk->buf + i * ECFS_EXTENT_SIZE;

			rc = ecfs_extent_encrypt(ctx, ext++, p, p);
			if (rc)
				goto out;
		}
		rc = write_full(out, mk->buf, n * ECFS_EXTENT_SIZE);
		if (rc)
			goto out;
		off += (uint64_t)got;
	}
	rc = 0;
out:
	ecfs_extent_ctx_free(ctx);
	OPENSSL_cleanse(fek, sizeof(fek));
	if (close(out) && !rc)
		rc = -errno;
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "salt", required_argument, NULL, 's' },
		{ "cipher", required_argument, NULL, 'c' },
		{ "key-bytes", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct mk mk = { 0 };
	struct et_secret pw = { 0 };
	const char *passfile = NULL;
	struct stat st;
	int opt, fd, in, i, rc = 1;

	mk.c = ecfs_cipher_by_name("aes");
	mk.key_bytes = 16;
	memcpy(mk.salt, ecfs_kdf_default_salt, sizeof(mk.salt));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			passfile = optarg;
			break;
		case 's':
			if (ecfs_hex_decode(optarg, strlen(optarg), mk.salt, sizeof(mk.salt)))
				goto usage;
			break;
		case 'c':
			mk.c = ecfs_cipher_by_name(optarg);
			if (!mk.c)
				goto usage;
			break;
		case 'k':
			mk.key_bytes = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (!passfile || argc - optind < 2 || ecfs_cipher_wrapped_size(mk.c, mk.key_bytes) < 0)
		goto usage;
	if (ecfs_crypto_init() || et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES))
		return 1;
	fd = open(passfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || et_secret_read_fd(fd, &pw) || !pw.len) {
		fprintf(stderr, PROG ": %s: cannot read a passphrase\n", passfile);
		goto out;
	}
	close(fd);
	if (ecfs_kdf_passphrase(pw.buf, pw.len, mk.salt, mk.fekek, mk.sig))
		goto out;
	in = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st)) {
		fprintf(stderr, PROG ": %s: %s\n", argv[optind], strerror(errno));
		goto out;
	}
	mk.buf = malloc(CHUNK);
	if (!mk.buf)
		goto out;
	for (i = optind + 1; i < argc; i++) {
		int r = make_one(&mk, in, (uint64_t)st.st_size, argv[i]);

		if (r) {
			fprintf(stderr, PROG ": %s: %s\n", argv[i], strerror(-r));
			goto out;
		}
	}
	rc = 0;
out:
	free(mk.buf);
	OPENSSL_cleanse(mk.fekek, sizeof(mk.fekek));
	et_secret_free(&pw);
	return rc;
usage:
	fprintf(stderr, "Usage: " PROG " --passphrase-file FILE [--salt HEX] [--cipher NAME] "
		"[--key-bytes N] PLAINTEXT LOWER...\n");
	return 2;
}
