/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keymod_pkcs11.h - internals of the pkcs11-helper key module that the
 * unit tests drive directly (the module itself exports only
 * ecfs_keymod_get_ops()).
 */
#ifndef KEYMOD_PKCS11_H
#define KEYMOD_PKCS11_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "keymods/ecfs_keymod.h"

/* A parsed token blob; pointers into the blob. */
struct kp_tok_view {
	const char *id;		/* serialized id, NUL-terminated */
	const uint8_t *cert;	/* DER, or NULL when the blob has none */
	size_t cert_len;
	const uint8_t *pin;	/* upstream's blobs only; NULL in ours */
	size_t pin_len;
};

int kp_tok_parse(const uint8_t *b, size_t len, struct kp_tok_view *v);
int kp_tok_build(const char *id, const uint8_t *cert, size_t cert_len, uint8_t **out,
		 size_t *out_len);
/* The token label in a serialized id (escapes undone, unprintables '?'). */
int kp_id_label(const char *id, char *label, size_t cap);
/* 1 when @k is a well-formed key record: cipher code, key length, checksum. */
int kp_valid_record(const uint8_t *k, size_t len);

#endif /* KEYMOD_PKCS11_H */
