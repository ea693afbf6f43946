// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_ciphertab.c - the cipher table of ecryptfs_proto.h as structs.
 */
#include <errno.h>
#include <string.h>

#include "ecfs_ciphertab.h"

static const struct ecfs_cipher cipher_table[ECFS_CID_COUNT] = {
#define ECFS_X_ROW(id, nm, bs, mn, mx, st, cd, hm, m0, m1, m2) \
	{ ECFS_CID_##id, nm, bs, mn, mx, st, cd, hm, { m0, m1, m2 } },
	ECFS_CIPHER_TABLE(ECFS_X_ROW)
#undef ECFS_X_ROW
};

const struct ecfs_cipher *ecfs_cipher_by_id(enum ecfs_cipher_id id)
{
	if ((unsigned int)id >= ECFS_CID_COUNT)
		return NULL;
	return &cipher_table[id];
}

const struct ecfs_cipher *ecfs_cipher_by_name(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < ECFS_CID_COUNT; i++)
		if (strcmp(name, cipher_table[i].name) == 0)
			return &cipher_table[i];
	return NULL;
}

const struct ecfs_cipher *ecfs_cipher_by_code(unsigned int code)
{
	size_t i;

	if (code == ECFS_CIPHER_AES_192 || code == ECFS_CIPHER_AES_256)
		return &cipher_table[ECFS_CID_AES];
	for (i = 0; i < ECFS_CID_COUNT; i++)
		if (code == cipher_table[i].code)
			return &cipher_table[i];
	return NULL;
}

bool ecfs_cipher_key_size_ok(const struct ecfs_cipher *c, size_t key_size)
{
	if (!c || key_size < c->min_key || key_size > c->max_key)
		return false;
	return (key_size - c->min_key) % c->key_step == 0;
}

bool ecfs_cipher_helper_key_ok(const struct ecfs_cipher *c, size_t key_size)
{
	return ecfs_cipher_key_size_ok(c, key_size) && key_size >= c->helper_min_key;
}

int ecfs_cipher_code(const struct ecfs_cipher *c, size_t key_size)
{
	if (!ecfs_cipher_key_size_ok(c, key_size))
		return -EINVAL;
	if (c->id != ECFS_CID_AES)
		return c->code;
	switch (key_size) {
	case 16:
		return ECFS_CIPHER_AES_128;
	case 24:
		return ECFS_CIPHER_AES_192;
	default:
		return ECFS_CIPHER_AES_256;
	}
}

int ecfs_cipher_wrapped_size(const struct ecfs_cipher *c, size_t key_size)
{
	if (!ecfs_cipher_key_size_ok(c, key_size))
		return -EINVAL;
	/* keystore.c pads only an AES-192 FEK; other sizes go to ECB as they are. */
	if (c->id == ECFS_CID_AES && key_size == 24)
		return 32;
	if (key_size % c->block_size)
		return -EINVAL;
	return (int)key_size;
}
