// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_frame.c - ecfs_frame_decode(); the first byte picks the direction.
 * Frames with a message, and bare 5-byte frames, re-encode identically.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[ECFS_PKT_LEN_MAX + 8];
	struct ecfs_frame f;
	unsigned int dir;
	int m;

	if (size < 1)
		return 0;
	dir = data[0] & 1 ? ECFS_FRAME_TO_KERNEL : ECFS_FRAME_FROM_KERNEL;
	data++;
	size--;
	if (ecfs_frame_decode(data, size, dir, &f))
		return 0;
	if (dir == ECFS_FRAME_TO_KERNEL)
		FUZZ_CHECK(size <= ECFS_MSG_MAX_WRITE_SIZE);
	if (f.has_msg)
		FUZZ_CHECK(f.data + f.data_len == data + size);
	else if (size != ECFS_MSG_CTL_SIZE)
		return 0;
	m = ecfs_frame_encode(out, sizeof(out), dir, &f);
	FUZZ_CHECK(m >= 0 && (size_t)m == size && !memcmp(out, data, size));
	return 0;
}
