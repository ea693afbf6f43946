/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_errbuf.h - the one way user-space libraries hand a message back: a
 * negative errno as the return value and, when the caller gave a buffer,
 * a sentence naming the problem in it (the key-module ABI's err/errlen,
 * the daemon's transports, the loader).  The caller prints it, prefixed
 * with its program's name.  Header-only so that the key modules, which
 * link no library of ours but libecfs, share it too.
 */
#ifndef ECFS_ERRBUF_H
#define ECFS_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

static inline void ecfs_verrbuf(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static inline void ecfs_verrbuf(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
}

static inline void ecfs_errbuf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void ecfs_errbuf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecfs_verrbuf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif /* ECFS_ERRBUF_H */
