// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test key modules for the loader and daemon tests, one source built in
 * several variants (TM_VARIANT):
 *   1 "tgood"       a complete module: "wrap" XORs with 0x5a; the blob
 *                   steers it: "slow" sleeps 4 s (longer than the kernel's
 *                   3 s timeout), "fail" fails, "badk" unwraps to a K blob
 *                   with a wrong checksum
 *   2 "tmajor"      built for ABI major 2
 *   3 "tnoentry"    no entry point
 *   4 "talias"      calls itself "tother"
 *   5 "tincomplete" lacks unwrap()
 * This is a test double for a key module, not for the kernel.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keymods/ecfs_keymod.h"

static const struct ecfs_keymod_param tm_params[] = {
	{ "blob", NULL, ECFS_KEYMOD_P_REQUIRED | ECFS_KEYMOD_P_TOKEN, "token blob" },
};

static const struct ecfs_keymod_param *tm_get_params(size_t *n)
{
	*n = 1;
	return tm_params;
}

static int tm_is(const uint8_t *blob, size_t len, const char *what)
{
	return len >= 4 && !memcmp(blob, what, 4);
}

static int tm_build_token(const struct ecfs_keymod_kv *kv, size_t n, uint8_t **blob,
			  size_t *blob_len, char sig[17], char *err, size_t errlen)
{
	size_t l;

	if (n != 1 || strcmp(kv[0].name, "blob"))
		return -EINVAL;
	l = strlen(kv[0].value);
	*blob = malloc(l ? l : 1);
	if (!*blob)
		return -ENOMEM;
	memcpy(*blob, kv[0].value, l);
	*blob_len = l;
	memcpy(sig, "0123456789abcdef", 17);
	return 0;
}

static int tm_key_sig(const uint8_t *blob, size_t blob_len, char sig[17], char *err,
		      size_t errlen)
{
	memcpy(sig, "0123456789abcdef", 17);
	return 0;
}

static int tm_wrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		   uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	size_t i;

	if (tm_is(blob, blob_len, "slow"))
		sleep(4);
	if (tm_is(blob, blob_len, "fail"))
		return -EIO;
	if (in_len > out_cap)
		return -ENOBUFS;
	for (i = 0; i < in_len; i++)
		out[i] = in[i] ^ 0x5a;
	*out_len = in_len;
	return 0;
}

#if TM_VARIANT != 5
static int tm_unwrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		     uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	size_t i;

	*out = NULL;
	if (tm_is(blob, blob_len, "slow"))
		sleep(4);
	if (tm_is(blob, blob_len, "fail"))
		return -EBADMSG;
	*out = malloc(in_len ? in_len : 1);
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < in_len; i++)
		(*out)[i] = in[i] ^ 0x5a;
	if (tm_is(blob, blob_len, "badk") && in_len)
		(*out)[in_len - 1] ^= 1;
	*out_len = in_len;
	return 0;
}
#endif

static void tm_free_secret(uint8_t *p, size_t len)
{
	if (p)
		explicit_bzero(p, len);
	free(p);
}

static void tm_release_blob(uint8_t *blob, size_t len)
{
	free(blob);
}

#if TM_VARIANT == 1
#define TM_ALIAS "tgood"
#elif TM_VARIANT == 2
#define TM_ALIAS "tmajor"
#elif TM_VARIANT == 3
#define TM_ALIAS "tnoentry"
#elif TM_VARIANT == 4
#define TM_ALIAS "tother"
#else
#define TM_ALIAS "tincomplete"
#endif

static const struct ecfs_keymod_ops tm_ops = {
#if TM_VARIANT == 2
	.abi_version = (2u << 16) | ECFS_KEYMOD_ABI_MINOR,
#else
	.abi_version = ECFS_KEYMOD_ABI_VERSION,
#endif
	.alias = TM_ALIAS,
	.description = "test module",
	.params = tm_get_params,
	.build_token = tm_build_token,
	.key_sig = tm_key_sig,
	.wrap = tm_wrap,
#if TM_VARIANT != 5
	.unwrap = tm_unwrap,
#endif
	.free_secret = tm_free_secret,
	.release_blob = tm_release_blob,
};

#if TM_VARIANT == 3
/* Exported under another name: the loader must not find it. */
const struct ecfs_keymod_ops *ecfs_keymod_get_operations(void);
const struct ecfs_keymod_ops *ecfs_keymod_get_operations(void)
{
	return &tm_ops;
}
#else
const struct ecfs_keymod_ops *ecfs_keymod_get_ops(void)
{
	return &tm_ops;
}
#endif
