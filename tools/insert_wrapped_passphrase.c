// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-insert-wrapped-passphrase-into-keyring [FILE [-]]: unwrap the
 * mount passphrase and add its FNEK and FEKEK tokens to the keyring.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ecfs_wrap.h"
#include "et_cli.h"
#include "et_derive.h"

#define PROG "ecryptfs-insert-wrapped-passphrase-into-keyring"

static void usage(void)
{
	printf("Usage:\n"
	       "\n"
	       "ecryptfs-insert-wrapped-passphrase-into-keyring [file]\n"
	       "or\n"
	       "printf \"%%s\" \"wrapping passphrase\" | ecryptfs-insert-wrapped-passphrase-into-keyring [file] -\n"
	       "\n");
}

int main(int argc, char **argv)
{
	struct et_secret wpw = { 0 }, pw = { 0 };
	struct et_derived fnek, fekek;
	uint8_t salt[ECFS_SALT_SIZE];
	char *file = NULL;
	size_t len = 0;
	int rc = 1;

	memset(&fnek, 0, sizeof(fnek));
	memset(&fekek, 0, sizeof(fekek));
	if (et_cli_help(argc, argv)) {
		usage();
		return 0;
	}
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	rc = et_cli_unwrap_args(PROG, "Unwrapping passphrase and inserting into the user session keyring",
				argc, argv, &file, &wpw, &pw, &len, salt);
	if (rc > 0)
		goto usage;
	if (rc) {
		rc = 1;
		goto out;
	}
	/* As upstream: the FNEK (ASCII-salt quirk) first, then the FEKEK. */
	rc = et_derive(pw.buf, len, NULL, 1, &fnek);
	if (!rc)
		rc = et_derive(pw.buf, len, salt, 0, &fekek);
	if (!rc)
		rc = et_derived_add(&fnek);
	if (rc >= 0)
		rc = et_derived_add(&fekek);
	if (rc < 0) {
		fprintf(stderr, "Error: Unwrapping passphrase and inserting into the user session keyring failed [%d]\n",
			rc);
		fprintf(stderr, "%s: %s\n", PROG, strerror(-rc));
		rc = 1;
		goto out;
	}
	printf("Inserted auth tok with sig [%s] into the user session keyring\n", fekek.sig);
	rc = 0;
	goto out;
usage:
	usage();
out:
	et_derived_wipe(&fnek);
	et_derived_wipe(&fekek);
	et_secret_free(&wpw);
	et_secret_free(&pw);
	free(file);
	return rc;
}
