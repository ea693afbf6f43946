// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: mount.ecryptfs option and ~/.ecryptfsrc parsing, the
 * merge, and kernel option generation, on arbitrary bytes. The first byte
 * picks rc-file or command-line syntax; the rest is split in two at the
 * first 0xff into an rc part and a command-line part.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "et_files.h"
#include "et_mountinfo.h"
#include "et_opts.h"
#include "et_secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *s, size_t len, enum et_src src, struct et_mount_cfg *cfg)
{
	struct et_optlist l = { 0 };
	char err[ET_ERR_MAX];

	if (!et_opts_tokenize(s, len, src == ET_SRC_RC, &l, err, sizeof(err)))
		et_cfg_apply(cfg, &l, src, err, sizeof(err));
	et_optlist_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sigs[ET_MAX_KEYS][ECFS_SIG_SIZE_HEX + 1];
	struct et_mount_cfg rc, cl, m;
	struct et_secret pw = { 0 };
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t rlen = sep ? (size_t)(sep - data) : size;
	char err[ET_ERR_MAX];
	char *opts = NULL, *missing = NULL, *type = NULL, *so = NULL;
	size_t i;

	et_cfg_init(&rc);
	et_cfg_init(&cl);
	et_cfg_init(&m);
	one((const char *)data, rlen, ET_SRC_RC, &rc);
	if (sep)
		one((const char *)sep + 1, size - rlen - 1, ET_SRC_CMDLINE, &cl);
	if (!et_cfg_merge(&m, &rc, &cl)) {
		for (i = 0; i < ET_MAX_KEYS; i++)
			memcpy(sigs[i], "0123456789abcdef", ECFS_SIG_SIZE_HEX + 1);
		et_cfg_missing(&m, &missing);
		et_cfg_kernel_opts(&m, sigs, &opts, err, sizeof(err));
	}
	if (!et_secret_alloc(&pw, 64)) {
		et_passfile_parse((const char *)data, size, &pw);
		et_secret_free(&pw);
	}
	if (!et_mountinfo_find((const char *)data, size, "/mnt", &type, &so)) {
		char *v = NULL;

		if (!et_opt_value(so, "ecryptfs_sig", 0, &v))
			free(v);
	}
	free(type);
	free(so);
	free(opts);
	free(missing);
	et_cfg_free(&m);
	return 0;
}
