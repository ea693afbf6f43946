/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_hex - hex text of signatures and salts (ecryptfs_proto.h section
 * 10): written in lower case, read in either case.  The signature checks
 * themselves are ecfs_sig_valid() and friends in ecryptfs_proto.h.
 */
#ifndef ECFS_HEX_H
#define ECFS_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

/* 2 * @len lower-case hex digits of @in and a NUL into @hex. */
void ecfs_hex_encode(const uint8_t *in, size_t len, char *hex);

/* 16 lower-case hex digits and a NUL. */
void ecfs_sig_to_hex(const uint8_t sig[ECFS_SIG_SIZE], char hex[ECFS_SIG_SIZE_HEX + 1]);

/*
 * Parse exactly 2 * @out_len hex digits (either case) from @hex, which has
 * @len characters.  Returns 0 or -EINVAL (wrong length, non-hex digit).
 */
int ecfs_hex_decode(const char *hex, size_t len, uint8_t *out, size_t out_len);

#endif /* ECFS_HEX_H */
