// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.ecryptfs - the mount helper run by "mount -t ecryptfs".
 *
 * Options come from ~/.ecryptfsrc of the invoking user, then from -o (the
 * command line wins). Missing mandatory options are asked for on a
 * terminal in upstream's order; without one the helper names them all and
 * fails. Passphrase keys go to the user keyring; the mount is done with
 * the new mount API (fsopen/fsmount/move_mount) so no secret ever reaches
 * another program's command line, and the kernel options never contain
 * one. On any failure the keys this run added are unlinked again.
 *
 * The mount point and the lower directory are opened once, without
 * following symbolic links, and the mount goes through those descriptors:
 * a directory swapped for a symlink between the checks and the mount
 * cannot redirect it (see mount_fds()).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <dirent.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "ecryptfs_proto.h"
#include "et_derive.h"
#include "et_files.h"
#include "et_keyring.h"
#include "et_lowercheck.h"
#include "et_modkey.h"
#include "et_opts.h"
#include "et_secret.h"

#define PROG "mount.ecryptfs"
/* Feature bits of every mainline kernel since 2.6.29 (no messaging). */
#define ET_VERSION_FALLBACK	(ECFS_VERSIONING_PASSPHRASE | \
				 ECFS_VERSIONING_PLAINTEXT_PASSTHROUGH | \
				 ECFS_VERSIONING_XATTR | ECFS_VERSIONING_MULTKEY | \
				 ECFS_VERSIONING_FILENAME_ENCRYPTION)
#define EXIT_USAGE	1
#define EXIT_FAIL	32	/* mount(8)'s "mount failure" */

struct args {
	const char *src;
	const char *dir;
	char *opts;		/* points into argv so it can be scrubbed */
	int fake;
	int verbose;
};

/* One key= of the mount: a passphrase key or a key-module key. */
struct mkey {
	char sig[ECFS_SIG_SIZE_HEX + 1];
	struct et_derived pass;	/* passphrase key: the derived key */
	struct et_modkey mod;	/* key-module key: its keyring token (mod.tok) */
	int added;		/* this run put it into the keyring */
};

/* A directory opened once, never through a symlink. */
struct mdir {
	char *path;		/* canonical path */
	int fd;			/* O_PATH descriptor of it */
};

struct state {
	int argc;
	char **argv;
	struct args a;
	struct et_mount_cfg cfg;
	struct mkey keys[ET_MAX_KEYS];
	struct mdir lower, mnt;
	char *kopts;
	int interactive;
	unsigned int version;
};

static void usage(FILE *f)
{
	fprintf(f, "\teCryptfs mount helper\n\tusage: "
		"mount -t ecryptfs [lower directory] [ecryptfs mount point]\n"
		"\t   or: mount.ecryptfs SOURCE DIR [-o OPTIONS] [-fnsv]\n"
		"\t   or: mount.ecryptfs --help\n\n"
		"See mount.ecryptfs(8) for the options.\n");
}

static int parse_args(int argc, char **argv, struct args *a)
{
	int i, npos = 0;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (s[0] != '-' || !s[1]) {
			if (npos == 0)
				a->src = s;
			else if (npos == 1)
				a->dir = s;
			else {
				fprintf(stderr, "%s: unexpected argument '%s'\n", PROG, s);
				return -EINVAL;
			}
			npos++;
			continue;
		}
		/* mount(8) never passes --help: it is for a person at a shell. */
		if (!strcmp(s, "--help")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(s, "-o") || !strcmp(s, "-t") || !strcmp(s, "-N")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: %s needs an argument\n", PROG, s);
				return -EINVAL;
			}
			if (s[1] == 'o') {
				if (a->opts) {
					fprintf(stderr, "%s: -o given more than once\n", PROG);
					return -EINVAL;
				}
				a->opts = argv[i + 1];
			}
			i++;
			continue;
		}
		/* mount(8) passes -s (sloppy), -f (fake), -n (no mtab), -v. */
		for (s++; *s; s++) {
			switch (*s) {
			case 's':
			case 'n':
				break;
			case 'f':
				a->fake = 1;
				break;
			case 'v':
				a->verbose = 1;
				break;
			case 'h':
				usage(stdout);
				exit(0);
			default:
				fprintf(stderr, "%s: unknown flag '-%c'\n", PROG, *s);
				return -EINVAL;
			}
		}
	}
	if (npos < 2) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/*
 * Overwrite the values of passwd=/passphrase_passwd= in our own argv so
 * they stop showing in /proc/PID/cmdline as early as possible.
 */
