// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-manager - put keys into the keyring and make new key pairs.
 *
 * Without arguments: upstream's menu (1 add a passphrase key, 2 add a
 * public key, 3 generate a key pair, then choose the key module, 4 exit).
 * With a command (em_args.h) the same without questions, for scripts.
 * Public keys go through the key modules (keymods/): the token holds no
 * secret; a protected key's passphrase, typed here, goes to the user's
 * ecryptfsd (et_modkey.h).  New keys are RSA 3072 unless told otherwise,
 * in a file of mode 0600.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "et_keygen.h"
#include "em_args.h"
#include "et_cli.h"
#include "et_derive.h"
#include "et_keyring.h"
#include "et_modkey.h"
#include "et_opts.h"
#include "et_secret.h"

#define PROG "ecryptfs-manager"

enum em_menu {
	EM_M_PASSPHRASE = 1,
	EM_M_PUBKEY,
	EM_M_GENERATE,
	EM_M_EXIT,
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s                 (interactive menu)\n"
		"       %s add-passphrase [--fnek] [-]\n"
		"       %s add-key MODULE --keyfile FILE [--passwd-file FILE]\n"
		"       %s generate MODULE [--keyfile FILE] [--bits N] [--passwd-file FILE]\n"
		"       %s list\n"
		"       %s list-tokens     (PKCS#11 certificates: the id= of key=pkcs11-helper)\n"
		"       %s list-tpm-keys   (TPM keys in your TrouSerS storage: the tspi_uuid= of key=tspi)\n"
		"Key modules: see 'list'.  New keys are RSA 3072 by default, written mode 0600.\n"
		"'generate tspi' runs ecryptfs-generate-tpm-key (its -p binds the key to PCRs).\n",
		PROG, PROG, PROG, PROG, PROG, PROG, PROG);
}

static void report_added(int rc, const char *sig)
{
	if (rc == 1)
		printf("\nThat key was already in the keyring.\n\n");
	else if (!rc)
		printf("\nAdded key to keyring with signature [%s].\n\n", sig);
	else
		fprintf(stderr, "%s: cannot add key %s to the keyring: %s\n", PROG, sig,
			strerror(-rc));
}

/* Derive and add one passphrase token (@fnek: upstream's FNEK salt quirk). */
static int add_pass_key(const struct et_secret *pw, const uint8_t *salt, int fnek)
{
	struct et_derived d;
	int rc;

	rc = et_derive(pw->buf, pw->len, salt, fnek, &d);
	if (!rc)
		rc = et_derived_add(&d);
	report_added(rc, d.sig);
	et_derived_wipe(&d);
	return rc < 0 ? rc : 0;
}

static int cmd_add_passphrase(int fnek, int from_stdin)
{
	struct et_secret pw = { 0 }, again = { 0 };
	uint8_t salt[ECFS_SALT_SIZE];
	int rc;

	rc = et_secret_alloc(&pw, ECFS_MAX_PASSPHRASE_BYTES);
	if (!rc)
		rc = et_secret_alloc(&again, ECFS_MAX_PASSPHRASE_BYTES);
	if (rc)
		goto out;
	rc = et_cli_get_pass(PROG, from_stdin ? NULL : "\n\tMount-wide passphrase", &pw);
	if (rc)
		goto out;
	/* Typed: ask twice, as upstream's menu does. */
	if (!from_stdin) {
		rc = et_cli_get_pass(PROG, "\tConfirm passphrase", &again);
		if (rc)
			goto out;
		if (again.len != pw.len || memcmp(again.buf, pw.buf, pw.len)) {
			printf("Passphrase mismatch\n");
			rc = -EINVAL;
			goto out;
		}
		printf("\tUsing the default salt value\n");
	}
	if (fnek && et_cli_kernel_lacks_fnek()) {
		fprintf(stderr, "%s: the kernel does not support filename encryption\n", PROG);
		rc = -EOPNOTSUPP;
		goto out;
	}
	et_hex_to_salt(ET_DEFAULT_SALT_HEX, salt);
	rc = add_pass_key(&pw, salt, 0);
	if (!rc && fnek)
		rc = add_pass_key(&pw, NULL, 1);
out:
	et_secret_free(&pw);
	et_secret_free(&again);
	return rc;
}

