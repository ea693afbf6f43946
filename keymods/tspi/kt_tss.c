// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <trousers/tss.h>
#include <trousers/trousers.h>

#include "kt_tss.h"

void kt_msg(char *m, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (!m || !cap)
		return;
	va_start(ap, fmt);
	vsnprintf(m, cap, fmt, ap);
	va_end(ap);
}

static const char *tcsd_where(char *buf, size_t cap)
{
	const char *h = getenv("TSS_TCSD_HOSTNAME"), *p = getenv("TSS_TCSD_PORT");

	snprintf(buf, cap, "%s:%s", h && h[0] ? h : "localhost", p && p[0] ? p : "30003");
	return buf;
}

const char *kt_tss_user_ps(char *buf, size_t cap)
{
	const char *f = getenv("TSS_USER_PS_FILE");
	struct passwd *pw;

	/* libtspi's own override of the user storage file. */
	if (f && f[0]) {
		snprintf(buf, cap, "uid %u (%s)", (unsigned int)getuid(), f);
		return buf;
	}
	pw = getpwuid(getuid());
	snprintf(buf, cap, "uid %u (%s/.trousers/user.data)", (unsigned int)getuid(),
		 pw && pw->pw_dir ? pw->pw_dir : "~");
	return buf;
}

int kt_tss_fail(const char *what, TSS_RESULT r, char *m, size_t cap)
{
	unsigned int code = ERROR_CODE(r), layer = ERROR_LAYER(r);
	char where[300];

	if (layer != TSS_LAYER_TPM && (code == ERROR_CODE(TSS_E_COMM_FAILURE) ||
				       code == ERROR_CODE(TSS_E_NO_CONNECTION) ||
				       code == ERROR_CODE(TSS_E_CONNECTION_FAILED) ||
				       code == ERROR_CODE(TSS_E_CONNECTION_BROKEN))) {
		kt_msg(m, cap, "cannot reach tcsd at %s (%s): is tcsd running? (TSS_TCSD_HOSTNAME and TSS_TCSD_PORT name another)",
		       tcsd_where(where, sizeof(where)), Trspi_Error_String(r));
		return ECONNREFUSED;
	}
	if (layer == TSS_LAYER_TPM) {
		switch (code) {
		case TPM_E_AUTHFAIL:
		case TPM_E_AUTH2FAIL:
			kt_msg(m, cap, "%s: the TPM refused the authorisation: the SRK's secret must be the well-known one (tpm_takeownership -z)",
			       what);
			return EKEYREJECTED;
		case TPM_E_WRONGPCRVAL:
			kt_msg(m, cap, "%s: the PCRs no longer hold the values the key is bound to (the platform's state changed since ecryptfs-generate-tpm-key -p)",
			       what);
			return EACCES;
		case TPM_E_DISABLED:
		case TPM_E_DEACTIVATED:
			kt_msg(m, cap, "%s: the TPM is disabled or deactivated", what);
			return ENODEV;
		case TPM_E_NOSRK:
			kt_msg(m, cap, "%s: the TPM has no owner (take ownership through tcsd: tpm_takeownership -z)",
			       what);
			return ENOKEY;
		case TPM_E_DECRYPT_ERROR:
		case TPM_E_NOTSEALED_BLOB:
			kt_msg(m, cap, "%s: the wrapped key was not sealed with this TPM key", what);
			return EBADMSG;
		default:
			break;
		}
	}
	kt_msg(m, cap, "%s failed: %s (%s layer, 0x%x)", what, Trspi_Error_String(r),
	       Trspi_Error_Layer(r), (unsigned int)r);
	return EIO;
}

int kt_tss_open(TSS_HCONTEXT *ctx, TSS_HKEY *srk, char *m, size_t cap)
{
	static const TSS_UUID srk_uuid = TSS_UUID_SRK;
	BYTE wellknown[] = TSS_WELL_KNOWN_SECRET;
	TSS_HPOLICY pol;
	TSS_RESULT r;

	*ctx = 0;
	r = Tspi_Context_Create(ctx);
	if (r) {
		*ctx = 0;
		return kt_tss_fail("Tspi_Context_Create", r, m, cap);
	}
	r = Tspi_Context_Connect(*ctx, NULL);
	if (r)
		return kt_tss_fail("connecting to tcsd", r, m, cap);
	r = Tspi_Context_LoadKeyByUUID(*ctx, TSS_PS_TYPE_SYSTEM, srk_uuid, srk);
	if (r) {
		if (ERROR_LAYER(r) != TSS_LAYER_TPM &&
		    ERROR_CODE(r) == ERROR_CODE(TSS_E_PS_KEY_NOTFOUND)) {
			kt_msg(m, cap, "tcsd knows no SRK: take ownership of the TPM through tcsd (tpm_takeownership -z)");
			return ENOKEY;
		}
		return kt_tss_fail("loading the SRK", r, m, cap);
	}
	r = Tspi_GetPolicyObject(*srk, TSS_POLICY_USAGE, &pol);
	if (r)
		return kt_tss_fail("Tspi_GetPolicyObject", r, m, cap);
	r = Tspi_Policy_SetSecret(pol, TSS_SECRET_MODE_SHA1, sizeof(wellknown), wellknown);
	if (r)
		return kt_tss_fail("Tspi_Policy_SetSecret", r, m, cap);
	return 0;
}
