// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_wrap - read v1/v2 and write v2 wrapped-passphrase files.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* asprintf, mkostemp */
#endif
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"

/* AES-128 key = FEKEK[0..16) of the wrapping passphrase, as upstream. */
#define WRAP_KEY_BYTES 16

static int wrap_pass_ok(const void *p, size_t len)
{
	return p && len >= 1 && len <= ECFS_MAX_PASSPHRASE_BYTES;
}

int ecfs_wrap_encode(const void *pass, size_t pass_len, const void *wpass, size_t wpass_len,
		     const uint8_t salt[ECFS_SALT_SIZE], uint8_t *out, size_t out_size,
		     size_t *out_len)
{
	const struct ecfs_cipher *aes = ecfs_cipher_by_id(ECFS_CID_AES);
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	uint8_t sig[ECFS_SIG_SIZE];
	uint8_t padded[ECFS_WRAP_MAX_CT];
	char sig_hex[ECFS_SIG_SIZE_HEX + 1];
	size_t ct_len;
	int rc;

	if (!wrap_pass_ok(pass, pass_len) || !wrap_pass_ok(wpass, wpass_len) ||
	    !salt || !out || !out_len)
		return -EINVAL;
	/* The reader stops at the first NUL, so one inside would be lost. */
	if (memchr(pass, '\0', pass_len))
		return -EINVAL;
	ct_len = (pass_len + ECFS_WRAP_BLOCK - 1) / ECFS_WRAP_BLOCK * ECFS_WRAP_BLOCK;
	if (out_size < ECFS_WRAP_V2_HDR_LEN + ct_len)
		return -ENOBUFS;

	rc = ecfs_kdf_passphrase(wpass, wpass_len, salt, fekek, sig);
	if (rc)
		goto out;
	memset(padded, 0, sizeof(padded));
	memcpy(padded, pass, pass_len);
	out[0] = ECFS_WRAP_V2_MARKER;
	out[1] = ECFS_WRAP_V2_VERSION;
	memcpy(out + 2, salt, ECFS_SALT_SIZE);
	ecfs_sig_to_hex(sig, sig_hex);
	memcpy(out + 2 + ECFS_SALT_SIZE, sig_hex, ECFS_SIG_SIZE_HEX);
	rc = ecfs_cipher_ecb(aes, fekek, WRAP_KEY_BYTES, true, padded,
			     out + ECFS_WRAP_V2_HDR_LEN, ct_len);
	if (rc == 0)
		*out_len = ECFS_WRAP_V2_HDR_LEN + ct_len;
out:
	OPENSSL_cleanse(fekek, sizeof(fekek));
	OPENSSL_cleanse(padded, sizeof(padded));
	return rc;
}

