/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the daemon tests and the fuzz target: an in-memory token
 * store standing in for the keyring, the test key modules loaded through
 * the real loader, and builders for request frames as the kernel writes
 * them.
 */
#ifndef DAEMON_FIXTURE_H
#define DAEMON_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/ecfsd_req.h"

#define DF_MAX_TOKENS	8

struct df_store {
	struct {
		char sig[17];
		uint8_t *tok;
		size_t len;
	} t[DF_MAX_TOKENS];
	size_t n;
	char last_log[512];
	unsigned int gets, puts;
};

/* A private-key token for @sig naming module @alias with @blob. */
int df_add_token(struct df_store *s, const char *sig, uint16_t version, uint16_t type,
		 const char *alias, const void *blob, size_t blob_len);
void df_store_free(struct df_store *s);
/*
 * The OpenSSL module's token blob for @path and @pwfile (le16 length, path
 * with its NUL, le16 length, pwfile with its NUL) in @b, which must hold
 * 4 + both lengths; returns the blob's length.
 */
size_t df_openssl_blob(uint8_t *b, const char *path, const char *pwfile);
/* Backend over @s; modules come from @moddir via the loader. */
void df_backend(struct ecfsd_backend *be, struct df_store *s, const char *moddir);
void df_unload_modules(void);

/* Request frames (type REQUEST) carrying a tag 64 or tag 66 payload. */
int df_req64(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const char *sig,
	     const uint8_t *enc, size_t enc_len);
int df_req66(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const char *sig,
	     uint8_t cipher_code, const uint8_t *fek, size_t fek_len);
/* Any payload in a REQUEST frame. */
int df_req_raw(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const uint8_t *data,
	       size_t data_len);

#endif /* DAEMON_FIXTURE_H */
