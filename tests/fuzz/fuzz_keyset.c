// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_keyset.c - ecfs_keyset_decode(); the packets survive a round trip. */
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_keyset.h"

#define MAX_KEYS 4

static int same_key(const struct ecfs_key_packet *a,
		    const struct ecfs_key_packet *b)
{
	if (a->tag != b->tag || memcmp(a->sig, b->sig, sizeof(a->sig)))
		return 0;
	if (a->tag == ECFS_TAG_1)
		return a->u.t1.enc_key_len == b->u.t1.enc_key_len &&
		       a->u.t1.pk_algo == b->u.t1.pk_algo &&
		       !memcmp(a->u.t1.enc_key, b->u.t1.enc_key, a->u.t1.enc_key_len);
	return a->u.t3.enc_key_len == b->u.t3.enc_key_len &&
	       a->u.t3.fek_len == b->u.t3.fek_len &&
	       a->u.t3.cipher_code == b->u.t3.cipher_code &&
	       a->u.t3.count == b->u.t3.count &&
	       !memcmp(a->u.t3.salt, b->u.t3.salt, sizeof(a->u.t3.salt)) &&
	       !memcmp(a->u.t3.enc_key, b->u.t3.enc_key, a->u.t3.enc_key_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ecfs_key_packet kps[MAX_KEYS], again[MAX_KEYS];
	static uint8_t out[MAX_KEYS * 600];
	size_t n, n2, i;
	int len, m;

	len = ecfs_keyset_decode(data, size, kps, MAX_KEYS, &n);
	if (len < 0)
		return 0;
	FUZZ_CHECK((size_t)len <= size && n >= 1 && n <= MAX_KEYS);
	m = ecfs_keyset_encode(out, sizeof(out), kps, n);
	FUZZ_CHECK(m == len + 1 && out[m - 1] == 0);
	FUZZ_CHECK(ecfs_keyset_decode(out, (size_t)m, again, MAX_KEYS, &n2) == len);
	FUZZ_CHECK(n2 == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(same_key(&kps[i], &again[i]));
	return 0;
}