int ecfs_wrap_decode(const uint8_t *in, size_t len, const void *wpass, size_t wpass_len,
		     const uint8_t v1_salt[ECFS_SALT_SIZE], char pass[ECFS_WRAP_PASS_BUF],
		     size_t *pass_len, int *version)
{
	const struct ecfs_cipher *aes = ecfs_cipher_by_id(ECFS_CID_AES);
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	uint8_t sig[ECFS_SIG_SIZE], file_sig[ECFS_SIG_SIZE];
	uint8_t plain[ECFS_WRAP_MAX_CT];
	const uint8_t *salt, *sig_hex, *ct;
	size_t hdr, ct_len, n;
	int ver, rc;

	if (!in || !wrap_pass_ok(wpass, wpass_len) || !pass || !pass_len)
		return -EINVAL;
	if (len < 1)
		return -ENODATA;
	if (in[0] == ECFS_WRAP_V2_MARKER) {
		if (len < 2)
			return -ENODATA;
		if (in[1] != ECFS_WRAP_V2_VERSION)
			return -EPROTONOSUPPORT;
		ver = 2;
		hdr = ECFS_WRAP_V2_HDR_LEN;
		salt = in + 2;
		sig_hex = in + 2 + ECFS_SALT_SIZE;
	} else if (ecfs_hex_digit_ok((char)in[0], ECFS_SIG_ANY_CASE)) {
		ver = 1;
		hdr = ECFS_WRAP_V1_HDR_LEN;
		salt = v1_salt ? v1_salt : ecfs_kdf_default_salt;
		sig_hex = in;
	} else {
		return -EPROTO;
	}
	if (len < hdr + ECFS_WRAP_BLOCK)
		return -ENODATA;
	ct = in + hdr;
	ct_len = len - hdr;
	if (ct_len > ECFS_WRAP_MAX_CT || ct_len % ECFS_WRAP_BLOCK)
		return -EMSGSIZE;
	if (ecfs_hex_decode((const char *)sig_hex, ECFS_SIG_SIZE_HEX, file_sig,
			      sizeof(file_sig)))
		return -EILSEQ;

	rc = ecfs_kdf_passphrase(wpass, wpass_len, salt, fekek, sig);
	if (rc)
		goto out;
	if (CRYPTO_memcmp(sig, file_sig, ECFS_SIG_SIZE) != 0) {
		rc = -EKEYREJECTED;
		goto out;
	}
	rc = ecfs_cipher_ecb(aes, fekek, WRAP_KEY_BYTES, false, ct, plain, ct_len);
	if (rc)
		goto out;
	/* Upstream takes the passphrase as a C string: up to the first NUL. */
	for (n = 0; n < ct_len && plain[n]; n++)
		;
	if (n == 0) {
		rc = -EBADMSG;
		goto out;
	}
	memcpy(pass, plain, n);
	pass[n] = '\0';
	*pass_len = n;
	if (version)
		*version = ver;
out:
	OPENSSL_cleanse(fekek, sizeof(fekek));
	OPENSSL_cleanse(plain, sizeof(plain));
	return rc;
}

static int wrap_write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fsync the directory holding @path so that the rename is durable. */
static int wrap_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		if (fsync(fd) < 0)
			rc = -errno;
		close(fd);
	}
	free(copy);
	return rc;
}

int ecfs_wrap_write_file(const char *path, const void *pass, size_t pass_len,
			 const void *wpass, size_t wpass_len)
{
	uint8_t image[ECFS_WRAP_MAX_FILE];
	uint8_t salt[ECFS_SALT_SIZE];
	char *tmp = NULL;
	size_t len = 0;
	int fd = -1, rc;

	if (!path)
		return -EINVAL;
	if (RAND_bytes_ex(ecfs_crypto_libctx(), salt, sizeof(salt), 0) != 1)
		return -EIO;
	rc = ecfs_wrap_encode(pass, pass_len, wpass, wpass_len, salt, image, sizeof(image),
			      &len);
	if (rc)
		goto out;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (fchmod(fd, S_IRUSR | S_IWUSR) < 0) {
		rc = -errno;
		goto out;
	}
	rc = wrap_write_all(fd, image, len);
	if (rc)
		goto out;
	if (fsync(fd) < 0) {
		rc = -errno;
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		rc = -errno;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		rc = -errno;
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = wrap_sync_dir(path);
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	OPENSSL_cleanse(image, sizeof(image));
	return rc;
}

int ecfs_wrap_read_file(const char *path, const void *wpass, size_t wpass_len,
			const uint8_t v1_salt[ECFS_SALT_SIZE], char pass[ECFS_WRAP_PASS_BUF],
			size_t *pass_len, int *version)
{
	/* One byte more than the largest valid file, to detect longer ones. */
	uint8_t image[ECFS_WRAP_MAX_FILE + 1];
	size_t len = 0;
	int fd, rc = 0;

	if (!path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(image)) {
		ssize_t r = read(fd, image + len, sizeof(image) - len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (rc == 0 && len > ECFS_WRAP_MAX_FILE)
		rc = -EFBIG;
	if (rc == 0)
		rc = ecfs_wrap_decode(image, len, wpass, wpass_len, v1_salt, pass, pass_len,
				      version);
	OPENSSL_cleanse(image, sizeof(image));
	return rc;
}
