/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ed_core - offline decryption of eCryptfs lower files, shared by
 * ecryptfs-decrypt, ecryptfs-stat and the decryptor's fuzz target.
 *
 * A lower file is [metadata][extent 0][extent 1]...; the metadata (header
 * plus key packets) is at the front of the file or, when the file was
 * written with ecryptfs_xattr_metadata, in the user.ecryptfs xattr with the
 * data starting at offset 0.  As the kernel does, the file header is tried
 * first and the xattr second.  The FEK is unwrapped with the first tag 3
 * packet whose signature names one of our keys; there is no check value,
 * so a signature match is all the evidence a key is right.
 *
 * Errors are negative errno values with a message in struct ed_err:
 *   -ENOKEY     no key packet names one of our keys
 *   -EBADMSG    neither a valid header marker nor a user.ecryptfs xattr
 *   -EPROTO     the header or key packets are malformed
 *   -ENODATA    the lower file is shorter than its plaintext size needs
 *   -EFBIG      a plaintext size no lower file could hold
 *   other       I/O errors (-errno) and library failures
 */
#ifndef ED_CORE_H
#define ED_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/types.h>

#include "ecfs_cipher.h"
#include "ecfs_fname.h"
#include "ecfs_header.h"
#include "ecfs_keyset.h"
#include "ecryptfs_proto.h"

#define ED_MAX_KEYS		32	/* passphrases on one command line */
#define ED_MAX_PACKETS		16	/* key packets read from one header */
/* Header bytes read to find the key packets; every upstream header fits. */
#define ED_HEADER_READ		ECFS_MIN_HEADER_SIZE
/* Extents decrypted per read: large enough to amortise the system calls. */
#define ED_CHUNK_EXTENTS	256
#define ED_CHUNK_BYTES		(ED_CHUNK_EXTENTS * ECFS_EXTENT_SIZE)

struct ed_err {
	char msg[192];
};

/* Put the message in @e (when given) and return @rc. */
int ed_fail(struct ed_err *e, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct ed_key {
	uint8_t fekek[ECFS_MAX_KEY_BYTES];
	uint8_t sig[ECFS_SIG_SIZE];
	bool have_fnek;
	struct ecfs_fname_key fnek;
};

#define ED_MAX_PK		8	/* RSA private keys (tag 1 packets) */

/* The keys live in one locked, non-dumpable mapping, wiped when freed. */
struct ed_keys {
	struct ed_key *k;
	size_t n;
	/* RSA keys for tag 1 packets (a recovery key); freed with the set. */
	EVP_PKEY *pk[ED_MAX_PK];
	uint8_t pk_sig[ED_MAX_PK][ECFS_SIG_SIZE];
	size_t npk;
};

int ed_keys_init(struct ed_keys *ks);
void ed_keys_free(struct ed_keys *ks);
/*
 * Derive a passphrase's FEKEK with @salt and, with @fnek, its filename key
 * with upstream's ASCII-salt quirk.  -EINVAL for a length outside 1..64,
 * -ENOSPC beyond ED_MAX_KEYS.
 */
int ed_keys_add(struct ed_keys *ks, const char *pass, size_t len,
		const uint8_t salt[ECFS_SALT_SIZE], bool fnek);
/*
 * Add an RSA private key for tag 1 packets; the set takes the reference
 * (freed on error too).  -ENOSPC beyond ED_MAX_PK.
 */
int ed_keys_add_pk(struct ed_keys *ks, EVP_PKEY *pk);
/* Add an already derived FEKEK (tests, fuzzing). */
int ed_keys_add_fekek(struct ed_keys *ks, const uint8_t fekek[ECFS_MAX_KEY_BYTES]);

struct ed_meta {
	struct ecfs_header h;
	struct ecfs_key_packet kps[ED_MAX_PACKETS];
	size_t nkps;
	bool in_xattr;
	size_t meta_len;	/* bytes of header + packets that were decoded */
	uint64_t data_off;	/* lower offset of data extent 0 */
};

/*
 * Decode metadata from a buffer: the front of a lower file (@xattr false)
 * or a user.ecryptfs value (@xattr true).
 */
int ed_meta_parse(const uint8_t *buf, size_t len, bool xattr, struct ed_meta *m,
		  struct ed_err *e);
/* Read and decode the metadata of an open lower file (header, then xattr). */
int ed_meta_read(int fd, struct ed_meta *m, struct ed_err *e);

/*
 * Unwrap the FEK of @m with the first packet one of @ks opens (tag 3 with a
 * passphrase key, tag 1 with an RSA key).  @fek holds ECFS_MAX_KEY_BYTES.
 * -ENOKEY when no packet names one of our keys, -EPROTO when one does but
 * does not unwrap.
 */
int ed_fek_unwrap(const struct ed_keys *ks, const struct ed_meta *m, uint8_t *fek,
		  size_t *key_size, const struct ecfs_cipher **cipher, struct ed_err *e);

/* "aes" etc. for a cipher code, "unknown" otherwise. */
const char *ed_cipher_name(unsigned int code);

/*
 * Per-thread scratch: one chunk of extents, allocated once, and a cipher
 * context re-keyed for each file (fetching a cipher costs more than
 * decrypting a small file, and serialises threads on OpenSSL's store).
 */
struct ed_worker {
	uint8_t *buf;
	struct ecfs_extent_ctx *ctx;
};

int ed_worker_init(struct ed_worker *w);
void ed_worker_free(struct ed_worker *w);

/*
 * Where ed_decrypt_to() puts the plaintext, in order, chunk by chunk;
 * a negative return stops the decryption with that error.
 */
typedef int (*ed_sink_fn)(void *arg, const uint8_t *buf, size_t len);

/* ed_decrypt_fd() with the plaintext handed to @sink instead of a file. */
int ed_decrypt_to(const struct ed_keys *ks, int in_fd, ed_sink_fn sink, void *arg,
		  struct ed_worker *w, uint64_t *size, struct ed_err *e);

/*
 * Decrypt the lower file open on @in_fd and write exactly its plaintext to
 * @out_fd from its current position.  On error some plaintext may have
 * been written: the caller writes to a temporary file and renames it only
 * on success.  *@size receives the plaintext size when not NULL.
 */
int ed_decrypt_fd(const struct ed_keys *ks, int in_fd, int out_fd, struct ed_worker *w,
		  uint64_t *size, struct ed_err *e);

/*
 * Decrypt a lower file name into @out (256 bytes suffice).  Returns 1 when
 * it was decrypted, 0 when it is not an encrypted name (copied as is), or
 * a negative error (no matching filename key, corrupt name).
 */
int ed_name_decrypt(const struct ed_keys *ks, const char *lower, char *out, size_t out_size,
		    struct ed_err *e);

/*
 * Decrypt a symlink target.  The kernel encrypts the whole target string as
 * one name, so unlike a name it may hold '/' and exceed 143 bytes.  Same
 * return values as ed_name_decrypt; @out should hold PATH_MAX bytes.
 */
int ed_target_decrypt(const struct ed_keys *ks, const char *lower, char *out, size_t out_size,
		      struct ed_err *e);

/*
 * The name of lower entry @lower at @path: ed_name_decrypt, or for a long
 * name (ecryptfs_long_names, ours only) the record in its extended
 * attribute, checked against the entry's digest.  Same return values;
 * @out should hold 256 bytes.
 */
int ed_entry_name(const struct ed_keys *ks, const char *path, const char *lower, char *out,
		  size_t out_size, struct ed_err *e);

#endif /* ED_CORE_H */
