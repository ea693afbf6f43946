// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_netlink - ecryptfsd's parser of what arrives on its generic netlink
 * socket (ecfsd_nl_parse) on arbitrary datagrams, with the family id the
 * daemon resolved (the input's first two bytes choose it, so both "ours"
 * and "another family" are reached).
 *
 * Invariants: a REQUEST yields a frame that the daemon's frame decoder
 * accepts as a kernel REQUEST, no larger than the kernel's largest, whose
 * data are the bytes of the DATA attribute; an error is 0 or a -errno.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "ecfs_frame.h"
#include "daemon/ecfsd_netlink.h"
#include "fuzz_common.h"

#define FZ_FAMILY	0x1d

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t aligned[2048];
	uint8_t frame[ECFS_MSG_MAX_REQUEST_SIZE + 16];
	struct ecfs_frame f;
	size_t flen;
	int family, kind, nl_err;

	if (size < 1 || size - 1 > sizeof(aligned))
		return 0;
	family = (data[0] & 1) ? FZ_FAMILY : data[0];
	/* The socket buffer the daemon reads into is aligned; so is this. */
	memcpy(aligned, data + 1, size - 1);
	kind = ecfsd_nl_parse(aligned, size - 1, family, frame, sizeof(frame),
			      &flen, &nl_err);
	if (kind == ECFSD_NL_REQUEST) {
		FUZZ_CHECK(flen <= ECFS_MSG_MAX_REQUEST_SIZE);
		FUZZ_CHECK(ecfs_frame_decode(frame, flen, ECFS_FRAME_FROM_KERNEL, &f) == 0);
		FUZZ_CHECK(f.type == ECFS_MSG_REQUEST && f.has_msg);
		FUZZ_CHECK(f.data_len >= 1 && f.data_len <= ECFS_GENL_MAX_REQUEST_DATA);
		FUZZ_CHECK(memmem(aligned, size - 1, f.data, f.data_len) != NULL);
	} else if (kind == ECFSD_NL_ERROR) {
		FUZZ_CHECK(nl_err <= 0 && nl_err >= -4095);
	} else if (kind != ECFSD_NL_IGNORED) {
		FUZZ_CHECK(kind == -EBADMSG || kind == -EPROTO || kind == -EINVAL ||
			   kind == -ENOSPC);
	}
	return 0;
}
