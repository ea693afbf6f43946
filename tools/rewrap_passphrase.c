// SPDX-License-Identifier: GPL-2.0-or-later
/* ecryptfs-rewrap-passphrase FILE [-]: change the wrapping passphrase (writes v2). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ecfs_wrap.h"
#include "et_cli.h"

#define PROG "ecryptfs-rewrap-passphrase"

static void usage(void)
{
	printf("Usage:\n"
	       "\n"
	       "ecryptfs-rewrap-passphrase [file]\n"
	       "or\n"
	       "printf \"%%s\\n%%s\" \"old wrapping passphrase\" \"new wrapping passphrase\" | ecryptfs-rewrap-passphrase [file] -\n"
	       "\n");
}

int main(int argc, char **argv)
{
	struct et_secret oldp = { 0 }, newp = { 0 }, again = { 0 }, pw = { 0 };
	uint8_t salt[ECFS_SALT_SIZE];
	size_t len = 0;
	int rc = 1;

	if (et_cli_help(argc, argv)) {
		usage();
		return 0;
	}
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (et_secret_alloc(&oldp, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&newp, ECFS_MAX_PASSPHRASE_BYTES) ||
	    et_secret_alloc(&again, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&pw, ECFS_WRAP_PASS_BUF))
		goto out;
	rc = et_cli_pass_pair(PROG, argc, argv, &oldp, &newp);
	if (rc < 0) {
		rc = 1;
		goto usage;
	}
	if (!rc) {
		rc = 1;
		if (et_cli_get_pass(PROG, "Old wrapping passphrase", &oldp) ||
		    et_cli_get_pass(PROG, "New wrapping passphrase", &newp) ||
		    et_cli_get_pass(PROG, "New wrapping passphrase (again)", &again))
			goto out;
		if (newp.len != again.len || memcmp(newp.buf, again.buf, newp.len)) {
			fprintf(stderr, "New wrapping passphrases do not match\n");
			goto out;
		}
	}
	et_cli_rc_salt(salt);
	rc = ecfs_wrap_read_file(argv[1], oldp.buf, oldp.len, salt, pw.buf, &len, NULL);
	if (rc) {
		et_cli_wrap_fail(PROG, "Unwrapping passphrase", argv[1], rc);
		rc = 1;
		goto out;
	}
	rc = ecfs_wrap_write_file(argv[1], pw.buf, len, newp.buf, newp.len);
	if (rc) {
		et_cli_wrap_fail(PROG, "Wrapping passphrase", argv[1], rc);
		rc = 1;
		goto out;
	}
	rc = 0;
	goto out;
usage:
	usage();
out:
	et_secret_free(&oldp);
	et_secret_free(&newp);
	et_secret_free(&again);
	et_secret_free(&pw);
	return rc;
}
