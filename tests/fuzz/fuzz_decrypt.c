// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_decrypt.c - the per-file path of ecryptfs-decrypt (tools/ed_core.c)
 * on arbitrary input.  The first byte picks the entry point:
 *   0: the rest is a lower file: metadata, key choice, extent decryption;
 *   1: the rest is a user.ecryptfs xattr value;
 *   2: the rest is a lower name, then a symlink target, to decrypt.
 * The keys are passphrase "foo" with the default salt and its FNEK, so the
 * seeds (golden files written by the kernel) reach the decryption itself.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "ecfs_cipher.h"
#include "ecfs_kdf.h"
#include "ed_core.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct ed_keys keys;
static struct ed_worker worker;
static int null_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(ecfs_crypto_init() == 0);
	FUZZ_CHECK(ed_keys_init(&keys) == 0);
	FUZZ_CHECK(ed_keys_add(&keys, "foo", 3, ecfs_kdf_default_salt, true) == 0);
	FUZZ_CHECK(ed_worker_init(&worker) == 0);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	FUZZ_CHECK(null_fd >= 0);
	return 0;
}

static void fuzz_file(const uint8_t *data, size_t size)
{
	struct ed_err e;
	uint64_t out_size = 0;
	int fd, rc;

	fd = memfd_create("lower", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	rc = ed_decrypt_fd(&keys, fd, null_fd, &worker, &out_size, &e);
	/* Success means the input held every extent its header promised. */
	if (rc == 0)
		FUZZ_CHECK(out_size <= size);
	else
		FUZZ_CHECK(rc < 0 && memchr(e.msg, '\0', sizeof(e.msg)) && e.msg[0]);
	close(fd);
}

static void fuzz_xattr(const uint8_t *data, size_t size)
{
	struct ed_meta m;
	struct ed_err e;

	if (ed_meta_parse(data, size, true, &m, &e) == 0) {
		FUZZ_CHECK(m.nkps >= 1 && m.nkps <= ED_MAX_PACKETS);
		FUZZ_CHECK(m.meta_len <= size && m.data_off == 0);
	}
}

static void fuzz_names(const uint8_t *data, size_t size)
{
	char in[PATH_MAX], out[PATH_MAX];
	struct ed_err e;
	int rc;

	if (size >= sizeof(in))
		size = sizeof(in) - 1;
	memcpy(in, data, size);
	in[size] = '\0';
	rc = ed_name_decrypt(&keys, in, out, ECFS_LOWER_NAME_MAX + 1, &e);
	if (rc == 1)
		FUZZ_CHECK(!strchr(out, '/') && strcmp(out, ".") && strcmp(out, ".."));
	rc = ed_target_decrypt(&keys, in, out, sizeof(out), &e);
	if (rc >= 0)
		FUZZ_CHECK(strlen(out) < sizeof(out));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_file(data + 1, size - 1);
		break;
	case 1:
		fuzz_xattr(data + 1, size - 1);
		break;
	default:
		fuzz_names(data + 1, size - 1);
		break;
	}
	return 0;
}
