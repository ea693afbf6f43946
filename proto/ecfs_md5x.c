// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_md5x - sixteen-lane MD5 (RFC 1321) of 32-byte messages.
 *
 * Written with GCC vector extensions: plain SSE2 runs it as four 4-lane
 * quarters, and on x86-64 a copy built for AVX2 is picked at run time.  A
 * 32-byte message and its padding fill exactly one 64-byte block.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ecfs_md5x.h"

typedef uint32_t md5v __attribute__((vector_size(4 * ECFS_MD5X_LANES)));

/* floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4. */
static const uint32_t md5x_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left-rotation amounts: four per round, repeated four times each. */
static const unsigned int md5x_s[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/*
 * The whole computation on vector locals only: no vector crosses a
 * function boundary, so the AVX2 and the baseline copies share one ABI.
 */
static inline __attribute__((always_inline)) void
md5x_body(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
	  uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES])
{
	md5v m[16], a, b, c, d, f, t;
	unsigned int i, l, g, s;

	for (i = 0; i < 8; i++)
		for (l = 0; l < ECFS_MD5X_LANES; l++)
			m[i][l] = le32(in[l] + 4 * i);
	/* Padding: 0x80 after the message, its length in bits at word 14. */
	for (i = 8; i < 16; i++)
		m[i] = (md5v){ 0 };
	m[8] += 0x80;
	m[14] += 8 * ECFS_MD5X_IN_BYTES;

	a = (md5v){ 0 } + 0x67452301;
	b = (md5v){ 0 } + 0xefcdab89;
	c = (md5v){ 0 } + 0x98badcfe;
	d = (md5v){ 0 } + 0x10325476;
#pragma GCC unroll 64
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = d ^ (b & (c ^ d));
			g = i;
			break;
		case 1:
			f = c ^ (d & (b ^ c));
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		s = md5x_s[i / 16][i % 4];
		t = a + f + m[g] + md5x_t[i];
		a = d;
		d = c;
		c = b;
		b = b + ((t << s) | (t >> (32 - s)));
	}
	a += 0x67452301;
	b += 0xefcdab89;
	c += 0x98badcfe;
	d += 0x10325476;
	for (l = 0; l < ECFS_MD5X_LANES; l++) {
		put_le32(out[l], a[l]);
		put_le32(out[l] + 4, b[l]);
		put_le32(out[l] + 8, c[l]);
		put_le32(out[l] + 12, d[l]);
	}
	/* The messages hold key-derived bytes (the root IV). */
	memset(m, 0, sizeof(m));
	__asm__ __volatile__("" : : "r"(m) : "memory");
}

static void md5x_generic(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
			 uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES])
{
	md5x_body(in, out);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2")))
static void md5x_avx2(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
		      uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES])
{
	md5x_body(in, out);
}

void ecfs_md5x_32(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
		  uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES])
{
	/* __builtin_cpu_supports needs no lock: GCC initialises it early. */
	if (__builtin_cpu_supports("avx2"))
		md5x_avx2(in, out);
	else
		md5x_generic(in, out);
}
#else
void ecfs_md5x_32(const uint8_t in[ECFS_MD5X_LANES][ECFS_MD5X_IN_BYTES],
		  uint8_t out[ECFS_MD5X_LANES][ECFS_MD5X_OUT_BYTES])
{
	md5x_generic(in, out);
}
#endif
