/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_kdf - passphrase key derivation and key signatures, as ecryptfs-utils
 * computes them.
 *
 * A passphrase token holds a 64-byte "file encryption key encryption key"
 * (FEKEK): SHA-512 over salt(8) || passphrase, then 65535 further SHA-512
 * rounds over the previous digest.  The token is named by its signature:
 * the first 8 bytes of SHA-512(FEKEK), written as 16 lower-case hex digits.
 *
 * The filename key (FNEK) is derived the same way, but upstream passes the
 * hex *string* "9988776655443322" where 8 raw salt bytes are expected, so
 * the effective salt is the ASCII text "99887766".  We reproduce that.
 */
#ifndef ECFS_KDF_H
#define ECFS_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_hex.h"	/* ecfs_sig_to_hex() for the signatures made here */
#include "ecryptfs_proto.h"

#define ECFS_KDF_SALT_BYTES		ECFS_SALT_SIZE
#define ECFS_KDF_FEKEK_BYTES		ECFS_MAX_KEY_BYTES
#define ECFS_KDF_SIG_BYTES		ECFS_SIG_SIZE
#define ECFS_KDF_SIG_HEX_BYTES		ECFS_SIG_SIZE_HEX
#define ECFS_KDF_PASSPHRASE_MAX		ECFS_MAX_PASSPHRASE_BYTES
#define ECFS_KDF_ITERATIONS		ECFS_DEFAULT_NUM_HASH_ITERATIONS

/* 00 11 22 33 44 55 66 77: the salt ecryptfs-utils uses when none is set. */
extern const uint8_t ecfs_kdf_default_salt[ECFS_KDF_SALT_BYTES];
/* "99887766" in ASCII: the effective FNEK salt (see above). */
extern const uint8_t ecfs_kdf_fnek_salt[ECFS_KDF_SALT_BYTES];

/*
 * Derive the FEKEK from a passphrase of 1..64 bytes.  Returns 0, -EINVAL
 * for a bad length or NULL argument, -EIO if the hash library fails.
 * On failure @fekek is zeroed.
 */
int ecfs_kdf_fekek(const void *passphrase, size_t len,
		   const uint8_t salt[ECFS_KDF_SALT_BYTES],
		   uint8_t fekek[ECFS_KDF_FEKEK_BYTES]);

/* Binary signature of a FEKEK: SHA-512(fekek)[0..8). */
int ecfs_kdf_sig(const uint8_t fekek[ECFS_KDF_FEKEK_BYTES],
		 uint8_t sig[ECFS_KDF_SIG_BYTES]);

/* FEKEK and binary signature in one call. */
int ecfs_kdf_passphrase(const void *passphrase, size_t len,
			const uint8_t salt[ECFS_KDF_SALT_BYTES],
			uint8_t fekek[ECFS_KDF_FEKEK_BYTES],
			uint8_t sig[ECFS_KDF_SIG_BYTES]);

/* Same with upstream's effective FNEK salt. */
int ecfs_kdf_fnek(const void *passphrase, size_t len,
		  uint8_t fekek[ECFS_KDF_FEKEK_BYTES],
		  uint8_t sig[ECFS_KDF_SIG_BYTES]);

#endif /* ECFS_KDF_H */
