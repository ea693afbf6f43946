// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-pkcs11-helper: the only process that loads PKCS#11 providers.
 *
 * Started by the pkcs11-helper key module with one end of a socketpair as
 * descriptor 3 (argv[1] == "3"); answers one request at a time
 * (p11_wire.h) until the other end closes.  It reads the provider list
 * from ~/.ecryptfsrc.pkcs11 of the uid it runs as (upstream's file and
 * syntax) or, when that file does not exist, from the system-wide
 * configuration (ECFS_PKCS11_SYSCONF, /etc/ecryptfs/pkcs11.conf).
 *
 * Every PIN it receives lives in locked memory and is wiped after the
 * request; pkcs11-helper keeps the login of a token's session until the
 * module says FORGET or closes the socket.  The process is not dumpable
 * and has no core files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pkcs11-helper-1.0/pkcs11h-certificate.h>
#include <pkcs11-helper-1.0/pkcs11h-core.h>

#include "p11_wire.h"

#define PH_FD			3
#define PH_MAX_PIN		256
#define PH_MAX_PROVIDERS	8
#define PH_MAX_CONF		16384
#define PH_CACHE		8

#ifndef ECFS_PKCS11_SYSCONF
#define ECFS_PKCS11_SYSCONF "/etc/ecryptfs/pkcs11.conf"
#endif

/* What the hooks learn during one request. */
struct ph_req {
	const char *pin;	/* NUL-terminated, may be "" */
	int pin_asked, pin_wrong, token_missing;
	char token[256];	/* label of the token asked for */
};

static struct ph_req *ph_cur;
static int ph_loglevel;
static int ph_nproviders;
static char ph_conf_err[256];
static char ph_prov_err[256];

/* Certificates with a live session, by serialized id. */
struct ph_ent {
	char *id;
	pkcs11h_certificate_t cert;
};
static struct ph_ent ph_cache[PH_CACHE];

