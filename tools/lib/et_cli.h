/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the small passphrase tools (upstream's behaviour). */
#ifndef ET_CLI_H
#define ET_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ecfs_authtok.h"
#include "et_secret.h"

/*
 * Get a passphrase: with @prompt, ask on the terminal without echo; with
 * NULL, read one line from stdin (the "-" mode). Prints why on failure.
 * Returns 0, -ENODATA (no input or empty), -EMSGSIZE (over 64 bytes), -errno.
 */
int et_cli_get_pass(const char *prog, const char *prompt, struct et_secret *s);

/* Passphrase given as an argument: copy it in, checking its length. */
int et_cli_arg_pass(const char *prog, const char *arg, struct et_secret *s);

/* The salt= of ~/.ecryptfsrc if there is a valid one, else the default. */
void et_cli_rc_salt(uint8_t salt[ECFS_SALT_SIZE]);

/* ~/.ecryptfs/wrapped-passphrase of the real user, if it exists. */
int et_cli_default_wrapped_file(char **path);

/*
 * The command line of the tools that only read a wrapped file:
 * PROG [FILE [- | WRAPPING_PASSPHRASE]]. Allocates @wpw, sets *@file (the
 * default ~/.ecryptfs/wrapped-passphrase without FILE) and reads the
 * wrapping passphrase: from the argument, from stdin with "-", else from a
 * prompt. Returns 0, 1 when the caller should print its usage, or -errno;
 * on any non-zero return *@file is NULL.
 */
int et_cli_wrapped_args(const char *prog, int argc, char **argv, char **file,
			struct et_secret *wpw);

/*
 * The front of the tools that unwrap a file (unwrap, insert-wrapped): the
 * command line of et_cli_wrapped_args(), then the file unwrapped with the
 * ~/.ecryptfsrc salt (also left in @salt) into @pw, *@len bytes.  A file
 * that does not unwrap is reported as et_cli_wrap_fail(@what).  Returns 0,
 * 1 when the caller should print its usage, or -errno.
 */
int et_cli_unwrap_args(const char *prog, const char *what, int argc, char **argv, char **file,
		       struct et_secret *wpw, struct et_secret *pw, size_t *len,
		       uint8_t salt[ECFS_SALT_SIZE]);

/*
 * The two passphrases of the tools that write a wrapped file (wrap,
 * rewrap) into @a and @b: "FILE P1 P2" (with a warning: others see them in
 * the process list) or "FILE -" (two lines of stdin).  Returns 1 when read,
 * 0 when the caller should prompt (FILE alone), -EINVAL when it should
 * print its usage.
 */
int et_cli_pass_pair(const char *prog, int argc, char **argv, struct et_secret *a,
		     struct et_secret *b);

/* "Error: @what failed [rc]" and "PROG: FILE: why" on stderr, as upstream's tools. */
void et_cli_wrap_fail(const char *prog, const char *what, const char *path, int rc);

/* True when the command line is just --help (or -h). */
bool et_cli_help(int argc, char **argv);

/* 1 if the loaded kernel module lacks filename encryption (unknown: 0). */
int et_cli_kernel_lacks_fnek(void);

/* Message for an ecfs_wrap_* error code. */
const char *et_cli_wrap_strerror(int rc);

#endif /* ET_CLI_H */