static void scrub_argv_secrets(char *opts)
{
	static const char *const names[] = { "passphrase_passwd=", "passwd=", "openssl_passwd=" };
	char *p = opts;

	while (p && *p) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t nl = strlen(names[i]);

			if (!strncmp(p, names[i], nl) && (p == opts || p[-1] == ',' || p[-1] == ':')) {
				char *v = p + nl;

				while (*v && *v != ',' && *v != ':')
					*v++ = '*';
			}
		}
		p = strpbrk(p, ",:");
		if (p)
			p++;
	}
}

static unsigned int kernel_version_bits(void)
{
	char buf[32];
	ssize_t n;
	int fd = open("/sys/fs/ecryptfs/version", O_RDONLY | O_CLOEXEC);
	unsigned long v;

	/* The module is loaded by mount(2) itself; assume mainline until then. */
	if (fd < 0)
		return ET_VERSION_FALLBACK;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ET_VERSION_FALLBACK;
	buf[n] = '\0';
	v = strtoul(buf, NULL, 10);
	return v ? (unsigned int)v : ET_VERSION_FALLBACK;
}

static int load_options(struct args *a, struct et_mount_cfg *out)
{
	struct et_mount_cfg rc_cfg, cl_cfg;
	struct et_optlist rl = { 0 }, cl = { 0 };
	char *rcpath = NULL, *rcbuf = NULL;
	char err[ET_ERR_MAX] = "";
	size_t rclen = 0;
	int rc;

	et_cfg_init(&rc_cfg);
	et_cfg_init(&cl_cfg);
	rc = et_rcfile_read(&rcpath, &rcbuf, &rclen);
	if (rc) {
		fprintf(stderr, "%s: cannot read %s: %s\n", PROG, rcpath ? rcpath : "~/.ecryptfsrc",
			rc == -EINVAL ? "not a regular file" : strerror(-rc));
		goto out;
	}
	if (rcbuf) {
		et_warn_exposed(PROG, "option file", rcpath, -1);
		rc = et_opts_tokenize(rcbuf, rclen, 1, &rl, err, sizeof(err));
		if (!rc)
			rc = et_cfg_apply(&rc_cfg, &rl, ET_SRC_RC, err, sizeof(err));
		if (rc)
			goto out_err;
	}
	if (a->opts) {
		rc = et_opts_tokenize(a->opts, strlen(a->opts), 0, &cl, err, sizeof(err));
		scrub_argv_secrets(a->opts);
		if (!rc)
			rc = et_cfg_apply(&cl_cfg, &cl, ET_SRC_CMDLINE, err, sizeof(err));
		if (rc)
			goto out_err;
	}
	rc = et_cfg_merge(out, &rc_cfg, &cl_cfg);
	goto out;
out_err:
	if (rc == -ENOMEM)
		fprintf(stderr, "%s: out of memory\n", PROG);
	else
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : "invalid options");
out:
	free(rcpath);
	if (rcbuf) {
		explicit_bzero(rcbuf, rclen);
		free(rcbuf);
	}
	et_optlist_free(&rl);
	et_optlist_free(&cl);
	et_cfg_free(&rc_cfg);
	et_cfg_free(&cl_cfg);
	return rc;
}

