// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Key-module loader.  The checks follow the order a failure is easiest to
 * understand in: name, file, entry point, ABI major, mandatory operations.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecfs_errbuf.h"
#include "ecfs_authtok.h"
#include "ecfs_keymod_load.h"

/* The module ABI header stands alone; its limits are the token's. */
ECFS_BUILD_ASSERT(ECFS_KEYMOD_NAME_MAX == ECFS_AUTHTOK_NAME_MAX);
ECFS_BUILD_ASSERT(ECFS_KEYMOD_MAX_BLOB == ECFS_AUTHTOK_MAX_DATA);
ECFS_BUILD_ASSERT(ECFS_KEYMOD_SIG_HEX == ECFS_SIG_SIZE_HEX);

#ifndef ECFS_KEYMOD_DIR
#error "ECFS_KEYMOD_DIR must be defined by the build"
#endif

int ecfs_keymod_name_valid(const char *name)
{
	/* The module name is the token's pki_type: one rule for both. */
	return ecfs_authtok_name_valid(name);
}

/* The override is for the test suite of an unprivileged build only. */
static int override_allowed(void)
{
	if (getauxval(AT_SECURE))
		return 0;
	return getuid() == geteuid() && getgid() == getegid();
}

const char *ecfs_keymod_dir(void)
{
	const char *d;

	if (override_allowed()) {
		d = getenv(ECFS_KEYMOD_DIR_ENV);
		if (d && d[0] == '/')
			return d;
	}
	return ECFS_KEYMOD_DIR;
}

/*
 * A module runs with the daemon's (often root's) privileges: only load
 * one that nobody but root can have put or changed there.  The file is
 * checked through the descriptor that is then loaded, so it cannot be
 * swapped between the check and dlopen().
 */
static int trusted(const char *what, const char *path, const struct stat *sb,
		   const char *mod, char *err, size_t errlen)
{
	if (sb->st_uid != 0) {
		ecfs_errbuf(err, errlen,
			"refusing key module %s: %s %s is owned by uid %u, not by root",
			mod, what, path, (unsigned int)sb->st_uid);
		return -EPERM;
	}
	if (sb->st_mode & (S_IWGRP | S_IWOTH)) {
		ecfs_errbuf(err, errlen,
			"refusing key module %s: %s %s is writable by group or others (mode %04o)",
			mod, what, path, (unsigned int)(sb->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int open_trusted(const char *dir, const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int fd, r;

	if (stat(dir, &sb)) {
		r = -errno;
		ecfs_errbuf(err, errlen, "key module directory %s: %s", dir, strerror(errno));
		return r;
	}
	r = trusted("directory", dir, &sb, path, err, errlen);
	if (r)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		if (errno == ELOOP)
			ecfs_errbuf(err, errlen, "refusing key module %s: it is a symbolic link", path);
		return r;
	}
	if (fstat(fd, &sb)) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		ecfs_errbuf(err, errlen, "refusing key module %s: not a regular file", path);
		return -EPERM;
	}
	r = trusted("file", path, &sb, path, err, errlen);
	if (r) {
		close(fd);
		return r;
	}
	return fd;
}

static int ops_complete(const struct ecfs_keymod_ops *o)
{
	return o->alias && o->params && o->build_token && o->key_sig && o->wrap &&
	       o->unwrap && o->free_secret && o->release_blob;
}

int ecfs_keymod_load(const char *name, struct ecfs_keymod **out, char *err, size_t errlen)
{
	char path[PATH_MAX], fdpath[64];
	const char *dir = ecfs_keymod_dir();
	struct ecfs_keymod *km = NULL;
	ecfs_keymod_get_ops_fn get_ops;
	const struct ecfs_keymod_ops *ops;
	void *h;
	int n, r, fd;

	*out = NULL;
	if (!ecfs_keymod_name_valid(name)) {
		ecfs_errbuf(err, errlen, "invalid key module name (1-%d characters of A-Z a-z 0-9 _ -)",
			ECFS_KEYMOD_NAME_MAX);
		return -EINVAL;
	}
	n = snprintf(path, sizeof(path), "%s/" ECFS_KEYMOD_PREFIX "%s" ECFS_KEYMOD_SUFFIX,
		     dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		ecfs_errbuf(err, errlen, "key module path too long");
		return -ENAMETOOLONG;
	}
	if (err && errlen)
		err[0] = '\0';
	fd = open_trusted(dir, path, err, errlen);
	if (fd < 0) {
		if (fd == -ENOENT) {
			ecfs_errbuf(err, errlen, "no key module '%s' (%s not found)", name, path);
		} else if (err && errlen && !err[0]) {
			ecfs_errbuf(err, errlen, "cannot open key module %s: %s", path,
				strerror(-fd));
		}
		return fd;
	}
	/*
	 * RTLD_NOW: an unresolved symbol fails here, not in the middle of a
	 * request.  Through /proc/self/fd: the file loaded is the one checked.
	 */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	h = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	close(fd);
	if (!h) {
		ecfs_errbuf(err, errlen, "cannot load key module %s: %s", path, dlerror());
		return -ELIBBAD;
	}
	get_ops = (ecfs_keymod_get_ops_fn)dlsym(h, ECFS_KEYMOD_ENTRY);
	if (!get_ops) {
		ecfs_errbuf(err, errlen, "%s is not a key module: no %s()", path, ECFS_KEYMOD_ENTRY);
		r = -ELIBBAD;
		goto err;
	}
	ops = get_ops();
	if (!ops) {
		ecfs_errbuf(err, errlen, "key module %s returned no operations", path);
		r = -EPROTO;
		goto err;
	}
	if (ECFS_KEYMOD_ABI_MAJOR_OF(ops->abi_version) != ECFS_KEYMOD_ABI_MAJOR) {
		ecfs_errbuf(err, errlen,
			"key module %s was built for key-module ABI %u.%u; this program needs ABI %u.x",
			path, ECFS_KEYMOD_ABI_MAJOR_OF(ops->abi_version),
			ECFS_KEYMOD_ABI_MINOR_OF(ops->abi_version), ECFS_KEYMOD_ABI_MAJOR);
		r = -EPROTO;
		goto err;
	}
	if (!ops_complete(ops)) {
		ecfs_errbuf(err, errlen, "key module %s lacks a mandatory operation", path);
		r = -EPROTO;
		goto err;
	}
	if (strcmp(ops->alias, name)) {
		ecfs_errbuf(err, errlen, "key module %s calls itself '%s', not '%s'", path,
			ops->alias, name);
		r = -EPROTO;
		goto err;
	}
	km = calloc(1, sizeof(*km));
	if (!km) {
		r = -ENOMEM;
		goto err;
	}
	km->handle = h;
	km->ops = ops;
	memcpy(km->name, name, strlen(name) + 1);
	*out = km;
	return 0;
err:
	dlclose(h);
	return r;
}

void ecfs_keymod_unload(struct ecfs_keymod *km)
{
	if (!km)
		return;
	dlclose(km->handle);
	free(km);
}
