// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A PKCS#11 provider that misbehaves on purpose, for the isolation tests.
 *
 * It forwards every call to a real provider (P11BAD_REAL, default
 * SoftHSM2) except where P11BAD_AT names the call to break:
 * "init" (C_Initialize), "login" (C_Login) or "decrypt" (C_Decrypt), and
 * P11BAD_MODE says how: "crash" (SIGSEGV), "hang" (never returns) or
 * "garbage" (decrypt only: CKR_OK with bytes that are no key record).
 * Both are read at each call, so one process's environment decides.
 */

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pkcs11-helper-1.0/pkcs11.h>

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

static CK_FUNCTION_LIST bad_list;
static CK_FUNCTION_LIST_PTR real;

static int bad_here(const char *at)
{
	const char *a = getenv("P11BAD_AT");

	return a && !strcmp(a, at);
}

static void bad_act(void)
{
	const char *m = getenv("P11BAD_MODE");

	if (m && !strcmp(m, "hang"))
		for (;;)
			pause();
	if (!m || !strcmp(m, "crash"))
		raise(SIGSEGV);
}

static CK_RV bad_initialize(CK_VOID_PTR args)
{
	if (bad_here("init"))
		bad_act();
	return real->C_Initialize(args);
}

static CK_RV bad_login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (bad_here("login"))
		bad_act();
	return real->C_Login(s, u, pin, len);
}

static CK_RV bad_decrypt(CK_SESSION_HANDLE s, CK_BYTE_PTR in, CK_ULONG in_len, CK_BYTE_PTR out,
			 CK_ULONG_PTR out_len)
{
	const char *m = getenv("P11BAD_MODE");

	if (bad_here("decrypt")) {
		if (m && !strcmp(m, "garbage")) {
			CK_BYTE junk[19];
			CK_RV rv;

			/* Finish the real operation so the session stays usable. */
			rv = real->C_Decrypt(s, in, in_len, out, out_len);
			if (rv != CKR_OK || !out)
				return rv;
			memset(junk, 0x5a, sizeof(junk));
			memcpy(out, junk, sizeof(junk));
			*out_len = sizeof(junk);
			return CKR_OK;
		}
		bad_act();
	}
	return real->C_Decrypt(s, in, in_len, out, out_len);
}

__attribute__((visibility("default")))
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	const char *path = getenv("P11BAD_REAL");
	CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
	void *h;
	CK_RV rv;

	if (!real) {
		h = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "p11_bad_provider: %s\n", dlerror());
			return CKR_GENERAL_ERROR;
		}
		*(void **)&get = dlsym(h, "C_GetFunctionList");
		if (!get)
			return CKR_GENERAL_ERROR;
		rv = get(&real);
		if (rv != CKR_OK)
			return rv;
		bad_list = *real;
		bad_list.C_Initialize = bad_initialize;
		bad_list.C_Login = bad_login;
		bad_list.C_Decrypt = bad_decrypt;
	}
	*list = &bad_list;
	return CKR_OK;
}
