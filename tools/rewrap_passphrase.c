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

	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (argc < 2 || argc > 4 || (argc == 3 && strcmp(argv[2], "-"))) {
		usage();
		return 1;
	}
	if (et_secret_alloc(&oldp, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&newp, ECFS_MAX_PASSPHRASE_BYTES) ||
	    et_secret_alloc(&again, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&pw, ECFS_WRAP_PASS_BUF))
		goto out;
	if (argc == 4) {
		fprintf(stderr, "%s: warning: passphrases given as arguments can be read by other users in the process list\n",
			PROG);
		if (et_cli_arg_pass(PROG, argv[2], &oldp) || et_cli_arg_pass(PROG, argv[3], &newp))
			goto usage;
	} else if (argc == 3) {
		if (et_cli_get_pass(PROG, NULL, &oldp) || et_cli_get_pass(PROG, NULL, &newp))
			goto usage;
	} else {
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
		fprintf(stderr, "Error: Unwrapping passphrase failed [%d]\n", rc);
		fprintf(stderr, "%s: %s: %s\n", PROG, argv[1], et_cli_wrap_strerror(rc));
		rc = 1;
		goto out;
	}
	rc = ecfs_wrap_write_file(argv[1], pw.buf, len, newp.buf, newp.len);
	if (rc) {
		fprintf(stderr, "Error: Wrapping passphrase failed [%d]\n", rc);
		fprintf(stderr, "%s: %s: %s\n", PROG, argv[1], et_cli_wrap_strerror(rc));
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
