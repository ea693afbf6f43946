// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_fname.c - ecfs_fname_peek() and ecfs_fname_decrypt() on arbitrary
 * lower names, with a fixed FNEK ("foo", the upstream quirk salt) for each
 * cipher code the packet may name.  A name that decrypts and verifies must
 * come back unchanged through encrypt + decrypt.  The same input, split at
 * its first NUL into a lower name and a record, goes through the long-name
 * codec (ours only): a record that checks must rebuild the lower name.
 */
#include <errno.h>
#include <string.h>

#include "fuzz_common.h"
#include "ecfs_fname.h"
#include "ecfs_kdf.h"

static struct ecfs_fname_key keys[ECFS_CID_COUNT];

static void fuzz_fname_init(void)
{
	static int done;
	uint8_t fnek[64], sig[8];
	unsigned int id;

	if (done)
		return;
	done = 1;
	FUZZ_CHECK(ecfs_kdf_fnek("foo", 3, fnek, sig) == 0);
	for (id = 0; id < ECFS_CID_COUNT; id++) {
		const struct ecfs_cipher *c = ecfs_cipher_by_id(id);
		size_t ks = c->id == ECFS_CID_DES3_EDE ? 24 : 16;

		FUZZ_CHECK(ecfs_fname_key_init(&keys[id], c, ks, fnek) == 0);
	}
}

static void fuzz_lname(const char *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t ll = nul ? (size_t)(nul - data) : size;
	const char *rec = nul ? nul + 1 : "";
	size_t rl = nul ? size - ll - 1 : 0, al = 0;
	char x[ECFS_LN_XATTR_NAME_MAX + 1], again[ECFS_LN_LOWER_MAX + 1];
	int slot = ecfs_lname_slot(data, ll);

	if (slot < 0) {
		FUZZ_CHECK(slot == -ENOENT || slot == -EINVAL);
		FUZZ_CHECK(ecfs_lname_xattr(data, ll, x, sizeof(x)) == -EINVAL);
		FUZZ_CHECK(ecfs_lname_check(data, ll, rec, rl) == -EINVAL);
		return;
	}
	FUZZ_CHECK(slot < ECFS_LN_SLOTS && ll <= ECFS_LN_LOWER_MAX);
	FUZZ_CHECK(ecfs_lname_xattr(data, ll, x, sizeof(x)) == 0);
	FUZZ_CHECK(strlen(x) == ECFS_LN_XATTR_PREFIX_LEN + ll - ECFS_LN_PREFIX_LEN);
	if (ecfs_lname_check(data, ll, rec, rl) != 0)
		return;
	FUZZ_CHECK(ecfs_lname_make(rec, rl, (unsigned int)slot, again, sizeof(again), &al) == 0);
	FUZZ_CHECK(al == ll && memcmp(again, data, ll) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[300], lower[300], again[300];
	const struct ecfs_cipher *c;
	unsigned int code = 0;
	size_t nl = 0, ll = 0, al = 0;
	uint8_t sig[8];
	int rc;

	fuzz_fname_init();
	fuzz_lname((const char *)data, size);
	if (ecfs_fname_peek((const char *)data, size, sig, &code) != 0)
		return 0;
	c = ecfs_cipher_by_code(code);
	FUZZ_CHECK(c != NULL);
	rc = ecfs_fname_decrypt(&keys[c->id], (const char *)data, size, ECFS_FNAME_VERIFY,
				name, sizeof(name), &nl);
	if (rc != 0) {
		FUZZ_CHECK(rc < 0);
		return 0;
	}
	FUZZ_CHECK(nl > 0 && nl < sizeof(name) && strlen(name) == nl);
	rc = ecfs_fname_encrypt(&keys[c->id], name, nl, lower, sizeof(lower), &ll);
	if (rc == -EINVAL)	/* '/' or "." / "..": never produced by the kernel */
		return 0;
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(ecfs_fname_decrypt(&keys[c->id], lower, ll, ECFS_FNAME_VERIFY, again,
				      sizeof(again), &al) == 0);
	FUZZ_CHECK(al == nl && memcmp(again, name, nl) == 0);
	return 0;
}