/* Read the passphrase for key @i from where the options say. */
static int get_passphrase(struct state *st, size_t i, struct et_secret *pw)
{
	struct et_keyspec *k = &st->cfg.keys[i];
	struct et_secret file = { 0 };
	int fd = -1, rc, tries;

	switch (k->method) {
	case ET_PW_DIRECT:
		return et_secret_set(pw, k->pw_value, strlen(k->pw_value));
	case ET_PW_FILE:
		fd = et_open_regular(k->pw_value);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot open passphrase file %s: %s\n", PROG,
				k->pw_value, fd == -EINVAL ? "not a regular file" : strerror(-fd));
			return fd;
		}
		et_warn_exposed(PROG, "passphrase file", k->pw_value, fd);
		/* fall through */
	case ET_PW_FD:
		if (fd < 0)
			fd = atoi(k->pw_value);
		rc = et_read_all_fd(fd, &file);
		if (k->method == ET_PW_FILE)
			close(fd);
		if (rc) {
			fprintf(stderr, "%s: cannot read the passphrase from %s%s: %s\n", PROG,
				k->method == ET_PW_FD ? "file descriptor " : "", k->pw_value,
				strerror(-rc));
			return rc;
		}
		rc = et_passfile_parse(file.buf, file.len, pw);
		et_secret_free(&file);
		if (rc == -ENOENT)
			fprintf(stderr, "%s: no passphrase_passwd= or passwd= entry in %s%s\n", PROG,
				k->method == ET_PW_FD ? "file descriptor " : "", k->pw_value);
		else if (rc == -ENODATA)
			fprintf(stderr, "%s: the passphrase in %s%s is empty\n", PROG,
				k->method == ET_PW_FD ? "file descriptor " : "", k->pw_value);
		else if (rc == -EMSGSIZE)
			fprintf(stderr, "%s: the passphrase in %s%s is longer than %d bytes\n",
				PROG, k->method == ET_PW_FD ? "file descriptor " : "", k->pw_value,
				ECFS_MAX_PASSPHRASE_BYTES);
		return rc;
	case ET_PW_NONE:
		break;
	}
	for (tries = 0; tries < 3; tries++) {
		rc = et_secret_prompt("Passphrase", pw);
		if (rc == -ENODATA) {
			fprintf(stderr, "%s: no passphrase given (end of input)\n", PROG);
			return rc;
		}
		if (rc == -EMSGSIZE) {
			printf("Passphrase is too long. Use at most %d characters long passphrase.\n",
			       ECFS_MAX_PASSPHRASE_BYTES);
			continue;
		}
		if (rc)
			return rc;
		if (pw->len)
			return 0;
		printf("Wrong input, non-empty value required!\n");
	}
	fprintf(stderr, "%s: no usable passphrase given\n", PROG);
	return -EINVAL;
}

/*
 * Is an ecryptfsd running as our euid?  Found through /proc, never by
 * opening /dev/ecryptfs (that would register us as this user's daemon).
 */
static int daemon_running(void)
{
	unsigned long want = (unsigned long)geteuid();
	struct dirent *de;
	DIR *d = opendir("/proc");
	int found = 0;

	if (!d)
		return -errno;
	while (!found && (de = readdir(d))) {
		char path[64], line[256];
		unsigned long ruid, euid;
		int named = 0;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (!strcmp(line, "Name:\tecryptfsd\n"))
				named = 1;
			else if (named && sscanf(line, "Uid: %lu %lu", &ruid, &euid) == 2 &&
				 euid == want)
				found = 1;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * Hand the passphrases of key-module keys (typed, passwd=, passwd_fd=) to
 * our ecryptfsd, once their tokens are in the keyring.
 */
static int handoff_keys(struct state *st)
{
	size_t i;
	int rc;

	for (i = 0; i < st->cfg.nkeys; i++) {
		rc = et_modkey_handoff(PROG, &st->keys[i].mod);
		if (rc)
			return rc;
	}
	return 0;
}

static int derive_keys(struct state *st)
{
	size_t i;
	int rc;

	for (i = 0; i < st->cfg.nkeys; i++) {
		struct et_secret pw = { 0 };
		uint8_t salt[ECFS_SALT_SIZE];
		const char *salt_hex = st->cfg.keys[i].salt_hex;

		struct mkey *mk = &st->keys[i];

		/*
		 * We scrub our own argv, but mount(8) keeps the option string
		 * in its /proc/PID/cmdline for as long as we run.
		 */
		if (st->cfg.keys[i].pw_from_cmdline)
			fprintf(stderr, "WARNING: a passphrase given with %s on the command line can be read by other users in the process list (mount(8) shows it until the mount is done); use %s instead.\n",
				st->cfg.keys[i].module ? "passwd= or openssl_passwd=" :
				"passwd= or passphrase_passwd=",
				st->cfg.keys[i].module ? "passwd_file= or passwd_fd=" :
				"passphrase_passwd_file= or passphrase_passwd_fd=");
		if (st->cfg.keys[i].module) {
			rc = et_modkey_prepare(PROG, &st->cfg.keys[i], !st->cfg.no_prompt,
					       &mk->mod);
			if (rc)
				return rc;
			memcpy(mk->sig, mk->mod.sig, sizeof(mk->sig));
			continue;
		}

		et_hex_to_salt(salt_hex ? salt_hex : ET_DEFAULT_SALT_HEX, salt);
		rc = et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES);
		if (rc)
			return rc;
		rc = get_passphrase(st, i, &pw);
		if (!rc) {
			rc = et_derive(pw.buf, pw.len, salt, 0, &mk->pass);
			if (rc)
				fprintf(stderr, "%s: key derivation failed: %s\n", PROG,
					strerror(-rc));
		}
		et_secret_free(&pw);
		if (rc)
			return rc;
		memcpy(mk->sig, mk->pass.sig, sizeof(mk->sig));
	}
	return 0;
}

static int ask_yes_no(const char *prompt, int def)
{
	char buf[16];
	int tries;

	for (tries = 0; tries < 5; tries++) {
		ssize_t n = et_prompt_line(prompt, buf, sizeof(buf));

		if (n == -ENODATA)
			return -ENODATA;
		if (n < 0)
			continue;
		if (n == 0)
			return def;
		if (!strcmp(buf, "y") || !strcmp(buf, "yes"))
			return 1;
		if (!strcmp(buf, "n") || !strcmp(buf, "no"))
			return 0;
	}
	return -EINVAL;
}

static int prompt_cipher(struct et_mount_cfg *cfg)
{
	char buf[64];
	size_t i;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		const struct ecfs_cipher *c = NULL;
		ssize_t n;
		char *end;
		unsigned long sel;

		printf("Select cipher: \n");
		for (i = 0; i < ECFS_CID_COUNT; i++) {
			c = ecfs_cipher_by_id((enum ecfs_cipher_id)i);
			printf(" %zu) %s: blocksize = %u; min keysize = %u; max keysize = %u\n",
			       i + 1, c->name, c->block_size, c->helper_min_key, c->max_key);
		}
		n = et_prompt_line("Selection [aes]: ", buf, sizeof(buf));
		if (n == -ENODATA)
			return -ENODATA;
		if (n < 0)
			continue;
		c = NULL;
		if (n == 0) {
			c = ecfs_cipher_by_id(ECFS_CID_AES);
		} else {
			sel = strtoul(buf, &end, 10);
			if (!*end && sel >= 1 && sel <= ECFS_CID_COUNT)
				c = ecfs_cipher_by_id((enum ecfs_cipher_id)(sel - 1));
			else
				c = ecfs_cipher_by_name(buf);
		}
		if (c) {
			cfg->cipher = strdup(c->name);
			return cfg->cipher ? 0 : -ENOMEM;
		}
		printf("Invalid selection [%s]\n", buf);
	}
	return -EINVAL;
}

