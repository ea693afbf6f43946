/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_wrap - ecryptfs-utils "wrapped-passphrase" files.
 *
 * The mount passphrase (1..64 bytes) is zero-padded to a multiple of 16 and
 * encrypted with AES-128-ECB; the key is the first 16 bytes of the FEKEK
 * derived (ecfs_kdf) from the wrapping (login) passphrase.  There is no MAC:
 * the only check is the signature of the wrapping key stored in the file.
 *
 *   v1:  sig_hex[16] || ct            salt kept elsewhere (~/.ecryptfsrc or
 *                                     the default 0011223344556677)
 *   v2:  ':' 0x02 || salt[8] || sig_hex[16] || ct      (ecryptfs-utils 106+)
 *
 * A leading ':' marks v2; a leading hex digit marks v1.  We read both and
 * write v2 with a random salt.
 */
#ifndef ECFS_WRAP_H
#define ECFS_WRAP_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

#define ECFS_WRAP_V2_MARKER	':'
#define ECFS_WRAP_V2_VERSION	0x02
#define ECFS_WRAP_V1_HDR_LEN	ECFS_SIG_SIZE_HEX
#define ECFS_WRAP_V2_HDR_LEN	(2 + ECFS_SALT_SIZE + ECFS_SIG_SIZE_HEX)
#define ECFS_WRAP_BLOCK		16
#define ECFS_WRAP_MAX_CT	ECFS_MAX_PASSPHRASE_BYTES
#define ECFS_WRAP_MAX_FILE	(ECFS_WRAP_V2_HDR_LEN + ECFS_WRAP_MAX_CT)
/* A passphrase buffer: up to 64 bytes and a NUL. */
#define ECFS_WRAP_PASS_BUF	(ECFS_MAX_PASSPHRASE_BYTES + 1)

/*
 * Build a v2 file image in @out (at most ECFS_WRAP_MAX_FILE bytes).
 * @pass: 1..64 bytes without NUL; @wpass: the wrapping passphrase, 1..64.
 * -EINVAL bad argument, -ENOBUFS @out too small.
 */
int ecfs_wrap_encode(const void *pass, size_t pass_len, const void *wpass, size_t wpass_len,
		     const uint8_t salt[ECFS_SALT_SIZE], uint8_t *out, size_t out_size,
		     size_t *out_len);

/*
 * Unwrap a v1 or v2 file image of @len bytes.  @v1_salt is the salt for v1
 * files (NULL: the default salt).  On success @pass holds the passphrase
 * and a NUL, *pass_len its length, *version 1 or 2 (@version may be NULL).
 * Errors:
 *   -ENODATA          shorter than the header plus one block
 *   -EPROTO           neither ':' nor a hex digit first
 *   -EPROTONOSUPPORT  v2 marker with another version byte
 *   -EILSEQ           the stored signature is not 16 hex digits
 *   -EMSGSIZE         ciphertext not 16..64 bytes in whole blocks
 *   -EKEYREJECTED     wrong wrapping passphrase (signature mismatch)
 *   -EBADMSG          decrypts to an empty passphrase
 */
int ecfs_wrap_decode(const uint8_t *in, size_t len, const void *wpass, size_t wpass_len,
		     const uint8_t v1_salt[ECFS_SALT_SIZE], char pass[ECFS_WRAP_PASS_BUF],
		     size_t *pass_len, int *version);

/*
 * Write a v2 file with a fresh random salt: a temporary file in the same
 * directory (mode 0600), fsync, rename over @path, fsync the directory.
 */
int ecfs_wrap_write_file(const char *path, const void *pass, size_t pass_len,
			 const void *wpass, size_t wpass_len);

/* Read and unwrap @path; -EFBIG if it is larger than any valid file. */
int ecfs_wrap_read_file(const char *path, const void *wpass, size_t wpass_len,
			const uint8_t v1_salt[ECFS_SALT_SIZE], char pass[ECFS_WRAP_PASS_BUF],
			size_t *pass_len, int *version);

#endif /* ECFS_WRAP_H */
