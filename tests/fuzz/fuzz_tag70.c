// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_tag70.c - ecfs_tag70_decode(); re-encoding gives the same bytes. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[ECFS_PKT_LEN_MAX + 3];
	struct ecfs_tag70 t;
	int n, m;

	n = ecfs_tag70_decode(data, size, &t);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size);
	FUZZ_CHECK(t.ct >= data && t.ct + t.ct_len <= data + n);
	m = ecfs_tag70_encode(out, sizeof(out), &t);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
