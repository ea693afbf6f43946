// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Upstream's mount helper silently truncated tokens at 128 bytes, split
 * name and value at the last '=', dropped options it did not recognise
 * and passed unknown ones to the kernel. Here every token is kept whole,
 * the first '=' splits, and anything unknown is an error naming it.
 * Error messages name options but never print the value of a secret.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "ecfs_errbuf.h"
#include "ecfs_hex.h"
#include "et_opts.h"

int et_hex_to_salt(const char *hex, uint8_t salt[ECFS_SALT_SIZE])
{
	if (!hex)
		return -EINVAL;
	return ecfs_hex_decode(hex, strlen(hex), salt, ECFS_SALT_SIZE);
}

/* Free a string that may hold a secret. */
static void free_wiped(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static char *dup_range(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void et_optlist_free(struct et_optlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free_wiped(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

static int optlist_push(struct et_optlist *l, char *name, char *value)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? 2 * l->cap : 16;
		struct et_kv *nv = realloc(l->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n].name = name;
	l->v[l->n].value = value;
	l->n++;
	return 0;
}

static int all_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* One name[=value] token; empty ones are skipped. */
static int push_pair(struct et_optlist *out, const char *tok, size_t len, char *err, size_t errlen)
{
	const char *eq;
	char *name, *value = NULL;
	int rc;

	if (len == 0 || all_blank(tok, len))
		return 0;
	eq = memchr(tok, '=', len);
	if (eq == tok) {
		ecfs_errbuf(err, errlen, "option with an empty name (a token starts with '=')");
		return -EINVAL;
	}
	name = dup_range(tok, eq ? (size_t)(eq - tok) : len);
	if (!name)
		return -ENOMEM;
	if (eq) {
		value = dup_range(eq + 1, len - (size_t)(eq - tok) - 1);
		if (!value) {
			free(name);
			return -ENOMEM;
		}
	}
	rc = optlist_push(out, name, value);
	if (rc) {
		free(name);
		free_wiped(value);
	}
	return rc;
}

/* A comma-separated token; key=X:a=b:c=d is upstream's grouping syntax. */
static int push_token(struct et_optlist *out, const char *tok, size_t len, char *err, size_t errlen)
{
	const char *p, *end = tok + len, *colon;
	int rc;

	if (len <= 4 || memcmp(tok, "key=", 4) || !memchr(tok + 4, ':', len - 4))
		return push_pair(out, tok, len, err, errlen);
	for (p = tok; p < end; p = colon + 1) {
		colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			colon = end;
		rc = push_pair(out, p, (size_t)(colon - p), err, errlen);
		if (rc)
			return rc;
		if (colon == end)
			break;
	}
	return 0;
}

int et_opts_tokenize(const char *str, size_t len, int rc_file, struct et_optlist *out,
		     char *err, size_t errlen)
{
	size_t i = 0, start = 0;
	int at_line_start = 1;
	int rc;

	if (memchr(str, '\0', len)) {
		ecfs_errbuf(err, errlen, "options contain a NUL byte");
		return -EINVAL;
	}
	while (i < len) {
		if (rc_file && at_line_start && str[i] == '#') {
			while (i < len && str[i] != '\n')
				i++;
			start = i + 1;
			i++;
			continue;
		}
		at_line_start = 0;
		if (str[i] == ',' || str[i] == '\n') {
			rc = push_token(out, str + start, i - start, err, errlen);
			if (rc)
				return rc;
			at_line_start = str[i] == '\n';
			start = i + 1;
		}
		i++;
	}
	if (start < len)
		return push_token(out, str + start, len - start, err, errlen);
	return 0;
}

void et_cfg_init(struct et_mount_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->passthrough = ET_UNSET;
	cfg->xattr = ET_UNSET;
	cfg->encrypted_view = ET_UNSET;
	cfg->fne = ET_UNSET;
	cfg->verbosity = ET_UNSET;
}

static void keyspec_clear_pw(struct et_keyspec *k)
{
	free_wiped(k->pw_value);
	k->pw_value = NULL;
	k->method = ET_PW_NONE;
	k->pw_from_cmdline = 0;
}

static void keyspec_free(struct et_keyspec *k)
{
	keyspec_clear_pw(k);
	free(k->salt_hex);
	free(k->module);
	free(k->keyfile);
	while (k->nmp) {
		k->nmp--;
		free(k->mp_name[k->nmp]);
		free_wiped(k->mp_value[k->nmp]);
	}
	memset(k, 0, sizeof(*k));
}

void et_cfg_free(struct et_mount_cfg *cfg)
{
	size_t i;

	for (i = 0; i < ET_MAX_KEYS; i++)
		keyspec_free(&cfg->keys[i]);
	keyspec_free(&cfg->loose);
	free(cfg->cipher);
	free(cfg->fn_cipher);
	et_optlist_free(&cfg->lsm);
	et_cfg_init(cfg);
}

enum opt_id {
	O_KEY, O_PW_DIRECT, O_PW_FILE, O_PW_FD, O_PW_TYPE, O_SALT, O_SIG,
	O_CIPHER, O_KEY_BYTES, O_PASSTHROUGH, O_XATTR, O_XATTR_META, O_ENC_VIEW,
	O_FNE, O_FNEK_SIG, O_FN_CIPHER, O_FN_KEY_BYTES, O_UNLINK_SIGS,
	O_AUTH_TOK_ONLY, O_CHECK_DEV_RUID, O_LONG_NAMES, O_NO_SIG_CACHE, O_VERBOSITY,
	O_VERBOSE, O_NO_PROMPT, O_REMOUNT, O_MS_SET, O_MS_CLEAR, O_IGNORE,
	O_LSM, O_KEYFILE, O_MODPARAM, O_COUNT
};

/* How an option takes its value. */
enum opt_arg {
	A_NONE,		/* bare flag only */
	A_VALUE,	/* name=value required */
	A_BOOL,		/* bare (yes) or =y/n/yes/no */
	A_ANY,		/* either */
};

struct opt_def {
	const char *name;
	enum opt_id id;
	enum opt_arg arg;
	unsigned long ms;
};

static const struct opt_def opt_defs[] = {
	{ "key", O_KEY, A_VALUE, 0 },
	{ "passphrase_passwd", O_PW_DIRECT, A_VALUE, 0 },
	{ "passwd", O_PW_DIRECT, A_VALUE, 0 },
	{ "passphrase_passwd_file", O_PW_FILE, A_VALUE, 0 },
	{ "passwd_file", O_PW_FILE, A_VALUE, 0 },
	{ "passfile", O_PW_FILE, A_VALUE, 0 },
	{ "passphrase_passwd_fd", O_PW_FD, A_VALUE, 0 },
	{ "passwd_fd", O_PW_FD, A_VALUE, 0 },
	{ "passfd", O_PW_FD, A_VALUE, 0 },
	/* Parameters of key=openssl (upstream's names); checked by the module. */
	{ "keyfile", O_KEYFILE, A_VALUE, 0 },
	{ "openssl_keyfile", O_KEYFILE, A_VALUE, 0 },
	{ "openssl_passwd", O_PW_DIRECT, A_VALUE, 0 },
	{ "openssl_passwd_file", O_PW_FILE, A_VALUE, 0 },
	{ "openssl_passwd_fd", O_PW_FD, A_VALUE, 0 },
	/* Parameters of key=pkcs11-helper and key=tspi (upstream's names). */
	{ "id", O_MODPARAM, A_VALUE, 0 },
	{ "pkcs11_id", O_MODPARAM, A_VALUE, 0 },
	{ "x509file", O_MODPARAM, A_VALUE, 0 },
	{ "keyformat", O_MODPARAM, A_VALUE, 0 },
	{ "passenv", O_MODPARAM, A_VALUE, 0 },
	{ "pinpad", O_MODPARAM, A_VALUE, 0 },
	{ "tspi_uuid", O_MODPARAM, A_VALUE, 0 },
	{ "passphrase_type", O_PW_TYPE, A_VALUE, 0 },
	{ "passphrase_salt", O_SALT, A_VALUE, 0 },
	{ "salt", O_SALT, A_VALUE, 0 },
	{ ECFS_OPT_SIG, O_SIG, A_VALUE, 0 },
	{ ECFS_OPT_SIG_SHORT, O_SIG, A_VALUE, 0 },
	{ ECFS_OPT_CIPHER, O_CIPHER, A_VALUE, 0 },
	{ ECFS_OPT_CIPHER_SHORT, O_CIPHER, A_VALUE, 0 },
	{ ECFS_OPT_KEY_BYTES, O_KEY_BYTES, A_VALUE, 0 },
	{ ECFS_OPT_PASSTHROUGH, O_PASSTHROUGH, A_BOOL, 0 },
	{ "ecryptfs_xattr", O_XATTR, A_BOOL, 0 },
	{ ECFS_OPT_XATTR_METADATA, O_XATTR_META, A_BOOL, 0 },
	{ ECFS_OPT_ENCRYPTED_VIEW, O_ENC_VIEW, A_BOOL, 0 },
	{ "ecryptfs_enable_filename_crypto", O_FNE, A_BOOL, 0 },
	{ ECFS_OPT_FNEK_SIG, O_FNEK_SIG, A_VALUE, 0 },
	{ ECFS_OPT_FN_CIPHER, O_FN_CIPHER, A_VALUE, 0 },
	{ ECFS_OPT_FN_KEY_BYTES, O_FN_KEY_BYTES, A_VALUE, 0 },
	{ ECFS_OPT_UNLINK_SIGS, O_UNLINK_SIGS, A_NONE, 0 },
	{ ECFS_OPT_AUTH_TOK_ONLY, O_AUTH_TOK_ONLY, A_NONE, 0 },
	{ ECFS_OPT_CHECK_DEV_RUID, O_CHECK_DEV_RUID, A_NONE, 0 },
	{ ECFS_OPT_LONG_NAMES, O_LONG_NAMES, A_NONE, 0 },
	{ "no_sig_cache", O_NO_SIG_CACHE, A_NONE, 0 },
	{ "verbosity", O_VERBOSITY, A_VALUE, 0 },
	{ "verbose", O_VERBOSE, A_NONE, 0 },
	{ "no_prompt", O_NO_PROMPT, A_NONE, 0 },
	{ "wild_ass_guess", O_NO_PROMPT, A_NONE, 0 },
	{ "remount", O_REMOUNT, A_NONE, 0 },
	/* Generic VFS options: become mount(2) flags. */
	{ "ro", O_MS_SET, A_NONE, MS_RDONLY },
	{ "rw", O_MS_CLEAR, A_NONE, MS_RDONLY },
	{ "nosuid", O_MS_SET, A_NONE, MS_NOSUID },
	{ "suid", O_MS_CLEAR, A_NONE, MS_NOSUID },
	{ "nodev", O_MS_SET, A_NONE, MS_NODEV },
	{ "dev", O_MS_CLEAR, A_NONE, MS_NODEV },
	{ "noexec", O_MS_SET, A_NONE, MS_NOEXEC },
	{ "exec", O_MS_CLEAR, A_NONE, MS_NOEXEC },
	{ "sync", O_MS_SET, A_NONE, MS_SYNCHRONOUS },
	{ "async", O_MS_CLEAR, A_NONE, MS_SYNCHRONOUS },
	{ "dirsync", O_MS_SET, A_NONE, MS_DIRSYNC },
	{ "noatime", O_MS_SET, A_NONE, MS_NOATIME },
	{ "atime", O_MS_CLEAR, A_NONE, MS_NOATIME },
	{ "nodiratime", O_MS_SET, A_NONE, MS_NODIRATIME },
	{ "diratime", O_MS_CLEAR, A_NONE, MS_NODIRATIME },
	{ "relatime", O_MS_SET, A_NONE, MS_RELATIME },
	{ "norelatime", O_MS_CLEAR, A_NONE, MS_RELATIME },
	{ "strictatime", O_MS_SET, A_NONE, MS_STRICTATIME },
	{ "nostrictatime", O_MS_CLEAR, A_NONE, MS_STRICTATIME },
	{ "lazytime", O_MS_SET, A_NONE, MS_LAZYTIME },
	{ "nolazytime", O_MS_CLEAR, A_NONE, MS_LAZYTIME },
	{ "silent", O_MS_SET, A_NONE, MS_SILENT },
	{ "loud", O_MS_CLEAR, A_NONE, MS_SILENT },
	{ "mand", O_MS_SET, A_NONE, MS_MANDLOCK },
	{ "nomand", O_MS_CLEAR, A_NONE, MS_MANDLOCK },
	/* mount(8)'s own options, which it also hands to helpers. */
	{ "defaults", O_IGNORE, A_NONE, 0 },
	{ "auto", O_IGNORE, A_NONE, 0 },
	{ "noauto", O_IGNORE, A_NONE, 0 },
	{ "user", O_IGNORE, A_ANY, 0 },
	{ "nouser", O_IGNORE, A_NONE, 0 },
	{ "users", O_IGNORE, A_NONE, 0 },
	{ "owner", O_IGNORE, A_NONE, 0 },
	{ "group", O_IGNORE, A_NONE, 0 },
	{ "nofail", O_IGNORE, A_NONE, 0 },
	{ "_netdev", O_IGNORE, A_NONE, 0 },
	{ "comment", O_IGNORE, A_ANY, 0 },
	/* Security-module options the kernel parses for every filesystem. */
	{ "context", O_LSM, A_VALUE, 0 },
	{ "fscontext", O_LSM, A_VALUE, 0 },
	{ "defcontext", O_LSM, A_VALUE, 0 },
	{ "rootcontext", O_LSM, A_VALUE, 0 },
	{ "seclabel", O_LSM, A_NONE, 0 },
};

/* Same rule as the key-module loader: [A-Za-z0-9_-]{1,16}. */
static int et_module_name_ok(const char *v)
{
	size_t n = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	return n && n == strlen(v) && n <= ECFS_MAX_PKI_NAME_BYTES;
}

static const struct opt_def *opt_lookup(const char *name)
{
	static const struct opt_def x_opt = { "x-", O_IGNORE, A_ANY, 0 };
	size_t i;

	for (i = 0; i < sizeof(opt_defs) / sizeof(opt_defs[0]); i++)
		if (!strcmp(opt_defs[i].name, name))
			return &opt_defs[i];
	/* x-* options are for userspace tools (systemd, mount(8)) only. */
	if (!strncmp(name, "x-", 2))
		return &x_opt;
	return NULL;
}

static int parse_bool(const char *v)
{
	if (!v || !strcmp(v, "y") || !strcmp(v, "yes"))
		return 1;
	if (!strcmp(v, "n") || !strcmp(v, "no"))
		return 0;
	return -1;
}

static int parse_int(const char *v, int min, int max, int *out)
{
	char *end;
	long l;

	if (!v || !*v || *v == '+' || *v == '-' || *v == ' ')
		return -EINVAL;
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno || *end || l < min || l > max)
		return -EINVAL;
	*out = (int)l;
	return 0;
}

static const char *src_name(enum et_src src)
{
	return src == ET_SRC_RC ? "~/.ecryptfsrc" : "the mount options";
}

static int set_str(char **dst, const char *v)
{
	char *d = strdup(v);

	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

static int apply_pw(struct et_keyspec *k, const struct opt_def *d, const char *v,
		    enum et_src src, char *err, size_t errlen)
{
	static const enum et_pw_method map[] = {
		[O_PW_DIRECT] = ET_PW_DIRECT, [O_PW_FILE] = ET_PW_FILE, [O_PW_FD] = ET_PW_FD,
	};
	int fd;

	if (k->method != ET_PW_NONE) {
		ecfs_errbuf(err, errlen, "%s: more than one passphrase source for the same key ('%s' and an earlier one)",
			src_name(src), d->name);
		return -EINVAL;
	}
	if (!*v) {
		ecfs_errbuf(err, errlen, "%s: option '%s' has an empty value", src_name(src), d->name);
		return -EINVAL;
	}
	if (d->id == O_PW_FD && parse_int(v, 0, INT_MAX, &fd)) {
		ecfs_errbuf(err, errlen, "%s: option '%s' needs a file descriptor number, not '%s'",
			src_name(src), d->name, v);
		return -EINVAL;
	}
	if (d->id == O_PW_DIRECT && strlen(v) > ECFS_MAX_PASSPHRASE_BYTES) {
		ecfs_errbuf(err, errlen, "%s: the passphrase in '%s' is longer than %d bytes",
			src_name(src), d->name, ECFS_MAX_PASSPHRASE_BYTES);
		return -EINVAL;
	}
	k->pw_value = strdup(v);
	if (!k->pw_value)
		return -ENOMEM;
	k->method = map[d->id];
	k->pw_from_cmdline = d->id == O_PW_DIRECT && src == ET_SRC_CMDLINE;
	k->used = 1;
	return 0;
}

/* One option being applied: what its handler needs. */
struct opt_ctx {
	struct et_mount_cfg *cfg;
	struct et_keyspec **cur;	/* the key= group being filled, or NULL */
	struct et_keyspec *k;		/* *cur, or the loose parameters */
	const struct opt_def *d;
	const struct et_kv *kv;
	const char *v;			/* the value, NULL when there is none */
	int b;				/* A_BOOL: the parsed value; else 1 */
	enum et_src src;
	char *err;
	size_t errlen;
};

static int bad_value(struct opt_ctx *c, const char *what)
{
	ecfs_errbuf(c->err, c->errlen, "%s: option '%s' needs %s, not '%s'", src_name(c->src), c->d->name,
		what, c->v);
	return -EINVAL;
}

static int h_key(struct opt_ctx *c)
{
	struct et_mount_cfg *cfg = c->cfg;

	/* Other modules are loaded by name later; only the name is checked here. */
	if (strcmp(c->v, "passphrase") && !et_module_name_ok(c->v)) {
		ecfs_errbuf(c->err, c->errlen, "%s: '%s' is not a key module name (key=passphrase, key=openssl, ...)",
			src_name(c->src), c->v);
		return -EINVAL;
	}
	if (cfg->nkeys == ET_MAX_KEYS) {
		ecfs_errbuf(c->err, c->errlen, "%s: more than %d keys", src_name(c->src), ET_MAX_KEYS);
		return -EINVAL;
	}
	*c->cur = &cfg->keys[cfg->nkeys++];
	(*c->cur)->used = 1;
	if (strcmp(c->v, "passphrase"))
		return set_str(&(*c->cur)->module, c->v);
	return 0;
}

static int h_keyfile(struct opt_ctx *c)
{
	if (!*c->cur || !(*c->cur)->module) {
		ecfs_errbuf(c->err, c->errlen, "%s: '%s' belongs to a key module key (key=openssl:keyfile=...)",
			src_name(c->src), c->d->name);
		return -EINVAL;
	}
	return set_str(&(*c->cur)->keyfile, c->v);
}

/* A parameter of the current key module's key (id=, x509file=, ...). */
static int h_modparam(struct opt_ctx *c)
{
	struct et_keyspec *m = *c->cur;

	if (!m || !m->module) {
		ecfs_errbuf(c->err, c->errlen, "%s: '%s' belongs to a key module key (key=pkcs11-helper:id=...)",
			src_name(c->src), c->d->name);
		return -EINVAL;
	}
	if (m->nmp == ET_MAX_MODPARAMS) {
		ecfs_errbuf(c->err, c->errlen, "%s: too many parameters for key=%s", src_name(c->src), m->module);
		return -EINVAL;
	}
	m->mp_name[m->nmp] = strdup(c->d->name);
	m->mp_value[m->nmp] = strdup(c->v);
	if (!m->mp_name[m->nmp] || !m->mp_value[m->nmp]) {
		free(m->mp_name[m->nmp]);
		free(m->mp_value[m->nmp]);
		return -ENOMEM;
	}
	m->nmp++;
	return 0;
}

static int h_pw(struct opt_ctx *c)
{
	return apply_pw(c->k, c->d, c->v, c->src, c->err, c->errlen);
}

static int h_pw_type(struct opt_ctx *c)
{
	if (strcmp(c->v, "passphrase_passwd") && strcmp(c->v, "passphrase_passwd_file") &&
	    strcmp(c->v, "passphrase_passwd_fd")) {
		ecfs_errbuf(c->err, c->errlen, "%s: passphrase_type must be passphrase_passwd, passphrase_passwd_file or passphrase_passwd_fd, not '%s'",
			src_name(c->src), c->v);
		return -EINVAL;
	}
	/* Only chose upstream's prompt; the parameters themselves decide. */
	return 0;
}

static int h_salt(struct opt_ctx *c)
{
	uint8_t salt[ECFS_SALT_SIZE];

	if (et_hex_to_salt(c->v, salt))
		return bad_value(c, "16 hex digits");
	c->k->used = 1;
	return set_str(&c->k->salt_hex, c->v);
}

static int h_sig(struct opt_ctx *c)
{
	struct et_mount_cfg *cfg = c->cfg;

	if (!ecfs_sig_valid(c->v))
		return bad_value(c, "a 16-hex-digit signature");
	if (cfg->nsigs == ET_MAX_KEYS) {
		ecfs_errbuf(c->err, c->errlen, "%s: more than %d signatures", src_name(c->src), ET_MAX_KEYS);
		return -EINVAL;
	}
	memcpy(cfg->sigs[cfg->nsigs++], c->v, ECFS_SIG_SIZE_HEX + 1);
	return 0;
}

static int h_fnek_sig(struct opt_ctx *c)
{
	if (!ecfs_sig_valid(c->v))
		return bad_value(c, "a 16-hex-digit signature");
	memcpy(c->cfg->fnek_sig, c->v, ECFS_SIG_SIZE_HEX + 1);
	return 0;
}

static int h_cipher(struct opt_ctx *c)
{
	if (!ecfs_cipher_by_name(c->v)) {
		ecfs_errbuf(c->err, c->errlen, "%s: option '%s': unknown cipher '%s' (use aes, blowfish, des3_ede, twofish, cast6 or cast5)",
			src_name(c->src), c->d->name, c->v);
		return -EINVAL;
	}
	return set_str(c->d->id == O_CIPHER ? &c->cfg->cipher : &c->cfg->fn_cipher, c->v);
}

static int h_key_bytes(struct opt_ctx *c)
{
	int n;

	if (parse_int(c->v, 1, ECFS_AUTHTOK_FEKEK_BYTES, &n))
		return bad_value(c, "a key size in bytes (1-64)");
	if (c->d->id == O_KEY_BYTES)
		c->cfg->key_bytes = n;
	else
		c->cfg->fn_key_bytes = n;
	return 0;
}

static int h_verbosity(struct opt_ctx *c)
{
	int n;

	if (parse_int(c->v, 0, 9, &n))
		return bad_value(c, "a number 0-9");
	c->cfg->verbosity = n;
	return 0;
}

/* y/n options and flags: the field the option sets. */
static int *flag_field(struct et_mount_cfg *cfg, enum opt_id id)
{
	switch (id) {
	case O_PASSTHROUGH:	return &cfg->passthrough;
	case O_XATTR:
	case O_XATTR_META:	return &cfg->xattr;
	case O_ENC_VIEW:	return &cfg->encrypted_view;
	case O_FNE:		return &cfg->fne;
	case O_UNLINK_SIGS:	return &cfg->unlink_sigs;
	case O_AUTH_TOK_ONLY:	return &cfg->auth_tok_only;
	case O_CHECK_DEV_RUID:	return &cfg->check_dev_ruid;
	case O_LONG_NAMES:	return &cfg->long_names;
	case O_NO_SIG_CACHE:	return &cfg->no_sig_cache;
	case O_VERBOSE:		return &cfg->verbose;
	case O_NO_PROMPT:	return &cfg->no_prompt;
	case O_REMOUNT:		return &cfg->remount;
	default:		return NULL;
	}
}

static int h_flag(struct opt_ctx *c)
{
	*flag_field(c->cfg, c->d->id) = c->b;
	return 0;
}

static int h_ms_set(struct opt_ctx *c)
{
	c->cfg->ms_set |= c->d->ms;
	c->cfg->ms_clear &= ~c->d->ms;
	return 0;
}

static int h_ms_clear(struct opt_ctx *c)
{
	c->cfg->ms_clear |= c->d->ms;
	c->cfg->ms_set &= ~c->d->ms;
	return 0;
}

static int h_ignore(struct opt_ctx *c)
{
	(void)c;
	return 0;
}

static int h_lsm(struct opt_ctx *c)
{
	char *name = strdup(c->kv->name), *value = c->v ? strdup(c->v) : NULL;

	if (!name || (c->v && !value) || optlist_push(&c->cfg->lsm, name, value)) {
		free(name);
		free(value);
		return -ENOMEM;
	}
	return 0;
}

/* The handler of every option kind; opt_defs maps names to kinds. */
static int (*const opt_handlers[])(struct opt_ctx *c) = {
	[O_KEY] = h_key,
	[O_KEYFILE] = h_keyfile,
	[O_MODPARAM] = h_modparam,
	[O_PW_DIRECT] = h_pw,
	[O_PW_FILE] = h_pw,
	[O_PW_FD] = h_pw,
	[O_PW_TYPE] = h_pw_type,
	[O_SALT] = h_salt,
	[O_SIG] = h_sig,
	[O_FNEK_SIG] = h_fnek_sig,
	[O_CIPHER] = h_cipher,
	[O_FN_CIPHER] = h_cipher,
	[O_KEY_BYTES] = h_key_bytes,
	[O_FN_KEY_BYTES] = h_key_bytes,
	[O_VERBOSITY] = h_verbosity,
	[O_PASSTHROUGH] = h_flag,
	[O_XATTR] = h_flag,
	[O_XATTR_META] = h_flag,
	[O_ENC_VIEW] = h_flag,
	[O_FNE] = h_flag,
	[O_UNLINK_SIGS] = h_flag,
	[O_AUTH_TOK_ONLY] = h_flag,
	[O_CHECK_DEV_RUID] = h_flag,
	[O_LONG_NAMES] = h_flag,
	[O_NO_SIG_CACHE] = h_flag,
	[O_VERBOSE] = h_flag,
	[O_NO_PROMPT] = h_flag,
	[O_REMOUNT] = h_flag,
	[O_MS_SET] = h_ms_set,
	[O_MS_CLEAR] = h_ms_clear,
	[O_IGNORE] = h_ignore,
	[O_LSM] = h_lsm,
};
ECFS_BUILD_ASSERT(sizeof(opt_handlers) / sizeof(opt_handlers[0]) == O_COUNT);

/* Check the option's shape (name known, value present or not), then run its handler. */
static int apply_one(struct et_mount_cfg *cfg, struct et_keyspec **cur,
		     const struct et_kv *kv, const struct et_kv *prev, enum et_src src,
		     char *err, size_t errlen)
{
	const struct opt_def *d = opt_lookup(kv->name);
	const struct opt_def *pd = prev ? opt_lookup(prev->name) : NULL;
	struct opt_ctx c = {
		.cfg = cfg, .cur = cur, .k = *cur ? *cur : &cfg->loose, .d = d, .kv = kv,
		.v = kv->value, .b = 1, .src = src, .err = err, .errlen = errlen,
	};

	if (!d && pd && pd->id == O_PW_DIRECT) {
		/* Most likely the rest of a passphrase: do not print it. */
		ecfs_errbuf(err, errlen, "%s: unknown option after '%s=' (a passphrase given there cannot contain ',' or ':'; use passphrase_passwd_file= or passphrase_passwd_fd=)",
			src_name(src), pd->name);
		return -EINVAL;
	}
	if (!d) {
		ecfs_errbuf(err, errlen, "%s: unknown option '%s'", src_name(src), kv->name);
		return -EINVAL;
	}
	if (d->arg == A_NONE && c.v) {
		ecfs_errbuf(err, errlen, "%s: option '%s' takes no value", src_name(src), d->name);
		return -EINVAL;
	}
	if (d->arg == A_VALUE && !c.v) {
		ecfs_errbuf(err, errlen, "%s: option '%s' needs a value ('%s=...')", src_name(src), d->name,
			d->name);
		return -EINVAL;
	}
	if (d->arg == A_BOOL) {
		c.b = parse_bool(c.v);
		if (c.b < 0) {
			ecfs_errbuf(err, errlen, "%s: option '%s' takes y or n, not '%s'", src_name(src),
				d->name, c.v);
			return -EINVAL;
		}
	}
	if (!opt_handlers[d->id]) {
		/* Every option kind has a handler; reaching here is a bug. */
		ecfs_errbuf(err, errlen, "internal error handling option '%s'", d->name);
		return -EINVAL;
	}
	return opt_handlers[d->id](&c);
}

int et_cfg_apply(struct et_mount_cfg *cfg, const struct et_optlist *l, enum et_src src,
		 char *err, size_t errlen)
{
	struct et_keyspec *cur = NULL;
	size_t i;
	int rc;

	for (i = 0; i < l->n; i++) {
		rc = apply_one(cfg, &cur, &l->v[i], i ? &l->v[i - 1] : NULL, src, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* Hand @from's passphrase source and salt to @to (moving, not copying). */
static void keyspec_take(struct et_keyspec *to, struct et_keyspec *from, int override)
{
	if (from->method != ET_PW_NONE && (override || to->method == ET_PW_NONE)) {
		keyspec_clear_pw(to);
		to->method = from->method;
		to->pw_value = from->pw_value;
		to->pw_from_cmdline = from->pw_from_cmdline;
		from->pw_value = NULL;
		from->method = ET_PW_NONE;
	}
	if (from->salt_hex && (override || !to->salt_hex)) {
		free(to->salt_hex);
		to->salt_hex = from->salt_hex;
		from->salt_hex = NULL;
	}
	to->used = 1;
}

#define TAKE_STR(f)					\
	do {						\
		if (cl->f) {				\
			out->f = cl->f;			\
			cl->f = NULL;			\
		} else {				\
			out->f = rc->f;			\
			rc->f = NULL;			\
		}					\
	} while (0)

#define TAKE_TRI(f) (out->f = cl->f != ET_UNSET ? cl->f : rc->f)

int et_cfg_merge(struct et_mount_cfg *out, struct et_mount_cfg *rc, struct et_mount_cfg *cl)
{
	struct et_mount_cfg *keysrc = (cl->nkeys || cl->nsigs) ? cl : rc;
	size_t i;
	int err;

	TAKE_STR(cipher);
	TAKE_STR(fn_cipher);
	out->key_bytes = cl->key_bytes ? cl->key_bytes : rc->key_bytes;
	out->fn_key_bytes = cl->fn_key_bytes ? cl->fn_key_bytes : rc->fn_key_bytes;
	TAKE_TRI(passthrough);
	TAKE_TRI(xattr);
	TAKE_TRI(encrypted_view);
	TAKE_TRI(fne);
	TAKE_TRI(verbosity);
	memcpy(out->fnek_sig, cl->fnek_sig[0] ? cl->fnek_sig : rc->fnek_sig, ECFS_SIG_SIZE_HEX + 1);
	out->unlink_sigs = rc->unlink_sigs | cl->unlink_sigs;
	out->auth_tok_only = rc->auth_tok_only | cl->auth_tok_only;
	out->check_dev_ruid = rc->check_dev_ruid | cl->check_dev_ruid;
	out->long_names = rc->long_names | cl->long_names;
	out->no_sig_cache = rc->no_sig_cache | cl->no_sig_cache;
	out->no_prompt = rc->no_prompt | cl->no_prompt;
	out->verbose = rc->verbose | cl->verbose;
	out->remount = rc->remount | cl->remount;
	out->ms_set = (rc->ms_set & ~cl->ms_clear) | cl->ms_set;
	out->ms_clear = (rc->ms_clear & ~cl->ms_set) | cl->ms_clear;

	for (i = 0; i < rc->lsm.n + cl->lsm.n; i++) {
		struct et_kv *kv = i < rc->lsm.n ? &rc->lsm.v[i] : &cl->lsm.v[i - rc->lsm.n];

		err = optlist_push(&out->lsm, kv->name, kv->value);
		if (err)
			goto out;
		kv->name = NULL;
		kv->value = NULL;
	}

	for (i = 0; i < keysrc->nkeys; i++) {
		out->keys[i] = keysrc->keys[i];
		memset(&keysrc->keys[i], 0, sizeof(keysrc->keys[i]));
	}
	out->nkeys = keysrc->nkeys;
	keysrc->nkeys = 0;
	memcpy(out->sigs, keysrc->sigs, sizeof(out->sigs));
	out->nsigs = keysrc->nsigs;

	/*
	 * Loose key parameters (passwd_file= without key=) complete the first
	 * key; with only a signature they mean a passphrase key besides it.
	 */
	if (!out->nkeys && (rc->loose.used || cl->loose.used || !out->nsigs)) {
		out->nkeys = 1;
		out->keys[0].used = 1;
	}
	if (out->nkeys) {
		keyspec_take(&out->keys[0], &rc->loose, 0);
		keyspec_take(&out->keys[0], &cl->loose, 1);
	}
	err = 0;
out:
	et_cfg_free(rc);
	et_cfg_free(cl);
	return err;
}

struct strbuf {
	char *s;
	size_t len;
	size_t cap;
	int oom;
};

static void sb_add(struct strbuf *b, const char *sep, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void sb_add(struct strbuf *b, const char *sep, const char *fmt, ...)
{
	va_list ap;
	char *piece;
	size_t need;

	if (b->oom)
		return;
	va_start(ap, fmt);
	if (vasprintf(&piece, fmt, ap) < 0) {
		va_end(ap);
		b->oom = 1;
		return;
	}
	va_end(ap);
	if (!b->len)
		sep = "";
	need = b->len + strlen(sep) + strlen(piece) + 1;
	if (need > b->cap) {
		size_t ncap = need * 2;
		char *ns = realloc(b->s, ncap);

		if (!ns) {
			free(piece);
			b->oom = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	b->len += (size_t)sprintf(b->s + b->len, "%s%s", sep, piece);
	free(piece);
}

int et_cfg_missing(const struct et_mount_cfg *cfg, char **missing)
{
	struct strbuf b = { 0 };
	size_t i;

	*missing = NULL;
	for (i = 0; i < cfg->nkeys; i++) {
		/* A module key's passphrase is optional; its module decides. */
		if (cfg->keys[i].method != ET_PW_NONE || cfg->keys[i].module)
			continue;
		if (cfg->nkeys == 1)
			sb_add(&b, ", ", "the passphrase (passphrase_passwd_file=, passphrase_passwd_fd= or passphrase_passwd=)");
		else
			sb_add(&b, ", ", "the passphrase of key %zu (passphrase_passwd_file=, passphrase_passwd_fd= or passphrase_passwd=)",
			       i + 1);
	}
	if (!cfg->cipher)
		sb_add(&b, ", ", ECFS_OPT_CIPHER "=");
	if (!cfg->key_bytes)
		sb_add(&b, ", ", ECFS_OPT_KEY_BYTES "=");
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	*missing = b.s;
	return 0;
}

static int sig_seen(char list[][ECFS_SIG_SIZE_HEX + 1], size_t n, const char *sig)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], sig))
			return 1;
	return 0;
}

int et_cfg_kernel_opts(const struct et_mount_cfg *cfg, char key_sigs[][ECFS_SIG_SIZE_HEX + 1],
		       char **opts, char *err, size_t errlen)
{
	char all[2 * ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	const struct ecfs_cipher *c, *fc;
	struct strbuf b = { 0 };
	const char *fnek = NULL;
	size_t n = 0, i;

	*opts = NULL;
	if (!cfg->cipher || !cfg->key_bytes || (cfg->nkeys == 0 && cfg->nsigs == 0)) {
		ecfs_errbuf(err, errlen, "a mandatory option is missing (key, ecryptfs_cipher= or ecryptfs_key_bytes=)");
		return -EINVAL;
	}
	c = ecfs_cipher_by_name(cfg->cipher);
	if (!c || !ecfs_cipher_helper_key_ok(c, (size_t)cfg->key_bytes)) {
		ecfs_errbuf(err, errlen, ECFS_OPT_KEY_BYTES "=%d is not a valid key size for cipher %s",
			cfg->key_bytes, cfg->cipher);
		return -EINVAL;
	}
	fc = cfg->fn_cipher ? ecfs_cipher_by_name(cfg->fn_cipher) : c;
	if (cfg->fn_key_bytes && (!fc || !ecfs_cipher_helper_key_ok(fc, (size_t)cfg->fn_key_bytes))) {
		ecfs_errbuf(err, errlen, ECFS_OPT_FN_KEY_BYTES "=%d is not a valid key size for cipher %s",
			cfg->fn_key_bytes, fc ? fc->name : "?");
		return -EINVAL;
	}
	if (cfg->fn_cipher && !cfg->fn_key_bytes && fc != c &&
	    !ecfs_cipher_helper_key_ok(fc, (size_t)cfg->key_bytes)) {
		ecfs_errbuf(err, errlen, ECFS_OPT_FN_CIPHER "=%s needs " ECFS_OPT_FN_KEY_BYTES "= (" ECFS_OPT_KEY_BYTES "=%d does not fit it)",
			cfg->fn_cipher, cfg->key_bytes);
		return -EINVAL;
	}
	if (cfg->fnek_sig[0] && cfg->fne == 0) {
		ecfs_errbuf(err, errlen, "ecryptfs_fnek_sig= given together with ecryptfs_enable_filename_crypto=n");
		return -EINVAL;
	}

	for (i = 0; i < cfg->nkeys; i++)
		if (!sig_seen(all, n, key_sigs[i]))
			memcpy(all[n++], key_sigs[i], ECFS_SIG_SIZE_HEX + 1);
	for (i = 0; i < cfg->nsigs; i++)
		if (!sig_seen(all, n, cfg->sigs[i]))
			memcpy(all[n++], cfg->sigs[i], ECFS_SIG_SIZE_HEX + 1);

	if (cfg->fnek_sig[0])
		fnek = cfg->fnek_sig;
	else if (cfg->fne == 1)
		fnek = all[0];	/* upstream's suggested default: the first FEKEK */
	if (!fnek && (cfg->fn_cipher || cfg->fn_key_bytes)) {
		ecfs_errbuf(err, errlen, "ecryptfs_fn_cipher=/ecryptfs_fn_key_bytes= need filename encryption (ecryptfs_fnek_sig= or ecryptfs_enable_filename_crypto=y)");
		return -EINVAL;
	}

	for (i = 0; i < n; i++)
		sb_add(&b, ",", ECFS_OPT_SIG "=%s", all[i]);
	sb_add(&b, ",", ECFS_OPT_CIPHER "=%s", cfg->cipher);
	sb_add(&b, ",", ECFS_OPT_KEY_BYTES "=%d", cfg->key_bytes);
	if (cfg->passthrough == 1)
		sb_add(&b, ",", ECFS_OPT_PASSTHROUGH);
	if (cfg->xattr == 1)
		sb_add(&b, ",", ECFS_OPT_XATTR_METADATA);
	if (cfg->encrypted_view == 1)
		sb_add(&b, ",", ECFS_OPT_ENCRYPTED_VIEW);
	if (fnek) {
		sb_add(&b, ",", ECFS_OPT_FNEK_SIG "=%s", fnek);
		if (cfg->fn_cipher)
			sb_add(&b, ",", ECFS_OPT_FN_CIPHER "=%s", cfg->fn_cipher);
		if (cfg->fn_key_bytes)
			sb_add(&b, ",", ECFS_OPT_FN_KEY_BYTES "=%d", cfg->fn_key_bytes);
	}
	/* Upstream always asks umount.ecryptfs to drop the keys again. */
	sb_add(&b, ",", ECFS_OPT_UNLINK_SIGS);
	if (cfg->auth_tok_only)
		sb_add(&b, ",", ECFS_OPT_AUTH_TOK_ONLY);
	if (cfg->check_dev_ruid)
		sb_add(&b, ",", ECFS_OPT_CHECK_DEV_RUID);
	/* Ours only; without a FNEK the kernel refuses it and says why. */
	if (cfg->long_names)
		sb_add(&b, ",", ECFS_OPT_LONG_NAMES);
	for (i = 0; i < cfg->lsm.n; i++) {
		if (cfg->lsm.v[i].value)
			sb_add(&b, ",", "%s=%s", cfg->lsm.v[i].name, cfg->lsm.v[i].value);
		else
			sb_add(&b, ",", "%s", cfg->lsm.v[i].name);
	}
	if (b.oom) {
		free(b.s);
		return -ENOMEM;
	}
	if (b.len > ET_KERNEL_OPTS_MAX) {
		ecfs_errbuf(err, errlen, "the kernel mount options would be %zu bytes, more than the %d the kernel accepts",
			b.len, ET_KERNEL_OPTS_MAX);
		free(b.s);
		return -E2BIG;
	}
	*opts = b.s;
	return 0;
}
