/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kt_tss.h - what ecryptfs-tspi-helper and ecryptfs-generate-tpm-key share
 * of the TSS: a context connected to tcsd with the SRK loaded under the
 * well-known secret (as upstream's module and key generator use it), and
 * TSS/TPM failures turned into an errno and one line saying what to do.
 */
#ifndef KT_TSS_H
#define KT_TSS_H

#include <stddef.h>

#include <trousers/tss.h>

__attribute__((format(printf, 3, 4)))
void kt_msg(char *m, size_t cap, const char *fmt, ...);

/* A failure of step @what: a positive errno, and a line in @m. */
int kt_tss_fail(const char *what, TSS_RESULT r, char *m, size_t cap);

/*
 * Create a context, connect to tcsd (TSS_TCSD_HOSTNAME/TSS_TCSD_PORT),
 * load the SRK from its system storage and give its usage policy (the
 * context's default policy) the well-known secret.  0 or a positive errno
 * with @m set; *ctx is set (close it) whenever it was created.
 */
int kt_tss_open(TSS_HCONTEXT *ctx, TSS_HKEY *srk, char *m, size_t cap);

/* "uid N (HOME/.trousers/user.data)": where user keys of this process live. */
const char *kt_tss_user_ps(char *buf, size_t cap);

#endif /* KT_TSS_H */
