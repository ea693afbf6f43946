// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fname.c - filename encryption with the mount's FNEK (proto section 5).
 *
 * A lower name is ECFS_FNEK_PREFIX followed by the filename base64 of a
 * tag 70 packet: 0x46, length, FNEK signature, cipher code, and
 * ecb(fn_cipher) over prefix || 0x00 || name, where the prefix (at least
 * 16 bytes, grown to a whole number of blocks) is fixed per FNEK: MD5 of
 * the FNEK, re-hashed every 16 bytes, with zero bytes replaced.  The same
 * transform serves symlink targets.
 *
 * The FNEK is keyed into one ecb transform at mount time; requests on it
 * are independent, so lookups and readdirs run in parallel.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/key.h>
#include <linux/scatterlist.h>
#include <linux/namei.h>
#include <crypto/skcipher.h>

#include "ecfs.h"

static const char ecfs_fn_alphabet[] = ECFS_B64_ALPHABET;

/* Reverse map of the alphabet; characters outside it decode as 0. */
static u8 ecfs_fn_b64_value(unsigned char c)
{
	const char *p;

	if (!c)
		return 0;
	p = strchr(ecfs_fn_alphabet, c);
	return p ? p - ecfs_fn_alphabet : 0;
}

/* Encode @len bytes in 3-byte groups (the last one zero padded). */
static size_t ecfs_fn_b64_encode(char *dst, const u8 *src, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len; i += 3) {
		u8 b0 = src[i];
		u8 b1 = i + 1 < len ? src[i + 1] : 0;
		u8 b2 = i + 2 < len ? src[i + 2] : 0;

		dst[o++] = ecfs_fn_alphabet[b0 >> 2];
		dst[o++] = ecfs_fn_alphabet[((b0 & 0x03) << 4) | (b1 >> 4)];
		dst[o++] = ecfs_fn_alphabet[((b1 & 0x0f) << 2) | (b2 >> 6)];
		dst[o++] = ecfs_fn_alphabet[b2 & 0x3f];
	}
	return o;
}

/* Decode @len characters; returns the number of whole bytes produced. */
static size_t ecfs_fn_b64_decode(u8 *dst, const char *src, size_t len)
{
	unsigned int acc = 0, bits = 0;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 6) | ecfs_fn_b64_value(src[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dst[o++] = (acc >> bits) & 0xff;
		}
	}
	return o;
}

static bool ecfs_is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Run the FNEK transform over a kmalloc'ed buffer. */
static int ecfs_fn_crypt(struct ecfs_sb_info *sbi, u8 *buf, size_t len,
			 bool encrypt)
{
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	req = skcipher_request_alloc(sbi->fn_tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, len, NULL);
	err = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
			      crypto_skcipher_decrypt(req), &wait);
	skcipher_request_free(req);
	return err;
}

/*
 * The lower name for @name, kmalloc'ed and NUL-terminated in *out; names
 * of mounts without filename encryption, and "." and "..", are copied.
 */
