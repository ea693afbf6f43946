/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ed_pkcli - the command-line side of the offline tools: load a PEM key,
 * asking for its passphrase from a file or the terminal; the key options
 * they share; errors reported in the tool's name.
 */
#ifndef ED_PKCLI_H
#define ED_PKCLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <openssl/types.h>

#include "ecryptfs_proto.h"
#include "ed_core.h"

/* Longest PEM passphrase read (OpenSSL's own limit is 1023). */
#define ED_PKCLI_PASS_MAX	1023

/*
 * Load @path; an encrypted private key is unlocked with the first line of
 * @passfile, else with a passphrase asked on the terminal.  With
 * @need_private a public key alone is refused.  Errors are printed.
 */
int ed_pkcli_load(const char *prog, const char *path, const char *passfile, bool need_private,
		  EVP_PKEY **pk);

/* ed_pkcli_load() with a private key, added to @ks for tag 1 packets. */
int ed_pk_add_recovery(struct ed_keys *ks, const char *path, const char *passfile,
		       const char *prog);

/* Read the first line of @path into @s (allocated with @cap); errors printed. */
struct et_secret;
int ed_pkcli_read_pass(const char *prog, const char *path, size_t cap, struct et_secret *s);

/*
 * The key options every offline tool that reads a lower tree takes
 * (ecryptfs-decrypt, -migrate, -rekey): mount passphrases from files,
 * wrapped passphrases with the login passphrase, recovery keys, the salt.
 * A tool puts ED_KEYARGS_LONG_OPTS in its option table, numbers its own
 * options from ED_OPT_KEYS_END, and hands every option to ed_keyargs_opt().
 */
enum {
	ED_OPT_PASSFILE = 256, ED_OPT_WRAPPED, ED_OPT_LOGIN, ED_OPT_RKEY, ED_OPT_RKEY_PASS,
	ED_OPT_SALT, ED_OPT_KEYS_END
};

#define ED_KEYARGS_LONG_OPTS \
	{ "passphrase-file", required_argument, NULL, ED_OPT_PASSFILE }, \
	{ "wrapped-passphrase", required_argument, NULL, ED_OPT_WRAPPED }, \
	{ "login-passphrase-file", required_argument, NULL, ED_OPT_LOGIN }, \
	{ "recovery-key", required_argument, NULL, ED_OPT_RKEY }, \
	{ "recovery-key-passphrase-file", required_argument, NULL, ED_OPT_RKEY_PASS }, \
	{ "salt", required_argument, NULL, ED_OPT_SALT }

struct ed_keyargs {
	const char *pass[ED_MAX_KEYS], *wrapped[ED_MAX_KEYS], *login;
	const char *rkeys[ED_MAX_PK], *rkey_pass;
	size_t n_pass, n_wrapped, n_rkeys;
	uint8_t salt[ECFS_SALT_SIZE];
};

/* No keys, upstream's default salt. */
void ed_keyargs_init(struct ed_keyargs *k);

/*
 * Take option @opt (getopt_long's value) with @arg when it is a key
 * option: 1 taken, 0 not a key option, -1 refused (message printed).
 */
int ed_keyargs_opt(const char *prog, struct ed_keyargs *k, int opt, const char *arg);

/* True when @k names at least one key. */
static inline bool ed_keyargs_any(const struct ed_keyargs *k)
{
	return k->n_pass || k->n_wrapped || k->n_rkeys;
}

/* Wrapped passphrases need the login passphrase and vice versa; else printed, -EINVAL. */
int ed_keyargs_check(const char *prog, const struct ed_keyargs *k);

/*
 * Read and derive every key of @k into @ks (@fnek: also as file-name keys).
 * 0 or a negative errno, the reason printed.
 */
int ed_keyargs_load(const char *prog, const struct ed_keyargs *k, struct ed_keys *ks, bool fnek);

/*
 * The end of every tool's option switch: --help prints usage on stdout
 * (exit 0), anything else on stderr (exit 2).  Returns the exit status.
 */
int ed_cli_usage_exit(int opt, void (*usage)(FILE *));

/*
 * One progress line on stderr, "\r[===   ] N/N files, X/Y MiB" (a newline
 * after it with @end).  The bar follows the bytes; with no bytes to do, the
 * files when @by_files, else it is full.
 */
void ed_progress_line(unsigned long done_files, unsigned long total_files,
		      unsigned long long done_bytes, unsigned long long total_bytes, bool by_files,
		      bool end);

/*
 * An output directory, mode 0700 while it is filled: 1 made, 0 it was
 * there already as a directory (its lstat in *@old), or -errno; -ENOTDIR
 * for anything else at @dst, a symlink included (never followed out of
 * the output tree).
 */
struct stat;
int ed_mkdir_out(const char *dst, struct stat *old);

/* Double @arr's capacity when @n elements fill it; NULL when out of memory. */
void *ed_grow(void *arr, size_t *cap, size_t n, size_t size);

#endif /* ED_PKCLI_H */
