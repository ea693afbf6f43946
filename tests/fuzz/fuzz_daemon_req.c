// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_daemon_req - ecryptfsd's request path (ecfsd_handle) on arbitrary
 * frames.  The backend serves one private-key token per signature prefix
 * with an in-process XOR "module", and the input's first byte selects
 * token shapes (bad version, bad alias, data_len past the end), so both
 * the frame/payload decoders and the token parser are reached.
 *
 * Invariants: a returned response is a frame the kernel accepts (decoded
 * with the kernel's write checks), echoes the request's seq and index, and
 * every byte after it is zero.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ecfs_frame.h"
#include "daemon/ecfsd_req.h"
#include "fuzz_common.h"

static uint8_t fz_mode;

static int fz_get_token(void *arg, const char *sig, uint8_t **tok, size_t *len)
{
	struct ecryptfs_auth_tok *at;
	size_t blob = 8, n = sizeof(*at) + blob;
	uint32_t dl = (uint32_t)blob;

	if (sig[0] == 'f' || sig[0] == 'F')
		return -ENOKEY;
	*tok = calloc(1, n);
	if (!*tok)
		return -ENOMEM;
	at = (struct ecryptfs_auth_tok *)*tok;
	at->version = (fz_mode & 1) ? 0x0003 : ECFS_AUTH_TOK_VERSION;
	at->token_type = (fz_mode & 2) ? ECFS_TOKEN_PASSWORD : ECFS_TOKEN_PRIVATE_KEY;
	memcpy(at->token.private_key.signature, sig, 16);
	strcpy(at->token.private_key.pki_type, (fz_mode & 4) ? "../x" : "fz");
	if (fz_mode & 8)
		dl = 0xffffff00u;
	memcpy(&at->token.private_key.data_len, &dl, sizeof(dl));
	*len = n;
	return 0;
}

static void fz_put_token(void *arg, uint8_t *tok, size_t len)
{
	free(tok);
}

static int fz_wrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		   uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	size_t i;

	if (in_len > out_cap)
		return -ENOBUFS;
	for (i = 0; i < in_len; i++)
		out[i] = in[i] ^ 0x5a;
	*out_len = in_len;
	return 0;
}

static int fz_unwrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		     uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	size_t i;

	*out = malloc(in_len ? in_len : 1);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < in_len; i++)
		(*out)[i] = in[i] ^ 0x5a;
	*out_len = in_len;
	return 0;
}

static void fz_free_secret(uint8_t *p, size_t len)
{
	free(p);
}

static const struct ecfs_keymod_ops fz_ops = {
	.abi_version = ECFS_KEYMOD_ABI_VERSION,
	.alias = "fz",
	.wrap = fz_wrap,
	.unwrap = fz_unwrap,
	.free_secret = fz_free_secret,
};

static int fz_get_module(void *arg, const char *alias, const struct ecfs_keymod_ops **ops)
{
	if (strcmp(alias, "fz"))
		return -ENOENT;
	*ops = &fz_ops;
	return 0;
}

static const struct ecfsd_backend fz_be = {
	.get_token = fz_get_token,
	.put_token = fz_put_token,
	.get_module = fz_get_module,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[ECFSD_REPLY_MAX];
	struct ecfsd_req_info info;
	struct ecfs_frame req, rsp;
	int n;
	size_t i;

	if (size < 1)
		return 0;
	fz_mode = data[0];
	data++;
	size--;
	n = ecfsd_handle(&fz_be, data, size, out, sizeof(out), &info);
	if (n < 0) {
		for (i = 0; i < sizeof(out); i++)
			FUZZ_CHECK(out[i] == 0);
		return 0;
	}
	FUZZ_CHECK(ecfs_frame_decode(data, size, ECFS_FRAME_FROM_KERNEL, &req) == 0);
	FUZZ_CHECK(ecfs_frame_decode(out, (size_t)n, ECFS_FRAME_TO_KERNEL, &rsp) == 0);
	FUZZ_CHECK(rsp.type == ECFS_MSG_RESPONSE);
	FUZZ_CHECK(rsp.seq == req.seq && rsp.index == req.index);
	FUZZ_CHECK(rsp.data_len >= 2);
	FUZZ_CHECK(rsp.data[0] == ECFS_TAG_65 || rsp.data[0] == ECFS_TAG_67);
	FUZZ_CHECK((info.status == 0) == (rsp.data[1] == ECFS_MSG_STATUS_OK));
	for (i = (size_t)n; i < sizeof(out); i++)
		FUZZ_CHECK(out[i] == 0);
	return 0;
}