int ecfs_encrypt_name(struct ecfs_sb_info *sbi, const char *name,
		      size_t len, char **out, size_t *out_len)
{
	size_t bs, nrand, ct_len, body, pkt_len, n, pos = 0;
	u8 *pkt;
	char *res;
	int err;

	if (!ecfs_names_encrypted(sbi) || ecfs_is_dot(name, len)) {
		*out = kmemdup_nul(name, len, GFP_KERNEL);
		*out_len = len;
		return *out ? 0 : -ENOMEM;
	}
	if (!len || len >= PATH_MAX)
		return -EINVAL;

	bs = crypto_skcipher_blocksize(sbi->fn_tfm);
	nrand = ECFS_FN_MIN_PREFIX_BYTES + 1;	/* prefix and its 0x00 */
	if ((nrand + len) % bs)
		nrand += bs - (nrand + len) % bs;
	ct_len = nrand + len;
	body = ECFS_TAG70_BODY_FIXED + ct_len;
	if (body > ECFS_PKT_LEN_MAX)
		return -ENAMETOOLONG;
	pkt_len = 1 + ECFS_PKT_LEN_MAX_SIZE + body;

	pkt = kzalloc(pkt_len, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	pkt[pos++] = ECFS_TAG_70;
	err = ecfs_write_pkt_len(pkt + pos, pkt_len - pos, body, &n);
	if (err)
		goto out;
	pos += n;
	memcpy(pkt + pos + ECFS_TAG70_OFF_SIG, sbi->fn_sig_bin, ECFS_SIG_SIZE);
	pkt[pos + ECFS_TAG70_OFF_CIPHER] = sbi->fn_code;
	pos += ECFS_TAG70_OFF_CT;
	/* prefix, then the 0x00 left by kzalloc, then the name */
	memcpy(pkt + pos, sbi->fn_prefix, nrand - 1);
	memcpy(pkt + pos + nrand, name, len);
	err = ecfs_fn_crypt(sbi, pkt + pos, ct_len, true);
	if (err)
		goto out;
	pos += ct_len;

	err = -ENOMEM;
	res = kmalloc(ECFS_FNEK_PREFIX_LEN + DIV_ROUND_UP(pos, 3) * 4 + 1,
		      GFP_KERNEL);
	if (!res)
		goto out;
	memcpy(res, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN);
	n = ECFS_FNEK_PREFIX_LEN +
	    ecfs_fn_b64_encode(res + ECFS_FNEK_PREFIX_LEN, pkt, pos);
	res[n] = '\0';
	*out = res;
	*out_len = n;
	err = 0;
out:
	kfree(pkt);
	return err;
}

/*
 * The plaintext of lower name @lname, kmalloc'ed in *out.  -EINVAL: not a
 * name this mount encrypted (e.g. lost+found), so callers may hide it.
 */
int ecfs_decrypt_name(struct ecfs_sb_info *sbi, const char *lname,
		      size_t llen, char **out, size_t *out_len)
{
	size_t plen, len, n, ct_len, i;
	const u8 *body;
	u8 *pkt;
	int err;

	if (!ecfs_names_encrypted(sbi) || ecfs_is_dot(lname, llen)) {
		*out = kmemdup_nul(lname, llen, GFP_KERNEL);
		*out_len = llen;
		return *out ? 0 : -ENOMEM;
	}
	if (llen <= ECFS_FNEK_PREFIX_LEN ||
	    memcmp(lname, ECFS_FNEK_PREFIX, ECFS_FNEK_PREFIX_LEN))
		return -EINVAL;
	lname += ECFS_FNEK_PREFIX_LEN;
	llen -= ECFS_FNEK_PREFIX_LEN;

	pkt = kmalloc(llen * 3 / 4 + 1, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	plen = ecfs_fn_b64_decode(pkt, lname, llen);

	err = -EINVAL;
	if (plen < 1 || pkt[0] != ECFS_TAG_70)
		goto out;
	if (ecfs_parse_pkt_len(pkt + 1, plen - 1, &len, &n))
		goto out;
	if (len < ECFS_TAG70_MIN_BODY || len > plen - 1 - n)
		goto out;
	body = pkt + 1 + n;
	/* Only names made with this mount's FNEK and cipher can be read. */
	if (memcmp(body + ECFS_TAG70_OFF_SIG, sbi->fn_sig_bin, ECFS_SIG_SIZE) ||
	    body[ECFS_TAG70_OFF_CIPHER] != sbi->fn_code)
		goto out;
	ct_len = len - ECFS_TAG70_OFF_CT;
	if (ct_len % crypto_skcipher_blocksize(sbi->fn_tfm))
		goto out;
	err = ecfs_fn_crypt(sbi, (u8 *)body + ECFS_TAG70_OFF_CT, ct_len,
			    false);
	if (err)
		goto out;
	err = -EINVAL;
	body += ECFS_TAG70_OFF_CT;
	for (i = 0; i < ct_len && body[i]; i++)
		;
	if (i + 1 >= ct_len)
		goto out;
	n = ct_len - i - 1;
	if (n >= PATH_MAX)
		goto out;
	*out = kmemdup_nul((const char *)body + i + 1, n, GFP_KERNEL);
	err = *out ? 0 : -ENOMEM;
	*out_len = n;
out:
	kfree_sensitive(pkt);
	return err;
}

/* Longest plaintext name the lower file system can store (statfs). */
long ecfs_fname_max(struct ecfs_sb_info *sbi, long lower_max)
{
	unsigned int bs;
	long n;

	if (!(sbi->flags & ECFS_MNT_FNEK))
		return lower_max;
	bs = crypto_skcipher_blocksize(sbi->fn_tfm);
	/* The usual case, exactly: a one-byte packet length fits. */
	if (lower_max == NAME_MAX && (bs == 8 || bs == 16))
		return ECFS_FNEK_MAX_NAME_LEN;
	/*
	 * Work back from the lower limit: the prefix, base64 (4 characters
	 * per 3 bytes), the packet header, the 17 bytes before the name and
	 * up to a block of padding.
	 */
	n = (lower_max - ECFS_FNEK_PREFIX_LEN) / 4 * 3;
	n -= 1 + ECFS_PKT_LEN_MAX_SIZE + ECFS_TAG70_BODY_FIXED;
	n = rounddown(n, bs);
	n -= ECFS_FN_MIN_PREFIX_BYTES + 1;
	return n > 0 ? n : 0;
}

/*
 * Set up filename encryption at mount time: key the transform with the
 * FNEK and compute the fixed prefix.
 */
int ecfs_fname_init(struct ecfs_sb_info *sbi)
{
	const struct ecryptfs_auth_tok *tok;
	struct crypto_skcipher *tfm;
	u8 hash[ECFS_MD5_SIZE];
	char name[ECFS_MAX_CIPHER_NAME + 8];
	size_t i;
	u8 *skek;
	int err;

	err = hex2bin(sbi->fn_sig_bin, sbi->fnek_sig, ECFS_SIG_SIZE);
	if (err)
		return err;
	sbi->fn_code = ecfs_rfc2440_code(sbi->fn_cipher, sbi->fn_key_bytes);
	snprintf(name, sizeof(name), "ecb(%s)", sbi->fn_cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	skek = kzalloc(ECFS_MAX_KEY_BYTES, GFP_KERNEL);
	if (!skek) {
		err = -ENOMEM;
		goto err_tfm;
	}
	down_read(&sbi->fnek_key->sem);
	tok = ecfs_token(sbi->fnek_key);
	if (IS_ERR(tok)) {
		err = PTR_ERR(tok);
	} else {
		sbi->fn_skek_len = min_t(u32, ECFS_MAX_KEY_BYTES,
					 tok->token.password.session_key_encryption_key_bytes);
		memcpy(skek, tok->token.password.session_key_encryption_key,
		       ECFS_MAX_KEY_BYTES);
		err = 0;
	}
	up_read(&sbi->fnek_key->sem);
	if (err)
		goto err_skek;
	err = -EINVAL;
	if (sbi->fn_key_bytes > sbi->fn_skek_len)
		goto err_skek;
	err = crypto_skcipher_setkey(tfm, skek, sbi->fn_key_bytes);
	if (err)
		goto err_skek;

	/* The prefix: MD5 of the FNEK, re-hashed after every 16 bytes. */
	err = ecfs_md5(skek, sbi->fn_skek_len, hash);
	for (i = 0; !err && i < sizeof(sbi->fn_prefix); i++) {
		sbi->fn_prefix[i] = hash[i % ECFS_MD5_SIZE] ?: ECFS_FN_PREFIX_NON_NULL;
		if (i % ECFS_MD5_SIZE == ECFS_MD5_SIZE - 1)
			err = ecfs_md5(hash, ECFS_MD5_SIZE, hash);
	}
	memzero_explicit(hash, sizeof(hash));
	if (err)
		goto err_skek;
	kfree_sensitive(skek);
	sbi->fn_tfm = tfm;
	return 0;

err_skek:
	kfree_sensitive(skek);
err_tfm:
	crypto_free_skcipher(tfm);
	return err;
}

void ecfs_fname_exit(struct ecfs_sb_info *sbi)
{
	if (sbi->fn_tfm)
		crypto_free_skcipher(sbi->fn_tfm);
	sbi->fn_tfm = NULL;
	memzero_explicit(sbi->fn_prefix, sizeof(sbi->fn_prefix));
}
