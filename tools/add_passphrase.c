// SPDX-License-Identifier: GPL-2.0-or-later
/* ecryptfs-add-passphrase [--fnek] [-]: put a passphrase token into the keyring. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "et_cli.h"
#include "et_derive.h"

#define PROG "ecryptfs-add-passphrase"

static void usage(void)
{
	printf("Usage:\n"
	       "ecryptfs-add-passphrase [--fnek]\n"
	       "or\n"
	       "printf \"%%s\" \"passphrase\" | ecryptfs-add-passphrase [--fnek] -\n"
	       "\n");
}

static int add_one(const struct et_secret *pw, const uint8_t *salt, int fnek)
{
	struct et_derived d;
	int rc;

	rc = et_derive(pw->buf, pw->len, salt, fnek, &d);
	if (!rc)
		rc = et_derived_add(&d);
	if (rc < 0) {
		fprintf(stderr, "Error: Inserting key into the user session keyring failed [%d]\n",
			rc);
		fprintf(stderr, "%s: %s\n", PROG, strerror(-rc));
	} else {
		printf("Inserted auth tok with sig [%s] into the user session keyring\n", d.sig);
		rc = 0;
	}
	et_derived_wipe(&d);
	return rc;
}

int main(int argc, char **argv)
{
	struct et_secret pw = { 0 };
	uint8_t salt[ECFS_SALT_SIZE];
	int fnek = 0, from_stdin = 0, rc = 1;

	if (et_cli_help(argc, argv)) {
		usage();
		return 0;
	}
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (argc >= 2 && !strcmp(argv[1], "--fnek"))
		fnek = 1;
	if (argc == 2 + fnek && !strcmp(argv[1 + fnek], "-"))
		from_stdin = 1;
	else if (argc != 1 + fnek) {
		usage();
		return 1;
	}
	if (et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES))
		return 1;
	if (et_cli_get_pass(PROG, from_stdin ? NULL : "Passphrase", &pw)) {
		usage();
		goto out;
	}
	if (fnek && et_cli_kernel_lacks_fnek()) {
		fprintf(stderr, "Error: Your kernel does not support filename encryption\n");
		goto out;
	}
	et_cli_rc_salt(salt);
	if (add_one(&pw, salt, 0))
		goto out;
	/* Upstream's FNEK uses the ASCII-salt quirk, whatever ~/.ecryptfsrc says. */
	if (fnek && add_one(&pw, NULL, 1))
		goto out;
	rc = 0;
out:
	et_secret_free(&pw);
	return rc;
}
