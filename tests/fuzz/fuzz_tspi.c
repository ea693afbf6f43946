// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tspi key module's parsers: sealed blobs (from lower files), token
 * blobs (from the keyring), unsealed key records (from the TSS), UUID
 * parameters (from mount options) and the helper's replies.
 */
#include "config.h"

#include <string.h>

#include "fuzz_common.h"
#include "keymods/pkcs11/p11_wire.h"
#include "kt_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t uuid[KT_UUID_LEN];
	char s[KT_UUID_HEX + 8], hex[KT_UUID_HEX + 1];
	struct p11w_msg m;
	size_t i;

	if (!kt_sealed_check(data, size))
		FUZZ_CHECK(size >= 12 + KT_MIN_MODULUS && size <= ECFS_KEYMOD_MAX_WRAPPED);
	if (!kt_blob_parse(data, size, uuid))
		FUZZ_CHECK(size == KT_UUID_LEN && !memcmp(uuid, data, size));
	if (!kt_record_check(data, size))
		FUZZ_CHECK(size >= 4 && size <= ECFS_KEYMOD_MAX_PLAIN);
	if (size < sizeof(s)) {
		memcpy(s, data, size);
		s[size] = '\0';
		if (!kt_uuid_parse(s, uuid)) {
			/* A parsed UUID prints back as the same digits, in lower case. */
			kt_uuid_format(uuid, hex);
			FUZZ_CHECK(strlen(s) == KT_UUID_HEX);
			for (i = 0; i < KT_UUID_HEX; i++)
				FUZZ_CHECK(hex[i] == (s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]));
		}
	}
	if (!p11w_decode(data, size, 1, &m))
		for (i = 0; i < m.n; i++)
			FUZZ_CHECK(m.f[i].p >= data && m.f[i].p + m.f[i].len <= data + size);
	return 0;
}
