// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The "tspi" key module: a TPM 1.2 storage key, reached through TrouSerS
 * (tcsd), seals each file's key.  key=tspi:tspi_uuid=<32 hex digits>
 * names the key by the UUID ecryptfs-generate-tpm-key registered it under
 * in the user storage of the uid ecryptfsd runs as.
 *
 * Compatibility with upstream's module (ecryptfs-utils 111, shipped by
 * Debian as libecryptfs_key_mod_tspi.so): the same token blob (the 16
 * UUID bytes), the same key signature and the same sealed blob, made by
 * the same TSS calls (kt_format.h, kt_helper.c), so files cross both ways.
 *
 * Beyond upstream: the TSS runs in ecryptfs-tspi-helper, one process per
 * request, never in this process: libtspi waits without a timeout on a
 * tcsd that stops answering, and here that is bounded by the kernel's
 * timeout (the helper is killed), so a hung tcsd costs a request, not a
 * daemon worker.  An unsealed key is used only when it is a well-formed
 * key record, and a sealed blob is checked for shape before the TPM sees
 * it.  No secret exists to store: the SRK has the well-known secret and
 * the key needs no authorisation, as with upstream's key generator; the
 * token holds the UUID only.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ecfs_errbuf.h"
#include "keymods/ecfs_keymod.h"
#include "keymods/pkcs11/p11_wire.h"
#include "kt_format.h"
#include "kt_wire.h"
#include "keymod_tspi.h"

#ifndef ECFS_TSPI_HELPER
#define ECFS_TSPI_HELPER "/usr/libexec/ecryptfs/ecryptfs-tspi-helper"
#endif

#define KT_ALIAS		"tspi"
/* Mount-time requests (key check, signature): well inside the mount helper's 30 s. */
#define KT_MOUNT_TIMEOUT_MS	25000

extern char **environ;

static const struct ecfs_keymod_param kt_params[] = {
	{ "tspi_uuid", NULL, ECFS_KEYMOD_P_REQUIRED | ECFS_KEYMOD_P_TOKEN,
	  "UUID (32 hex digits) of the TPM key, as ecryptfs-generate-tpm-key printed it" },
};

static const struct ecfs_keymod_param *kt_get_params(size_t *n)
{
	*n = sizeof(kt_params) / sizeof(kt_params[0]);
	return kt_params;
}

int kt_timeout_ms(void)
{
	const char *env = secure_getenv("ECFS_TSPI_TIMEOUT");
	long s = 0;

	/*
	 * The kernel does not publish ecryptfs_message_wait_timeout (sysfs
	 * mode 0): whoever raises it tells ecryptfsd the same way.
	 */
	if (env && env[0])
		s = strtol(env, NULL, 10);
	if (s <= 0 || s > 3600)
		s = 3;	/* the kernel's default */
	return (int)(s * 1000);
}

