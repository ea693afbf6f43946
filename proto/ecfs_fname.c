// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_fname - encrypt and decrypt eCryptfs lower file names (tag 70).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ecfs_b64.h"
#include "ecfs_cipher.h"
#include "ecfs_fname.h"
#include "ecfs_kdf.h"
#include "ecfs_packet.h"

#define MD5_BYTES 16
/* Largest block-aligned plaintext a 255-byte lower name can carry, rounded up. */
#define FNAME_MAX_PLAIN 256
/* Decoded base64 of a 255-byte name (at most 173 bytes), with room to spare. */
#define FNAME_MAX_PACKET 256

int ecfs_fname_key_init(struct ecfs_fname_key *key, const struct ecfs_cipher *cipher,
			size_t key_bytes, const uint8_t fnek[ECFS_MAX_KEY_BYTES])
{
	int rc;

	if (!key || !cipher || !fnek)
		return -EINVAL;
	memset(key, 0, sizeof(*key));
	if (key_bytes && !ecfs_cipher_key_size_ok(cipher, key_bytes))
		return -EINVAL;
	key->cipher = cipher;
	key->key_bytes = key_bytes;
	memcpy(key->fnek, fnek, ECFS_MAX_KEY_BYTES);
	rc = ecfs_kdf_sig(fnek, key->sig);
	if (rc)
		ecfs_fname_key_wipe(key);
	return rc;
}

void ecfs_fname_key_wipe(struct ecfs_fname_key *key)
{
	if (key)
		OPENSSL_cleanse(key, sizeof(*key));
}

/*
 * The kernel's "random" prefix: MD5(FNEK) bytes, the digest replaced by its
 * own MD5 after every 16 bytes, 0x00 bytes turned into 0x42 so the first
 * 0x00 in the plaintext is always the separator.
 */
