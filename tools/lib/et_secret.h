/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Locked, wiped buffers for passphrases and the ways a passphrase reaches
 * the tools: a terminal without echo, a pipe or file descriptor, a file.
 */
#ifndef ET_SECRET_H
#define ET_SECRET_H

#include <stddef.h>
#include <sys/types.h>

struct et_secret {
	char *buf;	/* cap + 1 bytes, locked, always NUL terminated */
	size_t cap;	/* longest content accepted */
	size_t len;
};

/* Allocate and mlock a buffer for up to @cap bytes. 0 or -errno. */
int et_secret_alloc(struct et_secret *s, size_t cap);
/* Wipe, unlock and free; safe on a zeroed or already freed secret. */
void et_secret_free(struct et_secret *s);
/* Copy @len bytes of @v in. -EMSGSIZE when longer than the capacity. */
int et_secret_set(struct et_secret *s, const char *v, size_t len);

/*
 * Read one line from @fd a byte at a time (so a second read on the same
 * pipe gets the next line) into @buf of @size bytes, without the '\n'.
 * Returns the length, -ENODATA at end of input before any byte,
 * -EMSGSIZE when the line does not fit (the rest of the line is consumed
 * and wiped), or -errno.
 */
ssize_t et_read_line(int fd, char *buf, size_t size);

/* et_read_line() into a secret. */
int et_secret_read_fd(int fd, struct et_secret *s);

/*
 * Print "@prompt: " on stdout and read a line from stdin with echo off
 * when stdin is a terminal. Echo is restored even on SIGINT/SIGTERM.
 */
int et_secret_prompt(const char *prompt, struct et_secret *s);

/* Read a line from stdin with echo on, after printing @prompt verbatim. */
ssize_t et_prompt_line(const char *prompt, char *buf, size_t size);

/* 1 when stdin is a terminal. */
int et_stdin_is_tty(void);

#endif /* ET_SECRET_H */
