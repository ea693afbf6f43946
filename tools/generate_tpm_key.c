// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-generate-tpm-key - create a TPM 1.2 storage key for key=tspi
 * and register it in the TrouSerS user storage of the calling user.
 *
 *   ecryptfs-generate-tpm-key [-p PCR]... [-q]
 *   ecryptfs-generate-tpm-key --list
 *
 * The key is what upstream's generator makes and upstream's tspi module
 * expects: RSA 2048, storage, no authorisation, not migratable, created
 * under the SRK with the well-known secret, optionally bound to the
 * current values of the PCRs given with -p, registered in USER persistent
 * storage under a UUID of 16 random bytes from the TPM, which is printed
 * as the tspi_uuid= parameter.  Run it as the user ecryptfsd runs as (root
 * for the system daemon): user storage is that user's
 * ~/.trousers/user.data.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <trousers/tss.h>
#include <trousers/trousers.h>

#include "keymods/tspi/kt_format.h"
#include "keymods/tspi/kt_tss.h"

#define PROG "ecryptfs-generate-tpm-key"
/* A TPM 1.2 has 24 PCRs (TPM_PCR_INFO selects at most that many). */
#define GT_MAX_PCRS 24

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [-p PCR]... [-q]\n"
		"       %s --list\n"
		"Creates a TPM 1.2 sealing key for eCryptfs (mount option key=tspi:tspi_uuid=UUID)\n"
		"in the TrouSerS user storage of the calling user and prints its UUID.\n"
		"  -p, --pcr PCR   bind the key to PCR's current value (repeatable)\n"
		"  -q, --quiet     print only the UUID\n"
		"  -l, --list      list the keys in the user storage: UUID, signature\n"
		"  -h, --help      this text\n"
		"Needs tcsd running (TSS_TCSD_HOSTNAME, TSS_TCSD_PORT) and a TPM owned with the\n"
		"well-known SRK secret (tpm_takeownership -z).  Run it as the user ecryptfsd runs as.\n",
		PROG, PROG);
}

static int parse_pcr(const char *s, unsigned int *pcr)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= GT_MAX_PCRS)
		return -EINVAL;
	*pcr = (unsigned int)v;
	return 0;
}

