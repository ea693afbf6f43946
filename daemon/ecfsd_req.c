// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Request dispatch: frame -> tag 64/66 -> token -> key module -> tag 65/67.
 * Every length is checked by the libecfs codecs against the frame; key
 * material lives in locked stack buffers and is wiped on every path.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>

#include "ecfs_authtok.h"
#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"
#include "ecfs_packet.h"
#include "keymods/ecfs_keymod_load.h"
#include "ecfsd_req.h"

static void req_log(const struct ecfsd_backend *be, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void req_log(const struct ecfsd_backend *be, int prio, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!be->log)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	be->log(be->arg, prio, buf);
}

/* Token and module for @sig; the token stays held until put. */
static int lookup(const struct ecfsd_backend *be, const char *sig, uint8_t **tok,
		  size_t *tok_len, const uint8_t **blob, size_t *blob_len,
		  const struct ecfs_keymod_ops **ops)
{
	char alias[ECFS_AUTHTOK_NAME_MAX + 1];
	int r;

	r = be->get_token(be->arg, sig, tok, tok_len);
	if (r) {
		req_log(be, LOG_WARNING, "no usable key with signature %s in the keyring: %s",
			sig, strerror(-r));
		return r;
	}
	r = ecfs_authtok_key_decode(*tok, *tok_len, sig, alias, blob, blob_len);
	if (r) {
		req_log(be, LOG_WARNING, "key %s is not a key-module token: %s", sig,
			strerror(-r));
		goto err;
	}
	r = be->get_module(be->arg, alias, ops);
	if (r) {
		req_log(be, LOG_WARNING, "key %s: key module '%s' unavailable: %s", sig, alias,
			strerror(-r));
		goto err;
	}
	return 0;
err:
	be->put_token(be->arg, *tok, *tok_len);
	*tok = NULL;
	return r;
}

/*
 * Open the key @blob names and check that it is the key @sig: the file a
 * token points to may have been replaced since the token was made, and a
 * new file's key must never be wrapped for (nor unwrapped with) another
 * key.  Opening and checking one handle leaves no window between the
 * check and its use.  Modules of ABI 1.0 have no handles and are used as
 * they are.
 */
static int open_checked(const struct ecfs_keymod_ops *ops, const uint8_t *blob,
			size_t blob_len, const char *sig, void **key, char *err, size_t errlen)
{
	char got[ECFS_KEYMOD_SIG_HEX + 1] = "";
	int r;

	*key = NULL;
	r = ops->open_key(blob, blob_len, NULL, 0, key, got, err, errlen);
	if (r)
		return r;
	if (strncasecmp(got, sig, ECFS_KEYMOD_SIG_HEX)) {
		ops->close_key(*key);
		*key = NULL;
		snprintf(err, errlen, "the key file of key %s now holds key %s; refused", sig,
			 got);
		return -EKEYREJECTED;
	}
	return 0;
}

static int unwrap_tok(const struct ecfs_keymod_ops *ops, const uint8_t *blob, size_t blob_len,
		      const char *sig, const uint8_t *enc, size_t enc_len, uint8_t **k,
		      size_t *klen, char *err, size_t errlen)
{
	void *key;
	int r;

	if (!ecfs_keymod_can_hold(ops))
		return ops->unwrap(blob, blob_len, enc, enc_len, k, klen, err, errlen);
	r = open_checked(ops, blob, blob_len, sig, &key, err, errlen);
	if (r)
		return r;
	r = ops->unwrap_key(key, enc, enc_len, k, klen, err, errlen);
	ops->close_key(key);
	return r;
}

static int wrap_tok(const struct ecfs_keymod_ops *ops, const uint8_t *blob, size_t blob_len,
		    const char *sig, const uint8_t *k, size_t klen, uint8_t *enc, size_t enc_cap,
		    size_t *enc_len, char *err, size_t errlen)
{
	void *key;
	int r;

	if (!ecfs_keymod_can_hold(ops))
		return ops->wrap(blob, blob_len, k, klen, enc, enc_cap, enc_len, err, errlen);
	r = open_checked(ops, blob, blob_len, sig, &key, err, errlen);
	if (r)
		return r;
	r = ops->wrap_key(key, k, klen, enc, enc_cap, enc_len, err, errlen);
	ops->close_key(key);
	return r;
}

