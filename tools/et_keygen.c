// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "et_keygen.h"
#include "keymods/ecfs_keymod_load.h"

#define KG_MAX_KV 16

const char *const et_keygen_known[] = { "openssl" };
const size_t et_keygen_nknown = sizeof(et_keygen_known) / sizeof(et_keygen_known[0]);

/* mkdir -p of @path's directory components, mode 0700. */
static int make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			int r = -errno;

			*p = '/';
			return r;
		}
		*p = '/';
	}
	return 0;
}

int et_keygen_default_keyfile(const char *module, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (strcmp(module, "openssl"))
		return -ENOENT;
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		if (!pw)
			return -ENOENT;
		home = pw->pw_dir;
	}
	n = snprintf(out, cap, "%s/.ecryptfs/pki/openssl/key.pem", home);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return make_dirs(out);
}

void et_keygen_list(void)
{
	size_t i;

	printf("Key modules in %s:\n", ecfs_keymod_dir());
	for (i = 0; i < et_keygen_nknown; i++) {
		struct ecfs_keymod *km;
		char err[512];

		if (ecfs_keymod_load(et_keygen_known[i], &km, err, sizeof(err))) {
			printf("  %-12s (%s)\n", et_keygen_known[i], err);
			continue;
		}
		printf("  %-12s %s\n", et_keygen_known[i],
		       km->ops->description ? km->ops->description : "");
		ecfs_keymod_unload(km);
	}
}

int et_keygen_run(const char *prog, const struct et_keygen_args *a,
		    char sig[ECFS_KEYMOD_SIG_HEX + 1])
{
	struct ecfs_keymod_kv kv[KG_MAX_KV];
	struct ecfs_keymod *km = NULL;
	char keyfile[PATH_MAX], err[512] = "", s[ECFS_KEYMOD_SIG_HEX + 1];
	const char *kf = a->keyfile;
	uint8_t *blob = NULL;
	size_t n = 0, i, blob_len = 0;
	int r;

	r = ecfs_keymod_load(a->module, &km, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return r;
	}
	if (!km->ops->generate) {
		fprintf(stderr, "%s: key module '%s' cannot generate keys\n", prog, a->module);
		r = -EOPNOTSUPP;
		goto out;
	}
	if (a->nextra > KG_MAX_KV - 4) {
		fprintf(stderr, "%s: too many parameters\n", prog);
		r = -E2BIG;
		goto out;
	}
	for (i = 0; i < a->nextra; i++) {
		kv[n++] = a->extra[i];
		if (!strcmp(a->extra[i].name, "keyfile") ||
		    !strcmp(a->extra[i].name, "openssl_keyfile"))
			kf = a->extra[i].value;
	}
	if (!kf) {
		r = et_keygen_default_keyfile(a->module, keyfile, sizeof(keyfile));
		if (r && r != -ENOENT) {
			fprintf(stderr, "%s: cannot prepare the default key directory: %s\n",
				prog, strerror(-r));
			goto out;
		}
		if (!r)
			kf = keyfile;
	}
	/* Given as a NAME=VALUE parameter, it is in kv already. */
	if (kf && (kf == keyfile || kf == a->keyfile))
		kv[n++] = (struct ecfs_keymod_kv){ "keyfile", kf };
	if (a->bits)
		kv[n++] = (struct ecfs_keymod_kv){ "bits", a->bits };
	if (a->passwd_file)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd_file", a->passwd_file };
	else if (a->passwd)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd", a->passwd };
	r = km->ops->generate(kv, n, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", prog, err[0] ? err : strerror(-r));
		goto out;
	}
	/* Read the new key back through the token path: proves it is usable. */
	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].name, "bits"))
			kv[i--] = kv[--n];
	r = km->ops->build_token(kv, n, &blob, &blob_len, s, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: the new key cannot be used: %s\n", prog, err);
		goto out;
	}
	km->ops->release_blob(blob, blob_len);
	if (kf)
		printf("Wrote %s\n", kf);
	printf("Key signature: %s\n", s);
	if (sig)
		memcpy(sig, s, sizeof(s));
out:
	ecfs_keymod_unload(km);
	return r;
}
