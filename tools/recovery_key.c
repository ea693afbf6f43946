// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecryptfs-recovery-key: make and restore a recovery key.
 *
 * A recovery key is an RSA key pair.  Its public half is mounted as an
 * additional key (key=openssl:keyfile=PUBLIC.pem), so that every new file
 * gets a tag 1 packet for it next to the packets of the everyday keys; the
 * private half goes offline, as a PEM file and as a printed page
 * (rk_paper.h), and opens every such file with ecryptfs-decrypt
 * --recovery-key or a mount with key=openssl:keyfile=PRIVATE.pem.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ecfs_kdf.h"
#include "ed_pk.h"
#include "ed_pkcli.h"
#include "et_secret.h"
#include "rk_paper.h"

#define PROG "ecryptfs-recovery-key"
#define RK_DEFAULT_BITS 3072

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " generate [--bits N] [--passphrase-file FILE | --ask-passphrase] PREFIX\n"
		"       " PROG " print [--passphrase-file FILE] PRIVATE.pem\n"
		"       " PROG " restore TEXT|- PRIVATE.pem\n"
		"       " PROG " sig KEY.pem\n"
		"\n"
		"generate  makes an RSA key pair (3072 bits by default; 2048-4096) and writes\n"
		"          PREFIX.pem (private key, mode 0600), PREFIX.pub.pem (public key)\n"
		"          and PREFIX.txt (the private key in printable form, 0600).  With\n"
		"          --passphrase-file (first line) or --ask-passphrase the private key\n"
		"          is encrypted (AES-256, PKCS#8) in all its copies.\n"
		"print     writes the printable form of a private key to stdout.\n"
		"restore   turns the printable form (typed back from paper) into a PEM file\n"
		"          (0600; never overwrites), checking every line and the whole.\n"
		"sig       prints the key signature of a public or private key: the id of\n"
		"          the tag 1 packets it makes, as ecryptfs-stat shows them.\n"
		"\n"
		"Then mount with the public key as an additional key:\n"
		"  mount -t ecryptfs -o key=passphrase:...,key=openssl:keyfile=PREFIX.pub.pem,...\n"
		"(ecryptfsd must be running), keep PREFIX.pem and PREFIX.txt offline, and\n"
		"recover with ecryptfs-decrypt --recovery-key PREFIX.pem LOWER OUTPUT, or\n"
		"mount with key=openssl:keyfile=PREFIX.pem.\n");
}

static int write_new(const char *path, const void *data, size_t len, mode_t mode)
{
	const char *p = data;
	int fd, rc = 0;

	/* O_EXCL: a recovery key is never overwritten. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		rc = -errno;
		fprintf(stderr, PROG ": %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (not overwriting a key file)" : "");
		return rc;
	}
	if (fchmod(fd, mode))
		rc = -errno;
	while (!rc && len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -errno;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (rc) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-rc));
		unlink(path);
	}
	return rc;
}

/* PEM of the private key (encrypted PKCS#8 with @pass) into memory. */
static int pem_private(EVP_PKEY *pk, const struct et_secret *pass, char **pem, size_t *len)
{
	BIO *b = BIO_new(BIO_s_secmem());
	char *data;
	long n;
	int ok;

	if (!b)
		return -ENOMEM;
	ok = PEM_write_bio_PKCS8PrivateKey(b, pk, pass && pass->len ? EVP_aes_256_cbc() : NULL,
					   pass && pass->len ? pass->buf : NULL,
					   pass && pass->len ? (int)pass->len : 0, NULL, NULL);
	n = BIO_get_mem_data(b, &data);
	if (!ok || n <= 0) {
		BIO_free(b);
		ERR_clear_error();
		return -EIO;
	}
	*pem = OPENSSL_secure_malloc((size_t)n);
	if (!*pem) {
		BIO_free(b);
		return -ENOMEM;
	}
	memcpy(*pem, data, (size_t)n);
	*len = (size_t)n;
	BIO_free(b);
	return 0;
}

/* The printable form of one PEM block. */
static int paper_of_pem(const char *pem, size_t pem_len, const char *sig_hex, char **text)
{
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	BIO *b;
	int rc = -EPROTO;

	b = BIO_new_mem_buf(pem, (int)pem_len);
	if (!b)
		return -ENOMEM;
	if (PEM_read_bio(b, &name, &header, &der, &dlen) == 1 && dlen > 0)
		rc = rk_paper_encode(name, sig_hex, der, (size_t)dlen, text);
	if (der)
		OPENSSL_cleanse(der, (size_t)dlen);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(b);
	ERR_clear_error();
	return rc;
}

static int get_pass(const char *passfile, bool ask, struct et_secret *s)
{
	struct et_secret again = { 0 };
	int rc;

	if (passfile)
		return ed_pkcli_read_pass(PROG, passfile, ED_PKCLI_PASS_MAX, s);
	if (!ask)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, PROG ": --ask-passphrase needs a terminal; use --passphrase-file\n");
		return -ENOTTY;
	}
	rc = et_secret_alloc(s, ED_PKCLI_PASS_MAX);
	if (!rc)
		rc = et_secret_prompt("Passphrase for the recovery key", s);
	if (!rc)
		rc = et_secret_alloc(&again, ED_PKCLI_PASS_MAX);
	if (!rc)
		rc = et_secret_prompt("Again", &again);
	if (!rc && (s->len != again.len || memcmp(s->buf, again.buf, s->len))) {
		fprintf(stderr, PROG ": the passphrases differ\n");
		rc = -EINVAL;
	}
	if (!rc && !s->len) {
		fprintf(stderr, PROG ": empty passphrase\n");
		rc = -EINVAL;
	}
	et_secret_free(&again);
	return rc;
}

