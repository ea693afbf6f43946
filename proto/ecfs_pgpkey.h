/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_pgpkey - the RSA public-key packet behind a public-key mount's key
 * signature (ecryptfs_proto.h section 10).  Upstream's key modules name an
 * RSA key by the first 8 bytes of SHA-1 over an OpenPGP v4 public-key
 * packet that carries only the key:
 *
 *   0x99 || be16 body_len || 0x04 || 00 00 00 00 || 0x02 ||
 *   be16 bits(n) || n || be16 bits(e) || e
 *
 * (old-format tag 6 with a two-byte length, version 4, creation time
 * zero, algorithm "RSA encrypt-only", the two MPIs without leading zero
 * bytes).  This is the format half and needs no crypto library; the
 * digest is ecfs_rsa_key_sig() in proto/crypto_backend/ecfs_cb_rsa.h.
 */
#ifndef ECFS_PGPKEY_H
#define ECFS_PGPKEY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Header (tag + length) and the fixed body fields before the MPIs. */
#define ECFS_PGPKEY_HEAD	3
#define ECFS_PGPKEY_FIXED	10

/*
 * Write the packet for the big-endian magnitudes @n and @e (leading zero
 * bytes are skipped) into @out.  Returns the packet's length; -EINVAL when
 * n or e is zero, -EMSGSIZE when the body would not fit its 16-bit length,
 * -ENOBUFS when @cap is too small.  With @out NULL (and @cap 0) it only
 * returns the length needed.
 */
ssize_t ecfs_pgpkey_encode(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
			   uint8_t *out, size_t cap);

#endif /* ECFS_PGPKEY_H */
