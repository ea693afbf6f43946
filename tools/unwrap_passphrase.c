// SPDX-License-Identifier: GPL-2.0-or-later
/* ecryptfs-unwrap-passphrase [FILE [-]]: print the passphrase in a wrapped file. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ecfs_wrap.h"
#include "et_cli.h"

#define PROG "ecryptfs-unwrap-passphrase"

static void usage(void)
{
	printf("Usage:\n"
	       "\n"
	       "ecryptfs-unwrap-passphrase [file]\n"
	       "or\n"
	       "printf \"%%s\" \"wrapping passphrase\" | ecryptfs-unwrap-passphrase [file] -\n"
	       "\n");
}

int main(int argc, char **argv)
{
	struct et_secret wpw = { 0 }, pw = { 0 };
	uint8_t salt[ECFS_SALT_SIZE];
	char *file = NULL;
	size_t len = 0;
	int rc = 1;

	if (et_cli_help(argc, argv)) {
		usage();
		return 0;
	}
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	rc = et_cli_unwrap_args(PROG, "Unwrapping passphrase", argc, argv, &file, &wpw, &pw, &len,
				salt);
	if (rc > 0)
		goto usage;
	if (rc) {
		rc = 1;
		goto out;
	}
	printf("%s\n", pw.buf);
	rc = 0;
	goto out;
usage:
	usage();
out:
	et_secret_free(&wpw);
	et_secret_free(&pw);
	free(file);
	return rc;
}
