// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_paper.c - the printable-form parser of ecryptfs-recovery-key
 * (tools/rk_paper.c): text typed back from paper.  A decoded key must
 * encode and decode again to the same bytes.
 */
#include <string.h>

#include "fuzz_common.h"
#include "rk_paper.h"

static uint8_t der[RK_PAPER_MAX_BYTES], again[RK_PAPER_MAX_BYTES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char type[RK_PAPER_TYPE_MAX], type2[RK_PAPER_TYPE_MAX], msg[256];
	char *text, *enc = NULL;
	size_t len = 0, len2 = 0;

	if (size > 256 * 1024)
		return 0;
	text = malloc(size + 1);
	FUZZ_CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';
	if (!rk_paper_decode(text, type, der, &len, msg, sizeof(msg))) {
		FUZZ_CHECK(len > 0 && len <= RK_PAPER_MAX_BYTES);
		FUZZ_CHECK(!rk_paper_encode(type, NULL, der, len, &enc));
		FUZZ_CHECK(!rk_paper_decode(enc, type2, again, &len2, msg, sizeof(msg)));
		FUZZ_CHECK(len2 == len && !memcmp(der, again, len) && !strcmp(type, type2));
		free(enc);
	}
	free(text);
	return 0;
}
