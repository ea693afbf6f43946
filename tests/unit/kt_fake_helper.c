// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-in for ecryptfs-tspi-helper in the tspi module's unit tests (no
 * TPM needed).  It speaks the same protocol on descriptor 3; KT_FAKE says
 * how it behaves:
 *   ok       PUBKEY: a fixed 256-byte modulus; SEAL: a TPM_STORED_DATA 1.1
 *            whose encrypted part is the record XORed with 0x5a and padded;
 *            UNSEAL: the reverse
 *   garbage  UNSEAL answers 19 bytes that are not a key record
 *   nokey    every request fails with ENOKEY and a message
 *   crash    dies of SIGSEGV before answering
 *   hang     never answers
 *   mangled  answers bytes that are not a reply
 *   silent   exits without answering
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keymods/pkcs11/p11_wire.h"
#include "kt_wire.h"

#define FAKE_ENC	256

static uint8_t in[P11W_MAX_MSG], outb[P11W_MAX_MSG], data[1024];

static void answer(uint32_t st, const char *m, const uint8_t *d, size_t dl)
{
	struct p11w_msg a = { .op_or_status = st, .n = 2 };
	int len;

	a.f[0] = (struct p11w_field){ (const uint8_t *)m, strlen(m) };
	a.f[1] = (struct p11w_field){ d, dl };
	len = p11w_encode(&a, 1, outb, sizeof(outb));
	if (len > 0)
		(void)send(3, outb, (size_t)len, MSG_NOSIGNAL);
}

int main(void)
{
	const char *mode = getenv("KT_FAKE");
	struct p11w_msg q;
	ssize_t n;
	size_t i, l;

	if (!mode)
		mode = "ok";
	n = recv(3, in, sizeof(in), 0);
	if (n <= 0 || p11w_decode(in, (size_t)n, 0, &q) || q.n < 1)
		return 3;
	if (!strcmp(mode, "crash")) {
		/* Die of the signal even under ASan, which would catch it. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	if (!strcmp(mode, "hang"))
		for (;;)
			pause();
	if (!strcmp(mode, "silent"))
		return 0;
	if (!strcmp(mode, "mangled")) {
		(void)send(3, "\x01\x02", 2, MSG_NOSIGNAL);
		return 0;
	}
	if (!strcmp(mode, "nokey")) {
		answer(ENOKEY, "no TPM key 00 in the TrouSerS user storage", NULL, 0);
		return 0;
	}
	switch (q.op_or_status) {
	case KT_OP_PUBKEY:
		for (i = 0; i < FAKE_ENC; i++)
			data[i] = (uint8_t)(i * 7 + 3);
		data[0] = 0xc5;
		answer(0, "", data, FAKE_ENC);
		break;
	case KT_OP_SEAL:
		l = q.f[1].len;
		memset(data, 0, 12 + FAKE_ENC);
		data[0] = 1;
		data[1] = 1;
		data[10] = FAKE_ENC >> 8;
		data[12] = (uint8_t)l;
		for (i = 0; i < l; i++)
			data[13 + i] = q.f[1].p[i] ^ 0x5a;
		answer(0, "", data, 12 + FAKE_ENC);
		break;
	case KT_OP_UNSEAL:
		if (!strcmp(mode, "garbage")) {
			memset(data, 0x07, 19);
			answer(0, "", data, 19);
			break;
		}
		l = q.f[1].p[12];
		for (i = 0; i < l; i++)
			data[i] = q.f[1].p[13 + i] ^ 0x5a;
		answer(0, "", data, l);
		break;
	default:
		answer(EPROTO, "unknown request", NULL, 0);
	}
	return 0;
}
