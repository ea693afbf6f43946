// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <keyutils.h>

#include "keymods/ecfs_keymod_load.h"
#include "ecfsd_keys.h"

#define KEYS_MAX_MODULES	8

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ecfs_keymod *keys_mods[KEYS_MAX_MODULES];

static int keys_get_token(void *arg, const char *sig, uint8_t **tok, size_t *tok_len)
{
	key_serial_t id;
	void *buf = NULL;
	long n;

	*tok = NULL;
	*tok_len = 0;
	/* The kernel found the key in this user's keyrings; so do we. */
	id = keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig, 0);
	if (id < 0)
		return errno == ENOKEY || errno == EKEYREVOKED || errno == EKEYEXPIRED ?
		       -ENOKEY : -errno;
	n = keyctl_read_alloc(id, &buf);
	if (n < 0)
		return -errno;
	(void)mlock(buf, (size_t)n);
	*tok = buf;
	*tok_len = (size_t)n;
	return 0;
}

static void keys_put_token(void *arg, uint8_t *tok, size_t tok_len)
{
	if (!tok)
		return;
	explicit_bzero(tok, tok_len);
	(void)munlock(tok, tok_len);
	free(tok);
}

static void keys_log(void *arg, int prio, const char *msg)
{
	syslog(prio, "%s", msg);
}

static int keys_get_module(void *arg, const char *alias, const struct ecfs_keymod_ops **ops)
{
	struct ecfs_keymod *km = NULL;
	char err[512];
	int i, r, free_slot = -1;

	pthread_mutex_lock(&keys_lock);
	for (i = 0; i < KEYS_MAX_MODULES; i++) {
		if (keys_mods[i] && !strcmp(keys_mods[i]->name, alias)) {
			*ops = keys_mods[i]->ops;
			pthread_mutex_unlock(&keys_lock);
			return 0;
		}
		if (!keys_mods[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		r = -EMFILE;
		goto out;
	}
	r = ecfs_keymod_load(alias, &km, err, sizeof(err));
	if (r) {
		syslog(LOG_ERR, "%s", err);
		goto out;
	}
	keys_mods[free_slot] = km;
	*ops = km->ops;
	syslog(LOG_INFO, "loaded key module '%s'", alias);
out:
	pthread_mutex_unlock(&keys_lock);
	return r;
}

int ecfsd_keys_backend(struct ecfsd_backend *be, int log_to_stderr)
{
	memset(be, 0, sizeof(*be));
	be->get_token = keys_get_token;
	be->put_token = keys_put_token;
	be->get_module = keys_get_module;
	be->log = keys_log;
	return 0;
}

void ecfsd_keys_cleanup(void)
{
	int i;

	pthread_mutex_lock(&keys_lock);
	for (i = 0; i < KEYS_MAX_MODULES; i++) {
		ecfs_keymod_unload(keys_mods[i]);
		keys_mods[i] = NULL;
	}
	pthread_mutex_unlock(&keys_lock);
}
