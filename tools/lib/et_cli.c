// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecfs_wrap.h"
#include "ecryptfs_proto.h"
#include "et_cli.h"
#include "et_files.h"
#include "et_opts.h"

int et_cli_get_pass(const char *prog, const char *prompt, struct et_secret *s)
{
	int rc = et_secret_prompt(prompt, s);

	if (rc == -EMSGSIZE) {
		fprintf(stderr, "Passphrase is too long. Use at most %u characters long passphrase.\n",
			ECFS_MAX_PASSPHRASE_BYTES);
		return rc;
	}
	if (rc == -ENODATA || (!rc && !s->len)) {
		fprintf(stderr, "%s: no passphrase given\n", prog);
		return -ENODATA;
	}
	if (rc)
		fprintf(stderr, "%s: cannot read the passphrase: %s\n", prog, strerror(-rc));
	return rc;
}

int et_cli_arg_pass(const char *prog, const char *arg, struct et_secret *s)
{
	size_t len = strlen(arg);

	if (!len) {
		fprintf(stderr, "%s: empty passphrase\n", prog);
		return -ENODATA;
	}
	if (len > ECFS_MAX_PASSPHRASE_BYTES) {
		fprintf(stderr, "Passphrase is too long. Use at most %u characters long passphrase.\n",
			ECFS_MAX_PASSPHRASE_BYTES);
		return -EMSGSIZE;
	}
	return et_secret_set(s, arg, len);
}

void et_cli_rc_salt(uint8_t salt[ECFS_SALT_SIZE])
{
	struct et_optlist l = { 0 };
	char *path = NULL, *buf = NULL;
	size_t len = 0, i;
	int found = 0;

	/* A malformed rc file only means no salt from it: no message here. */
	if (!et_rcfile_read(&path, &buf, &len) && buf &&
	    !et_opts_tokenize(buf, len, 1, &l, NULL, 0)) {
		for (i = 0; i < l.n && !found; i++)
			if ((!strcmp(l.v[i].name, "salt") ||
			     !strcmp(l.v[i].name, "passphrase_salt")) &&
			    l.v[i].value && !et_hex_to_salt(l.v[i].value, salt))
				found = 1;
	}
	if (!found)
		et_hex_to_salt(ET_DEFAULT_SALT_HEX, salt);
	et_optlist_free(&l);
	if (buf) {
		explicit_bzero(buf, len);
		free(buf);
	}
	free(path);
}

int et_cli_default_wrapped_file(char **path)
{
	struct stat st;
	char *home = NULL;
	int rc = et_home_dir(&home);

	if (rc)
		return rc;
	rc = asprintf(path, "%s/.ecryptfs/wrapped-passphrase", home);
	free(home);
	if (rc < 0) {
		*path = NULL;
		return -ENOMEM;
	}
	if (stat(*path, &st)) {
		rc = -errno;
		fprintf(stderr, "%s: %s\n", *path, strerror(errno));
		free(*path);
		*path = NULL;
		return rc;
	}
	return 0;
}

int et_cli_wrapped_args(const char *prog, int argc, char **argv, char **file,
			struct et_secret *wpw)
{
	int rc;

	*file = NULL;
	if (argc > 3)
		return 1;
	if (argc == 1) {
		if (et_cli_default_wrapped_file(file))
			return 1;
	} else {
		*file = strdup(argv[1]);
		if (!*file)
			return -ENOMEM;
	}
	rc = et_secret_alloc(wpw, ECFS_MAX_PASSPHRASE_BYTES);
	if (rc)
		goto err;
	if (argc == 3 && strcmp(argv[2], "-"))
		rc = et_cli_arg_pass(prog, argv[2], wpw) ? 1 : 0;
	else
		rc = et_cli_get_pass(prog, argc == 3 ? NULL : "Passphrase", wpw) ? 1 : 0;
	if (rc)
		goto err;
	return 0;
err:
	free(*file);
	*file = NULL;
	return rc;
}

int et_cli_unwrap_args(const char *prog, const char *what, int argc, char **argv, char **file,
		       struct et_secret *wpw, struct et_secret *pw, size_t *len,
		       uint8_t salt[ECFS_SALT_SIZE])
{
	int rc;

	rc = et_cli_wrapped_args(prog, argc, argv, file, wpw);
	if (rc)
		return rc;
	rc = et_secret_alloc(pw, ECFS_WRAP_PASS_BUF);
	if (rc)
		return rc;
	et_cli_rc_salt(salt);
	rc = ecfs_wrap_read_file(*file, wpw->buf, wpw->len, salt, pw->buf, len, NULL);
	if (rc) {
		et_cli_wrap_fail(prog, what, *file, rc);
		return rc < 0 ? rc : -EIO;
	}
	return 0;
}

int et_cli_pass_pair(const char *prog, int argc, char **argv, struct et_secret *a,
		     struct et_secret *b)
{
	if (argc < 2 || argc > 4 || (argc == 3 && strcmp(argv[2], "-")))
		return -EINVAL;
	if (argc == 2)
		return 0;
	if (argc == 4) {
		fprintf(stderr, "%s: warning: passphrases given as arguments can be read by other users in the process list\n",
			prog);
		if (et_cli_arg_pass(prog, argv[2], a) || et_cli_arg_pass(prog, argv[3], b))
			return -EINVAL;
		return 1;
	}
	if (et_cli_get_pass(prog, NULL, a) || et_cli_get_pass(prog, NULL, b))
		return -EINVAL;
	return 1;
}

void et_cli_wrap_fail(const char *prog, const char *what, const char *path, int rc)
{
	fprintf(stderr, "Error: %s failed [%d]\n", what, rc);
	fprintf(stderr, "%s: %s: %s\n", prog, path, et_cli_wrap_strerror(rc));
}

bool et_cli_help(int argc, char **argv)
{
	return argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
}

int et_cli_kernel_lacks_fnek(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/sys/fs/ecryptfs/version", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return !(strtoul(buf, NULL, 10) & ECFS_VERSIONING_FILENAME_ENCRYPTION);
}

const char *et_cli_wrap_strerror(int rc)
{
	switch (rc) {
	case -EKEYREJECTED:
		return "wrong wrapping passphrase";
	case -ENODATA:
		return "the file is too short to be a wrapped passphrase";
	case -EPROTO:
	case -EPROTONOSUPPORT:
	case -EILSEQ:
	case -EMSGSIZE:
		return "the file is not a wrapped-passphrase file this tool understands";
	case -EBADMSG:
		return "the file unwraps to an empty passphrase";
	case -EFBIG:
		return "the file is too large to be a wrapped passphrase";
	default:
		return strerror(-rc);
	}
}
