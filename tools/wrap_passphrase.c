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

	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	if (argc < 2 || argc > 4 || (argc == 3 && strcmp(argv[2], "-"))) {
		usage();
		return 1;
	}
	if (et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES) || et_secret_alloc(&wpw, ECFS_MAX_PASSPHRASE_BYTES))
		goto out;
	if (argc == 4) {
		fprintf(stderr, "%s: warning: passphrases given as arguments can be read by other users in the process list\n",
			PROG);
		if (et_cli_arg_pass(PROG, argv[2], &pw) || et_cli_arg_pass(PROG, argv[3], &wpw))
			goto usage;
	} else if (argc == 3) {
		if (et_cli_get_pass(PROG, NULL, &pw) || et_cli_get_pass(PROG, NULL, &wpw))
			goto usage;
	} else {
		if (et_cli_get_pass(PROG, "Passphrase to wrap", &pw) ||
		    et_cli_get_pass(PROG, "Wrapping passphrase", &wpw))
			goto usage;
	}
	rc = ecfs_wrap_write_file(argv[1], pw.buf, pw.len, wpw.buf, wpw.len);
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
	et_secret_free(&pw);
	et_secret_free(&wpw);
	return rc;
}
