/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_buf.h - big-endian load/store helpers for the libecfs codecs.
 *
 * Header-only on purpose: these are a few shifts each, and keeping them
 * static inline keeps them out of the library's exported symbol set.
 * Callers must have checked that the bytes exist; nothing here checks.
 */
#ifndef ECFS_BUF_H
#define ECFS_BUF_H

#include <stdint.h>

static inline uint16_t ecfs_get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t ecfs_get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint64_t ecfs_get_be64(const uint8_t *p)
{
	return ((uint64_t)ecfs_get_be32(p) << 32) | ecfs_get_be32(p + 4);
}

static inline void ecfs_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void ecfs_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void ecfs_put_be64(uint8_t *p, uint64_t v)
{
	ecfs_put_be32(p, (uint32_t)(v >> 32));
	ecfs_put_be32(p + 4, (uint32_t)v);
}

#endif /* ECFS_BUF_H */
