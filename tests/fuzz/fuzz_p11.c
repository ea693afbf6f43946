// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_p11 - the parsers of the pkcs11-helper key module on arbitrary
 * input: the helper's wire messages (keymods/pkcs11/p11_wire.c, both
 * directions), the keyring token blob and the serialized-id label.
 *
 * Invariants: a message that decodes encodes back to the same bytes, and
 * every parsed pointer lies inside the input.
 */
#include "config.h"

#include <string.h>

#include "keymods/pkcs11/keymod_pkcs11.h"
#include "keymods/pkcs11/p11_wire.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[P11W_MAX_MSG];
	struct kp_tok_view v;
	struct p11w_msg m;
	char label[64];
	int reply, n;
	size_t i;

	for (reply = 0; reply < 2; reply++) {
		if (p11w_decode(data, size, reply, &m))
			continue;
		for (i = 0; i < m.n; i++)
			FUZZ_CHECK(m.f[i].p >= data && m.f[i].p + m.f[i].len <= data + size);
		n = p11w_encode(&m, reply, out, sizeof(out));
		FUZZ_CHECK(n == (int)size && !memcmp(out, data, size));
	}
	if (!kp_tok_parse(data, size, &v)) {
		FUZZ_CHECK((const uint8_t *)v.id >= data && (const uint8_t *)v.id < data + size);
		FUZZ_CHECK(!v.cert || (v.cert >= data && v.cert + v.cert_len <= data + size));
		FUZZ_CHECK(!v.pin || (v.pin >= data && v.pin + v.pin_len <= data + size));
		FUZZ_CHECK(!kp_id_label(v.id, label, sizeof(label)));
		FUZZ_CHECK(strlen(label) < sizeof(label));
	}
	return 0;
}
