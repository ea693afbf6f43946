// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-random-passphrase: print a new mount passphrase, 32 hex digits
 * from 16 bytes of getrandom(2), for ecryptfs-setup-private (upstream ran
 * od on /dev/random). Only ever run with its output on a pipe.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#define RP_BYTES	16

int main(int argc, char **argv)
{
	unsigned char raw[RP_BYTES];
	char hex[2 * RP_BYTES + 2];
	size_t got = 0, i;
	int rc = 1;

	if (argc > 1) {
		printf("Usage: %s\nPrint a random 32-hex-digit eCryptfs mount passphrase "
		       "(used by ecryptfs-setup-private).\n", argv[0]);
		return strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ? 0 : 1;
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: refusing to print a passphrase on a terminal\n", argv[0]);
		return 1;
	}
	mlock(raw, sizeof(raw));
	mlock(hex, sizeof(hex));
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "%s: no random bytes from the kernel (getrandom: %s); try again\n",
				argv[0], strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	for (i = 0; i < RP_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[2 * RP_BYTES] = '\n';
	errno = 0;
	if (write(STDOUT_FILENO, hex, 2 * RP_BYTES + 1) == 2 * RP_BYTES + 1)
		rc = 0;
	else
		fprintf(stderr, "%s: cannot write the passphrase to standard output: %s\n", argv[0],
			errno ? strerror(errno) : "short write");
out:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(hex, sizeof(hex));
	return rc;
}
