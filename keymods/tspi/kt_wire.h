/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kt_wire.h - requests of the tspi key module to ecryptfs-tspi-helper, in
 * p11_wire.h's framing (one datagram each way).  Field 0 of every request
 * is the 16-byte key UUID; a reply is status, message, data.
 */
#ifndef KT_WIRE_H
#define KT_WIRE_H

enum kt_op {
	/* uuid: load the key (checks tcsd, SRK, key); data: its modulus. */
	KT_OP_PUBKEY = 1,
	/* uuid, file key record: data: the TPM_STORED_DATA. */
	KT_OP_SEAL = 2,
	/* uuid, TPM_STORED_DATA: data: the file key record. */
	KT_OP_UNSEAL = 3,
};

#endif /* KT_WIRE_H */
