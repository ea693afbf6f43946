// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_cb_botan.c - the Botan 2 back end (ecfs_cb.h): Twofish and CAST-256
 * through Botan's C FFI, which has raw block operations only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <botan/ffi.h>
#include <openssl/crypto.h>

#include "ecfs_cipher.h"
#include "crypto_backend/ecfs_cb.h"

struct botan_ctx {
	botan_block_cipher_t bc;
	size_t bs;
	bool cbc;
	bool encrypt;
};

static int botan_new(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		     botan_block_cipher_t *out)
{
	const char *name = c->id == ECFS_CID_TWOFISH ? "Twofish" : "CAST-256";
	botan_block_cipher_t bc;

	if (botan_block_cipher_init(&bc, name) != 0)
		return -EIO;
	if (botan_block_cipher_set_key(bc, key, key_size) != 0) {
		botan_block_cipher_destroy(bc);
		return -EIO;
	}
	*out = bc;
	return 0;
}

/* Botan's FFI has raw block operations only; CBC chaining is done here. */
static int botan_cbc(botan_block_cipher_t bc, size_t bs, bool encrypt, const uint8_t *iv,
		     const uint8_t *in, uint8_t *out, size_t len)
{
	uint8_t chain[ECFS_CIPHER_MAX_BLOCK];
	uint8_t saved[ECFS_EXTENT_SIZE];
	size_t off, i;
	int rc = 0;

	memcpy(chain, iv, bs);
	if (encrypt) {
		uint8_t x[ECFS_CIPHER_MAX_BLOCK];

		for (off = 0; off < len; off += bs) {
			for (i = 0; i < bs; i++)
				x[i] = in[off + i] ^ chain[i];
			if (botan_block_cipher_encrypt_blocks(bc, x, out + off, 1) != 0) {
				rc = -EIO;
				break;
			}
			memcpy(chain, out + off, bs);
		}
		OPENSSL_cleanse(x, sizeof(x));
		return rc;
	}
	/* Decrypt a chunk of blocks at once; keep the ciphertext so that
	 * in-place operation can still chain from it. */
	for (off = 0; off < len; ) {
		size_t n = len - off < sizeof(saved) ? len - off : sizeof(saved);

		memcpy(saved, in + off, n);
		if (botan_block_cipher_decrypt_blocks(bc, saved, out + off, n / bs) != 0) {
			rc = -EIO;
			break;
		}
		for (i = 0; i < n; i++)
			out[off + i] ^= i < bs ? chain[i] : saved[i - bs];
		memcpy(chain, saved + n - bs, bs);
		off += n;
	}
	OPENSSL_cleanse(saved, sizeof(saved));
	return rc;
}

static int botan_ecb(botan_block_cipher_t bc, size_t bs, bool encrypt, const uint8_t *in,
		     uint8_t *out, size_t len)
{
	int r;

	if (encrypt)
		r = botan_block_cipher_encrypt_blocks(bc, in, out, len / bs);
	else
		r = botan_block_cipher_decrypt_blocks(bc, in, out, len / bs);
	return r == 0 ? 0 : -EIO;
}

static int bctx_new(const struct ecfs_cipher *c, const uint8_t *key, size_t key_size,
		    bool cbc, bool encrypt, void **ctx)
{
	struct botan_ctx *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	rc = botan_new(c, key, key_size, &b->bc);
	if (rc) {
		free(b);
		return rc;
	}
	b->bs = c->block_size;
	b->cbc = cbc;
	b->encrypt = encrypt;
	*ctx = b;
	return 0;
}

static int bctx_run(void *ctx, const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len)
{
	struct botan_ctx *b = ctx;

	if (b->cbc)
		return botan_cbc(b->bc, b->bs, b->encrypt, iv, in, out, len);
	return botan_ecb(b->bc, b->bs, b->encrypt, in, out, len);
}

static void bctx_free(void *ctx)
{
	struct botan_ctx *b = ctx;

	if (!b)
		return;
	/* Botan wipes the key schedule when the cipher is destroyed. */
	botan_block_cipher_destroy(b->bc);
	free(b);
}

const struct ecfs_cb_ops ecfs_cb_botan = {
	.ctx_new = bctx_new,
	.run = bctx_run,
	.ctx_free = bctx_free,
};
