// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_pktlen.c - ecfs_pktlen_decode(); the encoding is canonical. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[2];
	size_t v;
	int n, m;

	n = ecfs_pktlen_decode(data, size, &v);
	if (n < 0)
		return 0;
	FUZZ_CHECK((size_t)n <= size && v <= ECFS_PKT_LEN_MAX);
	m = ecfs_pktlen_encode(out, sizeof(out), v);
	FUZZ_CHECK(m == n && !memcmp(out, data, (size_t)n));
	return 0;
}