static void hex(const BYTE *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

static int fail(const char *what, TSS_RESULT r)
{
	char m[512];

	kt_tss_fail(what, r, m, sizeof(m));
	fprintf(stderr, "%s: %s\n", PROG, m);
	return 1;
}

/* Every key registered in the user storage: UUID TAB signature. */
static int list_keys(TSS_HCONTEXT ctx)
{
	TSS_KM_KEYINFO2 *ki = NULL;
	UINT32 nk = 0, i, nlen, shown = 0;
	char uhex[KT_UUID_HEX + 1], sig[ECFS_KEYMOD_SIG_HEX + 1], ps[512];
	TSS_RESULT r;

	r = Tspi_Context_GetRegisteredKeysByUUID2(ctx, TSS_PS_TYPE_USER, NULL, &nk, &ki);
	if (r)
		return fail("listing the user storage", r);
	for (i = 0; i < nk; i++) {
		TSS_HKEY key;
		BYTE *n = NULL;

		if (ki[i].persistentStorageType != TSS_PS_TYPE_USER)
			continue;
		kt_uuid_format((const uint8_t *)&ki[i].keyUUID, uhex);
		if (Tspi_Context_GetKeyByUUID(ctx, TSS_PS_TYPE_USER, ki[i].keyUUID, &key) ||
		    Tspi_GetAttribData(key, TSS_TSPATTRIB_RSAKEY_INFO,
				       TSS_TSPATTRIB_KEYINFO_RSA_MODULUS, &nlen, &n) ||
		    kt_sig_from_modulus(n, nlen, sig))
			snprintf(sig, sizeof(sig), "?");
		printf("%s\t%s\n", uhex, sig);
		shown++;
	}
	if (!shown)
		fprintf(stderr, "%s: no keys in the user storage of %s\n", PROG,
			kt_tss_user_ps(ps, sizeof(ps)));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "pcr", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const TSS_UUID srk_uuid = TSS_UUID_SRK;
	unsigned int pcrs[GT_MAX_PCRS], npcrs = 0, have = 0, i;
	BYTE *pcrval[GT_MAX_PCRS] = { NULL };
	UINT32 pcrlen[GT_MAX_PCRS] = { 0 };
	TSS_HCONTEXT ctx = 0;
	TSS_HKEY srk, key;
	TSS_HTPM tpm;
	TSS_HPCRS comp = 0;
	TSS_RESULT r;
	TSS_UUID uuid;
	UINT32 sub = TSS_TPMCAP_PROP_PCR, rlen = 0, nlen = 0;
	BYTE *resp = NULL, *rnd = NULL, *n = NULL;
	char m[512], uhex[KT_UUID_HEX + 1], sig[ECFS_KEYMOD_SIG_HEX + 1], ps[512];
	int c, quiet = 0, list = 0, rc = 1;

	while ((c = getopt_long(argc, argv, "p:qlh", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (npcrs == GT_MAX_PCRS || parse_pcr(optarg, &pcrs[npcrs])) {
				fprintf(stderr, "%s: -p %s: a PCR is a number from 0 to %d, given at most %d times\n",
					PROG, optarg, GT_MAX_PCRS - 1, GT_MAX_PCRS);
				return 2;
			}
			npcrs++;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'l':
			list = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", PROG, argv[optind]);
		usage(stderr);
		return 2;
	}
	if (list && (npcrs || quiet)) {
		fprintf(stderr, "%s: --list takes no other option\n", PROG);
		return 2;
	}
	if (kt_tss_open(&ctx, &srk, m, sizeof(m))) {
		fprintf(stderr, "%s: %s\n", PROG, m);
		goto out;
	}
	if (list) {
		rc = list_keys(ctx);
		goto out;
	}
	r = Tspi_Context_GetTpmObject(ctx, &tpm);
	if (r) {
		rc = fail("Tspi_Context_GetTpmObject", r);
		goto out;
	}
	if (npcrs) {
		r = Tspi_TPM_GetCapability(tpm, TSS_TPMCAP_PROPERTY, sizeof(sub), (BYTE *)&sub,
					   &rlen, &resp);
		if (r) {
			rc = fail("reading the number of PCRs", r);
			goto out;
		}
		if (rlen >= sizeof(UINT32))
			memcpy(&have, resp, sizeof(UINT32));
		r = Tspi_Context_CreateObject(ctx, TSS_OBJECT_TYPE_PCRS, 0, &comp);
		if (r) {
			rc = fail("Tspi_Context_CreateObject(PCRS)", r);
			goto out;
		}
		for (i = 0; i < npcrs; i++) {
			if (pcrs[i] >= have) {
				fprintf(stderr, "%s: PCR %u does not exist: this TPM has PCRs 0 to %u\n",
					PROG, pcrs[i], have - 1);
				rc = 2;
				goto out;
			}
			r = Tspi_TPM_PcrRead(tpm, pcrs[i], &pcrlen[i], &pcrval[i]);
			if (r) {
				rc = fail("reading a PCR", r);
				goto out;
			}
			r = Tspi_PcrComposite_SetPcrValue(comp, pcrs[i], pcrlen[i], pcrval[i]);
			if (r) {
				rc = fail("Tspi_PcrComposite_SetPcrValue", r);
				goto out;
			}
		}
	}
	r = Tspi_Context_CreateObject(ctx, TSS_OBJECT_TYPE_RSAKEY,
				      TSS_KEY_TYPE_STORAGE | TSS_KEY_SIZE_2048 | TSS_KEY_VOLATILE |
				      TSS_KEY_NO_AUTHORIZATION | TSS_KEY_NOT_MIGRATABLE, &key);
	if (r) {
		rc = fail("Tspi_Context_CreateObject(RSAKEY)", r);
		goto out;
	}
	if (!quiet && isatty(fileno(stderr)))
		fprintf(stderr, "%s: creating a 2048-bit key in the TPM (may take a while)...\n",
			PROG);
	r = Tspi_Key_CreateKey(key, srk, comp);
	if (r) {
		rc = fail("creating the key", r);
		goto out;
	}
	r = Tspi_TPM_GetRandom(tpm, KT_UUID_LEN, &rnd);
	if (r) {
		rc = fail("getting a random UUID from the TPM", r);
		goto out;
	}
	memcpy(&uuid, rnd, sizeof(uuid));
	r = Tspi_Context_RegisterKey(ctx, key, TSS_PS_TYPE_USER, uuid, TSS_PS_TYPE_SYSTEM,
				     srk_uuid);
	if (r) {
		rc = fail("registering the key in the user storage", r);
		goto out;
	}
	kt_uuid_format(rnd, uhex);
	if (quiet) {
		printf("%s\n", uhex);
		rc = 0;
		goto out;
	}
	r = Tspi_GetAttribData(key, TSS_TSPATTRIB_RSAKEY_INFO, TSS_TSPATTRIB_KEYINFO_RSA_MODULUS,
			       &nlen, &n);
	if (r || kt_sig_from_modulus(n, nlen, sig))
		snprintf(sig, sizeof(sig), "(unknown)");
	printf("TPM key created in the user storage of %s\n", kt_tss_user_ps(ps, sizeof(ps)));
	if (!npcrs)
		printf("Not bound to any PCR.\n");
	for (i = 0; i < npcrs; i++) {
		printf("Bound to PCR %u: ", pcrs[i]);
		hex(pcrval[i], pcrlen[i]);
		printf("\n");
	}
	printf("Key signature: %s\n", sig);
	printf("Mount with: key=tspi:tspi_uuid=%s\n", uhex);
	printf("tspi_uuid=%s\n", uhex);
	rc = 0;
out:
	if (ctx) {
		Tspi_Context_FreeMemory(ctx, NULL);
		Tspi_Context_Close(ctx);
	}
	return rc;
}