static int cmd_add_key(const char *module, const char *keyfile, const char *passwd_file)
{
	struct et_keyspec k = { .used = 1 };
	struct et_modkey mk;
	int rc, added;

	k.module = (char *)module;
	k.keyfile = (char *)keyfile;
	if (passwd_file) {
		k.method = ET_PW_FILE;
		k.pw_value = (char *)passwd_file;
	}
	rc = et_modkey_prepare(PROG, &k, 1, &mk);
	if (rc)
		return rc;
	rc = et_keyring_link_user();
	if (rc) {
		fprintf(stderr, "%s: cannot link the user keyring: %s\n", PROG, strerror(-rc));
		goto out;
	}
	rc = et_key_add_token(mk.sig, mk.tok, mk.tok_len);
	if (rc < 0) {
		report_added(rc, mk.sig);
		goto out;
	}
	added = rc == 0;
	/* The daemon is the only place the unlocked key may live. */
	if (mk.pass.buf) {
		int h = et_modkey_handoff(PROG, &mk);

		if (h) {
			if (added)
				et_key_unlink(mk.sig);
			rc = h;
			goto out;
		}
	}
	report_added(rc, mk.sig);
out:
	et_modkey_free(&mk);
	return rc < 0 ? rc : 0;
}

static int cmd_generate(const char *module, const char *keyfile, const char *bits,
			const char *passwd_file, const char *passwd)
{
	struct et_keygen_args a = {
		.module = module, .keyfile = keyfile, .bits = bits,
		.passwd_file = passwd_file, .passwd = passwd,
	};

	return et_keygen_run(PROG, &a, NULL);
}

/* ---- the menu ---- */

static int read_choice(const char *prompt, char *buf, size_t size)
{
	ssize_t n = et_prompt_line(prompt, buf, size);

	if (n < 0)
		return (int)n;
	return 0;
}

/* "Select key type": the modules we ship, by number or name. */
static int choose_module(char *out, size_t size)
{
	char line[64];
	size_t i;
	int rc;

	for (;;) {
		printf("\nSelect key type to use:\n");
		for (i = 0; i < et_keygen_nknown; i++)
			printf(" %zu) %s\n", i + 1, et_keygen_known[i]);
		rc = read_choice("Selection [1]: ", line, sizeof(line));
		if (rc)
			return rc;
		if (!line[0])
			snprintf(line, sizeof(line), "1");
		for (i = 0; i < et_keygen_nknown; i++) {
			char num[24];

			snprintf(num, sizeof(num), "%zu", i + 1);
			if (!strcmp(line, num) || !strcmp(line, et_keygen_known[i])) {
				snprintf(out, size, "%s", et_keygen_known[i]);
				return 0;
			}
		}
		printf("Invalid selection\n");
	}
}

static int ask_keyfile(const char *module, char *out, size_t size)
{
	char def[PATH_MAX] = "", prompt[PATH_MAX + 32];
	int rc;

	if (et_keygen_default_keyfile(module, def, sizeof(def)))
		def[0] = '\0';
	snprintf(prompt, sizeof(prompt), "Key file [%s]: ", def);
	rc = read_choice(prompt, out, size);
	if (rc)
		return rc;
	if (!out[0]) {
		if (!def[0])
			return -EINVAL;
		snprintf(out, size, "%s", def);
	}
	return 0;
}

static int menu_pubkey(void)
{
	char module[ECFS_KEYMOD_NAME_MAX + 1], keyfile[PATH_MAX];
	int rc;

	rc = choose_module(module, sizeof(module));
	if (!rc)
		rc = ask_keyfile(module, keyfile, sizeof(keyfile));
	if (!rc)
		rc = cmd_add_key(module, keyfile, NULL);
	return rc;
}

