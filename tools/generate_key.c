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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "et_keygen.h"

#define PROG "ecryptfs-generate-key"
#define GK_MAX_KV 16

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s MODULE [--keyfile FILE] [--bits N] [--passwd-file FILE] [NAME=VALUE ...]\n"
		"       %s --list\n"
		"Generates a key with key module MODULE (e.g. openssl) and prints its signature.\n",
		PROG, PROG);
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
	struct et_keygen_args a = { 0 };
	size_t n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "k:b:P:lh", lopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			a.keyfile = optarg;
			break;
		case 'b':
			a.bits = optarg;
			break;
		case 'P':
			a.passwd_file = optarg;
			break;
		case 'l':
			et_keygen_list();
			return 0;
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
	a.module = argv[optind++];
	for (; optind < argc && n < GK_MAX_KV; optind++) {
		char *eq = strchr(argv[optind], '=');

		if (!eq) {
			fprintf(stderr, "%s: expected NAME=VALUE, not '%s'\n", PROG, argv[optind]);
			return 1;
		}
		*eq = '\0';
		kv[n++] = (struct ecfs_keymod_kv){ argv[optind], eq + 1 };
		/* passwd=, openssl_passwd=, ...: the secret parameters of key modules. */
		if (!strcmp(argv[optind], "passwd") ||
		    (strlen(argv[optind]) > 7 &&
		     !strcmp(argv[optind] + strlen(argv[optind]) - 7, "_passwd")))
			fprintf(stderr, "WARNING: a passphrase given with %s= on the command line can be read by other users in the process list; use --passwd-file instead.\n",
				argv[optind]);
	}
	if (optind < argc) {
		fprintf(stderr, "%s: too many parameters\n", PROG);
		return 1;
	}
	a.extra = kv;
	a.nextra = n;
	return et_keygen_run(PROG, &a, NULL) ? 1 : 0;
}
