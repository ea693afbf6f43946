/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * em_args.h - the command line of ecryptfs-manager, parsed without side
 * effects so the unit tests can drive every form:
 *
 *   ecryptfs-manager                                   the interactive menu
 *   ecryptfs-manager add-passphrase [--fnek] [-]
 *   ecryptfs-manager add-key MODULE --keyfile FILE [--passwd-file FILE]
 *   ecryptfs-manager generate MODULE [--keyfile FILE] [--bits N] [--passwd-file FILE]
 *   ecryptfs-manager list
 *   ecryptfs-manager list-tokens
 *   ecryptfs-manager list-tpm-keys
 *   ecryptfs-manager --help
 *
 * Options take their value as the next argument or after '='.
 */
#ifndef EM_ARGS_H
#define EM_ARGS_H

#include <stddef.h>

enum em_cmd {
	EM_MENU = 0,
	EM_HELP,
	EM_ADD_PASSPHRASE,
	EM_ADD_KEY,
	EM_GENERATE,
	EM_LIST,
	EM_LIST_TOKENS,
	EM_LIST_TPM_KEYS,
};

struct em_args {
	enum em_cmd cmd;
	int fnek;			/* add-passphrase --fnek */
	int pass_stdin;			/* add-passphrase -: the passphrase on stdin */
	const char *module;		/* add-key, generate */
	const char *keyfile;
	const char *passwd_file;
	const char *bits;		/* generate: digits only, the module checks the range */
};

/*
 * Parse @argc/@argv (argv[0] is the program).  0, or -EINVAL with one
 * line in @err (an unknown command or option, a missing value or module,
 * a bad module name, --keyfile missing for add-key, a non-numeric --bits).
 */
int em_parse_args(int argc, char **argv, struct em_args *a, char *err, size_t errlen);

#endif /* EM_ARGS_H */
