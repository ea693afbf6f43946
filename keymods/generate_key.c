// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-generate-key - make a new key with a key module and print its
 * signature (what ecryptfs_sig= and the lower files' tag 1 packets name).
 *
 *   ecryptfs-generate-key openssl [--keyfile F] [--bits N] [--passwd-file F]
 *                         [NAME=VALUE ...]
 *   ecryptfs-generate-key --list
 *
 * For openssl the default key file is upstream's
 * ~/.ecryptfs/pki/openssl/key.pem (directories created 0700); the file is
 * written 0600 and never over an existing one.  RSA 3072 unless --bits.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keymods/ecfs_keymod_load.h"

#define PROG "ecryptfs-generate-key"
#define GK_MAX_KV 16

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s MODULE [--keyfile FILE] [--bits N] [--passwd-file FILE] [NAME=VALUE ...]\n"
		"       %s --list\n"
		"Generates a key with key module MODULE (e.g. openssl) and prints its signature.\n",
		PROG, PROG);
}

/* mkdir -p of @dir's components below $HOME, mode 0700. */
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

static int default_keyfile(char *out, size_t cap)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	int n;

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

static int list_modules(void)
{
	static const char *const known[] = { "openssl" };
	size_t i;

	printf("Key modules in %s:\n", ecfs_keymod_dir());
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct ecfs_keymod *km;
		char err[512];

		if (ecfs_keymod_load(known[i], &km, err, sizeof(err))) {
			printf("  %-12s (%s)\n", known[i], err);
			continue;
		}
		printf("  %-12s %s\n", known[i], km->ops->description ? km->ops->description : "");
		ecfs_keymod_unload(km);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "keyfile", required_argument, NULL, 'k' },
		{ "bits", required_argument, NULL, 'b' },
		{ "passwd-file", required_argument, NULL, 'P' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ecfs_keymod_kv kv[GK_MAX_KV];
	const struct ecfs_keymod_param *params;
	struct ecfs_keymod *km = NULL;
	char keyfile[PATH_MAX], err[512] = "", sig[ECFS_KEYMOD_SIG_HEX + 1];
	const char *kf = NULL, *bits = NULL, *pwf = NULL, *module;
	uint8_t *blob = NULL;
	size_t n = 0, np, blob_len = 0, i;
	int c, r, ret = 1, has_keyfile = 0;

	while ((c = getopt_long(argc, argv, "k:b:P:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kf = optarg;
			break;
		case 'b':
			bits = optarg;
			break;
		case 'P':
			pwf = optarg;
			break;
		case 'l':
			return list_modules();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	module = argv[optind++];
	r = ecfs_keymod_load(module, &km, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		return 1;
	}
	if (!km->ops->generate) {
		fprintf(stderr, "%s: key module '%s' cannot generate keys\n", PROG, module);
		goto out;
	}
	params = km->ops->params(&np);
	for (; optind < argc && n < GK_MAX_KV - 3; optind++) {
		char *eq = strchr(argv[optind], '=');

		if (!eq) {
			fprintf(stderr, "%s: expected NAME=VALUE, not '%s'\n", PROG, argv[optind]);
			goto out;
		}
		*eq = '\0';
		kv[n++] = (struct ecfs_keymod_kv){ argv[optind], eq + 1 };
		if (!strcmp(argv[optind], "keyfile") || !strcmp(argv[optind], "openssl_keyfile"))
			has_keyfile = 1;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: too many parameters\n", PROG);
		goto out;
	}
	for (i = 0; i < np && !kf && !has_keyfile; i++) {
		if (strcmp(params[i].name, "keyfile") || strcmp(module, "openssl"))
			continue;
		r = default_keyfile(keyfile, sizeof(keyfile));
		if (r) {
			fprintf(stderr, "%s: cannot prepare ~/.ecryptfs/pki/openssl: %s\n", PROG,
				strerror(-r));
			goto out;
		}
		kf = keyfile;
	}
	if (kf)
		kv[n++] = (struct ecfs_keymod_kv){ "keyfile", kf };
	if (bits)
		kv[n++] = (struct ecfs_keymod_kv){ "bits", bits };
	if (pwf)
		kv[n++] = (struct ecfs_keymod_kv){ "passwd_file", pwf };
	r = km->ops->generate(kv, n, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(-r));
		goto out;
	}
	/* Read the new key back through the token path: proves it is usable. */
	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].name, "bits"))
			kv[i] = kv[--n];
	r = km->ops->build_token(kv, n, &blob, &blob_len, sig, err, sizeof(err));
	if (r) {
		fprintf(stderr, "%s: the new key cannot be used: %s\n", PROG, err);
		goto out;
	}
	km->ops->release_blob(blob, blob_len);
	if (kf)
		printf("Wrote %s\n", kf);
	printf("Key signature: %s\n", sig);
	ret = 0;
out:
	ecfs_keymod_unload(km);
	return ret;
}
