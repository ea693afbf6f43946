// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-tspi-helper: the only process that talks to the TSS.
 *
 * The tspi key module starts one per request with one end of a
 * SOCK_SEQPACKET socketpair as descriptor 3 (argv[1] == "3"), sends one
 * request (keymods/pkcs11/p11_wire.h framing; ops in kt_wire.h), reads one
 * reply and reaps it.  libtspi blocks without a timeout on a tcsd that
 * accepts but does not answer; here that costs only this process, which
 * the module kills when the kernel's timeout has passed.
 *
 * The TSS is used exactly as upstream's tspi module uses it, so sealed
 * keys cross both ways: the SRK from tcsd's system storage with the
 * well-known secret (set on its usage policy, which libtspi shares with
 * the sealed-data object as the context's default policy), the sealing key
 * by UUID from the user storage of the uid this runs as, Tspi_Data_Seal
 * with no PCR composite of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <trousers/tss.h>
#include <trousers/trousers.h>

#include "keymods/pkcs11/p11_wire.h"
#include "kt_format.h"
#include "kt_tss.h"
#include "kt_wire.h"

#define KH_FD	3

struct kh {
	TSS_HCONTEXT ctx;
	TSS_HKEY srk, key;
	char uuid_hex[KT_UUID_HEX + 1];
};

static int kh_open(struct kh *h, const uint8_t uuid[KT_UUID_LEN], char *m, size_t cap)
{
	TSS_UUID u;
	TSS_RESULT r;
	char ps[512];
	int e;

	kt_uuid_format(uuid, h->uuid_hex);
	memcpy(&u, uuid, sizeof(u));
	e = kt_tss_open(&h->ctx, &h->srk, m, cap);
	if (e)
		return e;
	r = Tspi_Context_LoadKeyByUUID(h->ctx, TSS_PS_TYPE_USER, u, &h->key);
	if (r) {
		if (ERROR_LAYER(r) != TSS_LAYER_TPM &&
		    ERROR_CODE(r) == ERROR_CODE(TSS_E_PS_KEY_NOTFOUND)) {
			kt_msg(m, cap, "no TPM key %s in the TrouSerS user storage of %s; create one with ecryptfs-generate-tpm-key as the user ecryptfsd runs as",
			       h->uuid_hex, kt_tss_user_ps(ps, sizeof(ps)));
			return ENOKEY;
		}
		return kt_tss_fail("loading the TPM key", r, m, cap);
	}
	return 0;
}

static void kh_close(struct kh *h)
{
	if (h->ctx) {
		Tspi_Context_FreeMemory(h->ctx, NULL);
		Tspi_Context_Close(h->ctx);
	}
	h->ctx = 0;
}

static int op_pubkey(struct kh *h, uint8_t *out, size_t *out_len, char *m, size_t cap)
{
	UINT32 len = 0;
	BYTE *n = NULL;
	TSS_RESULT r;

	r = Tspi_GetAttribData(h->key, TSS_TSPATTRIB_RSAKEY_INFO,
			       TSS_TSPATTRIB_KEYINFO_RSA_MODULUS, &len, &n);
	if (r)
		return kt_tss_fail("reading the key's modulus", r, m, cap);
	if (len < KT_MIN_MODULUS || len > KT_MAX_MODULUS || len > *out_len) {
		kt_msg(m, cap, "TPM key %s has a modulus of %u bytes", h->uuid_hex, (unsigned int)len);
		return EMEDIUMTYPE;
	}
	memcpy(out, n, len);
	*out_len = len;
	return 0;
}

static int op_seal(struct kh *h, const struct p11w_field *in, uint8_t *out, size_t *out_len,
		   char *m, size_t cap)
{
	TSS_HENCDATA enc;
	UINT32 len = 0;
	BYTE *b = NULL;
	TSS_RESULT r;

	if (!in->len || in->len > ECFS_KEYMOD_MAX_PLAIN) {
		kt_msg(m, cap, "a file key of %zu bytes cannot be sealed", in->len);
		return EINVAL;
	}
	r = Tspi_Context_CreateObject(h->ctx, TSS_OBJECT_TYPE_ENCDATA, TSS_ENCDATA_SEAL, &enc);
	if (r)
		return kt_tss_fail("Tspi_Context_CreateObject", r, m, cap);
	r = Tspi_Data_Seal(enc, h->key, (UINT32)in->len, (BYTE *)in->p, 0);
	if (r)
		return kt_tss_fail("sealing the file key", r, m, cap);
	r = Tspi_GetAttribData(enc, TSS_TSPATTRIB_ENCDATA_BLOB, TSS_TSPATTRIB_ENCDATABLOB_BLOB,
			       &len, &b);
	if (r)
		return kt_tss_fail("reading the sealed blob", r, m, cap);
	if (len > *out_len || kt_sealed_check(b, len)) {
		kt_msg(m, cap, "the TSS returned a sealed blob of %u bytes that is not a TPM_STORED_DATA",
		    (unsigned int)len);
		return EPROTO;
	}
	memcpy(out, b, len);
	*out_len = len;
	return 0;
}

static int op_unseal(struct kh *h, const struct p11w_field *in, uint8_t *out, size_t *out_len,
		     char *m, size_t cap)
{
	TSS_HENCDATA enc;
	UINT32 len = 0;
	BYTE *d = NULL;
	TSS_RESULT r;
	int e = 0;

	if (kt_sealed_check(in->p, in->len)) {
		kt_msg(m, cap, "the wrapped key (%zu bytes) is not a TPM sealed blob", in->len);
		return EBADMSG;
	}
	r = Tspi_Context_CreateObject(h->ctx, TSS_OBJECT_TYPE_ENCDATA, TSS_ENCDATA_SEAL, &enc);
	if (r)
		return kt_tss_fail("Tspi_Context_CreateObject", r, m, cap);
	r = Tspi_SetAttribData(enc, TSS_TSPATTRIB_ENCDATA_BLOB, TSS_TSPATTRIB_ENCDATABLOB_BLOB,
			       (UINT32)in->len, (BYTE *)in->p);
	if (r)
		return kt_tss_fail("loading the sealed blob", r, m, cap);
	r = Tspi_Data_Unseal(enc, h->key, &len, &d);
	if (r)
		return kt_tss_fail("unsealing the file key", r, m, cap);
	if (len > *out_len) {
		kt_msg(m, cap, "the TPM unsealed %u bytes, more than a file key", (unsigned int)len);
		e = EBADMSG;
	} else {
		memcpy(out, d, len);
		*out_len = len;
	}
	explicit_bzero(d, len);
	return e;
}

static int serve(int fd)
{
	static uint8_t buf[P11W_MAX_MSG], data[P11W_MAX_MSG];
	struct p11w_msg q, a = { .n = 2 };
	uint8_t uuid[KT_UUID_LEN];
	struct kh h = { 0 };
	size_t dl = sizeof(data);
	char m[768] = "";
	ssize_t n;
	int st, len;

	/* The unsealed file key passes through both buffers. */
	(void)mlock(buf, sizeof(buf));
	(void)mlock(data, sizeof(data));
	n = recv(fd, buf, sizeof(buf), 0);
	if (n <= 0)
		return 1;
	if (p11w_decode(buf, (size_t)n, 0, &q) || q.n < 1 || q.f[0].len != KT_UUID_LEN ||
	    q.n != (q.op_or_status == KT_OP_PUBKEY ? 1u : 2u)) {
		st = EPROTO;
		kt_msg(m, sizeof(m), "malformed request");
		dl = 0;
		goto reply;
	}
	memcpy(uuid, q.f[0].p, KT_UUID_LEN);
	st = kh_open(&h, uuid, m, sizeof(m));
	if (!st) {
		switch (q.op_or_status) {
		case KT_OP_PUBKEY:
			st = op_pubkey(&h, data, &dl, m, sizeof(m));
			break;
		case KT_OP_SEAL:
			st = op_seal(&h, &q.f[1], data, &dl, m, sizeof(m));
			break;
		case KT_OP_UNSEAL:
			st = op_unseal(&h, &q.f[1], data, &dl, m, sizeof(m));
			break;
		default:
			st = EPROTO;
			kt_msg(m, sizeof(m), "unknown request %u", (unsigned int)q.op_or_status);
			break;
		}
	}
	if (st)
		dl = 0;
reply:
	a.op_or_status = (uint32_t)st;
	a.f[0] = (struct p11w_field){ (const uint8_t *)m, strlen(m) };
	a.f[1] = (struct p11w_field){ data, dl };
	len = p11w_encode(&a, 1, buf, sizeof(buf));
	if (len > 0)
		(void)send(fd, buf, (size_t)len, MSG_NOSIGNAL);
	explicit_bzero(buf, sizeof(buf));
	explicit_bzero(data, sizeof(data));
	kh_close(&h);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct rlimit no_core = { 0, 0 };

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("Usage: %s 3\n"
		       "Run by the tspi key module of ecryptfsd and mount.ecryptfs, once per\n"
		       "request: reads one request on descriptor 3, seals, unseals or reads a\n"
		       "TPM key through tcsd (TSS_TCSD_HOSTNAME, TSS_TCSD_PORT), answers, exits.\n"
		       "Not meant to be run by hand.\n", argv[0]);
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "3")) {
		fprintf(stderr, "%s: started by the tspi key module only (see --help)\n", argv[0]);
		return 2;
	}
	(void)setrlimit(RLIMIT_CORE, &no_core);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return serve(KH_FD);
}
