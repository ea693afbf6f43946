/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs_frame.h - /dev/ecryptfs frames: type, BE sequence counter, then
 * (for frames that carry a message) the length code of 8 + data_len and a
 * host-endian struct ecfs_message.  Layout: ecryptfs_proto.h section 6.
 *
 * One read() or write() on the device is exactly one frame, so the
 * decoder takes the whole buffer as the frame.  Error codes are those of
 * ecfs_packet.h, plus:
 *
 *    -EPROTO    unknown message type, or (towards the kernel) a type the
 *               kernel does not accept from a daemon (REQUEST)
 *    -EMSGSIZE  frame size outside 5 or 6..531 (towards the kernel), or a
 *               message too large for the length code
 *    -EBADMSG   bytes after the frame's declared end, or data_len that
 *               disagrees with the length code
 *    -ENODATA   the buffer ends before the declared end, or a message
 *               shorter than its 8-byte head
 */
#ifndef ECFS_FRAME_H
#define ECFS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "ecryptfs_proto.h"

struct ecfs_frame {
	uint8_t type;		/* ECFS_MSG_* */
	uint32_t seq;		/* the counter, host order */
	int has_msg;		/* 0 for 5-byte frames and HELO/QUIT */
	uint32_t index;		/* msg_ctx slot; a response copies it */
	uint32_t data_len;
	const uint8_t *data;	/* decode: points into the input */
};

/*
 * Direction.  ECFS_FRAME_TO_KERNEL applies every check the kernel's
 * write() makes: 5 bytes, or 6..531 bytes matching the length exactly;
 * only HELO, QUIT and RESPONSE; a RESPONSE needs >= 14 bytes and a
 * consistent data_len.  ECFS_FRAME_FROM_KERNEL checks the same framing
 * without the 531-byte cap (requests may reach ECFS_MSG_MAX_REQUEST_SIZE).
 * HELO and QUIT never carry a message: bytes after their length code are
 * framed but not interpreted, as in the kernel.
 */
#define ECFS_FRAME_FROM_KERNEL	0
#define ECFS_FRAME_TO_KERNEL	1

/* Returns 0 on success; f->data points into in. */
int ecfs_frame_decode(const uint8_t *in, size_t in_len, unsigned int dir,
		      struct ecfs_frame *f);

/*
 * Writes a frame: 5 bytes when f->has_msg is 0, else with the message.
 * With ECFS_FRAME_TO_KERNEL the result is held to the kernel's limits.
 * Returns the bytes written.
 */
int ecfs_frame_encode(uint8_t *out, size_t out_len, unsigned int dir,
		      const struct ecfs_frame *f);

#endif /* ECFS_FRAME_H */