static int menu_generate(void)
{
	char module[ECFS_KEYMOD_NAME_MAX + 1], keyfile[PATH_MAX], bits[16];
	struct et_secret pw = { 0 }, again = { 0 };
	int rc;

	rc = choose_module(module, sizeof(module));
	if (!rc)
		rc = ask_keyfile(module, keyfile, sizeof(keyfile));
	if (!rc)
		rc = read_choice("Key size in bits [3072]: ", bits, sizeof(bits));
	if (rc)
		return rc;
	if (strspn(bits, "0123456789") != strlen(bits)) {
		printf("Invalid key size\n");
		return -EINVAL;
	}
	rc = et_secret_alloc(&pw, 1023);
	if (!rc)
		rc = et_secret_alloc(&again, 1023);
	if (!rc)
		rc = et_secret_prompt("Passphrase to protect the key (empty: none)", &pw);
	if (!rc && pw.len) {
		rc = et_secret_prompt("Confirm passphrase", &again);
		if (!rc && (again.len != pw.len || memcmp(again.buf, pw.buf, pw.len))) {
			printf("Passphrase mismatch\n");
			rc = -EINVAL;
		}
	}
	if (!rc)
		rc = cmd_generate(module, keyfile, bits[0] ? bits : NULL, NULL,
				  pw.len ? pw.buf : NULL);
	et_secret_free(&pw);
	et_secret_free(&again);
	return rc;
}

static int menu(void)
{
	char line[16];
	int rc;

	for (;;) {
		printf("\neCryptfs key management menu\n");
		printf("-------------------------------\n");
		printf("\t%d. Add passphrase key to keyring\n", EM_M_PASSPHRASE);
		printf("\t%d. Add public key to keyring\n", EM_M_PUBKEY);
		printf("\t%d. Generate new public/private keypair\n", EM_M_GENERATE);
		printf("\t%d. Exit\n", EM_M_EXIT);
		for (;;) {
			rc = read_choice("\nMake selection: ", line, sizeof(line));
			if (rc)
				return rc == -ENODATA ? 0 : rc;
			if (strlen(line) == 1 && line[0] >= '1' && line[0] <= '4')
				break;
			printf("Invalid selection\n");
		}
		/* A failed step returns to the menu, as upstream's does. */
		switch (line[0] - '0') {
		case EM_M_PASSPHRASE:
			rc = cmd_add_passphrase(0, 0);
			break;
		case EM_M_PUBKEY:
			rc = menu_pubkey();
			break;
		case EM_M_GENERATE:
			rc = menu_generate();
			break;
		default:
			return 0;
		}
		if (rc == -ENODATA)
			return 0;
		if (rc)
			printf("Returning to main menu\n");
	}
}

int main(int argc, char **argv)
{
	struct em_args a;
	char err[256];
	int rc;

	(void)mlockall(MCL_CURRENT | MCL_FUTURE);
	rc = em_parse_args(argc, argv, &a, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		usage(stderr);
		return 1;
	}
	switch (a.cmd) {
	case EM_HELP:
		usage(stdout);
		return 0;
	case EM_LIST:
		et_keygen_list();
		return 0;
	case EM_LIST_TOKENS:
		/* Providers run only in the helper, never in this process. */
		execl(ECFS_PKCS11_HELPER, ECFS_PKCS11_HELPER, "--list", (char *)NULL);
		fprintf(stderr, "%s: cannot run %s: %s\n", PROG, ECFS_PKCS11_HELPER,
			strerror(errno));
		return 1;
	case EM_LIST_TPM_KEYS:
		/* The TSS runs in the TPM tool, never in this process. */
		execl(ECFS_GEN_TPM_KEY, ECFS_GEN_TPM_KEY, "--list", (char *)NULL);
		fprintf(stderr, "%s: cannot run %s: %s\n", PROG, ECFS_GEN_TPM_KEY,
			strerror(errno));
		return 1;
	case EM_ADD_PASSPHRASE:
		rc = cmd_add_passphrase(a.fnek, a.pass_stdin);
		break;
	case EM_ADD_KEY:
		rc = cmd_add_key(a.module, a.keyfile, a.passwd_file);
		break;
	case EM_GENERATE:
		if (!strcmp(a.module, "tspi")) {
			if (a.keyfile || a.bits || a.passwd_file) {
				fprintf(stderr, "%s: a TPM key takes no --keyfile, --bits or --passwd-file\n",
					PROG);
				return 1;
			}
			execl(ECFS_GEN_TPM_KEY, ECFS_GEN_TPM_KEY, (char *)NULL);
			fprintf(stderr, "%s: cannot run %s: %s\n", PROG, ECFS_GEN_TPM_KEY,
				strerror(errno));
			return 1;
		}
		rc = cmd_generate(a.module, a.keyfile, a.bits, a.passwd_file, NULL);
		break;
	default:
		rc = menu();
		break;
	}
	return rc ? 1 : 0;
}