static int cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bits", required_argument, NULL, 'b' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "ask-passphrase", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *passfile = NULL, *prefix;
	char *priv_path = NULL, *pub_path = NULL, *txt_path = NULL, *pem = NULL, *text = NULL;
	char hex[ECFS_SIG_SIZE_HEX + 1];
	uint8_t sig[ECFS_SIG_SIZE];
	struct et_secret pass = { 0 };
	size_t pem_len = 0;
	long bits = RK_DEFAULT_BITS;
	EVP_PKEY_CTX *c = NULL;
	EVP_PKEY *pk = NULL;
	BIO *pub = NULL;
	char *pub_data;
	long pub_len;
	bool ask = false;
	int opt, rc = -EINVAL;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			errno = 0;
			bits = strtol(optarg, &end, 10);
			if (errno || *end || bits < 2048 || bits > 4096) {
				fprintf(stderr, PROG ": --bits must be 2048 to 4096 (the kernel "
					"stores at most 512 bytes)\n");
				return 2;
			}
			break;
		case 'p':
			passfile = optarg;
			break;
		case 'a':
			ask = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 1 || (passfile && ask)) {
		usage(stderr);
		return 2;
	}
	prefix = argv[optind];
	if (asprintf(&priv_path, "%s.pem", prefix) < 0 ||
	    asprintf(&pub_path, "%s.pub.pem", prefix) < 0 ||
	    asprintf(&txt_path, "%s.txt", prefix) < 0) {
		fprintf(stderr, PROG ": out of memory\n");
		return 1;
	}
	if (!access(priv_path, F_OK) || !access(pub_path, F_OK) || !access(txt_path, F_OK)) {
		fprintf(stderr, PROG ": %s.{pem,pub.pem,txt} exists; not overwriting a key\n",
			prefix);
		rc = -EEXIST;
		goto out;
	}
	rc = get_pass(passfile, ask, &pass);
	if (rc)
		goto out;
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "Generating a %ld-bit RSA key...\n", bits);
	rc = -EIO;
	c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!c || EVP_PKEY_keygen_init(c) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(c, (int)bits) <= 0 ||
	    EVP_PKEY_generate(c, &pk) <= 0) {
		fprintf(stderr, PROG ": RSA key generation failed\n");
		goto out;
	}
	rc = ecfs_rsa_key_sig(pk, sig);
	if (rc)
		goto out;
	ecfs_sig_to_hex(sig, hex);
	rc = pem_private(pk, &pass, &pem, &pem_len);
	if (!rc)
		rc = paper_of_pem(pem, pem_len, hex, &text);
	if (rc) {
		fprintf(stderr, PROG ": cannot encode the key: %s\n", strerror(-rc));
		goto out;
	}
	pub = BIO_new(BIO_s_mem());
	if (!pub || !PEM_write_bio_PUBKEY(pub, pk) ||
	    (pub_len = BIO_get_mem_data(pub, &pub_data)) <= 0) {
		fprintf(stderr, PROG ": cannot encode the public key\n");
		rc = -EIO;
		goto out;
	}
	rc = write_new(priv_path, pem, pem_len, 0600);
	if (!rc) {
		rc = write_new(txt_path, text, strlen(text), 0600);
		if (rc)
			unlink(priv_path);
	}
	if (!rc) {
		rc = write_new(pub_path, pub_data, (size_t)pub_len, 0644);
		if (rc) {
			unlink(priv_path);
			unlink(txt_path);
		}
	}
	if (rc)
		goto out;
	printf("Recovery key %s\n"
	       "  private key:    %s   (keep offline)\n"
	       "  printable copy: %s   (print it, store it safely, then delete it)\n"
	       "  public key:     %s   (mount with key=openssl:keyfile=%s)\n",
	       hex, priv_path, txt_path, pub_path, pub_path);
out:
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	if (pem)
		OPENSSL_secure_clear_free(pem, pem_len);
	BIO_free(pub);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(c);
	et_secret_free(&pass);
	free(priv_path);
	free(pub_path);
	free(txt_path);
	ERR_clear_error();
	return rc ? 1 : 0;
}