static const char *helper_path(void)
{
	/* For the test suite; ignored in set-id programs. */
	const char *p = secure_getenv("ECFS_TSPI_HELPER");

	return p && p[0] == '/' ? p : ECFS_TSPI_HELPER;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reap @pid by @deadline, killing it if it has not exited by then. */
static int reap(pid_t pid, long deadline)
{
	int st = 0;

	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid || (w < 0 && errno != EINTR))
			return st;
		if (now_ms() >= deadline)
			break;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

int kt_call(unsigned int op, const uint8_t uuid[KT_UUID_LEN], const uint8_t *in, size_t in_len,
	    int timeout_ms, uint8_t *out, size_t *out_len, char *err, size_t errlen)
{
	uint8_t buf[P11W_MAX_MSG];
	struct p11w_msg q = { .op_or_status = op, .n = in ? 2 : 1 }, a;
	posix_spawn_file_actions_t fa;
	char *argv[3] = { NULL, "3", NULL };
	const char *path = helper_path();
	long deadline = now_ms() + timeout_ms;
	pid_t pid = -1;
	int sv[2], r, len, st;
	ssize_t n;

	(void)mlock(buf, sizeof(buf));
	q.f[0] = (struct p11w_field){ uuid, KT_UUID_LEN };
	if (in)
		q.f[1] = (struct p11w_field){ in, in_len };
	len = p11w_encode(&q, 0, buf, sizeof(buf));
	if (len < 0) {
		ecfs_errbuf(err, errlen, "tspi: request too large");
		r = len;
		goto out_buf;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		r = -errno;
		ecfs_errbuf(err, errlen, "tspi: socketpair: %s", strerror(errno));
		goto out_buf;
	}
	argv[0] = (char *)path;
	posix_spawn_file_actions_init(&fa);
	/* dup2 clears close-on-exec on the child's copy; nothing else leaks. */
	posix_spawn_file_actions_adddup2(&fa, sv[1], 3);
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	r = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (r) {
		ecfs_errbuf(err, errlen, "tspi: cannot start %s: %s", path, strerror(r));
		r = -r;
		goto out_sock;
	}
	n = send(sv[0], buf, (size_t)len, MSG_NOSIGNAL);
	if (n != len) {
		ecfs_errbuf(err, errlen, "tspi: the TSS helper is gone before the request");
		r = -EIO;
		goto out_child;
	}
	for (;;) {
		struct pollfd pfd = { .fd = sv[0], .events = POLLIN };
		long left = deadline - now_ms();

		if (left <= 0) {
			ecfs_errbuf(err, errlen,
			       "tspi: no answer from tcsd within %d ms (tcsd or the TPM hangs); request abandoned",
			       timeout_ms);
			r = -ETIMEDOUT;
			goto out_child;
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0)
			break;
	}
	n = recv(sv[0], buf, sizeof(buf), 0);
	if (n <= 0) {
		/* EOF can come just before the exit status: give it a second. */
		st = reap(pid, now_ms() + 1000);
		pid = -1;
		if (WIFSIGNALED(st))
			ecfs_errbuf(err, errlen, "tspi: the TSS helper crashed (signal %d)", WTERMSIG(st));
		else
			ecfs_errbuf(err, errlen, "tspi: the TSS helper exited (status %d) without answering",
			       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		r = -EIO;
		goto out_sock;
	}
	if (p11w_decode(buf, (size_t)n, 1, &a) || a.n != 2 || a.op_or_status > 4095) {
		ecfs_errbuf(err, errlen, "tspi: malformed answer from the TSS helper");
		r = -EIO;
		goto out_child;
	}
	if (a.op_or_status) {
		ecfs_errbuf(err, errlen, "tspi: %.*s", (int)a.f[0].len, (const char *)a.f[0].p);
		r = -(int)a.op_or_status;
		goto out_child;
	}
	if (a.f[1].len > *out_len) {
		ecfs_errbuf(err, errlen, "tspi: answer of %zu bytes, at most %zu expected", a.f[1].len,
		       *out_len);
		r = -EPROTO;
		goto out_child;
	}
	memcpy(out, a.f[1].p, a.f[1].len);
	*out_len = a.f[1].len;
	r = 0;
out_child:
	if (pid > 0)
		reap(pid, r == -ETIMEDOUT ? 0 : deadline);
out_sock:
	close(sv[0]);
out_buf:
	explicit_bzero(buf, sizeof(buf));
	(void)munlock(buf, sizeof(buf));
	return r;
}

/* The key's signature, from its modulus as the TSS reports it. */
static int sig_of(const uint8_t uuid[KT_UUID_LEN], char sig[ECFS_KEYMOD_SIG_HEX + 1],
		  char *err, size_t errlen)
{
	uint8_t n[KT_MAX_MODULUS];
	size_t nl = sizeof(n);
	int r;

	r = kt_call(KT_OP_PUBKEY, uuid, NULL, 0, KT_MOUNT_TIMEOUT_MS, n, &nl, err, errlen);
	if (r)
		return r;
	r = kt_sig_from_modulus(n, nl, sig);
	if (r)
		ecfs_errbuf(err, errlen, "tspi: the TPM key's modulus (%zu bytes) is unusable", nl);
	return r;
}

static int kt_op_build_token(const struct ecfs_keymod_kv *kv, size_t n, uint8_t **blob,
			     size_t *blob_len, char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err,
			     size_t errlen)
{
	const char *val = NULL;
	uint8_t uuid[KT_UUID_LEN];
	size_t i;
	int r;

	*blob = NULL;
	*blob_len = 0;
	for (i = 0; i < n; i++) {
		if (!kv[i].name || strcmp(kv[i].name, "tspi_uuid")) {
			ecfs_errbuf(err, errlen, "tspi: unknown parameter '%s' (only tspi_uuid=)",
			       kv[i].name ? kv[i].name : "");
			return -EINVAL;
		}
		val = kv[i].value;
	}
	if (!val || !val[0]) {
		ecfs_errbuf(err, errlen, "tspi: tspi_uuid= is required (the UUID ecryptfs-generate-tpm-key printed)");
		return -EINVAL;
	}
	if (kt_uuid_parse(val, uuid)) {
		ecfs_errbuf(err, errlen, "tspi: tspi_uuid=%.40s is not 32 hex digits", val);
		return -EINVAL;
	}
	/* The key must load now (tcsd up, SRK well-known, UUID known). */
	r = sig_of(uuid, sig, err, errlen);
	if (r)
		return r;
	*blob = malloc(KT_UUID_LEN);
	if (!*blob)
		return -ENOMEM;
	memcpy(*blob, uuid, KT_UUID_LEN);
	*blob_len = KT_UUID_LEN;
	return 0;
}

static int kt_op_key_sig(const uint8_t *blob, size_t blob_len,
			 char sig[ECFS_KEYMOD_SIG_HEX + 1], char *err, size_t errlen)
{
	uint8_t uuid[KT_UUID_LEN];

	if (kt_blob_parse(blob, blob_len, uuid)) {
		ecfs_errbuf(err, errlen, "tspi: malformed token blob (%zu bytes, not a 16-byte UUID)",
		       blob_len);
		return -EBADMSG;
	}
	return sig_of(uuid, sig, err, errlen);
}

static int kt_op_wrap(const uint8_t *blob, size_t blob_len, const uint8_t *in, size_t in_len,
		      uint8_t *out, size_t out_cap, size_t *out_len, char *err, size_t errlen)
{
	uint8_t uuid[KT_UUID_LEN], sealed[ECFS_KEYMOD_MAX_WRAPPED];
	size_t sl = sizeof(sealed);
	int r;

	*out_len = 0;
	if (kt_blob_parse(blob, blob_len, uuid)) {
		ecfs_errbuf(err, errlen, "tspi: malformed token blob (%zu bytes, not a 16-byte UUID)",
		       blob_len);
		return -EBADMSG;
	}
	if (!in_len || in_len > ECFS_KEYMOD_MAX_PLAIN) {
		ecfs_errbuf(err, errlen, "tspi: a file key of %zu bytes cannot be sealed", in_len);
		return -EINVAL;
	}
	r = kt_call(KT_OP_SEAL, uuid, in, in_len, kt_timeout_ms(), sealed, &sl, err, errlen);
	if (r)
		return r;
	if (kt_sealed_check(sealed, sl)) {
		ecfs_errbuf(err, errlen, "tspi: the TSS returned a malformed sealed blob");
		return -EPROTO;
	}
	if (sl > out_cap)
		return -ENOBUFS;
	memcpy(out, sealed, sl);
	*out_len = sl;
	return 0;
}

static int kt_op_unwrap(const uint8_t *blob, size_t blob_len, const uint8_t *in,
			size_t in_len, uint8_t **out, size_t *out_len, char *err, size_t errlen)
{
	uint8_t uuid[KT_UUID_LEN], k[ECFS_KEYMOD_MAX_WRAPPED];
	char hex[KT_UUID_HEX + 1];
	size_t kl = sizeof(k);
	int r;

	*out = NULL;
	*out_len = 0;
	if (kt_blob_parse(blob, blob_len, uuid)) {
		ecfs_errbuf(err, errlen, "tspi: malformed token blob (%zu bytes, not a 16-byte UUID)",
		       blob_len);
		return -EBADMSG;
	}
	if (kt_sealed_check(in, in_len)) {
		ecfs_errbuf(err, errlen, "tspi: the wrapped key (%zu bytes) is not a TPM sealed blob",
		       in_len);
		return -EBADMSG;
	}
	(void)mlock(k, sizeof(k));
	r = kt_call(KT_OP_UNSEAL, uuid, in, in_len, kt_timeout_ms(), k, &kl, err, errlen);
	if (r)
		goto out;
	if (kt_record_check(k, kl)) {
		kt_uuid_format(uuid, hex);
		ecfs_errbuf(err, errlen,
		       "tspi: TPM key %s unsealed no valid file key (%zu bytes; wrong key or a faulty TSS)",
		       hex, kl);
		r = -EBADMSG;
		goto out;
	}
	*out = malloc(kl);
	if (!*out) {
		r = -ENOMEM;
		goto out;
	}
	(void)mlock(*out, kl);
	memcpy(*out, k, kl);
	*out_len = kl;
out:
	explicit_bzero(k, sizeof(k));
	(void)munlock(k, sizeof(k));
	return r;
}

static void kt_op_free_secret(uint8_t *p, size_t len)
{
	if (!p)
		return;
	explicit_bzero(p, len);
	(void)munlock(p, len);
	free(p);
}

static void kt_op_release_blob(uint8_t *blob, size_t len)
{
	if (!blob)
		return;
	explicit_bzero(blob, len);
	free(blob);
}

static const struct ecfs_keymod_ops kt_ops = {
	.abi_version = ECFS_KEYMOD_ABI_VERSION,
	.alias = KT_ALIAS,
	.description = "TPM 1.2 sealing key through TrouSerS (tcsd), upstream-compatible",
	.params = kt_get_params,
	.build_token = kt_op_build_token,
	.key_sig = kt_op_key_sig,
	.wrap = kt_op_wrap,
	.unwrap = kt_op_unwrap,
	.free_secret = kt_op_free_secret,
	.release_blob = kt_op_release_blob,
};

__attribute__((visibility("default")))
const struct ecfs_keymod_ops *ecfs_keymod_get_ops(void)
{
	return &kt_ops;
}
