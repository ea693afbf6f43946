/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_keymod.h - the key-module ABI of ecryptfsd and the mount helper.
 *
 * Documentation
 * =============
 *
 * A key module turns a public-key (or token, or TPM) key into the two
 * operations the kernel asks user space for: wrap a new file's key blob
 * (tag 66 -> 67) and unwrap it again (tag 64 -> 65).  The blob handed to
 * wrap() and returned by unwrap() is the kernel's K = cipher_code || FEK ||
 * be16 checksum, treated as opaque bytes (at most ECFS_KEYMOD_MAX_PLAIN).
 *
 * A module is a shared object named libecfs-keymod-<name>.so, installed in
 * one fixed directory, ECFS_KEYMOD_DIR at build time
 * ($(pkglibdir)/keymods).  <name> matches [A-Za-z0-9_-]{1,16} and is the
 * alias stored in the keyring token (private_key.pki_type), so a token can
 * never make the daemon open a path of its choosing.  Nothing else in that
 * directory is ever loaded, and no other directory is searched.
 *
 * It exports exactly one symbol, ecfs_keymod_get_ops(), which returns a
 * static ops table.  The first field is the ABI version the module was
 * built against: the loader refuses a module whose major version differs
 * from its own, and only calls operations that exist in the module's minor
 * version (fields are only ever appended within a major version).
 *
 * Every operation returns 0 or a negative errno; a NULL operation means
 * "not supported" and the loader reports -EOPNOTSUPP for it.  Operations
 * that can fail for a reason the user must see take an error buffer
 * (err, errlen) and write one line of text into it, never key material.
 * Operations may be called from several threads at once; a module keeps
 * no mutable global state (or locks it).
 *
 * Memory: buffers a module returns (blobs, unwrapped keys) are allocated
 * by the module and handed back to it: release_blob() for token blobs,
 * free_secret() for key material, which must wipe before freeing.  The
 * caller never calls free() on them, so the module may use a locked or
 * guarded allocator.
 *
 * Token blobs: build_token() serialises what the daemon needs later to
 * find the key (for the OpenSSL module: the key file path).  The blob is
 * stored in cleartext in the user's keyring (readable by that user), so it
 * must never contain a secret; a module that needs one at unwrap time
 * names where to get it (a file of the user, a device), not the secret,
 * or (minor version 1) takes it once through open_key() in the daemon.
 */
#ifndef ECFS_KEYMOD_H
#define ECFS_KEYMOD_H

#include <stddef.h>
#include <stdint.h>

#define ECFS_KEYMOD_ABI_MAJOR		1
#define ECFS_KEYMOD_ABI_MINOR		1
#define ECFS_KEYMOD_ABI_MAJOR_MASK	0xffff0000u
#define ECFS_KEYMOD_ABI_VERSION		(((uint32_t)ECFS_KEYMOD_ABI_MAJOR << 16) | \
					 ECFS_KEYMOD_ABI_MINOR)
#define ECFS_KEYMOD_ABI_MAJOR_OF(v)	(((uint32_t)(v) & ECFS_KEYMOD_ABI_MAJOR_MASK) >> 16)
#define ECFS_KEYMOD_ABI_MINOR_OF(v)	((uint32_t)(v) & 0xffffu)

/* The one exported symbol. */
#define ECFS_KEYMOD_ENTRY		"ecfs_keymod_get_ops"
/* File name: ECFS_KEYMOD_PREFIX <name> ECFS_KEYMOD_SUFFIX. */
#define ECFS_KEYMOD_PREFIX		"libecfs-keymod-"
#define ECFS_KEYMOD_SUFFIX		".so"
/* Same limit as the token's alias field (ECFS_MAX_PKI_NAME_BYTES). */
#define ECFS_KEYMOD_NAME_MAX		16

/* Largest K blob: cipher code, a 64-byte FEK, the checksum. */
#define ECFS_KEYMOD_MAX_PLAIN		(1 + 64 + 2)
/* Largest wrapped blob the kernel stores in a tag 1 packet. */
#define ECFS_KEYMOD_MAX_WRAPPED		512
/* Largest token blob a loader accepts (the keyring's user-key limit). */
#define ECFS_KEYMOD_MAX_BLOB		4096
#define ECFS_KEYMOD_SIG_HEX		16

/* Parameter flags. */
#define ECFS_KEYMOD_P_REQUIRED	0x1	/* build_token() fails without it */
#define ECFS_KEYMOD_P_SECRET	0x2	/* a secret: never echo, prompt without echo */
#define ECFS_KEYMOD_P_GENERATE	0x4	/* used by generate() */
#define ECFS_KEYMOD_P_TOKEN	0x8	/* used by build_token() */

/* What a module accepts, for help texts, prompts and option checking. */
struct ecfs_keymod_param {
	const char *name;	/* upstream's short name, e.g. "keyfile" */
	const char *alias;	/* upstream's long name, e.g. "openssl_keyfile", or NULL */
	unsigned int flags;	/* ECFS_KEYMOD_P_* */
	const char *help;	/* one line */
};

