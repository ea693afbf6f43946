/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keymod_tspi.h - internals of the tspi key module that the unit tests
 * drive directly (the module itself exports only ecfs_keymod_get_ops()).
 */
#ifndef KEYMOD_TSPI_H
#define KEYMOD_TSPI_H

#include <stddef.h>
#include <stdint.h>

#include "kt_format.h"

/*
 * One request to a fresh ecryptfs-tspi-helper (kt_wire.h): @in may be
 * NULL (KT_OP_PUBKEY).  Waits at most @timeout_ms, then kills it.
 * Returns 0 with the reply's data in @out (*out_len in: capacity, out:
 * length), the helper's negative errno with its message in @err, -EIO
 * when it died, -ETIMEDOUT when it hung.
 */
int kt_call(unsigned int op, const uint8_t uuid[KT_UUID_LEN], const uint8_t *in, size_t in_len,
	    int timeout_ms, uint8_t *out, size_t *out_len, char *err, size_t errlen);

/* Milliseconds a wrap or unwrap may take: ECFS_TSPI_TIMEOUT seconds, else 3 s. */
int kt_timeout_ms(void);

#endif /* KEYMOD_TSPI_H */
