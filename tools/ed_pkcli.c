// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ed_pkcli - loading RSA keys for the offline tools (ed_pkcli.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ecfs_hex.h"
#include "ecfs_kdf.h"
#include "ecfs_wrap.h"
#include "ed_pk.h"
#include "ed_pkcli.h"
#include "et_cli.h"
#include "et_secret.h"

int ed_pkcli_read_pass(const char *prog, const char *path, size_t cap, struct et_secret *s)
{
	int fd, rc;

	rc = et_secret_alloc(s, cap);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return rc;
	}
	rc = et_secret_read_fd(fd, s);
	close(fd);
	if (!rc && !s->len)
		rc = -ENODATA;
	if (rc == -EMSGSIZE)
		fprintf(stderr, "%s: %s: passphrase longer than %zu bytes\n", prog, path, cap);
	else if (rc == -ENODATA)
		fprintf(stderr, "%s: %s: empty passphrase file\n", prog, path);
	else if (rc)
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(-rc));
	return rc;
}

int ed_pkcli_load(const char *prog, const char *path, const char *passfile, bool need_private,
		  EVP_PKEY **pk)
{
	struct et_secret s = { 0 };
	struct ed_err e = { "" };
	bool priv = false;
	int rc;

	if (passfile) {
		rc = ed_pkcli_read_pass(prog, passfile, ED_PKCLI_PASS_MAX, &s);
		if (rc)
			goto out;
	}
	rc = ed_pk_load(path, s.buf, s.len, pk, &priv, &e);
	if (rc == -EKEYREJECTED && !passfile && isatty(STDIN_FILENO)) {
		char prompt[512];

		snprintf(prompt, sizeof(prompt), "Passphrase for %s", path);
		rc = et_secret_alloc(&s, ED_PKCLI_PASS_MAX);
		if (!rc)
			rc = et_secret_prompt(prompt, &s);
		if (!rc)
			rc = ed_pk_load(path, s.buf, s.len, pk, &priv, &e);
	}
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, e.msg[0] ? e.msg : strerror(-rc));
		goto out;
	}
	if (need_private && !priv) {
		fprintf(stderr, "%s: %s holds only a public key; the private key is needed "
			"(ecryptfs-recovery-key restore rebuilds it from the printed copy)\n",
			prog, path);
		EVP_PKEY_free(*pk);
		*pk = NULL;
		rc = -EKEYREJECTED;
	}
out:
	et_secret_free(&s);
	return rc;
}

int ed_pk_add_recovery(struct ed_keys *ks, const char *path, const char *passfile,
		       const char *prog)
{
	EVP_PKEY *pk = NULL;
	int rc;

	rc = ed_pkcli_load(prog, path, passfile, true, &pk);
	if (rc)
		return rc;
	rc = ed_keys_add_pk(ks, pk);
	if (rc)
		fprintf(stderr, "%s: %s: cannot use the key: %s\n", prog, path, strerror(-rc));
	return rc;
}

void ed_keyargs_init(struct ed_keyargs *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->salt, ecfs_kdf_default_salt, sizeof(k->salt));
}

int ed_keyargs_opt(const char *prog, struct ed_keyargs *k, int opt, const char *arg)
{
	switch (opt) {
	case ED_OPT_PASSFILE:
	case ED_OPT_WRAPPED:
		if (k->n_pass + k->n_wrapped >= ED_MAX_KEYS) {
			fprintf(stderr, "%s: at most %d keys\n", prog, ED_MAX_KEYS);
			return -1;
		}
		if (opt == ED_OPT_PASSFILE)
			k->pass[k->n_pass++] = arg;
		else
			k->wrapped[k->n_wrapped++] = arg;
		return 1;
	case ED_OPT_LOGIN:
		k->login = arg;
		return 1;
	case ED_OPT_RKEY:
		if (k->n_rkeys >= ED_MAX_PK) {
			fprintf(stderr, "%s: at most %d recovery keys\n", prog, ED_MAX_PK);
			return -1;
		}
		k->rkeys[k->n_rkeys++] = arg;
		return 1;
	case ED_OPT_RKEY_PASS:
		k->rkey_pass = arg;
		return 1;
	case ED_OPT_SALT:
		if (ecfs_hex_decode(arg, strlen(arg), k->salt, sizeof(k->salt))) {
			fprintf(stderr, "%s: --salt needs 16 hex digits\n", prog);
			return -1;
		}
		return 1;
	}
	return 0;
}