/* One name=value pair from the command line or ~/.ecryptfsrc. */
struct ecfs_keymod_kv {
	const char *name;
	const char *value;	/* may be a secret (P_SECRET, see above) */
};

struct ecfs_keymod_ops {
	/* ECFS_KEYMOD_ABI_VERSION the module was built with.  Mandatory. */
	uint32_t abi_version;
	/* The name it is loaded by (== the token alias).  Mandatory. */
	const char *alias;
	/* One line for listings. */
	const char *description;

	/*
	 * Describe parameters: sets *n and returns a static array of them.
	 * Mandatory.
	 */
	const struct ecfs_keymod_param *(*params)(size_t *n);

	/*
	 * Build a token blob from mount parameters (@kv, @n pairs; names
	 * already resolved to the short name or still the alias, both must be
	 * accepted).  On success *blob and *blob_len hold the blob (release it
	 * with release_blob()) and @sig the 16 hex digits and a NUL of the
	 * key's signature.  A secret in @kv (e.g. a PEM passphrase) may be
	 * used to check the key, but never lands in the blob.  Mandatory.
	 */
	int (*build_token)(const struct ecfs_keymod_kv *kv, size_t n,
			   uint8_t **blob, size_t *blob_len,
			   char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err, size_t errlen);

	/* Signature of the key a token blob names.  Mandatory. */
	int (*key_sig)(const uint8_t *blob, size_t blob_len,
		       char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err, size_t errlen);

	/*
	 * Wrap (encrypt) @in (@in_len <= ECFS_KEYMOD_MAX_PLAIN) for the key
	 * in @blob into @out (@out_cap bytes); *out_len gets the length
	 * (<= ECFS_KEYMOD_MAX_WRAPPED).  -ENOBUFS when @out_cap is too small.
	 * Mandatory.
	 */
	int (*wrap)(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		    uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen);

	/*
	 * Unwrap (decrypt) @in with the key in @blob.  *out is allocated by
	 * the module and released with free_secret(*out, *out_len).
	 * -EBADMSG when the ciphertext does not decrypt under this key.
	 * Mandatory.
	 */
	int (*unwrap)(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		      uint8_t **out, size_t *out_len, char *err, size_t errlen);

	/*
	 * Generate a new key as the P_GENERATE parameters say (e.g. write a
	 * new key file, mode 0600, never over an existing file).  Optional.
	 */
	int (*generate)(const struct ecfs_keymod_kv *kv, size_t n, char *err, size_t errlen);

	/* Wipe and free key material returned by unwrap().  Mandatory. */
	void (*free_secret)(uint8_t *p, size_t len);
	/* Free a blob returned by build_token().  Mandatory. */
	void (*release_blob)(uint8_t *blob, size_t len);

	/*
	 * Since minor version 1, all four or none (ecfs_keymod_can_hold()):
	 * a key unlocked once with a secret the daemon got from the mount
	 * helper (ecfs_handoff.h) and then held in the daemon's memory, for
	 * keys whose token names no way to unlock them (a PEM passphrase
	 * typed at mount time).
	 *
	 * open_key() unlocks the key @blob names with @secret (may be empty),
	 * sets *key to a module-owned handle and @sig to the signature of the
	 * key it opened.  -EKEYREJECTED for a wrong secret.  With no secret
	 * (@secret_len 0, @secret may be NULL) it opens the key as wrap()
	 * would (e.g. reading the passphrase file the token names): ecryptfsd
	 * serves every request of a module that has these operations through
	 * such a handle, after checking that @sig is the signature the
	 * request names, so a key file replaced behind a token is refused.
	 */
	int (*open_key)(const uint8_t *blob, size_t blob_len, const uint8_t *secret,
			size_t secret_len, void **key, char sig[ECFS_KEYMOD_SIG_HEX + 1],
			char *err, size_t errlen);
	/* wrap() and unwrap() with a handle from open_key(). */
	int (*wrap_key)(void *key, const uint8_t *in, size_t in_len, uint8_t *out,
			size_t out_cap, size_t *out_len, char *err, size_t errlen);
	int (*unwrap_key)(void *key, const uint8_t *in, size_t in_len, uint8_t **out,
			  size_t *out_len, char *err, size_t errlen);
	/* Wipe and free the handle. */
	void (*close_key)(void *key);
};

/* 1 when @ops has the held-key operations of minor version 1. */
static inline int ecfs_keymod_can_hold(const struct ecfs_keymod_ops *ops)
{
	return ECFS_KEYMOD_ABI_MINOR_OF(ops->abi_version) >= 1 && ops->open_key &&
	       ops->wrap_key && ops->unwrap_key && ops->close_key;
}

typedef const struct ecfs_keymod_ops *(*ecfs_keymod_get_ops_fn)(void);

/* What a module defines (and the only symbol its version script exports). */
const struct ecfs_keymod_ops *ecfs_keymod_get_ops(void);

#endif /* ECFS_KEYMOD_H */
