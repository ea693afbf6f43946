// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ecfs_header.h"
#include "ecfs_kdf.h"
#include "et_keyring.h"
#include "ecfs_errbuf.h"
#include "et_lowercheck.h"

#define MAX_FILE_KEYS	8
/* Enough for the header, key packets of 8 keys and the xattr form. */
#define META_READ	4096

size_t et_lower_file_sigs(const unsigned char *buf, size_t len, int xattr,
			  char out[][ECFS_SIG_SIZE_HEX + 1], size_t max)
{
	struct ecfs_key_packet kps[MAX_FILE_KEYS];
	struct ecfs_header h;
	size_t n = 0, i;

	if (ecfs_metadata_decode(buf, len, xattr ? 0 : ECFS_HDR_CHECK_SIZE, &h, kps,
				 MAX_FILE_KEYS, &n) < 0)
		return 0;
	for (i = 0; i < n && i < max; i++)
		ecfs_sig_to_hex(kps[i].sig, out[i]);
	explicit_bzero(kps, sizeof(kps));
	return i < max ? i : max;
}

static int usable(const char *sig, char key_sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nkeys,
		  char sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nsigs)
{
	size_t i;

	for (i = 0; i < nkeys; i++)
		if (!strcmp(sig, key_sigs[i]))
			return 1;
	for (i = 0; i < nsigs; i++)
		if (!strcmp(sig, sigs[i]))
			return 1;
	/* The kernel also finds keys already in the keyring. */
	return et_key_find(sig) >= 0;
}

struct scan {
	size_t files;		/* eCryptfs files seen */
	size_t read;		/* files whose metadata was read */
	int ok;
	char first_name[256];
	char first_sig[ECFS_SIG_SIZE_HEX + 1];
};

static void check_file(int dfd, const char *name, struct scan *s,
		       char key_sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nkeys,
		       char sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nsigs)
{
	unsigned char buf[META_READ];
	char fs[MAX_FILE_KEYS][ECFS_SIG_SIZE_HEX + 1];
	ssize_t got;
	size_t n, i;
	int fd, xattr = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	s->read++;
	got = pread(fd, buf, sizeof(buf), 0);
	n = got > 0 ? et_lower_file_sigs(buf, (size_t)got, 0, fs, MAX_FILE_KEYS) : 0;
	if (!n) {
		got = fgetxattr(fd, "user.ecryptfs", buf, sizeof(buf));
		xattr = 1;
		n = got > 0 ? et_lower_file_sigs(buf, (size_t)got, xattr, fs, MAX_FILE_KEYS) : 0;
	}
	close(fd);
	if (!n)
		return;
	s->files++;
	if (!s->first_name[0]) {
		snprintf(s->first_name, sizeof(s->first_name), "%s", name);
		memcpy(s->first_sig, fs[0], sizeof(s->first_sig));
	}
	for (i = 0; i < n; i++)
		if (usable(fs[i], key_sigs, nkeys, sigs, nsigs))
			s->ok = 1;
}

static int scan_dir(int dfd, int depth, struct scan *s, char key_sigs[][ECFS_SIG_SIZE_HEX + 1],
		    size_t nkeys, char sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nsigs)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return -errno;
	}
	while (!s->ok && s->read < ET_LOWERCHECK_MAX_FILES && (de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISREG(st.st_mode)) {
			check_file(dirfd(d), de->d_name, s, key_sigs, nkeys, sigs, nsigs);
		} else if (S_ISDIR(st.st_mode) && depth > 0) {
			int sub = openat(dirfd(d), de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0)
				scan_dir(sub, depth - 1, s, key_sigs, nkeys, sigs, nsigs);
		}
	}
	closedir(d);
	return 0;
}

int et_lowercheck(const char *lower, char key_sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nkeys,
		  char sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nsigs, char *err, size_t errlen)
{
	struct scan s;
	int dfd, rc;

	memset(&s, 0, sizeof(s));
	ecfs_errbuf(err, errlen, "%s", "");
	dfd = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		rc = -errno;
		ecfs_errbuf(err, errlen, "cannot read lower directory %s: %s", lower, strerror(-rc));
		return rc;
	}
	rc = scan_dir(dfd, 1, &s, key_sigs, nkeys, sigs, nsigs);
	if (rc || !s.files || s.ok)
		return rc;
	ecfs_errbuf(err, errlen,
		    "none of the %zu encrypted files checked in %s can be decrypted with key %s%s (e.g. %s was written with key %s): wrong passphrase or salt?",
		    s.files, lower, nkeys ? key_sigs[0] : sigs[0],
		    nkeys + nsigs > 1 ? " or the other keys given" : "", s.first_name,
		    s.first_sig);
	return -ENOKEY;
}