int ed_keyargs_check(const char *prog, const struct ed_keyargs *k)
{
	if (!!k->n_wrapped != !!k->login) {
		fprintf(stderr, "%s: --wrapped-passphrase and --login-passphrase-file go together\n",
			prog);
		return -EINVAL;
	}
	return 0;
}

static int keyargs_add(const char *prog, struct ed_keys *ks, const char *pass, size_t len,
		       const uint8_t *salt, bool fnek, const char *from)
{
	int rc = ed_keys_add(ks, pass, len, salt, fnek);

	if (rc)
		fprintf(stderr, "%s: %s: cannot derive the key: %s\n", prog, from, strerror(-rc));
	return rc;
}

static int keyargs_wrapped(const char *prog, const struct ed_keyargs *k, struct ed_keys *ks,
			   bool fnek)
{
	struct et_secret lp = { 0 }, mp = { 0 };
	size_t plen = 0, i;
	int rc;

	rc = ed_pkcli_read_pass(prog, k->login, ECFS_MAX_PASSPHRASE_BYTES, &lp);
	if (!rc)
		rc = et_secret_alloc(&mp, ECFS_WRAP_PASS_BUF);
	for (i = 0; !rc && i < k->n_wrapped; i++) {
		/* A v1 file keeps no salt: it was wrapped with --salt's. */
		rc = ecfs_wrap_read_file(k->wrapped[i], lp.buf, lp.len, k->salt, mp.buf, &plen,
					 NULL);
		if (rc)
			fprintf(stderr, "%s: %s: %s\n", prog, k->wrapped[i],
				et_cli_wrap_strerror(rc));
		else
			rc = keyargs_add(prog, ks, mp.buf, plen, k->salt, fnek, k->wrapped[i]);
	}
	et_secret_free(&lp);
	et_secret_free(&mp);
	return rc;
}

int ed_keyargs_load(const char *prog, const struct ed_keyargs *k, struct ed_keys *ks, bool fnek)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < k->n_pass; i++) {
		struct et_secret s = { 0 };

		rc = ed_pkcli_read_pass(prog, k->pass[i], ECFS_MAX_PASSPHRASE_BYTES, &s);
		if (!rc)
			rc = keyargs_add(prog, ks, s.buf, s.len, k->salt, fnek, k->pass[i]);
		et_secret_free(&s);
	}
	if (!rc && k->n_wrapped)
		rc = keyargs_wrapped(prog, k, ks, fnek);
	for (i = 0; !rc && i < k->n_rkeys; i++)
		rc = ed_pk_add_recovery(ks, k->rkeys[i], k->rkey_pass, prog);
	return rc;
}

int ed_cli_usage_exit(int opt, void (*usage)(FILE *))
{
	if (opt == 'h') {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}

void *ed_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return arr;
	nc = *cap ? *cap * 2 : 64;
	p = reallocarray(arr, nc, size);
	if (p)
		*cap = nc;
	return p;
}

void ed_progress_line(unsigned long done_files, unsigned long total_files,
		      unsigned long long done_bytes, unsigned long long total_bytes, bool by_files,
		      bool end)
{
	const int width = 30;
	int fill = width;

	if (total_bytes)
		fill = (int)((double)done_bytes / (double)total_bytes * width);
	else if (by_files && total_files)
		fill = (int)(done_files * (unsigned long)width / total_files);
	if (fill > width)
		fill = width;
	fprintf(stderr, "\r[%.*s%*s] %lu/%lu files, %.1f/%.1f MiB", fill,
		"==============================", width - fill, "", done_files, total_files,
		(double)done_bytes / 1048576.0, (double)total_bytes / 1048576.0);
	if (end)
		fputc('\n', stderr);
}

int ed_mkdir_out(const char *dst, struct stat *old)
{
	if (!mkdir(dst, 0700))
		return 1;
	if (errno != EEXIST)
		return -errno;
	if (lstat(dst, old))
		return -errno;
	return S_ISDIR(old->st_mode) ? 0 : -ENOTDIR;
}
