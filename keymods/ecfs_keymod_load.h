/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_keymod_load.h - load key modules by name (ecfs_keymod.h) for
 * ecryptfsd and the tools.
 *
 * Modules come from one directory only: ECFS_KEYMOD_DIR, fixed at build
 * time.  The environment variable ECFS_KEYMOD_DIR_ENV replaces it for the
 * test suite; it is ignored in a set-uid/set-gid process (AT_SECURE) and
 * whenever the real and effective ids differ, so it is a test hook and
 * never a way to make a privileged program load foreign code.
 */
#ifndef ECFS_KEYMOD_LOAD_H
#define ECFS_KEYMOD_LOAD_H

#include <stddef.h>

#include "ecfs_keymod.h"

#define ECFS_KEYMOD_DIR_ENV	"ECFS_KEYMOD_DIR"

struct ecfs_keymod {
	void *handle;				/* dlopen() handle */
	const struct ecfs_keymod_ops *ops;
	char name[ECFS_KEYMOD_NAME_MAX + 1];
};

/* 1 when @name is 1..16 characters of [A-Za-z0-9_-], else 0. */
int ecfs_keymod_name_valid(const char *name);

/* The directory modules are loaded from (the override, if honoured). */
const char *ecfs_keymod_dir(void);

/*
 * Load the module @name.  On failure one line goes to @err:
 *   -EINVAL      the name is not valid
 *   -ENOENT      no such module in the directory
 *   -ELIBBAD     dlopen() failed, or the entry point is missing
 *   -EPROTO      the module was built for another major ABI version,
 *                lacks a mandatory operation, or its alias is not @name
 *   -ENOMEM
 */
int ecfs_keymod_load(const char *name, struct ecfs_keymod **out, char *err, size_t errlen);

/* Unload; safe on NULL. */
void ecfs_keymod_unload(struct ecfs_keymod *km);

#endif /* ECFS_KEYMOD_LOAD_H */
