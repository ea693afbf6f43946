// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mount.ecryptfs - the mount helper run by "mount -t ecryptfs".
 *
 * Options come from ~/.ecryptfsrc of the invoking user, then from -o (the
 * command line wins). Missing mandatory options are asked for on a
 * terminal in upstream's order; without one the helper names them all and
 * fails. Passphrase keys go to the user keyring; the mount is done with
 * mount(2) so no secret ever reaches another program's command line, and
 * the kernel options never contain one. On any failure the keys this run
 * added are unlinked again.
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
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

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

struct state {
	struct et_mount_cfg cfg;
	struct et_derived keys[ET_MAX_KEYS];
	char key_sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	int added[ET_MAX_KEYS];
	/* Keyring tokens of key=MODULE keys (NULL for passphrase keys). */
	struct et_modkey mk[ET_MAX_KEYS];
	int interactive;
	unsigned int version;
};

static void usage(void)
{
	fprintf(stderr, "\teCryptfs mount helper\n\tusage: "
		"mount -t ecryptfs [lower directory] [ecryptfs mount point]\n\n"
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
				usage();
				exit(0);
			default:
				fprintf(stderr, "%s: unknown flag '-%c'\n", PROG, *s);
				return -EINVAL;
			}
		}
	}
	if (npos < 2) {
		usage();
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
	char *rcpath = NULL, *rcbuf = NULL, *err = NULL;
	size_t rclen = 0;
	int rc;

	et_cfg_init(&rc_cfg);
	et_cfg_init(&cl_cfg);
	rc = et_rcfile_read(&rcpath, &rcbuf, &rclen);
	if (rc) {
		fprintf(stderr, "%s: cannot read %s: %s\n", PROG, rcpath ? rcpath : "~/.ecryptfsrc",
			strerror(-rc));
		goto out;
	}
	if (rcbuf) {
		rc = et_opts_tokenize(rcbuf, rclen, 1, &rl, &err);
		if (!rc)
			rc = et_cfg_apply(&rc_cfg, &rl, ET_SRC_RC, &err);
		if (rc)
			goto out_err;
	}
	if (a->opts) {
		rc = et_opts_tokenize(a->opts, strlen(a->opts), 0, &cl, &err);
		scrub_argv_secrets(a->opts);
		if (!rc)
			rc = et_cfg_apply(&cl_cfg, &cl, ET_SRC_CMDLINE, &err);
		if (rc)
			goto out_err;
	}
	rc = et_cfg_merge(out, &rc_cfg, &cl_cfg);
	goto out;
out_err:
	if (rc == -ENOMEM)
		fprintf(stderr, "%s: out of memory\n", PROG);
	else
		fprintf(stderr, "%s: %s\n", PROG, err ? err : "invalid options");
out:
	free(err);
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
		fd = open(k->pw_value, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			fprintf(stderr, "%s: cannot open passphrase file %s: %s\n", PROG,
				k->pw_value, strerror(errno));
			return rc;
		}
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
		rc = et_modkey_handoff(PROG, &st->mk[i]);
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

		if (st->cfg.keys[i].module) {
			rc = et_modkey_prepare(PROG, &st->cfg.keys[i], !st->cfg.no_prompt,
					       &st->mk[i]);
			if (!rc)
				memcpy(st->key_sigs[i], st->mk[i].sig, sizeof(st->key_sigs[i]));
			if (rc)
				return rc;
			continue;
		}

		if (st->cfg.keys[i].pw_from_cmdline)
			fprintf(stderr, "WARNING: a passphrase given with passwd= or passphrase_passwd= on the command line can be read by other users in the process list; use passphrase_passwd_file= or passphrase_passwd_fd= instead.\n");
		et_hex_to_salt(salt_hex ? salt_hex : ET_DEFAULT_SALT_HEX, salt);
		rc = et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES);
		if (rc)
			return rc;
		rc = get_passphrase(st, i, &pw);
		if (!rc) {
			rc = et_derive(pw.buf, pw.len, salt, 0, &st->keys[i]);
			if (rc)
				fprintf(stderr, "%s: key derivation failed: %s\n", PROG,
					strerror(-rc));
		}
		et_secret_free(&pw);
		if (rc)
			return rc;
		memcpy(st->key_sigs[i], st->keys[i].sig, sizeof(st->key_sigs[i]));
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
	const char *def = st->cfg.nkeys ? st->key_sigs[0] : st->cfg.sigs[0];
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
		if (!strcmp(st->key_sigs[i], sig))
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

		if (!st->added[i])
			continue;
		rc = et_key_unlink(st->key_sigs[i]);
		if (rc && rc != -ENOKEY)
			fprintf(stderr, "%s: could not remove key %s from the keyring again\n",
				PROG, st->key_sigs[i]);
		st->added[i] = 0;
	}
}

static int add_keys(struct state *st)
{
	size_t i;
	int rc;

	for (i = 0; i < st->cfg.nkeys; i++) {
		if (st->mk[i].tok)
			rc = et_key_add_token(st->key_sigs[i], st->mk[i].tok,
						   st->mk[i].tok_len);
		else
			rc = et_derived_add(&st->keys[i]);
		if (rc < 0) {
			fprintf(stderr, "%s: cannot add key %s to the user keyring: %s\n", PROG,
				st->key_sigs[i], strerror(-rc));
			unlink_added(st);
			return rc;
		}
		st->added[i] = rc == 0;
	}
	return 0;
}

