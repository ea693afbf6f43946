// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fnek_name.c - ecfs_fnek_name_decode() on arbitrary lower names; a
 * decoded name re-encodes to a name that decodes to the same packet.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_b64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[ECFS_LOWER_NAME_MAX], buf2[ECFS_LOWER_NAME_MAX];
	char name[ECFS_LOWER_NAME_MAX + 1];
	struct ecfs_tag70 t, t2;
	int m;

	if (ecfs_fnek_name_decode((const char *)data, size, buf, sizeof(buf), &t))
		return 0;
	FUZZ_CHECK(size <= ECFS_LOWER_NAME_MAX);
	FUZZ_CHECK(t.ct >= buf && t.ct + t.ct_len <= buf + sizeof(buf));
	m = ecfs_fnek_name_encode(name, sizeof(name), &t);
	FUZZ_CHECK(m > 0);
	FUZZ_CHECK(!ecfs_fnek_name_decode(name, (size_t)m, buf2, sizeof(buf2), &t2));
	FUZZ_CHECK(t2.ct_len == t.ct_len && t2.cipher_code == t.cipher_code);
	FUZZ_CHECK(!memcmp(t2.ct, t.ct, t.ct_len));
	return 0;
}
