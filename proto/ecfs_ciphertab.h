/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_ciphertab - the one table of data ciphers (ECFS_CIPHER_TABLE in
 * ecryptfs_proto.h, section 11) for user space: names, RFC 2440 codes,
 * block and key sizes.  No crypto library needed; the operations are in
 * ecfs_cipher.h.
 */
#ifndef ECFS_CIPHERTAB_H
#define ECFS_CIPHERTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

/* Table index, in upstream's menu order; the RFC 2440 codes are ECFS_CIPHER_*. */
enum ecfs_cipher_id {
#define ECFS_X_ID(id, nm, bs, mn, mx, st, cd, hm, m0, m1, m2) ECFS_CID_##id,
	ECFS_CIPHER_TABLE(ECFS_X_ID)
#undef ECFS_X_ID
	ECFS_CID_COUNT
};

struct ecfs_cipher {
	enum ecfs_cipher_id id;
	const char *name;		/* as the kernel spells it */
	unsigned int block_size;
	unsigned int min_key;		/* setkey limits of the kernel cipher */
	unsigned int max_key;
	unsigned int key_step;		/* valid sizes: min, min+step, ..., max */
	uint8_t code;			/* RFC 2440 code; AES: the 128-bit one */
	unsigned int helper_min_key;	/* smallest size the mount helper takes */
	unsigned int menu_key[ECFS_CIPHER_MENU_SIZES];	/* 0-terminated */
};

/* Table access; NULL when unknown.  Names are matched exactly. */
const struct ecfs_cipher *ecfs_cipher_by_id(enum ecfs_cipher_id id);
const struct ecfs_cipher *ecfs_cipher_by_name(const char *name);
/* Any of the eight codes (7, 8 and 9 all give aes). */
const struct ecfs_cipher *ecfs_cipher_by_code(unsigned int code);

/* True when the kernel cipher accepts a key of @key_size bytes. */
bool ecfs_cipher_key_size_ok(const struct ecfs_cipher *c, size_t key_size);
/* The same, and at least the size upstream's mount helper accepts. */
bool ecfs_cipher_helper_key_ok(const struct ecfs_cipher *c, size_t key_size);
/* RFC 2440 code for cipher + key size, or -EINVAL (e.g. aes with 20 bytes). */
int ecfs_cipher_code(const struct ecfs_cipher *c, size_t key_size);
/* Bytes of a tag-3 encrypted FEK for this key size, or -EINVAL when the
 * kernel could not ECB-wrap it (not a block multiple). */
int ecfs_cipher_wrapped_size(const struct ecfs_cipher *c, size_t key_size);

#endif /* ECFS_CIPHERTAB_H */
