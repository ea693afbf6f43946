// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-wrap-passphrase FILE [-]: encrypt a passphrase with a wrapping
 * passphrase into a v2 file (random salt, written atomically, mode 0600).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ecfs_wrap.h"
#include "et_cli.h"

#define PROG "ecryptfs-wrap-passphrase"

static void usage(void)
{
	printf("Usage:\n"
	       "\n"
	       "ecryptfs-wrap-passphrase [file]\n"
	       "or\n"
	       "printf \"%%s\\n%%s\" \"passphrase to wrap\" \"wrapping passphrase\" | ecryptfs-wrap-passphrase [file] -\n"
	       "\n"
	       "note: passphrase can be at most %d bytes long\n", ECFS_MAX_PASSPHRASE_BYTES);
}

int main(int argc, char **argv)
{
	struct et_secret pw = { 0 }, wpw = { 0 };
	int rc = 1;

	if (et_cli_help(argc, argv)) {
		usage();
		return 0;
	}
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&wpw, ECFS_MAX_PASSPHRASE_BYTES))
		goto out;
	rc = et_cli_pass_pair(PROG, argc, argv, &pw, &wpw);
	if (rc < 0 || (!rc && (et_cli_get_pass(PROG, "Passphrase to wrap", &pw) ||
			       et_cli_get_pass(PROG, "Wrapping passphrase", &wpw)))) {
		rc = 1;
		goto usage;
	}
	rc = ecfs_wrap_write_file(argv[1], pw.buf, pw.len, wpw.buf, wpw.len);
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
	et_secret_free(&pw);
	et_secret_free(&wpw);
	return rc;
}
