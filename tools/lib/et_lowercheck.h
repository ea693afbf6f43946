/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Before mounting, look at the lower directory: if it holds eCryptfs
 * files and none of them was written with a key this mount will have
 * (or one already in the keyring), the passphrase or salt is wrong, and
 * the kernel would otherwise mount and fail every open with -EIO.
 */
#ifndef ET_LOWERCHECK_H
#define ET_LOWERCHECK_H

#include <stddef.h>

#include "ecfs_authtok.h"

/* Files whose headers are read at most (breadth first, two levels). */
#define ET_LOWERCHECK_MAX_FILES	64

/*
 * Returns 0 when the mount can go ahead (no encrypted file found, or at
 * least one decryptable), -ENOKEY with @err (@errlen bytes; ET_ERR_MAX
 * of et_opts.h is enough) naming the problem, or -errno, also named in
 * @err, when the directory cannot be read.
 */
int et_lowercheck(const char *lower, char key_sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nkeys,
		  char sigs[][ECFS_SIG_SIZE_HEX + 1], size_t nsigs, char *err, size_t errlen);

/*
 * The key signatures (hex) in one lower file's metadata, read from the
 * first bytes of the file @buf (@len) or its user.ecryptfs xattr.
 * Returns the number found (0 if it is no eCryptfs file), at most @max.
 */
size_t et_lower_file_sigs(const unsigned char *buf, size_t len, int xattr,
			  char out[][ECFS_SIG_SIZE_HEX + 1], size_t max);

#endif /* ET_LOWERCHECK_H */
