/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * p11_wire.h - messages between the pkcs11-helper key module (inside
 * ecryptfsd or mount.ecryptfs) and its provider process,
 * ecryptfs-pkcs11-helper.
 *
 * The PKCS#11 provider (third-party code: a vendor's token library,
 * SoftHSM2, ...) only ever runs in that process, so a provider that
 * crashes or hangs costs one request, never the daemon.
 *
 * One SOCK_SEQPACKET message each way over a socketpair.  A request is
 * u8 op || u8 nfields || nfields x (le16 len || bytes); a reply is
 * le32 status (0 or a positive errno) || the same field list (field 0: a
 * one-line message, field 1: data).  Every length is checked against the
 * datagram; nothing is trusted.
 */
#ifndef P11_WIRE_H
#define P11_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define P11W_MAX_MSG		16384
#define P11W_MAX_FIELDS		4

enum p11w_op {
	/* id, cert DER, PIN: log in, make sure the private key is usable. */
	P11W_OP_CHECK = 1,
	/* id, cert DER, PIN, ciphertext: RSA PKCS#1 v1.5 decryption. */
	P11W_OP_DECRYPT = 2,
	/* id, PIN: the certificate's DER from the token. */
	P11W_OP_CERT = 3,
	/* (nothing): lines "serialized-id TAB display name" for every certificate. */
	P11W_OP_LIST = 4,
	/* id: drop the session and cached PIN of that token. */
	P11W_OP_FORGET = 5,
};

struct p11w_field {
	const uint8_t *p;
	size_t len;
};

struct p11w_msg {
	uint32_t op_or_status;	/* request: the op; reply: 0 or a positive errno */
	size_t n;
	struct p11w_field f[P11W_MAX_FIELDS];
};

/* Encode a request (@reply 0) or a reply (@reply 1); returns its length or -errno. */
int p11w_encode(const struct p11w_msg *m, int reply, uint8_t *out, size_t cap);
/* Decode; fields point into @in.  0 or -EBADMSG. */
int p11w_decode(const uint8_t *in, size_t len, int reply, struct p11w_msg *m);

#endif /* P11_WIRE_H */
