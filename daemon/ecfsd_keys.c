// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <syslog.h>
#include <keyutils.h>

#include "keymods/ecfs_keymod_load.h"
#include "ecfsd_keys.h"

#define KEYS_MAX_MODULES	8
#define KEYS_MAX_HELD		16

static pthread_mutex_t keys_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ecfs_keymod *keys_mods[KEYS_MAX_MODULES];

/*
 * Keys unlocked with a secret from the mount helper, by signature.  A
 * request holds the read lock for its RSA operation; adding, dropping and
 * the sweep take the write lock, so a handle is never closed under a user.
 */
struct keys_held {
	char sig[ECFS_KEYMOD_SIG_HEX + 1];
	const struct ecfs_keymod_ops *ops;
	void *key;
};
static pthread_rwlock_t held_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct keys_held held[KEYS_MAX_HELD];

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

static int sig_eq(const char *a, const char *b)
{
	return !strncasecmp(a, b, ECFS_KEYMOD_SIG_HEX);
}

static int keys_get_held(void *arg, const char *sig, const struct ecfs_keymod_ops **ops,
			 void **key)
{
	int i;

	pthread_rwlock_rdlock(&held_lock);
	for (i = 0; i < KEYS_MAX_HELD; i++) {
		if (held[i].key && sig_eq(held[i].sig, sig)) {
			*ops = held[i].ops;
			*key = held[i].key;
			return 0;
		}
	}
	pthread_rwlock_unlock(&held_lock);
	return -ENOENT;
}

static void keys_put_held(void *arg)
{
	pthread_rwlock_unlock(&held_lock);
}

/* Under the write lock. */
static void held_drop(struct keys_held *h, const char *why)
{
	syslog(LOG_INFO, "dropped the unlocked key %s (%s)", h->sig, why);
	h->ops->close_key(h->key);
	memset(h, 0, sizeof(*h));
}

/* Is the token @sig still in this user's keyring? */
static int token_present(const char *sig)
{
	return keyctl_search(KEY_SPEC_USER_KEYRING, "user", sig, 0) >= 0;
}

static int handoff_add(const struct ecfs_handoff_msg *m)
{
	const struct ecfs_keymod_ops *ops;
	char sig[ECFS_KEYMOD_SIG_HEX + 1] = "", err[512] = "";
	struct keys_held *slot = NULL;
	void *key = NULL;
	int i, r;

	r = keys_get_module(NULL, m->alias, &ops);
	if (r)
		return r;
	if (!ecfs_keymod_can_hold(ops)) {
		syslog(LOG_WARNING, "key module '%s' cannot hold unlocked keys", m->alias);
		return -EOPNOTSUPP;
	}
	/* Only for a mount's key: the token must be in the keyring already. */
	if (!token_present(m->sig)) {
		syslog(LOG_WARNING, "refused to hold key %s: no such token in the keyring", m->sig);
		return -ENOKEY;
	}
	r = ops->open_key(m->blob, m->blob_len, m->secret, m->secret_len, &key, sig, err,
			  sizeof(err));
	if (r) {
		syslog(LOG_WARNING, "cannot unlock key %s: %s", m->sig,
		       err[0] ? err : strerror(-r));
		return r;
	}
	if (!sig_eq(sig, m->sig)) {
		syslog(LOG_WARNING, "the key handed over for %s has signature %s", m->sig, sig);
		ops->close_key(key);
		return -EKEYREJECTED;
	}
	pthread_rwlock_wrlock(&held_lock);
	for (i = 0; i < KEYS_MAX_HELD; i++) {
		if (held[i].key && sig_eq(held[i].sig, m->sig)) {
			held_drop(&held[i], "replaced");
			slot = &held[i];
			break;
		}
		if (!held[i].key && !slot)
			slot = &held[i];
	}
	if (slot) {
		memcpy(slot->sig, m->sig, sizeof(slot->sig));
		slot->ops = ops;
		slot->key = key;
		key = NULL;
		r = 0;
	} else {
		r = -ENOSPC;
	}
	pthread_rwlock_unlock(&held_lock);
	if (key)
		ops->close_key(key);
	if (!r)
		syslog(LOG_INFO, "holding the unlocked key %s", m->sig);
	return r;
}

int ecfsd_keys_handoff(const struct ecfs_handoff_msg *m)
{
	int i;

	switch (m->type) {
	case ECFS_HANDOFF_PING:
		return 0;
	case ECFS_HANDOFF_ADD:
		return handoff_add(m);
	case ECFS_HANDOFF_FORGET:
		pthread_rwlock_wrlock(&held_lock);
		for (i = 0; i < KEYS_MAX_HELD; i++)
			if (held[i].key && sig_eq(held[i].sig, m->sig))
				held_drop(&held[i], "asked to forget it");
		pthread_rwlock_unlock(&held_lock);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

void ecfsd_keys_sweep(void)
{
	char sigs[KEYS_MAX_HELD][ECFS_KEYMOD_SIG_HEX + 1];
	int i, n = 0;

	/* Look the keyring up without the lock, then drop what went away. */
	pthread_rwlock_rdlock(&held_lock);
	for (i = 0; i < KEYS_MAX_HELD; i++)
		if (held[i].key)
			memcpy(sigs[n++], held[i].sig, sizeof(sigs[0]));
	pthread_rwlock_unlock(&held_lock);
	for (i = 0; i < n; i++) {
		int j;

		if (token_present(sigs[i]))
			continue;
		pthread_rwlock_wrlock(&held_lock);
		for (j = 0; j < KEYS_MAX_HELD; j++)
			if (held[j].key && sig_eq(held[j].sig, sigs[i]))
				held_drop(&held[j], "its token left the keyring");
		pthread_rwlock_unlock(&held_lock);
	}
}

int ecfsd_keys_backend(struct ecfsd_backend *be, int log_to_stderr)
{
	memset(be, 0, sizeof(*be));
	be->get_token = keys_get_token;
	be->put_token = keys_put_token;
	be->get_module = keys_get_module;
	be->get_held = keys_get_held;
	be->put_held = keys_put_held;
	be->log = keys_log;
	return 0;
}

void ecfsd_keys_cleanup(void)
{
	int i;

	pthread_rwlock_wrlock(&held_lock);
	for (i = 0; i < KEYS_MAX_HELD; i++)
		if (held[i].key)
			held_drop(&held[i], "exiting");
	pthread_rwlock_unlock(&held_lock);

	pthread_mutex_lock(&keys_lock);
	for (i = 0; i < KEYS_MAX_MODULES; i++) {
		ecfs_keymod_unload(keys_mods[i]);
		keys_mods[i] = NULL;
	}
	pthread_mutex_unlock(&keys_lock);
}