/* Tag 64: unwrap E into K, check K, answer tag 65. */
static int do_unwrap(const struct ecfsd_backend *be, const uint8_t *data, size_t len,
		     uint8_t *reply, size_t reply_cap, struct ecfsd_req_info *info)
{
	const struct ecfs_keymod_ops *ops, *hops;
	struct ecfs_fek_blob fb;
	const uint8_t *enc, *blob;
	void *hkey;
	uint8_t *tok = NULL, *k = NULL;
	size_t enc_len, tok_len = 0, blob_len, klen = 0;
	char err[256] = "";
	int r;

	r = ecfs_tag64_decode(data, len, info->sig, &enc, &enc_len);
	if (r < 0)
		return r;
	r = lookup(be, info->sig, &tok, &tok_len, &blob, &blob_len, &ops);
	if (r)
		return r;
	(void)mlock(&fb, sizeof(fb));
	/* The token is still in the keyring: a held key may serve it. */
	if (be->get_held && !be->get_held(be->arg, info->sig, &hops, &hkey)) {
		r = hops->unwrap_key(hkey, enc, enc_len, &k, &klen, err, sizeof(err));
		be->put_held(be->arg);
		ops = hops;
	} else {
		r = unwrap_tok(ops, blob, blob_len, info->sig, enc, enc_len, &k, &klen, err,
			       sizeof(err));
	}
	be->put_token(be->arg, tok, tok_len);
	if (r) {
		req_log(be, LOG_WARNING, "unwrap for key %s failed: %s", info->sig,
			err[0] ? err : strerror(-r));
		goto out;
	}
	/* K = code || FEK || be16 sum; the kernel checks it again. */
	r = k ? ecfs_fek_blob_decode(k, klen, &fb) : -EMSGSIZE;
	if (r == -EKEYREJECTED) {
		req_log(be, LOG_WARNING, "unwrap for key %s: key checksum mismatch", info->sig);
		r = -EBADMSG;
		goto out;
	}
	if (r) {
		req_log(be, LOG_WARNING, "unwrap for key %s gave no valid key blob", info->sig);
		r = -EBADMSG;
		goto out;
	}
	r = ecfs_tag65_encode(reply, reply_cap, &fb);
out:
	if (k)
		ops->free_secret(k, klen);
	explicit_bzero(&fb, sizeof(fb));
	(void)munlock(&fb, sizeof(fb));
	return r;
}

/* Tag 66: wrap K, answer tag 67. */
static int do_wrap(const struct ecfsd_backend *be, const uint8_t *data, size_t len,
		   uint8_t *reply, size_t reply_cap, struct ecfsd_req_info *info)
{
	const struct ecfs_keymod_ops *ops, *hops;
	struct ecfs_fek_blob fb;
	uint8_t k[ECFS_FEK_BLOB_MAX];
	void *hkey;
	uint8_t enc[ECFS_MAX_ENCRYPTED_KEY_BYTES];
	const uint8_t *blob;
	uint8_t *tok = NULL;
	size_t tok_len = 0, blob_len, enc_len = 0, klen;
	char err[256] = "";
	int r;

	(void)mlock(&fb, sizeof(fb));
	(void)mlock(k, sizeof(k));
	r = ecfs_tag66_decode(data, len, info->sig, &fb);
	if (r < 0)
		goto out;
	r = lookup(be, info->sig, &tok, &tok_len, &blob, &blob_len, &ops);
	if (r)
		goto out;
	r = ecfs_fek_blob_encode(&fb, k, sizeof(k));
	if (r < 0) {
		be->put_token(be->arg, tok, tok_len);
		goto out;
	}
	klen = (size_t)r;
	if (be->get_held && !be->get_held(be->arg, info->sig, &hops, &hkey)) {
		r = hops->wrap_key(hkey, k, klen, enc, sizeof(enc), &enc_len, err, sizeof(err));
		be->put_held(be->arg);
	} else {
		r = wrap_tok(ops, blob, blob_len, info->sig, k, klen, enc, sizeof(enc), &enc_len,
			     err, sizeof(err));
	}
	be->put_token(be->arg, tok, tok_len);
	if (r) {
		req_log(be, LOG_WARNING, "wrap for key %s failed: %s", info->sig,
			err[0] ? err : strerror(-r));
		goto out;
	}
	if (!enc_len || enc_len > sizeof(enc)) {
		r = -EBADMSG;
		goto out;
	}
	r = ecfs_tag67_encode(reply, reply_cap, enc, enc_len);
out:
	explicit_bzero(&fb, sizeof(fb));
	explicit_bzero(k, sizeof(k));
	(void)munlock(&fb, sizeof(fb));
	(void)munlock(k, sizeof(k));
	return r;
}

