// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_wrap.c - ecfs_wrap_decode() on arbitrary wrapped-passphrase images,
 * with the wrapping passphrase "Wrapping pass".  Each input that passes the
 * format checks costs a full KDF (65536 SHA-512 rounds), so runs are slow
 * by nature; the format checks are what the fuzzer explores.
 */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t img[ECFS_WRAP_MAX_FILE];
	char pass[ECFS_WRAP_PASS_BUF], back[ECFS_WRAP_PASS_BUF];
	size_t len = 0, n = 0, blen = 0;
	int ver = 0;

	if (ecfs_wrap_decode(data, size, "Wrapping pass", 13, NULL, pass, &len, &ver) != 0)
		return 0;
	FUZZ_CHECK(ver == 1 || ver == 2);
	FUZZ_CHECK(len >= 1 && len <= 64 && strlen(pass) == len);
	/* Re-wrap as v2 with the file's salt (v2) and read it back. */
	if (ver == 2) {
		FUZZ_CHECK(ecfs_wrap_encode(pass, len, "Wrapping pass", 13, data + 2, img,
					    sizeof(img), &n) == 0);
		FUZZ_CHECK(ecfs_wrap_decode(img, n, "Wrapping pass", 13, NULL, back, &blen,
					    NULL) == 0);
		FUZZ_CHECK(blen == len && memcmp(back, pass, len) == 0);
	}
	return 0;
}
