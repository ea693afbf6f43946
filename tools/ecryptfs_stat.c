// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-stat FILE...: print the header and key packets of eCryptfs lower
 * files, from the file header or from the user.ecryptfs xattr.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ecfs_kdf.h"
#include "ed_core.h"

#define PROG "ecryptfs-stat"

static void usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " FILE...\n"
		"Print the eCryptfs header (plaintext size, marker, version, flags, header\n"
		"extents) and the key packets of lower FILEs; the metadata is read from the\n"
		"file header or, failing that, from the user.ecryptfs xattr.\n");
}

static void print_flags(uint32_t flags)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ ECFS_HDR_FLAG_HMAC, "HMAC" },
		{ ECFS_HDR_FLAG_ENCRYPTED, "ENCRYPTED" },
		{ ECFS_HDR_FLAG_METADATA_IN_XATTR, "METADATA_IN_XATTR" },
		{ ECFS_HDR_FLAG_ENCRYPT_FILENAMES, "ENCRYPT_FILENAMES" },
	};
	const char *sep = "";
	size_t i;

	printf("Flags:              0x%02x (", (unsigned int)flags);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = " ";
		}
	}
	if (flags & ~(uint32_t)ECFS_HDR_FLAGS_KNOWN)
		printf("%sunknown 0x%x", sep, (unsigned int)(flags & ~(uint32_t)ECFS_HDR_FLAGS_KNOWN));
	printf(")\n");
}

static void print_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void print_packets(const struct ed_meta *m)
{
	char hex[ECFS_SIG_SIZE_HEX + 1];
	size_t i;

	printf("Key packets:        %zu\n", m->nkps);
	for (i = 0; i < m->nkps; i++) {
		const struct ecfs_key_packet *kp = &m->kps[i];

		ecfs_sig_to_hex(kp->sig, hex);
		if (kp->tag == ECFS_TAG_3) {
			const struct ecfs_tag3 *t = &kp->u.t3;

			printf("  [%zu] tag 3 (passphrase-wrapped FEK): cipher %s (code 0x%02x), "
			       "key size %zu, encrypted key %zu bytes, salt ", i + 1,
			       ed_cipher_name(t->cipher_code), t->cipher_code, t->fek_len,
			       t->enc_key_len);
			print_hex(t->salt, sizeof(t->salt));
			printf(", S2K count 0x%02x, sig %s\n", t->count, hex);
		} else {
			printf("  [%zu] tag 1 (public-key-wrapped FEK): key id %s, algorithm %u, "
			       "encrypted key %zu bytes\n", i + 1, hex, kp->u.t1.pk_algo,
			       kp->u.t1.enc_key_len);
		}
	}
}

static int stat_one(const char *path)
{
	struct ed_meta *m = NULL;
	uint64_t n_ext, need;
	struct ed_err e;
	struct stat st;
	uint8_t hdr[16];
	ssize_t got;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto out;
	}
	m = malloc(sizeof(*m));
	if (!m) {
		rc = -ENOMEM;
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	printf("File:               %s\n", path);
	printf("Lower size:         %lld\n", (long long)st.st_size);
	got = pread(fd, hdr, sizeof(hdr), 0);
	rc = ed_meta_read(fd, m, &e);
	if (rc) {
		if (got == (ssize_t)sizeof(hdr) && !ecfs_header_has_marker(hdr, sizeof(hdr)))
			printf("Marker:             BAD (0x%02x%02x%02x%02x 0x%02x%02x%02x%02x)\n",
			       hdr[8], hdr[9], hdr[10], hdr[11], hdr[12], hdr[13], hdr[14],
			       hdr[15]);
		fprintf(stderr, PROG ": %s: %s\n", path, e.msg);
		goto out;
	}
	if (m->in_xattr)
		printf("Metadata:           in the user.ecryptfs xattr (%zu bytes)\n",
		       m->meta_len);
	else
		printf("Metadata:           in the file header (%zu bytes, packets end at %zu)\n",
		       m->h.metadata_size, m->meta_len);
	printf("Plaintext size:     %llu\n", (unsigned long long)m->h.file_size);
	printf("Marker:             ok (m1 0x%08x, m2 = m1 ^ 0x%08x)\n",
	       (unsigned int)m->h.marker1, ECFS_MARKER_MAGIC);
	printf("Version:            %u\n", m->h.version);
	print_flags(m->h.flags);
	if (m->h.version >= 1) {
		printf("Header extent size: %u\n", (unsigned int)m->h.extent_size);
		printf("Header extents:     %u\n", (unsigned int)m->h.num_extents);
	}
	n_ext = m->h.file_size / ECFS_EXTENT_SIZE + !!(m->h.file_size % ECFS_EXTENT_SIZE);
	printf("Data extents:       %llu", (unsigned long long)n_ext);
	if (n_ext <= (UINT64_MAX - m->data_off) / ECFS_EXTENT_SIZE) {
		need = m->data_off + n_ext * ECFS_EXTENT_SIZE;
		printf(" (from offset %llu; %s)\n", (unsigned long long)m->data_off,
		       (uint64_t)st.st_size >= need ? "complete" : "TRUNCATED");
	} else {
		printf(" (IMPOSSIBLE size)\n");
	}
	print_packets(m);
	rc = 0;
out:
	free(m);
	if (fd >= 0)
		close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (i > 1)
			printf("\n");
		if (stat_one(argv[i]))
			status = 1;
	}
	return status;
}
