/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_fname - eCryptfs filename encryption (mount-wide FNEK mode).
 *
 * Lower name = "ECRYPTFS_FNEK_ENCRYPTED." + filename-base64(tag 70 packet).
 * Tag 70 = 0x46, length, FNEK signature (8 bytes), cipher code, ciphertext.
 * The ciphertext is ECB under FNEK[0..key_bytes) of
 *     prefix(N) || 0x00 || name
 * where N >= 16 is the smallest count that makes the whole a block multiple
 * (the prefix grows; the name is never padded).  The prefix is not random:
 * it is MD5 over the whole 64-byte FNEK, re-hashed every 16 bytes, with any
 * 0x00 byte replaced by 0x42.  It is thus fixed per key, which lets us check
 * a decryption (ECFS_FNAME_VERIFY).
 *
 * The kernel itself does not limit the name length; the lower file system's
 * NAME_MAX (255) does.  That works out to 143 plaintext bytes for 8- and
 * 16-byte block ciphers; we refuse anything whose lower name would exceed
 * 255 bytes with -ENAMETOOLONG.
 */
#ifndef ECFS_FNAME_H
#define ECFS_FNAME_H

#include <stddef.h>
#include <stdint.h>

#include "ecfs_cipher.h"
#include "ecryptfs_proto.h"

/* A filename key: the FNEK token's key plus the mount's fn cipher settings. */
struct ecfs_fname_key {
	const struct ecfs_cipher *cipher;	/* ecryptfs_fn_cipher */
	size_t key_bytes;			/* ecryptfs_fn_key_bytes */
	uint8_t fnek[ECFS_MAX_KEY_BYTES];	/* all 64 bytes (the prefix hashes them all) */
	uint8_t sig[ECFS_SIG_SIZE];
};

/*
 * Fill @key from a 64-byte FNEK (e.g. from ecfs_kdf_fnek()); computes the
 * signature.  -EINVAL if @key_bytes is not valid for @cipher.
 */
int ecfs_fname_key_init(struct ecfs_fname_key *key, const struct ecfs_cipher *cipher,
			size_t key_bytes, const uint8_t fnek[ECFS_MAX_KEY_BYTES]);
void ecfs_fname_key_wipe(struct ecfs_fname_key *key);

/* Decryption flags. */
#define ECFS_FNAME_VERIFY	0x1	/* require the deterministic prefix */

/*
 * Encrypt @name (@len bytes, no '/' or NUL, not "." or "..") into @out as a
 * NUL-terminated lower name.  -ENAMETOOLONG when the lower name would not
 * fit in 255 bytes, -ENOBUFS when @out_size is too small (256 always fits).
 */
int ecfs_fname_encrypt(const struct ecfs_fname_key *key, const char *name, size_t len,
		       char *out, size_t out_size, size_t *out_len);

/*
 * Decrypt a lower name of @len bytes into @out (NUL-terminated).
 * Errors: -ENOENT not an FNEK-encrypted name (no prefix, or nothing after
 * it; the kernel hides such names); -ENAMETOOLONG longer than 255; the
 * errors of ecfs_fnek_name_decode() (ecfs_b64.h, ecfs_packet.h) for a
 * malformed encoding or packet; -EKEYREJECTED the packet names another
 * FNEK, or (under ECFS_FNAME_VERIFY) the plaintext is not prefix || 0x00 ||
 * name; -EBADMSG (without ECFS_FNAME_VERIFY) no separator or an empty name
 * after decryption, i.e. a wrong key or a corrupt name; -EBADMSG (always) a
 * decrypted name containing '/' or NUL, or equal to "." or "..", which no
 * kernel could have written and which would be unsafe as a path component;
 * -ENOBUFS @out too small.
 *
 * As in the kernel, the cipher comes from the packet and the key length from
 * @key->key_bytes.  If @key->key_bytes is 0 the length is guessed: AES from
 * its code, otherwise each valid size is tried and the first one whose prefix
 * verifies wins (ECFS_FNAME_VERIFY is implied).
 */
int ecfs_fname_decrypt(const struct ecfs_fname_key *key, const char *lower, size_t len,
		       unsigned int flags, char *out, size_t out_size, size_t *out_len);

/*
 * Read the FNEK signature and cipher code of a lower name without a key
 * (to pick a key, or to print).  Same errors as ecfs_fname_decrypt.
 */
int ecfs_fname_peek(const char *lower, size_t len, uint8_t sig[ECFS_SIG_SIZE],
		    unsigned int *code);

/*
 * Long names (OURS ONLY, mount option ecryptfs_long_names; the layout is in
 * ecryptfs_proto.h section 5).  A lower long name carries no ciphertext:
 * its record, the upstream-style name, is in the entry's extended attribute
 * named by ecfs_lname_xattr(), and decrypts like a symlink target.
 */

/*
 * The slot (0 .. ECFS_LN_SLOTS - 1) of lower long name @lower; -ENOENT if
 * it does not carry ECFS_LN_PREFIX, -EINVAL if it does but is malformed.
 */
int ecfs_lname_slot(const char *lower, size_t len);

/*
 * Name of the extended attribute that holds the record of lower long name
 * @lower, NUL-terminated (ECFS_LN_XATTR_NAME_MAX + 1 bytes suffice).
 * -EINVAL not a well-formed long name, -ENOBUFS @out too small.
 */
int ecfs_lname_xattr(const char *lower, size_t len, char *out, size_t out_size);

/*
 * Lower long name of @slot for record @rec (an upstream-style name longer
 * than ECFS_LOWER_NAME_MAX), NUL-terminated (ECFS_LN_LOWER_MAX + 1 bytes
 * suffice).  -EINVAL bad slot or not a long record, -ENOBUFS, -EIO.
 */
int ecfs_lname_make(const char *rec, size_t rec_len, unsigned int slot, char *out,
		    size_t out_size, size_t *out_len);

/*
 * Whether record @rec belongs to lower long name @lower: 0 yes; -EINVAL
 * @lower is not a well-formed long name; -EBADMSG the record is not a long
 * upstream-style name or does not hash to @lower's digest (a collision, or
 * an attribute copied to the wrong entry); -EIO.
 */
int ecfs_lname_check(const char *lower, size_t len, const char *rec, size_t rec_len);

#endif /* ECFS_FNAME_H */
