// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keymods/ecfs_keymod_load.h"
#include "ecfs_errbuf.h"
#include "em_args.h"

static int em_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int em_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecfs_verrbuf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Is argv[*i] the option @name (with "=VALUE" or the value next)?  Then
 * *val gets the value and *i moves past it.  1 matched, 0 not, -EINVAL
 * when the value is missing or empty.
 */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *s = argv[*i];

	if (strncmp(s, name, n))
		return 0;
	if (s[n] == '=') {
		*val = s + n + 1;
	} else if (!s[n]) {
		if (*i + 1 >= argc)
			return -EINVAL;
		*val = argv[++*i];
	} else {
		return 0;
	}
	return **val ? 1 : -EINVAL;
}

static int parse_key_opts(int argc, char **argv, int i, struct em_args *a, char *err,
			  size_t errlen)
{
	static const char *const names[] = { "--keyfile", "--passwd-file", "--bits" };

	for (; i < argc; i++) {
		const char **dst[] = { &a->keyfile, &a->passwd_file, &a->bits };
		size_t k;
		int r = 0;

		for (k = 0; k < 3; k++) {
			/* --bits only for generate. */
			if (k == 2 && a->cmd != EM_GENERATE)
				continue;
			r = opt_value(argc, argv, &i, names[k], dst[k]);
			if (r)
				break;
		}
		if (r < 0)
			return em_err(err, errlen, "%s needs a value", names[k]);
		if (!r)
			return em_err(err, errlen, "unknown option '%s'", argv[i]);
	}
	if (a->bits && strspn(a->bits, "0123456789") != strlen(a->bits))
		return em_err(err, errlen, "--bits needs a number, not '%s'", a->bits);
	if (a->cmd == EM_ADD_KEY && !a->keyfile)
		return em_err(err, errlen, "add-key needs --keyfile FILE");
	return 0;
}

int em_parse_args(int argc, char **argv, struct em_args *a, char *err, size_t errlen)
{
	const char *cmd;
	int i;

	memset(a, 0, sizeof(*a));
	if (errlen)
		err[0] = '\0';
	if (argc < 2)
		return 0;
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		a->cmd = EM_HELP;
		return argc == 2 ? 0 : em_err(err, errlen, "%s takes no arguments", cmd);
	}
	if (!strcmp(cmd, "list")) {
		a->cmd = EM_LIST;
		return argc == 2 ? 0 : em_err(err, errlen, "list takes no arguments");
	}
	if (!strcmp(cmd, "list-tokens")) {
		a->cmd = EM_LIST_TOKENS;
		return argc == 2 ? 0 : em_err(err, errlen, "list-tokens takes no arguments");
	}
	if (!strcmp(cmd, "list-tpm-keys")) {
		a->cmd = EM_LIST_TPM_KEYS;
		return argc == 2 ? 0 : em_err(err, errlen, "list-tpm-keys takes no arguments");
	}
	if (!strcmp(cmd, "add-passphrase")) {
		a->cmd = EM_ADD_PASSPHRASE;
		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--fnek") && !a->fnek && !a->pass_stdin)
				a->fnek = 1;
			else if (!strcmp(argv[i], "-") && !a->pass_stdin)
				a->pass_stdin = 1;
			else
				return em_err(err, errlen, "add-passphrase: unexpected '%s'", argv[i]);
		}
		return 0;
	}
	if (!strcmp(cmd, "add-key"))
		a->cmd = EM_ADD_KEY;
	else if (!strcmp(cmd, "generate"))
		a->cmd = EM_GENERATE;
	else
		return em_err(err, errlen, "unknown command '%s'", cmd);
	if (argc < 3 || argv[2][0] == '-')
		return em_err(err, errlen, "%s needs a key module name (e.g. openssl)", cmd);
	a->module = argv[2];
	if (!ecfs_keymod_name_valid(a->module))
		return em_err(err, errlen, "'%s' is not a key module name", a->module);
	return parse_key_opts(argc, argv, 3, a, err, errlen);
}
