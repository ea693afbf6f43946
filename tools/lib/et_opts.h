/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount.ecryptfs options: upstream's names and syntax, read from
 * ~/.ecryptfsrc and from -o, merged (the command line wins), checked,
 * and turned into the kernel's option string. Nothing here prompts or
 * touches the keyring, so all of it is unit-tested and fuzzed.
 */
#ifndef ET_OPTS_H
#define ET_OPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "ecfs_ciphertab.h"	/* the cipher table the prompts and checks use */
#include "ecfs_authtok.h"

#define ET_MAX_KEYS		8
/*
 * Room for any message of tools/lib (the ecfs_errbuf.h idiom): a message
 * quotes at most a path and a file name or one option value, so none is
 * cut.
 */
#define ET_ERR_MAX		(2 * PATH_MAX)
/* The kernel copies at most one page of mount data. */
#define ET_KERNEL_OPTS_MAX	4095
/* Upstream's default FEKEK salt. */
#define ET_DEFAULT_SALT_HEX	"0011223344556677"

enum et_src {
	ET_SRC_NONE = 0,
	ET_SRC_RC,
	ET_SRC_CMDLINE,
};

/* One name[=value] token, in order of appearance. */
struct et_kv {
	char *name;
	char *value;		/* NULL when there was no '=' */
};

struct et_optlist {
	struct et_kv *v;
	size_t n;
	size_t cap;
};

enum et_pw_method {
	ET_PW_NONE = 0,
	ET_PW_DIRECT,		/* passphrase_passwd= / passwd= */
	ET_PW_FILE,		/* passphrase_passwd_file= / passwd_file= / passfile= */
	ET_PW_FD,		/* passphrase_passwd_fd= / passwd_fd= / passfd= */
};

#define ET_MAX_MODPARAMS	6

/* One key=passphrase or key=MODULE group. */
struct et_keyspec {
	int used;		/* a key= group, or loose parameters were seen */
	enum et_pw_method method;
	char *pw_value;		/* passphrase (secret), path or fd number */
	int pw_from_cmdline;	/* passwd= given in -o: warn about ps(1) */
	char *salt_hex;		/* NULL: default salt */
	/* key=MODULE other than passphrase (keymods/): NULL for passphrase keys. */
	char *module;
	char *keyfile;		/* keyfile= / openssl_keyfile= of a module key */
	/* Other parameters of a module key (id=, x509file=, ...), checked by the module. */
	char *mp_name[ET_MAX_MODPARAMS];
	char *mp_value[ET_MAX_MODPARAMS];
	size_t nmp;
};

/* Tri-state for y/n options. */
#define ET_UNSET	(-1)

struct et_mount_cfg {
	struct et_keyspec keys[ET_MAX_KEYS];
	size_t nkeys;
	struct et_keyspec loose;	/* key parameters seen outside key= */
	char sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];	/* ecryptfs_sig= */
	size_t nsigs;

	char *cipher;
	int key_bytes;		/* 0 = unset */
	int passthrough;
	int xattr;
	int encrypted_view;
	int fne;		/* ecryptfs_enable_filename_crypto */
	char fnek_sig[ECFS_SIG_SIZE_HEX + 1];
	char *fn_cipher;
	int fn_key_bytes;
	int unlink_sigs;
	int auth_tok_only;
	int check_dev_ruid;
	int long_names;		/* ecryptfs_long_names (ours only) */
	int no_sig_cache;
	int verbosity;		/* ET_UNSET, or the value of verbosity= */
	int no_prompt;
	int verbose;
	int remount;

	/* Generic options: MS_* flags to set and clear, in order. */
	unsigned long ms_set;
	unsigned long ms_clear;
	/* Options the kernel's LSMs understand, passed through verbatim. */
	struct et_optlist lsm;
};

/*
 * Split @str (@len bytes, no NUL needed) into name[=value] tokens and append
 * them to @out. Tokens are separated by ',' and newlines; "key=X:a=b:c=d"
 * expands to key=X, a=b, c=d; the first '=' splits name and value. In an rc
 * file (@rc_file) lines starting with '#' are comments. Nothing is ever
 * truncated. Returns 0, -ENOMEM, or -EINVAL with the reason in @err (@errlen bytes,
 * ET_ERR_MAX is enough for any).
 */
int et_opts_tokenize(const char *str, size_t len, int rc_file, struct et_optlist *out,
		     char *err, size_t errlen);
void et_optlist_free(struct et_optlist *l);

void et_cfg_init(struct et_mount_cfg *cfg);
void et_cfg_free(struct et_mount_cfg *cfg);

/*
 * Interpret tokens from one source into @cfg. Unknown options, bad values
 * and conflicting passphrase sources are errors naming the option.
 * Returns 0, -ENOMEM, or -EINVAL with the reason in @err.
 */
int et_cfg_apply(struct et_mount_cfg *cfg, const struct et_optlist *l, enum et_src src,
		 char *err, size_t errlen);

/*
 * Merge @rc and @cl into @out (which must be freshly initialised): the
 * command line wins for every scalar; if it names any key= or
 * ecryptfs_sig=, its keys replace those of the rc file. Loose key
 * parameters apply to the first key (rc first, then the command line).
 * With no key and no signature at all, one passphrase key is implied.
 * @rc and @cl are emptied. Returns 0 or -ENOMEM.
 */
int et_cfg_merge(struct et_mount_cfg *out, struct et_mount_cfg *rc, struct et_mount_cfg *cl);

/*
 * Names of the mandatory options still missing after merging (a passphrase
 * source per key, ecryptfs_cipher=, ecryptfs_key_bytes=) as one
 * comma-separated string in prompt order, NULL when nothing is missing.
 * Passthrough and filename encryption only default to "n", so they are
 * never missing. Returns 0 or -ENOMEM.
 */
int et_cfg_missing(const struct et_mount_cfg *cfg, char **missing);

/*
 * Kernel option string for the final configuration. @key_sigs holds the
 * signatures of cfg->keys (in order). Deduplicates signatures, always adds
 * ecryptfs_unlink_sigs as upstream does, never includes a secret. Returns
 * 0, -ENOMEM, -EINVAL (something mandatory missing) or -E2BIG when the
 * result would not fit in a page, with the reason in @err for the latter two.
 */
int et_cfg_kernel_opts(const struct et_mount_cfg *cfg, char key_sigs[][ECFS_SIG_SIZE_HEX + 1],
		       char **opts, char *err, size_t errlen);

/* Parse exactly 16 hex digits into 8 bytes. 0 or -EINVAL. */
int et_hex_to_salt(const char *hex, uint8_t salt[ECFS_SALT_SIZE]);

#endif /* ET_OPTS_H */
