/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_common.h - shared bits of the libecfs libFuzzer targets.
 *
 * Every target feeds the input to one decoder.  Sanitizers catch reads
 * past the input; FUZZ_CHECK turns a broken round trip (decode, encode,
 * decode again) into a crash so that logic errors are found as well.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#endif /* FUZZ_COMMON_H */
