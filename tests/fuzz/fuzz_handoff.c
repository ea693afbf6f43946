// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_handoff - the parser of the mount helper -> ecryptfsd handoff
 * frames (keymods/ecfs_handoff.c) on arbitrary input.
 *
 * Invariants: a frame that parses encodes back to exactly the same bytes
 * (the format has one encoding), and a parsed ADD's pointers lie inside
 * the input.
 */
#include "config.h"

#include <string.h>

#include "ecfs_handoff.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[ECFS_HANDOFF_MAX_FRAME];
	struct ecfs_handoff_msg m;
	size_t len = 0;

	if (ecfs_handoff_parse(data, size, &m))
		return 0;
	if (m.type == ECFS_HANDOFF_ADD) {
		FUZZ_CHECK(m.blob >= data && m.blob + m.blob_len <= data + size);
		FUZZ_CHECK(!m.secret_len || (m.secret >= data &&
					     m.secret + m.secret_len <= data + size));
	}
	FUZZ_CHECK(!ecfs_handoff_encode(&m, out, sizeof(out), &len));
	FUZZ_CHECK(len == size && !memcmp(out, data, size));
	return 0;
}
