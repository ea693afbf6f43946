// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ed_pkcli - loading RSA keys for the offline tools (ed_pkcli.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "ed_pk.h"
#include "ed_pkcli.h"
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
