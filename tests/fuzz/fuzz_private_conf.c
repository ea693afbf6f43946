// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_private_conf.c - the parsers of mount.ecryptfs_private over files a
 * user controls: ALIAS.sig, Private.mnt, ALIAS.conf, mountinfo and the
 * counter. Whatever they accept must satisfy the helper's invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mp_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *why = NULL;
	char sigs[MP_MAX_SIGS][MP_SIG_HEX + 1];
	char *a = NULL, *b = NULL;
	struct mp_mntinfo mi;
	int n;

	n = mp_parse_sigs(buf, size, sigs, &why);
	FUZZ_CHECK(n == -22 || (n >= 1 && n <= MP_MAX_SIGS));
	if (n > 0)
		FUZZ_CHECK(strlen(sigs[0]) == MP_SIG_HEX);
	if (mp_parse_mnt(buf, size, &a, &why) == 0) {
		FUZZ_CHECK(a[0] == '/');
		free(a);
	}
	a = NULL;
	if (mp_parse_conf(buf, size, &a, &b, &why) == 0) {
		FUZZ_CHECK(a[0] == '/' && b[0] == '/');
		free(a);
		free(b);
	}
	if (mp_mountinfo_by_id(buf, size, 42, &mi) == 0)
		mp_mntinfo_free(&mi);
	FUZZ_CHECK(mp_counter_parse(buf, size) >= 0);
	return 0;
}
