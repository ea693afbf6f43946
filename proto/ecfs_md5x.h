/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_md5x - MD5 of sixteen 32-byte messages at once, for extent IVs.
 *
 * Every 4 KiB extent's IV is the MD5 of 32 bytes (root IV and the extent
 * number in decimal).  One MD5 is a chain of 64 dependent steps, about
 * 110 ns here, a quarter of the time AES-NI needs for the extent itself;
 * sixteen independent messages in vector lanes (two AVX2 registers: two
 * chains hide each other's latency) cost about 20 ns each.  Used by
 * ecfs_cipher_extent_ivs(); tested against OpenSSL's MD5.
 */
#ifndef ECFS_MD5X_H
#define ECFS_MD5X_H

#include <stdint.h>

#define ECFS_MD5X_LANES		16
#define ECFS_MD5X_IN_BYTES	32
#define ECFS_MD5X_OUT_BYTES	16

/* out[i] = MD5(in[i]) for the sixteen lanes. */
void ecfs_md5x_32(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
		  uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES]);

#endif /* ECFS_MD5X_H */
