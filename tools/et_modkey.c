// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecfs_authtok.h"
#include "et_handoff.h"
#include "keymods/ecfs_keymod_load.h"
#include "et_files.h"
#include "et_modkey.h"

/*
 * The secret of a key-module key from passwd= or passwd_fd= (a line
 * passwd=... or openssl-style NAME_passwd=..., else the first line whole).
 */
static int module_secret(const char *prog, const struct et_keyspec *k, struct et_secret *pw)
{
	struct et_secret file = { 0 };
	const char *eq, *nl;
	int rc;

	if (k->method == ET_PW_DIRECT)
		return et_secret_set(pw, k->pw_value, strlen(k->pw_value));
	rc = et_read_all_fd(atoi(k->pw_value), &file);
	if (rc) {
		fprintf(stderr, "%s: cannot read the passphrase from file descriptor %s: %s\n",
			prog, k->pw_value, strerror(-rc));
		return rc;
	}
	nl = memchr(file.buf, '\n', file.len);
	eq = memchr(file.buf, '=', nl ? (size_t)(nl - file.buf) : file.len);
	if (eq && !memchr(file.buf, ' ', (size_t)(eq - file.buf)) &&
	    (size_t)(eq - file.buf) >= 6 && !memcmp(eq - 6, "passwd", 6))
		rc = et_secret_set(pw, eq + 1, (nl ? (size_t)(nl - eq) : file.len -
						(size_t)(eq - file.buf)) - 1);
	else
		rc = et_secret_set(pw, file.buf, nl ? (size_t)(nl - file.buf) : file.len);
	et_secret_free(&file);
	if (!rc && !pw->len)
		rc = -ENODATA;
	if (rc)
		fprintf(stderr, "%s: no usable passphrase on file descriptor %s\n", prog,
			k->pw_value);
	return rc;
}

static int module_has_param(const struct ecfs_keymod *km, const char *name)
{
	const struct ecfs_keymod_param *p;
	size_t n = 0, i;

	p = km->ops->params(&n);
	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return 1;
	return 0;
}

static int module_secret_file(const char *prog, const struct et_keyspec *k, struct et_secret *pw)
{
	struct et_keyspec fdk = *k;
	char num[16];
	int fd, rc;

	fd = open(k->pw_value, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, k->pw_value, strerror(errno));
		return rc;
	}
	snprintf(num, sizeof(num), "%d", fd);
	fdk.method = ET_PW_FD;
	fdk.pw_value = num;
	rc = module_secret(prog, &fdk, pw);
	close(fd);
	return rc;
}

static int module_build_token(const struct ecfs_keymod *km, const struct et_keyspec *k,
			      const struct et_secret *pw, uint8_t **blob, size_t *blob_len,
			      char *sig, char *err, size_t errlen)
{
	struct ecfs_keymod_kv kv[2 + ET_MAX_MODPARAMS];
	size_t n = 0, i;

	if (k->keyfile)
		kv[n++] = (struct ecfs_keymod_kv){ "keyfile", k->keyfile };
	for (i = 0; i < k->nmp; i++)
		kv[n++] = (struct ecfs_keymod_kv){ k->mp_name[i], k->mp_value[i] };
	if (pw->buf && pw->len)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd", pw->buf };
	else if (k->method == ET_PW_FILE)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd_file", k->pw_value };
	return km->ops->build_token(kv, n, blob, blob_len, sig, err, errlen);
}

int et_modkey_prepare(const char *prog, const struct et_keyspec *k, int may_prompt,
		      struct et_modkey *mk)
{
	struct et_secret *pw = &mk->pass;
	struct ecfs_keymod *km = NULL;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	char err[512] = "", prompt[PATH_MAX + 64];
	int rc;

