/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfsd_req.h - one kernel request in, one response out.
 *
 * Pure with respect to I/O: the auth token and the key module come from a
 * backend (the keyring and the loader in ecryptfsd; tables in the unit
 * tests and the fuzz target), so every path here is testable without a
 * kernel.  The response buffer is fully written (zeroed first), so no
 * uninitialised byte ever reaches the kernel.
 */
#ifndef ECFSD_REQ_H
#define ECFSD_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"
#include "keymods/ecfs_keymod.h"

/* Room for any response the kernel accepts. */
#define ECFSD_REPLY_MAX		ECFS_MSG_MAX_WRITE_SIZE
/* Room for any request the kernel sends, with slack to detect overlong ones. */
#define ECFSD_REQ_BUF		1024

struct ecfsd_backend {
	/*
	 * Fetch the auth token (payload of the "user" key) named @sig, the
	 * 16 lower- or upper-case hex digits the kernel sent.  *tok is
	 * released with put_token().  -ENOKEY when there is none.
	 */
	int (*get_token)(void *arg, const char *sig, uint8_t **tok, size_t *tok_len);
	void (*put_token)(void *arg, uint8_t *tok, size_t tok_len);
	/* The module for @alias (already validated); stays valid until exit. */
	int (*get_module)(void *arg, const char *alias, const struct ecfs_keymod_ops **ops);
	/*
	 * A key the daemon holds unlocked for @sig (handed over by the mount
	 * helper): on 0, *ops and *key are valid until put_held().  -ENOENT
	 * when none.  May be NULL.
	 */
	int (*get_held)(void *arg, const char *sig, const struct ecfs_keymod_ops **ops,
			void **key);
	void (*put_held)(void *arg);
	/* Log a failure (no secrets in @msg).  May be NULL. */
	void (*log)(void *arg, int prio, const char *msg);
	void *arg;
};

/* What the handler learned, for logging and tests. */
struct ecfsd_req_info {
	uint8_t tag;		/* 64 or 66, 0 when unknown */
	uint32_t seq;
	uint32_t index;
	int status;		/* 0, or the -errno that made it an error reply */
	char sig[ECFS_SIG_SIZE_HEX + 1];
};

/*
 * Handle the request frame @req (@req_len bytes, exactly what read()
 * returned).  On return >= 0 the response frame is in @out (that many
 * bytes): a tag 65/67 reply, or the error reply "tag FF" when anything
 * went wrong past the frame header.  Returns a negative errno when no
 * response can be addressed (the frame itself is malformed, or it is not a
 * REQUEST); the caller then drops it.  @out_cap must be >= ECFSD_REPLY_MAX.
 */
int ecfsd_handle(const struct ecfsd_backend *be, const uint8_t *req, size_t req_len,
		 uint8_t *out, size_t out_cap, struct ecfsd_req_info *info);

/*
 * The error reply ("tag FF") for @req without looking at keys: for a
 * request that cannot be served now (queue full, shutting down).  Same
 * return convention as ecfsd_handle().
 */
int ecfsd_error_reply(const uint8_t *req, size_t req_len, uint8_t *out, size_t out_cap);

#endif /* ECFSD_REQ_H */