static int fname_prefix(const uint8_t fnek[ECFS_MAX_KEY_BYTES], uint8_t *out, size_t n)
{
	uint8_t hash[MD5_BYTES];
	unsigned int hlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = EVP_MD_fetch(ecfs_crypto_libctx(), "MD5", NULL);
	size_t i;
	int rc = -EIO;

	if (!ctx || !md)
		goto out;
	if (!EVP_DigestInit_ex2(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, fnek, ECFS_MAX_KEY_BYTES) ||
	    !EVP_DigestFinal_ex(ctx, hash, &hlen))
		goto out;
	for (i = 0; i < n; i++) {
		out[i] = hash[i % MD5_BYTES] ? hash[i % MD5_BYTES] : ECFS_FN_PREFIX_NON_NULL;
		if (i % MD5_BYTES == MD5_BYTES - 1 &&
		    (!EVP_DigestInit_ex2(ctx, md, NULL) ||
		     !EVP_DigestUpdate(ctx, hash, MD5_BYTES) ||
		     !EVP_DigestFinal_ex(ctx, hash, &hlen)))
			goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	return rc;
}

/* Prefix length (including the 0x00 separator) for a name of @len bytes. */
static size_t fname_prefix_len(size_t len, size_t bs)
{
	size_t n = ECFS_FN_MIN_PREFIX_BYTES + 1;

	if ((n + len) % bs)
		n += bs - (n + len) % bs;
	return n;
}

static bool fname_plain_ok(const char *name, size_t len)
{
	if (len == 0 || memchr(name, '/', len) || memchr(name, '\0', len))
		return false;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return true;
}

int ecfs_fname_encrypt(const struct ecfs_fname_key *key, const char *name, size_t len,
		       char *out, size_t out_size, size_t *out_len)
{
	uint8_t plain[FNAME_MAX_PLAIN];
	uint8_t ct[FNAME_MAX_PLAIN];
	struct ecfs_tag70 t70;
	size_t bs, pre, total, pkt_len, enc_len;
	int code, rc;

	if (!key || !key->cipher || !name || !out || !out_len)
		return -EINVAL;
	if (!fname_plain_ok(name, len))
		return -EINVAL;
	code = ecfs_cipher_code(key->cipher, key->key_bytes);
	if (code < 0)
		return -EINVAL;
	bs = key->cipher->block_size;
	if (len > ECFS_LOWER_NAME_MAX)
		return -ENAMETOOLONG;
	pre = fname_prefix_len(len, bs);
	total = pre + len;
	pkt_len = 1 + ecfs_pktlen_size(ECFS_TAG70_BODY_FIXED + total) + ECFS_TAG70_BODY_FIXED + total;
	enc_len = ECFS_FNEK_PREFIX_LEN + ecfs_b64_encoded_len(pkt_len);
	if (enc_len > ECFS_LOWER_NAME_MAX || total > sizeof(plain))
		return -ENAMETOOLONG;
	if (out_size < enc_len + 1)
		return -ENOBUFS;

	rc = fname_prefix(key->fnek, plain, pre - 1);
	if (rc)
		goto out;
	plain[pre - 1] = 0x00;
	memcpy(plain + pre, name, len);

	memcpy(t70.fnek_sig, key->sig, ECFS_SIG_SIZE);
	t70.cipher_code = (uint8_t)code;
	t70.ct = ct;
	t70.ct_len = total;
	rc = ecfs_cipher_ecb(key->cipher, key->fnek, key->key_bytes, true, plain, ct, total);
	if (rc)
		goto out;
	rc = ecfs_fnek_name_encode(out, out_size, &t70);
	if (rc < 0)
		goto out;
	if ((size_t)rc != enc_len) {
		rc = -EIO;
		goto out;
	}
	out[enc_len] = '\0';
	*out_len = enc_len;
	rc = 0;
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	return rc;
}

/* Decode the base64 part into @buf and split the tag 70 packet. */
static int fname_parse(const char *lower, size_t len, uint8_t *buf, size_t buf_size,
		       struct ecfs_tag70 *p)
{
	if (!lower)
		return -EINVAL;
	/* Bytes after the packet are base64 zero padding: ignored, as the
	 * kernel does. */
	return ecfs_fnek_name_decode(lower, len, buf, buf_size, p);
}

int ecfs_fname_peek(const char *lower, size_t len, uint8_t sig[ECFS_SIG_SIZE],
		    unsigned int *code)
{
	uint8_t buf[FNAME_MAX_PACKET];
	struct ecfs_tag70 p;
	int rc;

	rc = fname_parse(lower, len, buf, sizeof(buf), &p);
	if (rc)
		return rc;
	if (sig)
		memcpy(sig, p.fnek_sig, ECFS_SIG_SIZE);
	if (code)
		*code = p.cipher_code;
	return 0;
}

/* One decryption attempt with a given key length. */
static int fname_try(const struct ecfs_fname_key *key, const struct ecfs_cipher *c,
		     size_t key_bytes, const struct ecfs_tag70 *p, bool verify,
		     char *out, size_t out_size, size_t *out_len)
{
	uint8_t plain[FNAME_MAX_PLAIN];
	uint8_t expect[FNAME_MAX_PLAIN];
	uint8_t *sep;
	size_t pre, nlen;
	int rc;

	rc = ecfs_cipher_ecb(c, key->fnek, key_bytes, false, p->ct, plain, p->ct_len);
	if (rc)
		goto out;
	/* When verifying, any implausible plaintext means a wrong key. */
	rc = verify ? -EKEYREJECTED : -EBADMSG;
	sep = memchr(plain, 0, p->ct_len);
	if (!sep)
		goto out;
	pre = (size_t)(sep - plain);
	nlen = p->ct_len - pre - 1;
	if (nlen == 0)
		goto out;
	if (verify) {
		rc = -EKEYREJECTED;
		if (pre + 1 != fname_prefix_len(nlen, c->block_size))
			goto out;
		rc = fname_prefix(key->fnek, expect, pre);
		if (rc)
			goto out;
		if (CRYPTO_memcmp(expect, plain, pre) != 0) {
			rc = -EKEYREJECTED;
			goto out;
		}
	}
	/* The kernel would hand such bytes to the VFS as they are; to a tool
	 * writing files, a '/', NUL, "." or ".." in a name is a path attack
	 * or corruption, never a name the kernel could have encrypted. */
	if (!fname_plain_ok((const char *)sep + 1, nlen)) {
		rc = -EBADMSG;
		goto out;
	}
	if (out_size < nlen + 1) {
		rc = -ENOBUFS;
		goto out;
	}
	memcpy(out, sep + 1, nlen);
	out[nlen] = '\0';
	*out_len = nlen;
	rc = 0;
out:
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(expect, sizeof(expect));
	return rc;
}

int ecfs_fname_decrypt(const struct ecfs_fname_key *key, const char *lower, size_t len,
		       unsigned int flags, char *out, size_t out_size, size_t *out_len)
{
	uint8_t buf[FNAME_MAX_PACKET];
	const struct ecfs_cipher *c;
	struct ecfs_tag70 p;
	size_t ks;
	int rc;

	if (!key || !out || !out_len)
		return -EINVAL;
	rc = fname_parse(lower, len, buf, sizeof(buf), &p);
	if (rc)
		return rc;
	if (CRYPTO_memcmp(p.fnek_sig, key->sig, ECFS_SIG_SIZE) != 0)
		return -EKEYREJECTED;
	c = ecfs_cipher_by_code(p.cipher_code);
	if (!c)
		return -ENOTSUP;
	if (p.ct_len % c->block_size || p.ct_len > FNAME_MAX_PLAIN)
		return -EBADMSG;
	if (key->key_bytes) {
		if (!ecfs_cipher_key_size_ok(c, key->key_bytes))
			return -EINVAL;
		return fname_try(key, c, key->key_bytes, &p, flags & ECFS_FNAME_VERIFY,
				 out, out_size, out_len);
	}
	if (c->id == ECFS_CID_AES) {
		ks = p.cipher_code == ECFS_CIPHER_AES_128 ? 16 :
		     p.cipher_code == ECFS_CIPHER_AES_192 ? 24 : 32;
		return fname_try(key, c, ks, &p, true, out, out_size, out_len);
	}
	rc = -EKEYREJECTED;
	for (ks = c->min_key; ks <= c->max_key; ks += c->key_step) {
		rc = fname_try(key, c, ks, &p, true, out, out_size, out_len);
		if (rc != -EKEYREJECTED && rc != -EBADMSG)
			break;
	}
	return rc == -EBADMSG ? -EKEYREJECTED : rc;
}

/* ---- long names (ours only) ---- */

int ecfs_lname_slot(const char *lower, size_t len)
{
	static const char alphabet[] = ECFS_B64_ALPHABET;
	size_t n = ECFS_LN_PREFIX_LEN + ECFS_LN_DIGEST_CHARS, i;

	if (len <= ECFS_LN_PREFIX_LEN || memcmp(lower, ECFS_LN_PREFIX, ECFS_LN_PREFIX_LEN))
		return -ENOENT;
	if (len != n && len != n + 2)
		return -EINVAL;
	for (i = ECFS_LN_PREFIX_LEN; i < n; i++)
		if (!lower[i] || !strchr(alphabet, lower[i]))
			return -EINVAL;
	if (len == n)
		return 0;
	if (lower[n] != '.' || lower[n + 1] < '1' || lower[n + 1] >= '0' + ECFS_LN_SLOTS)
		return -EINVAL;
	return lower[n + 1] - '0';
}

int ecfs_lname_xattr(const char *lower, size_t len, char *out, size_t out_size)
{
	size_t tail = len - ECFS_LN_PREFIX_LEN;

	if (ecfs_lname_slot(lower, len) < 0)
		return -EINVAL;
	if (ECFS_LN_XATTR_PREFIX_LEN + tail + 1 > out_size)
		return -ENOBUFS;
	memcpy(out, ECFS_LN_XATTR_PREFIX, ECFS_LN_XATTR_PREFIX_LEN);
	memcpy(out + ECFS_LN_XATTR_PREFIX_LEN, lower + ECFS_LN_PREFIX_LEN, tail);
	out[ECFS_LN_XATTR_PREFIX_LEN + tail] = '\0';
	return 0;
}

/* A record is an upstream-style name too long for the lower fs. */
static bool lname_rec_ok(const char *rec, size_t rec_len)
{
	return rec_len > ECFS_LOWER_NAME_MAX && rec_len <= ECFS_LN_VALUE_MAX &&
	       !memcmp(rec, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN);
}

static int lname_digest(const char *rec, size_t rec_len, char d[ECFS_LN_DIGEST_CHARS])
{
	uint8_t hash[EVP_MAX_MD_SIZE];
	unsigned int hlen = 0;
	EVP_MD *md = EVP_MD_fetch(ecfs_crypto_libctx(), "SHA256", NULL);
	int rc = -EIO;

	if (md && EVP_Digest(rec, rec_len, hash, &hlen, md, NULL) && hlen >= ECFS_LN_DIGEST_BYTES &&
	    ecfs_b64_encode(hash, ECFS_LN_DIGEST_BYTES, d, ECFS_LN_DIGEST_CHARS) ==
		    ECFS_LN_DIGEST_CHARS)
		rc = 0;
	EVP_MD_free(md);
	return rc;
}

int ecfs_lname_make(const char *rec, size_t rec_len, unsigned int slot, char *out,
		    size_t out_size, size_t *out_len)
{
	size_t n = ECFS_LN_PREFIX_LEN + ECFS_LN_DIGEST_CHARS;
	int rc;

	if (slot >= ECFS_LN_SLOTS || !lname_rec_ok(rec, rec_len))
		return -EINVAL;
	if (out_size < n + (slot ? 2 : 0) + 1)
		return -ENOBUFS;
	memcpy(out, ECFS_LN_PREFIX, ECFS_LN_PREFIX_LEN);
	rc = lname_digest(rec, rec_len, out + ECFS_LN_PREFIX_LEN);
	if (rc)
		return rc;
	if (slot) {
		out[n++] = '.';
		out[n++] = (char)('0' + slot);
	}
	out[n] = '\0';
	*out_len = n;
	return 0;
}

int ecfs_lname_check(const char *lower, size_t len, const char *rec, size_t rec_len)
{
	char d[ECFS_LN_DIGEST_CHARS];
	int rc;

	if (ecfs_lname_slot(lower, len) < 0)
		return -EINVAL;
	if (!lname_rec_ok(rec, rec_len))
		return -EBADMSG;
	rc = lname_digest(rec, rec_len, d);
	if (rc)
		return rc;
	return memcmp(d, lower + ECFS_LN_PREFIX_LEN, ECFS_LN_DIGEST_CHARS) ? -EBADMSG : 0;
}