	memset(mk, 0, sizeof(*mk));
	if (k->keyfile)
		et_warn_exposed(prog, "key file", k->keyfile, -1);
	if (k->method == ET_PW_FILE)
		et_warn_exposed(prog, "passphrase file", k->pw_value, -1);
	rc = ecfs_keymod_load(k->module, &km, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return rc;
	}
	snprintf(mk->module, sizeof(mk->module), "%s", k->module);
	rc = et_secret_alloc(pw, ECFS_HANDOFF_MAX_SECRET);
	if (rc)
		goto out;
	if (k->method == ET_PW_DIRECT || k->method == ET_PW_FD) {
		rc = module_secret(prog, k, pw);
		if (rc)
			goto out;
	} else if (k->method == ET_PW_FILE && !module_has_param(km, "passwd_file")) {
		/* A module whose token cannot name the file (a PIN): read it now. */
		rc = module_secret_file(prog, k, pw);
		if (rc)
			goto out;
	}
	rc = module_build_token(km, k, pw, &blob, &blob_len, mk->sig, err, sizeof(err));
	/* A protected key and no passphrase yet: ask on the terminal. */
	if (rc == -EKEYREJECTED && k->method == ET_PW_NONE && may_prompt && et_stdin_is_tty()) {
		if (k->keyfile)
			snprintf(prompt, sizeof(prompt), "Passphrase for the key in %s", k->keyfile);
		else
			snprintf(prompt, sizeof(prompt), "PIN for the key=%s key", k->module);
		rc = et_secret_prompt(prompt, pw);
		if (rc || !pw->len) {
			fprintf(stderr, "%s: no passphrase given\n", prog);
			rc = rc ? rc : -ENODATA;
			goto out;
		}
		err[0] = '\0';
		rc = module_build_token(km, k, pw, &blob, &blob_len, mk->sig, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(-rc));
		goto out;
	}
	if (!pw->len) {
		et_secret_free(pw);
	} else if (!ecfs_keymod_can_hold(km->ops)) {
		fprintf(stderr, "%s: key module '%s' cannot take a passphrase at mount time; use passwd_file=\n",
			prog, k->module);
		rc = -EOPNOTSUPP;
		goto out_blob;
	}
	rc = ecfs_authtok_key_encode(k->module, mk->sig, blob, blob_len, &mk->tok, &mk->tok_len);
	if (rc) {
		fprintf(stderr, "%s: cannot build the keyring token for key %s: %s\n", prog,
			mk->sig, strerror(-rc));
		goto out_blob;
	}
	if (pw->buf) {
		mk->blob = malloc(blob_len);
		if (!mk->blob) {
			rc = -ENOMEM;
			goto out_blob;
		}
		memcpy(mk->blob, blob, blob_len);
		mk->blob_len = blob_len;
	}
out_blob:
	km->ops->release_blob(blob, blob_len);
out:
	ecfs_keymod_unload(km);
	if (rc)
		et_modkey_free(mk);
	return rc;
}

int et_modkey_handoff(const char *prog, struct et_modkey *mk)
{
	struct ecfs_handoff_msg m = { .type = ECFS_HANDOFF_ADD };
	char path[128], err[512] = "";
	uint32_t status = 0;
	int rc;

	if (!mk->blob || !mk->pass.buf)
		return 0;
	rc = ecfs_handoff_path(geteuid(), path, sizeof(path));
	if (rc)
		return rc;
	memcpy(m.sig, mk->sig, sizeof(m.sig));
	memcpy(m.alias, mk->module, sizeof(m.alias));
	m.blob = mk->blob;
	m.blob_len = mk->blob_len;
	m.secret = (const uint8_t *)mk->pass.buf;
	m.secret_len = mk->pass.len;
	rc = et_handoff_call(path, geteuid(), &m, &status, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: key %s: %s\n", prog, mk->sig, err);
		return rc;
	}
	if (status) {
		fprintf(stderr, "%s: ecryptfsd could not unlock key %s: %s (ecryptfsd's log says why)\n",
			prog, mk->sig, strerror((int)status));
		return -(int)status;
	}
	et_secret_free(&mk->pass);
	return 0;
}

void et_modkey_free(struct et_modkey *mk)
{
	et_secret_free(&mk->pass);
	if (mk->blob)
		explicit_bzero(mk->blob, mk->blob_len);
	free(mk->blob);
	if (mk->tok)
		explicit_bzero(mk->tok, mk->tok_len);
	free(mk->tok);
	memset(mk, 0, sizeof(*mk));
}
