// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umount.ecryptfs DIR [-flnrv] [-N ns] [-t type]: run by umount(8) for an
 * eCryptfs mount. Reads the mount's options from /proc/self/mountinfo,
 * unmounts with umount2(2) (so umount(8) never runs this helper again),
 * and, if the mount has ecryptfs_unlink_sigs, unlinks its keys from the
 * user keyring. Keys are only dropped once the unmount has succeeded, so
 * a busy mount keeps them.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "et_files.h"
#include "et_keyring.h"
#include "et_mountinfo.h"

#define PROG "umount.ecryptfs"

static void usage(FILE *f)
{
	fprintf(f, "\teCryptfs umount helper\n\tusage: umount [ecryptfs mount point]\n"
		"\t   or: umount.ecryptfs DIR [-flnrv]\n"
		"\t   or: umount.ecryptfs --help\n\n"
		"See umount.ecryptfs(8).\n");
}

/* Unlink every ecryptfs_sig= and the ecryptfs_fnek_sig= of @opts. */
static int unlink_sigs(const char *opts)
{
	static const char *const names[] = { ECFS_OPT_SIG, ECFS_OPT_FNEK_SIG };
	size_t i, idx;
	int failed = 0;

	for (i = 0; i < 2; i++) {
		for (idx = 0;; idx++) {
			char *sig = NULL;
			int rc = et_opt_value(opts, names[i], idx, &sig);

			if (rc)
				break;
			rc = et_key_unlink(sig);
			if (rc && rc != -ENOKEY) {
				fprintf(stderr, "Failed to remove %s with sig [%s] from keyring: %s\n",
					i ? "fnek" : "fekek", sig, strerror(-rc));
				failed = 1;
			}
			free(sig);
		}
	}
	return failed ? -EIO : 0;
}

int main(int argc, char **argv)
{
	const char *arg = NULL;
	char *fstype = NULL, *opts = NULL, *dir = NULL, *mi = NULL;
	size_t mi_len = 0;
	int flags = 0, i, rc, ret = 1;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (s[0] != '-') {
			if (arg) {
				fprintf(stderr, "%s: unexpected argument '%s'\n", PROG, s);
				goto out;
			}
			arg = argv[i];
			continue;
		}
		/* umount(8) never passes --help or -h: they are for a person at a shell. */
		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			usage(stdout);
			ret = 0;
			goto out;
		}
		if (!strcmp(s, "-N") || !strcmp(s, "-t")) {
			i++;
			continue;
		}
		for (s++; *s; s++) {
			if (*s == 'l')
				flags |= MNT_DETACH;
			else if (*s == 'f')
				flags |= MNT_FORCE;
			else if (!strchr("nrv", *s)) {
				fprintf(stderr, "%s: unknown flag '-%c'\n", PROG, *s);
				goto out;
			}
		}
	}
	if (!arg) {
		usage(stderr);
		goto out;
	}
	/* mountinfo lists canonical paths; a vanished directory is used as given. */
	dir = realpath(arg, NULL);
	if (!dir)
		dir = strdup(arg);
	if (!dir)
		goto out;

	rc = et_mountinfo_read("/proc/self/mountinfo", &mi, &mi_len);
	if (!rc)
		rc = et_mountinfo_find(mi, mi_len, dir, &fstype, &opts);
	if (rc == -ENOENT) {
		fprintf(stderr, "%s: %s: not mounted\n", PROG, dir);
		goto out;
	}
	if (rc) {
		fprintf(stderr, "%s: cannot read /proc/self/mountinfo: %s\n", PROG, strerror(-rc));
		goto out;
	}
	if (strcmp(fstype, "ecryptfs"))
		fprintf(stderr, "%s: warning: %s is a %s mount, not ecryptfs\n", PROG, dir, fstype);

	/* dir is canonical: a symlink found there now was swapped in since. */
	if (umount2(dir, flags | UMOUNT_NOFOLLOW)) {
		fprintf(stderr, "%s: %s: %s\n", PROG, dir, strerror(errno));
		goto out;
	}
	ret = 0;
	if (!strcmp(fstype, "ecryptfs") && et_opt_flag(opts, ECFS_OPT_UNLINK_SIGS) &&
	    unlink_sigs(opts))
		fprintf(stderr, "Could not unlink the key(s) from your keying. Please use `keyctl unlink` if you wish to remove the key(s).\n");
out:
	free(mi);
	free(fstype);
	free(opts);
	free(dir);
	return ret;
}