static int prompt_key_bytes(struct et_mount_cfg *cfg)
{
	const struct ecfs_cipher *c = ecfs_cipher_by_name(cfg->cipher);
	char buf[32], prompt[64];
	int tries, i, n_opts = 0;

	for (i = 0; i < ECFS_CIPHER_MENU_SIZES && c->menu_key[i]; i++)
		n_opts++;
	snprintf(prompt, sizeof(prompt), "Selection [%u]: ", c->menu_key[0]);
	for (tries = 0; tries < 5; tries++) {
		ssize_t n;
		char *end;
		long sel;

		printf("Select key bytes: \n");
		for (i = 0; i < n_opts; i++)
			printf(" %d) %u\n", i + 1, c->menu_key[i]);
		n = et_prompt_line(prompt, buf, sizeof(buf));
		if (n == -ENODATA)
			return -ENODATA;
		if (n < 0)
			continue;
		if (n == 0) {
			cfg->key_bytes = (int)c->menu_key[0];
			return 0;
		}
		sel = strtol(buf, &end, 10);
		if (!*end && sel >= 1 && sel <= n_opts) {
			cfg->key_bytes = (int)c->menu_key[sel - 1];
			return 0;
		}
		printf("Invalid selection [%s]\n", buf);
	}
	return -EINVAL;
}

static int prompt_fnek_sig(struct state *st)
{
	const char *def = st->cfg.nkeys ? st->keys[0].sig : st->cfg.sigs[0];
	char buf[64], prompt[96];
	int tries;

	snprintf(prompt, sizeof(prompt), "Filename Encryption Key (FNEK) Signature [%s]: ", def);
	for (tries = 0; tries < 5; tries++) {
		ssize_t n = et_prompt_line(prompt, buf, sizeof(buf));

		if (n == -ENODATA)
			return -ENODATA;
		if (n == 0) {
			memcpy(st->cfg.fnek_sig, def, ECFS_SIG_SIZE_HEX + 1);
			return 0;
		}
		if (n > 0 && ecfs_sig_valid(buf)) {
			memcpy(st->cfg.fnek_sig, buf, ECFS_SIG_SIZE_HEX + 1);
			return 0;
		}
		printf("A signature is 16 hexadecimal digits\n");
	}
	return -EINVAL;
}

