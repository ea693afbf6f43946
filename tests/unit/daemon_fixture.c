// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ecfs_frame.h"
#include "ecfs_msgpkt.h"
#include "keymods/ecfs_keymod_load.h"
#include "daemon_fixture.h"

static pthread_mutex_t df_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ecfs_keymod *df_mods[4];
static const char *df_moddir;

int df_add_token(struct df_store *s, const char *sig, uint16_t version, uint16_t type,
		 const char *alias, const void *blob, size_t blob_len)
{
	struct ecryptfs_auth_tok *at;
	size_t len = sizeof(*at) + blob_len;
	uint32_t dl = (uint32_t)blob_len;
	uint8_t *tok;

	if (s->n >= DF_MAX_TOKENS)
		return -ENOSPC;
	tok = calloc(1, len);
	if (!tok)
		return -ENOMEM;
	at = (struct ecryptfs_auth_tok *)tok;
	at->version = version;
	at->token_type = type;
	memcpy(at->token.private_key.signature, sig, 16);
	strncpy(at->token.private_key.pki_type, alias, ECFS_MAX_PKI_NAME_BYTES);
	at->token.private_key.key_size = 16;
	memcpy(&at->token.private_key.data_len, &dl, sizeof(dl));
	memcpy(tok + ECFS_AUTH_TOK_OFF_TOKEN + ECFS_PRIVATE_KEY_DATA_OFF, blob, blob_len);
	memcpy(s->t[s->n].sig, sig, 17);
	s->t[s->n].tok = tok;
	s->t[s->n].len = len;
	s->n++;
	return 0;
}

void df_store_free(struct df_store *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->t[i].tok);
	memset(s, 0, sizeof(*s));
}

static int df_get_token(void *arg, const char *sig, uint8_t **tok, size_t *len)
{
	struct df_store *s = arg;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (strcasecmp(s->t[i].sig, sig))
			continue;
		*tok = malloc(s->t[i].len);
		if (!*tok)
			return -ENOMEM;
		memcpy(*tok, s->t[i].tok, s->t[i].len);
		*len = s->t[i].len;
		__atomic_add_fetch(&s->gets, 1, __ATOMIC_SEQ_CST);
		return 0;
	}
	return -ENOKEY;
}

static void df_put_token(void *arg, uint8_t *tok, size_t len)
{
	struct df_store *s = arg;

	__atomic_add_fetch(&s->puts, 1, __ATOMIC_SEQ_CST);
	free(tok);
}

static int df_get_module(void *arg, const char *alias, const struct ecfs_keymod_ops **ops)
{
	char err[512];
	size_t i;
	int r = -EMFILE;

	pthread_mutex_lock(&df_lock);
	for (i = 0; i < 4; i++) {
		if (df_mods[i] && !strcmp(df_mods[i]->name, alias)) {
			*ops = df_mods[i]->ops;
			r = 0;
			goto out;
		}
	}
	for (i = 0; i < 4; i++) {
		if (df_mods[i])
			continue;
		setenv(ECFS_KEYMOD_DIR_ENV, df_moddir, 1);
		r = ecfs_keymod_load(alias, &df_mods[i], err, sizeof(err));
		if (!r)
			*ops = df_mods[i]->ops;
		break;
	}
out:
	pthread_mutex_unlock(&df_lock);
	return r;
}

static void df_log(void *arg, int prio, const char *msg)
{
	struct df_store *s = arg;

	pthread_mutex_lock(&df_lock);
	strncpy(s->last_log, msg, sizeof(s->last_log) - 1);
	pthread_mutex_unlock(&df_lock);
}

void df_backend(struct ecfsd_backend *be, struct df_store *s, const char *moddir)
{
	memset(be, 0, sizeof(*be));
	be->get_token = df_get_token;
	be->put_token = df_put_token;
	be->get_module = df_get_module;
	be->log = df_log;
	be->arg = s;
	df_moddir = moddir;
}

void df_unload_modules(void)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		ecfs_keymod_unload(df_mods[i]);
		df_mods[i] = NULL;
	}
}

int df_req_raw(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const uint8_t *data,
	       size_t data_len)
{
	struct ecfs_frame f = {
		.type = ECFS_MSG_REQUEST,
		.seq = seq,
		.has_msg = 1,
		.index = index,
		.data_len = (uint32_t)data_len,
		.data = data,
	};

	return ecfs_frame_encode(out, cap, ECFS_FRAME_FROM_KERNEL, &f);
}

int df_req64(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const char *sig,
	     const uint8_t *enc, size_t enc_len)
{
	uint8_t p[ECFS_MSG_MAX_REQUEST_DATA];
	int n = ecfs_tag64_encode(p, sizeof(p), sig, enc, enc_len);

	if (n < 0)
		return n;
	return df_req_raw(out, cap, seq, index, p, (size_t)n);
}

int df_req66(uint8_t *out, size_t cap, uint32_t seq, uint32_t index, const char *sig,
	     uint8_t cipher_code, const uint8_t *fek, size_t fek_len)
{
	uint8_t p[ECFS_MSG_MAX_REQUEST_DATA];
	struct ecfs_fek_blob b = { .cipher_code = cipher_code, .fek_len = fek_len };
	int n;

	memcpy(b.fek, fek, fek_len);
	n = ecfs_tag66_encode(p, sizeof(p), sig, &b);
	if (n < 0)
		return n;
	return df_req_raw(out, cap, seq, index, p, (size_t)n);
}

size_t df_openssl_blob(uint8_t *b, const char *path, const char *pwfile)
{
	size_t l1 = strlen(path) + 1, l2 = strlen(pwfile) + 1;

	b[0] = (uint8_t)l1;
	b[1] = (uint8_t)(l1 >> 8);
	memcpy(b + 2, path, l1);
	b[2 + l1] = (uint8_t)l2;
	b[3 + l1] = (uint8_t)(l2 >> 8);
	memcpy(b + 4 + l1, pwfile, l2);
	return 4 + l1 + l2;
}