/* Frame a response carrying @data_len bytes of @data for request @f. */
static int frame_reply(const struct ecfs_frame *f, const uint8_t *data, size_t data_len,
		       uint8_t *out, size_t out_cap)
{
	struct ecfs_frame rf;

	memset(&rf, 0, sizeof(rf));
	rf.type = ECFS_MSG_RESPONSE;
	rf.seq = f->seq;
	rf.has_msg = 1;
	rf.index = f->index;
	rf.data_len = (uint32_t)data_len;
	rf.data = data;
	return ecfs_frame_encode(out, out_cap, ECFS_FRAME_TO_KERNEL, &rf);
}

int ecfsd_error_reply(const uint8_t *req, size_t req_len, uint8_t *out, size_t out_cap)
{
	uint8_t reply[2];
	struct ecfs_frame f;
	int r;

	if (out_cap < ECFSD_REPLY_MAX)
		return -ENOBUFS;
	memset(out, 0, out_cap);
	r = ecfs_frame_decode(req, req_len, ECFS_FRAME_FROM_KERNEL, &f);
	if (r < 0)
		return r;
	if (f.type != ECFS_MSG_REQUEST || !f.has_msg)
		return -EPROTO;
	r = ecfs_reply_encode_error(reply, sizeof(reply),
				    f.data_len && f.data[0] == ECFS_TAG_66 ?
				    ECFS_TAG_67 : ECFS_TAG_65);
	if (r < 0)
		return r;
	return frame_reply(&f, reply, (size_t)r, out, out_cap);
}

int ecfsd_handle(const struct ecfsd_backend *be, const uint8_t *req, size_t req_len,
		 uint8_t *out, size_t out_cap, struct ecfsd_req_info *info)
{
	uint8_t reply[ECFS_MSG_MAX_WRITE_SIZE];
	struct ecfs_frame f;
	uint8_t reply_tag;
	int r, n;

	memset(info, 0, sizeof(*info));
	if (out_cap < ECFSD_REPLY_MAX)
		return -ENOBUFS;
	memset(out, 0, out_cap);
	memset(reply, 0, sizeof(reply));
	r = ecfs_frame_decode(req, req_len, ECFS_FRAME_FROM_KERNEL, &f);
	if (r < 0)
		return r;
	if (f.type != ECFS_MSG_REQUEST || !f.has_msg)
		return -EPROTO;
	info->seq = f.seq;
	info->index = f.index;

	/* An unknown tag still gets an answer so its waiter fails at once. */
	info->tag = f.data_len ? f.data[0] : 0;
	switch (info->tag) {
	case ECFS_TAG_64:
		reply_tag = ECFS_TAG_65;
		r = do_unwrap(be, f.data, f.data_len, reply, sizeof(reply), info);
		break;
	case ECFS_TAG_66:
		reply_tag = ECFS_TAG_67;
		r = do_wrap(be, f.data, f.data_len, reply, sizeof(reply), info);
		break;
	default:
		reply_tag = ECFS_TAG_65;
		info->tag = 0;
		r = -EPROTO;
		break;
	}
	if (r < 0) {
		info->status = r;
		explicit_bzero(reply, sizeof(reply));
		r = ecfs_reply_encode_error(reply, sizeof(reply), reply_tag);
		if (r < 0)
			return r;
	}
	n = frame_reply(&f, reply, (size_t)r, out, out_cap);
	explicit_bzero(reply, sizeof(reply));
	return n;
}
