// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_keymod_util.c - parameters and secrets in the key modules
 * (ecfs_keymod_util.h).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ecfs_errbuf.h"
#include "ecfs_keymod_util.h"

static int param_is(const struct ecfs_keymod_param *p, const char *name)
{
	return name && (!strcmp(name, p->name) || (p->alias && !strcmp(name, p->alias)));
}

const char *ecfs_keymod_kv_get(const struct ecfs_keymod_param *tab, size_t ntab,
			       const struct ecfs_keymod_kv *kv, size_t n, const char *name)
{
	const struct ecfs_keymod_param *p = NULL;
	size_t i;

	for (i = 0; i < ntab; i++)
		if (!strcmp(tab[i].name, name))
			p = &tab[i];
	for (i = 0; p && i < n; i++)
		if (param_is(p, kv[i].name))
			return kv[i].value;
	return NULL;
}

int ecfs_keymod_kv_check(const struct ecfs_keymod_param *tab, size_t ntab,
			 const struct ecfs_keymod_kv *kv, size_t n, const char *who,
			 char *err, size_t errlen)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ntab && !param_is(&tab[j], kv[i].name); j++)
			;
		if (j == ntab) {
			ecfs_errbuf(err, errlen, "%s: unknown parameter '%s'", who,
				    kv[i].name ? kv[i].name : "");
			return -EINVAL;
		}
	}
	return 0;
}

void ecfs_keymod_free_secret(uint8_t *p, size_t len)
{
	if (!p)
		return;
	explicit_bzero(p, len);
	(void)munlock(p, len);
	free(p);
}

void ecfs_keymod_release_blob(uint8_t *blob, size_t len)
{
	if (!blob)
		return;
	explicit_bzero(blob, len);
	free(blob);
}