static void ph_log(void *global, unsigned int flags, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void ph_log(void *global, unsigned int flags, const char *fmt, va_list ap)
{
	(void)global;
	if ((int)flags > ph_loglevel)
		return;
	fputs("ecryptfs-pkcs11-helper: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A token that is not present: never wait for it, say which one. */
static PKCS11H_BOOL ph_token_prompt(void *global, void *user, const pkcs11h_token_id_t token,
				    const unsigned int retry)
{
	(void)global;
	(void)user;
	(void)retry;
	if (ph_cur) {
		ph_cur->token_missing = 1;
		snprintf(ph_cur->token, sizeof(ph_cur->token), "%s", token->label);
	}
	return 0;
}

/*
 * The PIN of the current request, once: a second call means the token
 * refused it, and trying again would only count down the token's retries.
 */
static PKCS11H_BOOL ph_pin_prompt(void *global, void *user, const pkcs11h_token_id_t token,
				  const unsigned int retry, char *pin, const size_t pin_max)
{
	struct ph_req *r = ph_cur;
	size_t l;

	(void)global;
	(void)user;
	if (!r)
		return 0;
	snprintf(r->token, sizeof(r->token), "%s", token->label);
	r->pin_asked = 1;
	if (retry) {
		r->pin_wrong = 1;
		return 0;
	}
	l = strlen(r->pin);
	if (!l || l >= pin_max)
		return 0;
	memcpy(pin, r->pin, l + 1);
	return 1;
}

/* ---- configuration: upstream's ~/.ecryptfsrc.pkcs11 ---- */

struct ph_prov {
	char name[64];
	char library[PATH_MAX];
	unsigned int protected_auth, cert_private, private_mask;
};

static int parse_hex(const char *v, unsigned int *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 16);
	if (errno || end == v || *end || x > 0xffffffffUL)
		return -EINVAL;
	*out = (unsigned int)x;
	return 0;
}

/*
 * Tokens separated by ',' or white space: pkcs11-log-level=N, and
 * pkcs11-provider followed by name=, library=, allow-protected-auth=,
 * cert-private=, private-mask= for that provider (upstream's graph).
 * Lines starting with '#' are comments.
 */
static int conf_parse(char *buf, struct ph_prov *prov, int *nprov, const char *path)
{
	struct ph_prov *cur = NULL;
	char *save = NULL, *tok;
	char *p;

	/* Blank out comment lines first. */
	for (p = buf; *p; ) {
		char *s = p;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#')
			while (*s && *s != '\n')
				*s++ = ' ';
		p = strchr(s, '\n');
		if (!p)
			break;
		p++;
	}
	*nprov = 0;
	for (tok = strtok_r(buf, ", \t\r\n", &save); tok; tok = strtok_r(NULL, ", \t\r\n", &save)) {
		char *eq = strchr(tok, '=');
		const char *v = eq ? eq + 1 : "";

		if (eq)
			*eq = '\0';
		if (!strcmp(tok, "pkcs11-provider")) {
			if (*nprov == PH_MAX_PROVIDERS) {
				snprintf(ph_conf_err, sizeof(ph_conf_err),
					 "%.120s: more than %d providers", path, PH_MAX_PROVIDERS);
				return -EINVAL;
			}
			cur = &prov[(*nprov)++];
			memset(cur, 0, sizeof(*cur));
			cur->protected_auth = 1;
			continue;
		}
		if (!strcmp(tok, "pkcs11-log-level")) {
			ph_loglevel = atoi(v);
			continue;
		}
		if (!strcmp(tok, "pkcs11-pin-cache-timeout"))
			continue;	/* upstream never used it either */
		if (!cur) {
			snprintf(ph_conf_err, sizeof(ph_conf_err),
				 "%.120s: '%.40s' outside a pkcs11-provider entry", path, tok);
			return -EINVAL;
		}
		if (!strcmp(tok, "name")) {
			snprintf(cur->name, sizeof(cur->name), "%s", v);
		} else if (!strcmp(tok, "library")) {
			if (v[0] != '/') {
				snprintf(ph_conf_err, sizeof(ph_conf_err),
					 "%.120s: library= needs an absolute path", path);
				return -EINVAL;
			}
			snprintf(cur->library, sizeof(cur->library), "%s", v);
		} else if (!strcmp(tok, "allow-protected-auth")) {
			if (parse_hex(v, &cur->protected_auth))
				goto bad;
		} else if (!strcmp(tok, "cert-private")) {
			if (parse_hex(v, &cur->cert_private))
				goto bad;
		} else if (!strcmp(tok, "private-mask")) {
			if (parse_hex(v, &cur->private_mask))
				goto bad;
		} else {
			snprintf(ph_conf_err, sizeof(ph_conf_err), "%.120s: unknown entry '%.40s'", path,
				 tok);
			return -EINVAL;
		}
		continue;
bad:
		snprintf(ph_conf_err, sizeof(ph_conf_err), "%.120s: %.40s= needs a hex number", path, tok);
		return -EINVAL;
	}
	return 0;
}

static int conf_read(char *path, size_t pathsz, char *buf, size_t cap)
{
	const char *env = secure_getenv("ECFS_PKCS11_CONF");
	struct passwd *pw;
	ssize_t n;
	size_t len = 0;
	int fd;

	if (env && env[0]) {
		snprintf(path, pathsz, "%s", env);
	} else {
		pw = getpwuid(getuid());
		if (pw && pw->pw_dir)
			snprintf(path, pathsz, "%s/.ecryptfsrc.pkcs11", pw->pw_dir);
		else
			path[0] = '\0';
		if (!path[0] || access(path, F_OK))
			snprintf(path, pathsz, "%s", ECFS_PKCS11_SYSCONF);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(ph_conf_err, sizeof(ph_conf_err),
			 "no PKCS#11 provider configured: cannot read %.120s (%.40s); see ecryptfsrc.pkcs11(5)",
			 path, strerror(errno));
		return -ENOENT;
	}
	while ((n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len == cap - 1) {
		snprintf(ph_conf_err, sizeof(ph_conf_err), "%.120s: unreadable or too large", path);
		return -EINVAL;
	}
	buf[len] = '\0';
	return 0;
}

static void ph_setup(void)
{
	static char buf[PH_MAX_CONF];
	struct ph_prov prov[PH_MAX_PROVIDERS];
	char path[PATH_MAX];
	int i, n = 0;
	CK_RV rv;

	rv = pkcs11h_initialize();
	if (rv != CKR_OK) {
		snprintf(ph_conf_err, sizeof(ph_conf_err), "pkcs11-helper: initialisation failed: %s",
			 pkcs11h_getMessage(rv));
		return;
	}
	pkcs11h_setLogHook(ph_log, NULL);
	pkcs11h_setLogLevel(PKCS11H_LOG_ERROR);
	pkcs11h_setTokenPromptHook(ph_token_prompt, NULL);
	pkcs11h_setPINPromptHook(ph_pin_prompt, NULL);
	pkcs11h_setProtectedAuthentication(1);
	pkcs11h_setMaxLoginRetries(1);
	if (conf_read(path, sizeof(path), buf, sizeof(buf)) ||
	    conf_parse(buf, prov, &n, path))
		return;
	if (ph_loglevel)
		pkcs11h_setLogLevel((unsigned int)ph_loglevel);
	for (i = 0; i < n; i++) {
		if (!prov[i].library[0]) {
			snprintf(ph_conf_err, sizeof(ph_conf_err),
				 "%.100s: provider '%.40s' has no library=", path, prov[i].name);
			return;
		}
		if (!prov[i].name[0])
			snprintf(prov[i].name, sizeof(prov[i].name), "provider%d", i);
		rv = pkcs11h_addProvider(prov[i].name, prov[i].library,
					 prov[i].protected_auth != 0, prov[i].private_mask,
					 PKCS11H_SLOTEVENT_METHOD_AUTO, 0,
					 prov[i].cert_private != 0);
		if (rv != CKR_OK) {
			/*
			 * Some providers (SoftHSM2 without its token directory)
			 * fail to initialise when their token is gone: report it
			 * per request, as a missing token, and go on.
			 */
			snprintf(ph_prov_err, sizeof(ph_prov_err),
				 "PKCS#11 provider %.40s (%.100s) failed to initialise: %.60s",
				 prov[i].name, prov[i].library, pkcs11h_getMessage(rv));
			continue;
		}
		ph_nproviders++;
	}
	if (!n)
		snprintf(ph_conf_err, sizeof(ph_conf_err), "%.200s names no pkcs11-provider", path);
}

/* ---- requests ---- */

static int field_str(const struct p11w_field *f, char *out, size_t cap)
{
	if (f->len >= cap || memchr(f->p, '\0', f->len))
		return -EBADMSG;
	memcpy(out, f->p, f->len);
	out[f->len] = '\0';
	return 0;
}

static void cache_forget(const char *id)
{
	int i;

	for (i = 0; i < PH_CACHE; i++) {
		if (!ph_cache[i].id || (id && strcmp(ph_cache[i].id, id)))
			continue;
		pkcs11h_certificate_freeCertificate(ph_cache[i].cert);
		free(ph_cache[i].id);
		ph_cache[i].id = NULL;
		ph_cache[i].cert = NULL;
	}
}

/* Map what happened to an errno and a message naming the token. */
static int ph_fail(const struct ph_req *r, CK_RV rv, const char *what, const char *label,
		   char *msg, size_t msgcap)
{
	const char *tok = r->token[0] ? r->token : label;

	if (r->token_missing || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_REMOVED ||
	    rv == CKR_SLOT_ID_INVALID) {
		snprintf(msg, msgcap, "token '%s' is not present", tok);
		return ENOMEDIUM;
	}
	if (r->pin_wrong || rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE) {
		snprintf(msg, msgcap, "wrong PIN for token '%s'", tok);
		return EKEYREJECTED;
	}
	if (rv == CKR_PIN_LOCKED) {
		snprintf(msg, msgcap, "the PIN of token '%s' is locked", tok);
		return EKEYREVOKED;
	}
	if (r->pin_asked && !r->pin[0]) {
		snprintf(msg, msgcap, "token '%s' needs a PIN", tok);
		return ENOKEY;
	}
	snprintf(msg, msgcap, "%s on token '%s' failed: %s", what, tok, pkcs11h_getMessage(rv));
	return EIO;
}

/* A certificate object (with session) for @id, cached. */
static CK_RV cert_get(const char *id, const struct p11w_field *der, pkcs11h_certificate_t *out,
		      char *label, size_t labelsz)
{
	pkcs11h_certificate_id_t cid = NULL;
	CK_RV rv;
	int i, free_slot = -1;

	for (i = 0; i < PH_CACHE; i++) {
		if (ph_cache[i].id && !strcmp(ph_cache[i].id, id)) {
			*out = ph_cache[i].cert;
			return CKR_OK;
		}
		if (!ph_cache[i].id && free_slot < 0)
			free_slot = i;
	}
	rv = pkcs11h_certificate_deserializeCertificateId(&cid, id);
	if (rv != CKR_OK)
		return rv;
	snprintf(label, labelsz, "%s", cid->token_id->label);
	if (der && der->len) {
		rv = pkcs11h_certificate_setCertificateIdCertificateBlob(cid, der->p, der->len);
		if (rv != CKR_OK)
			goto out;
	}
	rv = pkcs11h_certificate_create(cid, NULL, PKCS11H_PROMPT_MASK_ALLOW_ALL,
					PKCS11H_PIN_CACHE_INFINITE, out);
	if (rv != CKR_OK)
		goto out;
	if (free_slot < 0) {
		cache_forget(ph_cache[0].id);
		free_slot = 0;
	}
	ph_cache[free_slot].id = strdup(id);
	if (ph_cache[free_slot].id)
		ph_cache[free_slot].cert = *out;
	else
		rv = CKR_HOST_MEMORY;
out:
	pkcs11h_certificate_freeCertificateId(cid);
	return rv;
}

static int token_label_of(const char *id, char *label, size_t cap)
{
	pkcs11h_certificate_id_t cid = NULL;

	if (pkcs11h_certificate_deserializeCertificateId(&cid, id) != CKR_OK)
		return -EINVAL;
	snprintf(label, cap, "%s", cid->token_id->label);
	pkcs11h_certificate_freeCertificateId(cid);
	return 0;
}

static int handle(const struct p11w_msg *q, char *msg, size_t msgcap, uint8_t *data,
		  size_t *dlen)
{
	static char id[2048];
	static char pin[PH_MAX_PIN];
	struct ph_req r = { .pin = pin };
	pkcs11h_certificate_t cert = NULL;
	char label[256] = "?";
	size_t cap = *dlen;
	CK_RV rv = CKR_OK;
	int e = 0;

	*dlen = 0;
	pin[0] = '\0';
	if (!ph_nproviders && (ph_conf_err[0] || !ph_prov_err[0])) {
		snprintf(msg, msgcap, "%s", ph_conf_err[0] ? ph_conf_err :
			 "no PKCS#11 provider configured");
		return ENODEV;
	}
	if (q->op_or_status != P11W_OP_LIST && (q->n < 1 || field_str(&q->f[0], id, sizeof(id)))) {
		snprintf(msg, msgcap, "malformed request");
		return EBADMSG;
	}
	if (q->op_or_status != P11W_OP_LIST && token_label_of(id, label, sizeof(label))) {
		snprintf(msg, msgcap, "'%.200s' is not a pkcs11-helper serialized id", id);
		return EINVAL;
	}
	if (!ph_nproviders) {
		snprintf(msg, msgcap, "token '%.100s' is not present (%.300s)", label, ph_prov_err);
		return ENOMEDIUM;
	}
	switch (q->op_or_status) {
	case P11W_OP_CHECK:
	case P11W_OP_DECRYPT: {
		size_t ol = cap;

		if (q->n != (q->op_or_status == P11W_OP_CHECK ? 3u : 4u) ||
		    field_str(&q->f[2], pin, sizeof(pin))) {
			snprintf(msg, msgcap, "malformed request");
			return EBADMSG;
		}
		/*
		 * CHECK proves the PIN: a session another key of this user
		 * logged in must not make a wrong PIN look right.
		 */
		if (q->op_or_status == P11W_OP_CHECK) {
			cache_forget(id);
			pkcs11h_logout();
		}
		ph_cur = &r;
		rv = cert_get(id, &q->f[1], &cert, label, sizeof(label));
		if (rv == CKR_OK && q->op_or_status == P11W_OP_CHECK)
			rv = pkcs11h_certificate_ensureKeyAccess(cert);
		if (rv == CKR_OK && q->op_or_status == P11W_OP_DECRYPT) {
			rv = pkcs11h_certificate_decryptAny(cert, CKM_RSA_PKCS, q->f[3].p,
							    q->f[3].len, data, &ol);
			if (rv == CKR_OK)
				*dlen = ol;
		}
		ph_cur = NULL;
		if (rv != CKR_OK) {
			/* A dead session must not stay cached. */
			cache_forget(id);
			e = ph_fail(&r, rv, q->op_or_status == P11W_OP_CHECK ? "login" :
				    "decryption", label, msg, msgcap);
		}
		break;
	}
	case P11W_OP_CERT: {
		size_t ol = cap;

		if (q->n != 2 || field_str(&q->f[1], pin, sizeof(pin))) {
			snprintf(msg, msgcap, "malformed request");
			return EBADMSG;
		}
		ph_cur = &r;
		rv = cert_get(id, NULL, &cert, label, sizeof(label));
		if (rv == CKR_OK)
			rv = pkcs11h_certificate_getCertificateBlob(cert, data, &ol);
		ph_cur = NULL;
		if (rv != CKR_OK) {
			cache_forget(id);
			e = ph_fail(&r, rv, "reading the certificate", label, msg, msgcap);
		} else {
			*dlen = ol;
		}
		break;
	}
	case P11W_OP_LIST: {
		pkcs11h_certificate_id_list_t list = NULL, c;
		size_t off = 0;

		ph_cur = &r;
		rv = pkcs11h_certificate_enumCertificateIds(PKCS11H_ENUM_METHOD_CACHE_EXIST, NULL,
							    PKCS11H_PROMPT_MASK_ALLOW_ALL, NULL,
							    &list);
		ph_cur = NULL;
		if (rv != CKR_OK) {
			snprintf(msg, msgcap, "cannot list certificates: %s", pkcs11h_getMessage(rv));
			return EIO;
		}
		for (c = list; c; c = c->next) {
			char ser[2048];
			size_t sl = sizeof(ser);
			int n;

			if (pkcs11h_certificate_serializeCertificateId(ser, &sl, c->certificate_id) !=
			    CKR_OK)
				continue;
			n = snprintf((char *)data + off, cap - off, "%s\t%s\n", ser,
				     c->certificate_id->displayName);
			if (n < 0 || (size_t)n >= cap - off)
				break;
			off += (size_t)n;
		}
		pkcs11h_certificate_freeCertificateIdList(list);
		*dlen = off;
		break;
	}
	case P11W_OP_FORGET:
		cache_forget(id);
		pkcs11h_logout();
		break;
	default:
		snprintf(msg, msgcap, "unknown request %u", q->op_or_status);
		e = EOPNOTSUPP;
		break;
	}
	explicit_bzero(pin, sizeof(pin));
	return e;
}

/* --list: for people (and the test scripts) looking for the id to mount with. */
static int list_main(void)
{
	static uint8_t data[P11W_MAX_MSG];
	struct p11w_msg q = { .op_or_status = P11W_OP_LIST };
	char msg[512] = "";
	size_t dlen = sizeof(data);
	int e;

	ph_setup();
	e = handle(&q, msg, sizeof(msg), data, &dlen);
	if (e) {
		fprintf(stderr, "ecryptfs-pkcs11-helper: %s\n", msg);
		return 1;
	}
	fwrite(data, 1, dlen, stdout);
	pkcs11h_terminate();
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t in[P11W_MAX_MSG], out[P11W_MAX_MSG], data[P11W_MAX_MSG - 512];
	struct rlimit nocore = { 0, 0 };

	if (argc == 2 && !strcmp(argv[1], "--list"))
		return list_main();
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		printf("usage: ecryptfs-pkcs11-helper --list\n"
		       "Lists the certificates of the configured PKCS#11 providers' tokens as\n"
		       "SERIALIZED-ID<TAB>NAME; use the id in key=pkcs11-helper:id=...\n"
		       "Otherwise started by the pkcs11-helper key module only.\n");
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "3")) {
		fprintf(stderr,
			"ecryptfs-pkcs11-helper: started by the pkcs11-helper key module of ecryptfsd and mount.ecryptfs only; see ecryptfs-pkcs11-helper(8)\n");
		return 2;
	}
	(void)setrlimit(RLIMIT_CORE, &nocore);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	ph_setup();
	for (;;) {
		struct p11w_msg q, a;
		char msg[512] = "";
		size_t dlen = sizeof(data);
		ssize_t n;
		int e, len;

		n = recv(PH_FD, in, sizeof(in), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (p11w_decode(in, (size_t)n, 0, &q)) {
			e = EBADMSG;
			snprintf(msg, sizeof(msg), "malformed request");
			dlen = 0;
		} else {
			e = handle(&q, msg, sizeof(msg), data, &dlen);
		}
		memset(&a, 0, sizeof(a));
		a.op_or_status = (uint32_t)e;
		a.n = 2;
		a.f[0].p = (const uint8_t *)msg;
		a.f[0].len = strlen(msg);
		a.f[1].p = data;
		a.f[1].len = e ? 0 : dlen;
		len = p11w_encode(&a, 1, out, sizeof(out));
		explicit_bzero(in, sizeof(in));
		explicit_bzero(data, sizeof(data));
		if (len < 0 || send(PH_FD, out, (size_t)len, MSG_NOSIGNAL) < 0)
			break;
		explicit_bzero(out, sizeof(out));
	}
	cache_forget(NULL);
	pkcs11h_terminate();
	return 0;
}