static int cmd_print(int argc, char **argv)
{
	const char *passfile = NULL;
	char hex[ECFS_SIG_SIZE_HEX + 1];
	uint8_t sig[ECFS_SIG_SIZE];
	char *pem = NULL, *text = NULL;
	EVP_PKEY *pk = NULL;
	size_t len = 0;
	int i = 1, rc;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "--passphrase-file")) {
		passfile = argv[2];
		i = 3;
	}
	if (argc - i != 1) {
		usage(stderr);
		return 2;
	}
	/* Loading it checks the passphrase and that it is a private key. */
	rc = ed_pkcli_load(PROG, argv[i], passfile, true, &pk);
	if (rc)
		return 1;
	rc = ecfs_rsa_key_sig(pk, sig);
	EVP_PKEY_free(pk);
	if (rc)
		return 1;
	ecfs_sig_to_hex(sig, hex);
	/* Print the file's own block: an encrypted key stays encrypted. */
	f = fopen(argv[i], "re");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	pem = OPENSSL_secure_malloc(RK_PAPER_MAX_BYTES * 2);
	if (pem)
		len = fread(pem, 1, RK_PAPER_MAX_BYTES * 2, f);
	fclose(f);
	rc = pem ? paper_of_pem(pem, len, hex, &text) : -ENOMEM;
	if (pem)
		OPENSSL_secure_clear_free(pem, RK_PAPER_MAX_BYTES * 2);
	if (rc) {
		fprintf(stderr, PROG ": %s: cannot encode: %s\n", argv[i], strerror(-rc));
		return 1;
	}
	fputs(text, stdout);
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	return fflush(stdout) ? 1 : 0;
}

static int cmd_restore(int argc, char **argv)
{
	char type[RK_PAPER_TYPE_MAX], msg[256] = "";
	size_t cap = 256 * 1024, len = 0, dlen = 0;
	char *text = NULL, *pem_data;
	uint8_t *der = NULL;
	BIO *b = NULL;
	long pem_len;
	int fd, rc = 1;

	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	fd = strcmp(argv[1], "-") ? open(argv[1], O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	text = OPENSSL_secure_zalloc(cap + 1);
	der = OPENSSL_secure_malloc(RK_PAPER_MAX_BYTES);
	if (!text || !der) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, text + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, PROG ": %s: %s\n", argv[1], strerror(errno));
			goto out;
		}
		if (!r)
			break;
		len += (size_t)r;
		if (len == cap) {
			fprintf(stderr, PROG ": %s: too large for a recovery key\n", argv[1]);
			goto out;
		}
	}
	if (memchr(text, '\0', len)) {
		fprintf(stderr, PROG ": %s: not a text file\n", argv[1]);
		goto out;
	}
	if (rk_paper_decode(text, type, der, &dlen, msg, sizeof(msg))) {
		fprintf(stderr, PROG ": %s: %s\n", argv[1], msg);
		goto out;
	}
	if (strcmp(type, "PRIVATE KEY") && strcmp(type, "ENCRYPTED PRIVATE KEY") &&
	    strcmp(type, "RSA PRIVATE KEY")) {
		fprintf(stderr, PROG ": %s: holds a \"%s\", not a private key\n", argv[1], type);
		goto out;
	}
	b = BIO_new(BIO_s_secmem());
	if (!b || PEM_write_bio(b, type, "", der, (long)dlen) <= 0 ||
	    (pem_len = BIO_get_mem_data(b, &pem_data)) <= 0) {
		fprintf(stderr, PROG ": cannot encode the PEM file\n");
		goto out;
	}
	if (write_new(argv[2], pem_data, (size_t)pem_len, 0600))
		goto out;
	printf("%s: restored (%s, %zu bytes); check it with: " PROG " sig %s\n", argv[2], type,
	       dlen, argv[2]);
	rc = 0;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	BIO_free(b);
	if (text)
		OPENSSL_secure_clear_free(text, cap + 1);
	if (der)
		OPENSSL_secure_clear_free(der, RK_PAPER_MAX_BYTES);
	ERR_clear_error();
	return rc;
}

static int cmd_sig(int argc, char **argv)
{
	char hex[ECFS_SIG_SIZE_HEX + 1];
	uint8_t sig[ECFS_SIG_SIZE];
	EVP_PKEY *pk = NULL;
	int rc;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (ed_pkcli_load(PROG, argv[1], NULL, false, &pk))
		return 1;
	rc = ecfs_rsa_key_sig(pk, sig);
	EVP_PKEY_free(pk);
	if (rc) {
		fprintf(stderr, PROG ": %s: cannot compute the signature\n", argv[1]);
		return 1;
	}
	ecfs_sig_to_hex(sig, hex);
	printf("%s\n", hex);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	/* 1 MiB of secure heap for the private key's copies. */
	if (CRYPTO_secure_malloc_init(1 << 20, 64) == 0)
		fprintf(stderr, PROG ": warning: no locked heap; key copies may be swapped\n");
	if (!strcmp(argv[1], "generate"))
		return cmd_generate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "print"))
		return cmd_print(argc - 1, argv + 1);
	if (!strcmp(argv[1], "restore"))
		return cmd_restore(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sig"))
		return cmd_sig(argc - 1, argv + 1);
	fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