/* Upstream's order: passphrase(s), cipher, key bytes, passthrough, filename encryption. */
static int prompt_missing(struct state *st)
{
	struct et_mount_cfg *cfg = &st->cfg;
	int rc;

	if (!cfg->cipher) {
		rc = prompt_cipher(cfg);
		if (rc)
			return rc;
	}
	if (!cfg->key_bytes) {
		rc = prompt_key_bytes(cfg);
		if (rc)
			return rc;
	}
	if (cfg->passthrough == ET_UNSET &&
	    (st->version & ECFS_VERSIONING_PLAINTEXT_PASSTHROUGH)) {
		rc = ask_yes_no("Enable plaintext passthrough (y/n) [n]: ", 0);
		if (rc < 0)
			return rc;
		cfg->passthrough = rc;
	}
	if (!cfg->fnek_sig[0] && cfg->fne == ET_UNSET &&
	    (st->version & ECFS_VERSIONING_FILENAME_ENCRYPTION)) {
		rc = ask_yes_no("Enable filename encryption (y/n) [n]: ", 0);
		if (rc < 0)
			return rc;
		cfg->fne = rc;
		if (rc == 1) {
			rc = prompt_fnek_sig(st);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int is_our_key(const struct state *st, const char *sig)
{
	size_t i;

	for (i = 0; i < st->cfg.nkeys; i++)
		if (!strcmp(st->keys[i].sig, sig))
			return 1;
	return 0;
}

/* Signatures named directly must already be in the keyring. */
static int check_named_sigs(const struct state *st)
{
	size_t i;
	int rc = 0;

	for (i = 0; i <= st->cfg.nsigs; i++) {
		const char *sig = i < st->cfg.nsigs ? st->cfg.sigs[i] : st->cfg.fnek_sig;
		long id;

		if (!sig[0] || is_our_key(st, sig))
			continue;
		id = et_key_find(sig);
		if (id >= 0)
			continue;
		if (id == -ENOKEY)
			fprintf(stderr, "%s: no key with signature %s in your user keyring; add it first (ecryptfs-add-passphrase%s)\n",
				PROG, sig, i == st->cfg.nsigs ? " --fnek" : "");
		else
			fprintf(stderr, "%s: cannot search the keyring for %s: %s\n", PROG, sig,
				strerror((int)-id));
		rc = -ENOKEY;
	}
	return rc;
}

/* Upstream's sig-cache dialogue. Returns 0 to go on, -ECANCELED, -errno. */
static int process_sig_cache(const char *sig)
{
	char *path = NULL;
	int rc;

	rc = et_sigcache_path(&path);
	if (rc)
		return rc;
	rc = et_sigcache_contains(path, sig);
	if (rc < 0) {
		fprintf(stderr, "%s: cannot read %s: %s\n", PROG, path, strerror(-rc));
		goto out;
	}
	if (rc == 1) {
		rc = 0;
		goto out;
	}
	printf("WARNING: Based on the contents of [%s],\n"
	       "it looks like you have never mounted with this key \n"
	       "before. This could mean that you have typed your \n"
	       "passphrase wrong.\n\n", path);
	rc = ask_yes_no("Would you like to proceed with the mount (yes/no)? : ", -1);
	if (rc != 1) {
		printf("Aborting mount.\n");
		rc = -ECANCELED;
		goto out;
	}
	printf("Would you like to append sig [%s] to\n[%s] \n"
	       "in order to avoid this warning in the future", sig, path);
	rc = ask_yes_no(" (yes/no)? : ", -1);
	if (rc == 1) {
		rc = et_sigcache_append(path, sig);
		if (rc) {
			printf("Error appending to [%s]; rc = [%d]. Aborting mount.\n", path, rc);
			goto out;
		}
		printf("Successfully appended new sig to user sig cache file\n");
	} else if (rc == 0) {
		printf("Not adding sig to user sig cache file; continuing with mount.\n");
	} else {
		printf("Aborting mount.\n");
		rc = -ECANCELED;
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

static void unlink_added(struct state *st)
{
	size_t i;

	for (i = 0; i < st->cfg.nkeys; i++) {
		int rc;

		struct mkey *mk = &st->keys[i];

		if (!mk->added)
			continue;
		rc = et_key_unlink(mk->sig);
		if (rc && rc != -ENOKEY)
			fprintf(stderr, "%s: could not remove key %s from the keyring again\n",
				PROG, mk->sig);
		mk->added = 0;
	}
}

static int add_keys(struct state *st)
{
	size_t i;
	int rc;

	for (i = 0; i < st->cfg.nkeys; i++) {
		struct mkey *mk = &st->keys[i];

		if (mk->mod.tok)
			rc = et_key_add_token(mk->sig, mk->mod.tok, mk->mod.tok_len);
		else
			rc = et_derived_add(&mk->pass);
		if (rc < 0) {
			fprintf(stderr, "%s: cannot add key %s to the user keyring: %s\n", PROG,
				mk->sig, strerror(-rc));
			unlink_added(st);
			return rc;
		}
		mk->added = rc == 0;
	}
	return 0;
}

/*
 * Open the canonical path of @path as an O_PATH descriptor, refusing any
 * symbolic link on the way (openat2 RESOLVE_NO_SYMLINKS; on kernels
 * without openat2, O_NOFOLLOW on the last component): realpath() just
 * resolved them all, so one found now was put there since.
 */
static int open_dir(const char *what, const char *path, struct mdir *d)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	int e;

	d->fd = -1;
	d->path = realpath(path, NULL);
	if (!d->path) {
		fprintf(stderr, "%s: %s %s: %s\n", PROG, what, path, strerror(errno));
		return -ENOENT;
	}
	d->fd = (int)syscall(SYS_openat2, AT_FDCWD, d->path, &how, sizeof(how));
	if (d->fd < 0 && errno == ENOSYS)
		d->fd = open(d->path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->fd >= 0)
		return 0;
	e = errno;
	if (e == ENOTDIR)
		fprintf(stderr, "%s: %s %s is not a directory\n", PROG, what, path);
	else if (e == ELOOP)
		fprintf(stderr, "%s: %s %s changed into a symbolic link while mounting; not mounting\n",
			PROG, what, d->path);
	else
		fprintf(stderr, "%s: %s %s: %s\n", PROG, what, path, strerror(e));
	return -e;
}

static void close_dir(struct mdir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	d->path = NULL;
	d->fd = -1;
}

/* Mount flags of mount(2) as fsmount()/move_mount() attributes. */
static unsigned int mount_attrs(unsigned long flags)
{
	static const struct { unsigned long ms; unsigned int attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },	{ MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },		{ MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NOATIME, MOUNT_ATTR_NOATIME },	{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
		{ MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
	};
	unsigned int attr = 0;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].ms)
			attr |= map[i].attr;
	return attr;
}

/* The kernel options one by one, as mount(2) would have passed them. */
static int config_opts(int fsfd, unsigned long flags, const char *kopts)
{
	static const struct { unsigned long ms; const char *name; } sbf[] = {
		{ MS_RDONLY, "ro" }, { MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" },
		{ MS_LAZYTIME, "lazytime" }, { MS_MANDLOCK, "mand" },
	};
	char *copy, *tok, *save = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(sbf) / sizeof(sbf[0]); i++)
		if ((flags & sbf[i].ms) && fsconfig(fsfd, FSCONFIG_SET_FLAG, sbf[i].name, NULL, 0))
			return -errno;
	copy = strdup(kopts);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (eq)
			*eq = '\0';
		if (eq ? fsconfig(fsfd, FSCONFIG_SET_STRING, tok, eq + 1, 0) :
			 fsconfig(fsfd, FSCONFIG_SET_FLAG, tok, NULL, 0))
			rc = -errno;
	}
	explicit_bzero(copy, strlen(kopts));
	free(copy);
	return rc;
}

/*
 * The kernel's eCryptfs takes its lower directory as a path string (the
 * mount's source, shown in /proc/self/mountinfo) and looks it up itself,
 * following symlinks.  So: create the mount detached (fsopen/fsmount),
 * check that its root is the lower directory we opened, and only then
 * attach it to the mount point's descriptor (move_mount).  A path swapped
 * in between gives a mount that is dropped unattached.  eCryptfs reports
 * its root with the lower directory's inode number, mode, owner, link
 * count and times, refreshed on every stat, and the lower file system's
 * statfs id: equal inode numbers and equal ctimes to the nanosecond (which
 * nobody can set) identify the directory even across two tmpfs instances,
 * whose roots share inode numbers and report no file system id.
 */
static int mount_fds(const struct state *st, unsigned long flags)
{
	struct stat ls, ms;
	struct statfs lf, mf;
	int fsfd, mfd = -1, rc;

	fsfd = fsopen("ecryptfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	rc = config_opts(fsfd, flags, st->kopts);
	if (!rc && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", st->lower.path, 0))
		rc = -errno;
	if (!rc && fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		rc = -errno;
	if (!rc) {
		mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, mount_attrs(flags));
		if (mfd < 0)
			rc = -errno;
	}
	close(fsfd);
	if (rc)
		return rc;
	if (fstat(st->lower.fd, &ls) || fstat(mfd, &ms) || fstatfs(st->lower.fd, &lf) ||
	    fstatfs(mfd, &mf)) {
		rc = -errno;
		goto out;
	}
	if (ls.st_ino != ms.st_ino || ls.st_mode != ms.st_mode || ls.st_uid != ms.st_uid ||
	    ls.st_gid != ms.st_gid || ls.st_ctim.tv_sec != ms.st_ctim.tv_sec ||
	    ls.st_ctim.tv_nsec != ms.st_ctim.tv_nsec ||
	    memcmp(&lf.f_fsid, &mf.f_fsid, sizeof(lf.f_fsid))) {
		fprintf(stderr, "%s: the lower directory %s changed while mounting; not mounting\n",
			PROG, st->lower.path);
		rc = -ESTALE;
		goto out;
	}
	if (move_mount(mfd, "", st->mnt.fd, "", MOVE_MOUNT_F_EMPTY_PATH |
		       MOVE_MOUNT_T_EMPTY_PATH))
		rc = -errno;
out:
	close(mfd);
	return rc;
}

static void print_opts(const char *opts)
{
	const char *p = opts;

	printf("Attempting to mount with the following options:\n");
	while (*p) {
		const char *c = strchr(p, ',');
		int l = c ? (int)(c - p) : (int)strlen(p);

		printf("  %.*s\n", l, p);
		p += l + (c ? 1 : 0);
	}
}


/* ---- the steps of a mount, in order; each returns 0 or an exit status ---- */

/* Keep secrets out of swap and out of core files. */
static int step_protect(struct state *st)
{
	struct rlimit no_core = { 0, 0 };

	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "%s: warning: cannot lock memory (%s); secrets are still wiped after use\n",
			PROG, strerror(errno));
	if (setrlimit(RLIMIT_CORE, &no_core) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
		fprintf(stderr, "%s: warning: cannot disable core dumps: %s\n", PROG,
			strerror(errno));
	return 0;
}

static int step_args(struct state *st)
{
	return parse_args(st->argc, st->argv, &st->a) ? EXIT_USAGE : 0;
}

static int step_options(struct state *st)
{
	if (load_options(&st->a, &st->cfg))
		return EXIT_USAGE;
	if (st->cfg.remount) {
		fprintf(stderr, "When remounting eCryptfs, you need to pass the mount utility the -i parameter to avoid calling the mount helper\n");
		return EXIT_USAGE;
	}
	return 0;
}

static int step_dirs(struct state *st)
{
	if (open_dir("lower directory", st->a.src, &st->lower) ||
	    open_dir("mount point", st->a.dir, &st->mnt))
		return EXIT_USAGE;
	return 0;
}

/* Can we ask for what is missing? Without a terminal, name it all and stop. */
static int step_missing(struct state *st)
{
	char *missing = NULL;
	int rc;

	st->version = kernel_version_bits();
	st->interactive = et_stdin_is_tty() && !st->cfg.no_prompt && st->cfg.verbosity != 0;
	rc = et_cfg_missing(&st->cfg, &missing);
	if (rc)
		return EXIT_USAGE;
	if (missing && !st->interactive) {
		fprintf(stderr, "%s: missing mandatory mount options (%s): %s\n", PROG,
			et_stdin_is_tty() ? "prompting is off" : "no terminal to ask on", missing);
		rc = EXIT_USAGE;
	}
	free(missing);
	return rc;
}

static int step_keys(struct state *st)
{
	return derive_keys(st) ? EXIT_USAGE : 0;
}

static int step_prompt(struct state *st)
{
	int rc;

	if (!st->interactive)
		return 0;
	rc = prompt_missing(st);
	if (rc == -ENODATA) {
		fprintf(stderr, "%s: end of input while asking for mount options\n", PROG);
		return EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "%s: no valid answer given\n", PROG);
		return EXIT_USAGE;
	}
	return 0;
}

static int step_named_sigs(struct state *st)
{
	return check_named_sigs(st) ? EXIT_USAGE : 0;
}

/* The kernel's option string, then upstream's checks of the lower files. */
static int step_kernel_opts(struct state *st)
{
	char sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	char err[ET_ERR_MAX] = "";
	size_t i;
	int rc;

	for (i = 0; i < ET_MAX_KEYS; i++)
		memcpy(sigs[i], st->keys[i].sig, sizeof(sigs[i]));
	rc = et_cfg_kernel_opts(&st->cfg, sigs, &st->kopts, err, sizeof(err));
	if (!rc)
		rc = et_lowercheck(st->lower.path, sigs, st->cfg.nkeys, st->cfg.sigs,
				   st->cfg.nsigs, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", PROG, err[0] ? err : strerror(-rc));
	if (rc)
		return EXIT_USAGE;
	if (st->cfg.verbosity != 0 || st->a.verbose)
		print_opts(st->kopts);
	return 0;
}

static int step_sig_cache(struct state *st)
{
	size_t i;

	if (!st->interactive || st->cfg.no_sig_cache)
		return 0;
	for (i = 0; i < st->cfg.nkeys; i++)
		if (process_sig_cache(st->keys[i].sig))
			return EXIT_USAGE;
	return 0;
}

/* Without a daemon every file operation on a key-module key fails with EIO later. */
static int step_daemon(struct state *st)
{
	size_t i;

	for (i = 0; i < st->cfg.nkeys && !st->a.fake; i++) {
		if (!st->cfg.keys[i].module)
			continue;
		if (daemon_running())
			return 0;
		fprintf(stderr, "%s: key %s (key=%s) needs ecryptfsd running as uid %u; start it first (systemctl start ecryptfsd, or ecryptfsd -f)\n",
			PROG, st->keys[i].sig, st->cfg.keys[i].module, (unsigned int)geteuid());
		return EXIT_FAIL;
	}
	return 0;
}

static int step_add_keys(struct state *st)
{
	if (add_keys(st))
		return EXIT_USAGE;
	if (!st->a.fake && handoff_keys(st)) {
		unlink_added(st);
		return EXIT_FAIL;
	}
	return 0;
}

static int step_mount(struct state *st)
{
	unsigned long flags = st->cfg.ms_set & ~st->cfg.ms_clear;
	char target[64];
	int rc;

	if (st->a.fake)
		return 0;
	rc = mount_fds(st, flags);
	if (rc == -ENOSYS) {
		/* No new mount API: the target still through its descriptor. */
		snprintf(target, sizeof(target), "/proc/self/fd/%d", st->mnt.fd);
		rc = mount(st->lower.path, target, "ecryptfs", flags, st->kopts) ? -errno : 0;
	}
	if (rc) {
		if (rc != -ESTALE) {
			printf("Error mounting eCryptfs: [%d] %s\n", rc, strerror(-rc));
			if (rc == -ENODEV)
				printf("Try ``modprobe ecryptfs''\n");
			else if (rc == -EINVAL)
				printf("The kernel refused the mount options; see dmesg for its reason\n");
		}
		unlink_added(st);
		return EXIT_FAIL;
	}
	if (st->cfg.verbosity != 0 || st->a.verbose)
		printf("Mounted eCryptfs\n");
	return 0;
}

static int (*const mount_steps[])(struct state *st) = {
	step_protect,
	step_args,
	step_options,
	step_dirs,
	step_missing,
	step_keys,
	step_prompt,
	step_named_sigs,
	step_kernel_opts,
	step_sig_cache,
	step_daemon,
	step_add_keys,
	step_mount,
};

static void state_free(struct state *st)
{
	size_t i;

	for (i = 0; i < ET_MAX_KEYS; i++) {
		et_derived_wipe(&st->keys[i].pass);
		et_modkey_free(&st->keys[i].mod);
	}
	et_cfg_free(&st->cfg);
	close_dir(&st->lower);
	close_dir(&st->mnt);
	free(st->kopts);
}

int main(int argc, char **argv)
{
	struct state st;
	size_t i;
	int ret = 0;

	memset(&st, 0, sizeof(st));
	st.argc = argc;
	st.argv = argv;
	st.lower.fd = -1;
	st.mnt.fd = -1;
	et_cfg_init(&st.cfg);
	for (i = 0; i < sizeof(mount_steps) / sizeof(mount_steps[0]) && !ret; i++)
		ret = mount_steps[i](&st);
	state_free(&st);
	fflush(stdout);
	return ret;
}
