// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_pgpkey.c - the RSA public-key packet of upstream's key signature
 * (ecfs_pgpkey.h).
 */
#include <errno.h>
#include <string.h>

#include "ecfs_buf.h"
#include "ecfs_pgpkey.h"

/* Skip leading zero bytes; the MPI's bit count of what is left. */
static size_t mpi_trim(const uint8_t **p, size_t *len)
{
	unsigned int top;
	size_t bits;

	while (*len && !**p) {
		(*p)++;
		(*len)--;
	}
	if (!*len)
		return 0;
	bits = (*len - 1) * 8;
	for (top = **p; top; top >>= 1)
		bits++;
	return bits;
}

static uint8_t *put_mpi(uint8_t *o, const uint8_t *v, size_t len, size_t bits)
{
	ecfs_put_be16(o, (uint16_t)bits);
	memcpy(o + 2, v, len);
	return o + 2 + len;
}

ssize_t ecfs_pgpkey_encode(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
			   uint8_t *out, size_t cap)
{
	size_t nbits, ebits, body;
	uint8_t *o = out;

	if (!n || !e)
		return -EINVAL;
	nbits = mpi_trim(&n, &n_len);
	ebits = mpi_trim(&e, &e_len);
	if (!nbits || !ebits)
		return -EINVAL;
	if (n_len > 0xffff || e_len > 0xffff)
		return -EMSGSIZE;
	body = ECFS_PGPKEY_FIXED + n_len + e_len;
	if (body > 0xffff)
		return -EMSGSIZE;
	if (!out)
		return (ssize_t)(ECFS_PGPKEY_HEAD + body);
	if (cap < ECFS_PGPKEY_HEAD + body)
		return -ENOBUFS;
	*o++ = 0x99;			/* old-format tag 6, two-byte length */
	ecfs_put_be16(o, (uint16_t)body);
	o += 2;
	*o++ = 0x04;			/* key packet version 4 */
	memset(o, 0, 4);		/* creation time: always zero */
	o += 4;
	*o++ = 0x02;			/* RSA encrypt-only */
	o = put_mpi(o, n, n_len, nbits);
	o = put_mpi(o, e, e_len, ebits);
	return (ssize_t)(o - out);
}
