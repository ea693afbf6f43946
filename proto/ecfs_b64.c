// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_b64.c - filename base64 and lower-name parsing (ecfs_b64.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ecfs_b64.h"

static const char b64_chars[] = ECFS_B64_ALPHABET;

/*
 * Reverse map over all 256 byte values, so any input byte indexes it
 * safely.  It holds the 6-bit value plus one: 0 marks a byte outside the
 * alphabet.
 */
static const uint8_t b64_rev[256] = {
	['-'] = 1, ['.'] = 2, ['0'] = 3, ['1'] = 4, ['2'] = 5,
	['3'] = 6, ['4'] = 7, ['5'] = 8, ['6'] = 9, ['7'] = 10,
	['8'] = 11, ['9'] = 12, ['A'] = 13, ['B'] = 14, ['C'] = 15,
	['D'] = 16, ['E'] = 17, ['F'] = 18, ['G'] = 19, ['H'] = 20,
	['I'] = 21, ['J'] = 22, ['K'] = 23, ['L'] = 24, ['M'] = 25,
	['N'] = 26, ['O'] = 27, ['P'] = 28, ['Q'] = 29, ['R'] = 30,
	['S'] = 31, ['T'] = 32, ['U'] = 33, ['V'] = 34, ['W'] = 35,
	['X'] = 36, ['Y'] = 37, ['Z'] = 38, ['a'] = 39, ['b'] = 40,
	['c'] = 41, ['d'] = 42, ['e'] = 43, ['f'] = 44, ['g'] = 45,
	['h'] = 46, ['i'] = 47, ['j'] = 48, ['k'] = 49, ['l'] = 50,
	['m'] = 51, ['n'] = 52, ['o'] = 53, ['p'] = 54, ['q'] = 55,
	['r'] = 56, ['s'] = 57, ['t'] = 58, ['u'] = 59, ['v'] = 60,
	['w'] = 61, ['x'] = 62, ['y'] = 63, ['z'] = 64,
};

size_t ecfs_b64_encoded_len(size_t n)
{
	size_t groups = n / 3 + (n % 3 != 0);

	if (groups > SIZE_MAX / 4)
		return 0;
	return groups * 4;
}

size_t ecfs_b64_decoded_len(size_t n)
{
	return n / 4 * 3 + (n % 4) * 6 / 8;
}

int ecfs_b64_encode(const uint8_t *in, size_t in_len, char *out,
		    size_t out_size)
{
	size_t need = ecfs_b64_encoded_len(in_len);
	size_t i, o = 0;
	uint8_t g[3];

	if (need > INT_MAX || (in_len && !need))
		return -EMSGSIZE;
	if (out_size < need)
		return -ENOBUFS;
	for (i = 0; i < in_len; i += 3) {
		g[0] = in[i];
		g[1] = i + 1 < in_len ? in[i + 1] : 0;
		g[2] = i + 2 < in_len ? in[i + 2] : 0;
		out[o++] = b64_chars[g[0] >> 2];
		out[o++] = b64_chars[((g[0] & 0x03) << 4) | (g[1] >> 4)];
		out[o++] = b64_chars[((g[1] & 0x0f) << 2) | (g[2] >> 6)];
		out[o++] = b64_chars[g[2] & 0x3f];
	}
	return (int)o;
}

int ecfs_b64_decode(const char *in, size_t in_len, uint8_t *out,
		    size_t out_size, size_t *out_len)
{
	size_t need = ecfs_b64_decoded_len(in_len);
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, o = 0;
	uint8_t v;

	if (need > INT_MAX)
		return -EMSGSIZE;
	if (out_size < need)
		return -ENOBUFS;
	for (i = 0; i < in_len; i++) {
		v = b64_rev[(uint8_t)in[i]];
		if (!v)
			return -EILSEQ;
		acc = (acc << 6) | (uint8_t)(v - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1U << bits) - 1;
		}
	}
	if (out_len)
		*out_len = o;
	return (int)o;
}

int ecfs_fnek_name_split(const char *name, size_t len, const char **enc,
			 size_t *enc_len)
{
	if (len > ECFS_LOWER_NAME_MAX)
		return -ENAMETOOLONG;
	/* The kernel wants at least one character after the prefix. */
	if (len <= ECFS_FNEK_PREFIX_LEN ||
	    memcmp(name, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN))
		return 0;
	*enc = name + ECFS_FNEK_PREFIX_LEN;
	*enc_len = len - ECFS_FNEK_PREFIX_LEN;
	return 1;
}

int ecfs_fnek_name_decode(const char *name, size_t len, uint8_t *buf,
			  size_t buf_len, struct ecfs_tag70 *t)
{
	const char *enc;
	size_t enc_len;
	int rc, n;

	rc = ecfs_fnek_name_split(name, len, &enc, &enc_len);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOENT;
	n = ecfs_b64_decode(enc, enc_len, buf, buf_len, NULL);
	if (n < 0)
		return n;
	rc = ecfs_tag70_decode(buf, (size_t)n, t);
	return rc < 0 ? rc : 0;
}

int ecfs_fnek_name_encode(char *out, size_t out_len,
			  const struct ecfs_tag70 *t)
{
	/* A packet that fits a 255-byte name is at most 231 * 3 / 4 bytes. */
	uint8_t pkt[(ECFS_LOWER_NAME_MAX - ECFS_FNEK_PREFIX_LEN) / 4 * 3];
	int n, m;

	if (t->ct_len > sizeof(pkt))
		return -ENAMETOOLONG;
	n = ecfs_tag70_encode(pkt, sizeof(pkt), t);
	if (n == -ENOBUFS)
		return -ENAMETOOLONG;
	if (n < 0)
		return n;
	if (ECFS_FNEK_PREFIX_LEN + ecfs_b64_encoded_len((size_t)n) >
	    ECFS_LOWER_NAME_MAX)
		return -ENAMETOOLONG;
	if (out_len < ECFS_FNEK_PREFIX_LEN)
		return -ENOBUFS;
	memcpy(out, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN);
	m = ecfs_b64_encode(pkt, (size_t)n, out + ECFS_FNEK_PREFIX_LEN,
			    out_len - ECFS_FNEK_PREFIX_LEN);
	if (m < 0)
		return m;
	return ECFS_FNEK_PREFIX_LEN + m;
}