static int check_dir(const char *what, const char *path, char **real)
{
	struct stat sb;

	*real = realpath(path, NULL);
	if (!*real || stat(*real, &sb)) {
		fprintf(stderr, "%s: %s %s: %s\n", PROG, what, path, strerror(errno));
		free(*real);
		*real = NULL;
		return -ENOENT;
	}
	if (!S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "%s: %s %s is not a directory\n", PROG, what, path);
		free(*real);
		*real = NULL;
		return -ENOTDIR;
	}
	return 0;
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

int main(int argc, char **argv)
{
	struct state st;
	struct args a;
	char *src = NULL, *dir = NULL, *kopts = NULL, *err = NULL, *missing = NULL;
	unsigned long flags;
	size_t i;
	int rc, ret = EXIT_USAGE;

	memset(&st, 0, sizeof(st));
	et_cfg_init(&st.cfg);
	/* Keep passphrases and derived keys out of swap. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "%s: warning: cannot lock memory (%s); secrets are still wiped after use\n",
			PROG, strerror(errno));

	if (parse_args(argc, argv, &a))
		goto out;
	rc = load_options(&a, &st.cfg);
	if (rc)
		goto out;
	if (st.cfg.remount) {
		fprintf(stderr, "When remounting eCryptfs, you need to pass the mount utility the -i parameter to avoid calling the mount helper\n");
		goto out;
	}
	if (check_dir("lower directory", a.src, &src) || check_dir("mount point", a.dir, &dir))
		goto out;

	st.version = kernel_version_bits();
	st.interactive = et_stdin_is_tty() && !st.cfg.no_prompt && st.cfg.verbosity != 0;
	rc = et_cfg_missing(&st.cfg, &missing);
	if (rc)
		goto out;
	if (missing && !st.interactive) {
		fprintf(stderr, "%s: missing mandatory mount options (%s): %s\n", PROG,
			et_stdin_is_tty() ? "prompting is off" : "no terminal to ask on", missing);
		goto out;
	}

	rc = derive_keys(&st);
	if (rc)
		goto out;
	if (st.interactive) {
		rc = prompt_missing(&st);
		if (rc == -ENODATA) {
			fprintf(stderr, "%s: end of input while asking for mount options\n", PROG);
			goto out;
		}
		if (rc) {
			fprintf(stderr, "%s: no valid answer given\n", PROG);
			goto out;
		}
	}
	if (check_named_sigs(&st))
		goto out;
	rc = et_cfg_kernel_opts(&st.cfg, st.key_sigs, &kopts, &err);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, err ? err : strerror(-rc));
		goto out;
	}
	rc = et_lowercheck(src, st.key_sigs, st.cfg.nkeys, st.cfg.sigs, st.cfg.nsigs,
			   &err);
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, err ? err : strerror(-rc));
		goto out;
	}
	if (st.cfg.verbosity != 0 || a.verbose)
		print_opts(kopts);
	if (st.interactive && !st.cfg.no_sig_cache) {
		for (i = 0; i < st.cfg.nkeys; i++) {
			rc = process_sig_cache(st.key_sigs[i]);
			if (rc == -ECANCELED)
				goto out;
			if (rc)
				goto out;
		}
	}

	for (i = 0; i < st.cfg.nkeys; i++) {
		if (!st.cfg.keys[i].module || a.fake)
			continue;
		/* Without a daemon every file operation would fail with EIO later. */
		rc = daemon_running();
		if (rc == 0) {
			fprintf(stderr, "%s: key %s (key=%s) needs ecryptfsd running as uid %u; start it first (systemctl start ecryptfsd, or ecryptfsd -f)\n",
				PROG, st.key_sigs[i], st.cfg.keys[i].module, (unsigned int)geteuid());
			ret = EXIT_FAIL;
			goto out;
		}
		break;
	}
	if (add_keys(&st))
		goto out;
	if (!a.fake && handoff_keys(&st)) {
		unlink_added(&st);
		ret = EXIT_FAIL;
		goto out;
	}
	flags = st.cfg.ms_set & ~st.cfg.ms_clear;
	if (!a.fake && mount(src, dir, "ecryptfs", flags, kopts)) {
		int e = errno;

		printf("Error mounting eCryptfs: [%d] %s\n", -e, strerror(e));
		if (e == ENODEV)
			printf("Try ``modprobe ecryptfs''\n");
		else if (e == EINVAL)
			printf("The kernel refused the mount options; see dmesg for its reason\n");
		unlink_added(&st);
		ret = EXIT_FAIL;
		goto out;
	}
	if (st.cfg.verbosity != 0 || a.verbose)
		printf("Mounted eCryptfs\n");
	ret = 0;
out:
	for (i = 0; i < ET_MAX_KEYS; i++) {
		et_derived_wipe(&st.keys[i]);
		et_modkey_free(&st.mk[i]);
	}
	et_cfg_free(&st.cfg);
	free(src);
	free(dir);
	free(kopts);
	free(err);
	free(missing);
	fflush(stdout);
	return ret;
}
