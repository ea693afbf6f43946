// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_journal.c - the record parser of ecryptfs-rekey's crash journal
 * (tools/rk_journal.c), which reads whatever a crash left on disk.  A
 * record that decodes must encode to the same bytes, and classifying any
 * buffer against it must not read out of bounds.
 */
#include <string.h>

#include "fuzz_common.h"
#include "rk_journal.h"

static struct rk_record rec;
static uint8_t out[RK_JOURNAL_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int n;

	if (rk_record_decode(data, size, &rec))
		return 0;
	n = rk_record_encode(&rec, out, sizeof(out));
	FUZZ_CHECK(n > 0 && (size_t)n <= size && !memcmp(out, data, (size_t)n));
	(void)rk_classify(&rec, data, size < RK_META_SPAN ? size : RK_META_SPAN);
	(void)rk_classify(&rec, rec.new_, rec.new_len);
	return 0;
}
