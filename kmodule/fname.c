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
#include <linux/xattr.h>
#include <linux/cred.h>
#include <crypto/skcipher.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

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
	/* Long names are stored as digests of ECFS_LN_LOWER_MAX bytes. */
	if ((sbi->flags & ECFS_MNT_LONG_NAMES) && lower_max >= ECFS_LN_LOWER_MAX)
		return NAME_MAX;
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
	if (sbi->flags & ECFS_MNT_LONG_NAMES) {
		sbi->ln_tfm = crypto_alloc_shash("sha256", 0, 0);
		if (IS_ERR(sbi->ln_tfm)) {
			err = PTR_ERR(sbi->ln_tfm);
			sbi->ln_tfm = NULL;
			goto err_skek;
		}
	}
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
	if (sbi->ln_tfm)
		crypto_free_shash(sbi->ln_tfm);
	sbi->ln_tfm = NULL;
	memzero_explicit(sbi->fn_prefix, sizeof(sbi->fn_prefix));
}

/*
 * Long names (ecryptfs_long_names, ours only; proto section 5).  The
 * upstream-style lower name of a long plaintext is kept in an xattr of
 * the lower entry, whose own name is a digest of it: the lower file
 * system only ever sees names of at most ECFS_LN_LOWER_MAX bytes.
 */

bool ecfs_ln_is_lower(const char *lname, size_t llen)
{
	return llen > ECFS_LN_PREFIX_LEN &&
	       !memcmp(lname, ECFS_LN_PREFIX, ECFS_LN_PREFIX_LEN);
}

/* The digest part D of the lower names of upstream-style name @enc. */
static int ecfs_ln_digest(struct ecfs_sb_info *sbi, const char *enc,
			  size_t elen, char *d)
{
	u8 hash[SHA256_DIGEST_SIZE];
	int err;

	err = crypto_shash_tfm_digest(sbi->ln_tfm, enc, elen, hash);
	if (!err)
		ecfs_fn_b64_encode(d, hash, ECFS_LN_DIGEST_BYTES);
	memzero_explicit(hash, sizeof(hash));
	return err;
}

/* Lower name of @slot for digest @d, NUL-terminated, in @out. */
static size_t ecfs_ln_slot_name(const char *d, unsigned int slot, char *out)
{
	size_t n = ECFS_LN_PREFIX_LEN + ECFS_LN_DIGEST_CHARS;

	memcpy(out, ECFS_LN_PREFIX, ECFS_LN_PREFIX_LEN);
	memcpy(out + ECFS_LN_PREFIX_LEN, d, ECFS_LN_DIGEST_CHARS);
	if (slot) {
		out[n++] = '.';
		out[n++] = '0' + slot;
	}
	out[n] = '\0';
	return n;
}

/*
 * The slot of a well-formed lower long name: prefix, ECFS_LN_DIGEST_CHARS
 * of the alphabet, optionally ".1" .. ".(ECFS_LN_SLOTS - 1)"; -EINVAL if
 * it is not one.
 */
static int ecfs_ln_parse_slot(const char *lname, size_t llen)
{
	size_t n = ECFS_LN_PREFIX_LEN + ECFS_LN_DIGEST_CHARS, i;

	if (!ecfs_ln_is_lower(lname, llen) || (llen != n && llen != n + 2))
		return -EINVAL;
	for (i = ECFS_LN_PREFIX_LEN; i < n; i++)
		if (!lname[i] || !strchr(ecfs_fn_alphabet, lname[i]))
			return -EINVAL;
	if (llen == n)
		return 0;
	if (lname[n] != '.' || lname[n + 1] < '1' ||
	    lname[n + 1] >= '0' + ECFS_LN_SLOTS)
		return -EINVAL;
	return lname[n + 1] - '0';
}

/* The xattr that holds the name of lower entry @lname, in @out. */
static void ecfs_ln_xattr_name(const char *lname, size_t llen, char *out)
{
	memcpy(out, ECFS_LN_XATTR_PREFIX, ECFS_LN_XATTR_PREFIX_LEN);
	memcpy(out + ECFS_LN_XATTR_PREFIX_LEN, lname + ECFS_LN_PREFIX_LEN,
	       llen - ECFS_LN_PREFIX_LEN);
	out[ECFS_LN_XATTR_PREFIX_LEN + llen - ECFS_LN_PREFIX_LEN] = '\0';
}

/*
 * Read the upstream-style name stored for positive lower entry @lower into
 * @buf (ECFS_LN_VALUE_MAX bytes).  No permission check: the name belongs
 * to the directory, which the caller may read, not to the entry's inode.
 */
static ssize_t ecfs_ln_read(struct dentry *lower, char *buf)
{
	struct inode *inode = d_inode(lower);
	char xname[ECFS_LN_XATTR_NAME_MAX + 1];
	ssize_t got;

	if (ecfs_ln_parse_slot(lower->d_name.name, lower->d_name.len) < 0)
		return -EINVAL;
	ecfs_ln_xattr_name(lower->d_name.name, lower->d_name.len, xname);
	inode_lock_shared(inode);
	got = __vfs_getxattr(lower, inode, xname, buf, ECFS_LN_VALUE_MAX);
	inode_unlock_shared(inode);
	/* Missing or too big: not a name we wrote. */
	if (got == -ENODATA || got == -ERANGE)
		return -EINVAL;
	return got;
}

/*
 * Look up the lower entry of long upstream-style name @enc in
 * @lower_parent: the slot whose xattr holds @enc, else the first free
 * slot (negative, for a create).  Slots taken by other names are digest
 * collisions or entries whose xattr was lost; they are passed over.
 */
struct dentry *ecfs_ln_lookup(struct ecfs_sb_info *sbi,
			      struct dentry *lower_parent, const char *enc,
			      size_t elen)
{
	char d[ECFS_LN_DIGEST_CHARS], name[ECFS_LN_LOWER_MAX + 1];
	struct dentry *free = NULL, *lower;
	unsigned int slot;
	size_t n;
	char *buf;
	ssize_t got;
	int err;

	err = ecfs_ln_digest(sbi, enc, elen, d);
	if (err)
		return ERR_PTR(err);
	buf = kmalloc(ECFS_LN_VALUE_MAX, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	for (slot = 0; slot < ECFS_LN_SLOTS; slot++) {
		n = ecfs_ln_slot_name(d, slot, name);
		lower = lookup_one_len_unlocked(name, lower_parent, n);
		if (IS_ERR(lower))
			goto out;
		if (d_really_is_negative(lower)) {
			if (free)
				dput(lower);
			else
				free = lower;
			continue;
		}
		got = ecfs_ln_read(lower, buf);
		if (got == (ssize_t)elen && !memcmp(buf, enc, elen))
			goto out;
		dput(lower);
		if (got < 0 && got != -EINVAL) {
			lower = ERR_PTR(got);
			goto out;
		}
	}
	lower = free;
	free = NULL;
	if (!lower) {
		pr_warn_ratelimited("all %u lower slots of a long name are taken by other names\n",
				    ECFS_LN_SLOTS);
		lower = ERR_PTR(-ENAMETOOLONG);
	}
out:
	if (free)
		dput(free);
	kfree(buf);
	return lower;
}

/*
 * The plaintext name of lower long-name entry @lname of @lower_parent,
 * kmalloc'ed.  -EINVAL: not a long name this mount wrote (hide it).  The
 * caller must not hold @lower_parent's lock: this looks the entry up.
 */
int ecfs_ln_decrypt(struct ecfs_sb_info *sbi, struct dentry *lower_parent,
		    const char *lname, size_t llen, char **out,
		    size_t *out_len)
{
	char d[ECFS_LN_DIGEST_CHARS];
	const struct cred *old_cred;
	struct dentry *lower;
	ssize_t got;
	char *buf;
	int err;

	if (ecfs_ln_parse_slot(lname, llen) < 0)
		return -EINVAL;
	/*
	 * Listing needs read permission on the directory only, not search
	 * permission: look the entry up as the file system, not the caller.
	 */
	old_cred = override_creds(ecfs_kernel_cred);
	lower = lookup_one_len_unlocked(lname, lower_parent, llen);
	revert_creds(old_cred);
	if (IS_ERR(lower))
		return PTR_ERR(lower);
	err = -EINVAL;
	if (d_really_is_negative(lower))
		goto out_dput;
	err = -ENOMEM;
	buf = kmalloc(ECFS_LN_VALUE_MAX, GFP_KERNEL);
	if (!buf)
		goto out_dput;
	got = ecfs_ln_read(lower, buf);
	err = got < 0 ? got : -EINVAL;
	/* Short names have one lower name only: upstream's. */
	if (got <= ECFS_LOWER_NAME_MAX)
		goto out_free;
	err = ecfs_ln_digest(sbi, buf, got, d);
	if (err)
		goto out_free;
	err = -EINVAL;
	if (memcmp(d, lname + ECFS_LN_PREFIX_LEN, ECFS_LN_DIGEST_CHARS))
		goto out_free;
	err = ecfs_decrypt_name(sbi, buf, got, out, out_len);
	if (err)
		goto out_free;
	/* A long name must not have come from a short plaintext. */
	if (*out_len <= ECFS_FNEK_MAX_NAME_LEN) {
		kfree(*out);
		err = -EINVAL;
	}
out_free:
	kfree(buf);
out_dput:
	dput(lower);
	return err;
}

/*
 * Record the name of upper dentry @dentry, whose lower name is @lname, on
 * lower entry @lower (positive; the new entry, or the source of a rename,
 * with its parent locked by the caller).  No permission check: the name
 * is the directory's, and a file made mode 0444 still needs one.
 */
int ecfs_ln_store(struct ecfs_sb_info *sbi, struct dentry *dentry,
		  const struct qstr *lname, struct dentry *lower)
{
	char xname[ECFS_LN_XATTR_NAME_MAX + 1];
	struct inode *inode = d_inode(lower);
	size_t elen;
	char *enc;
	int err;

	if (ecfs_ln_parse_slot(lname->name, lname->len) < 0)
		return -EINVAL;
	err = ecfs_encrypt_name(sbi, dentry->d_name.name, dentry->d_name.len,
				&enc, &elen);
	if (err)
		return err;
	ecfs_ln_xattr_name(lname->name, lname->len, xname);
	inode_lock(inode);
	err = __vfs_setxattr(ECFS_NOP_IDMAP, lower, inode, xname, enc, elen,
			     0);
	inode_unlock(inode);
	kfree(enc);
	return err;
}

/* Drop the name record of @lname from lower inode of @lower (positive). */
void ecfs_ln_forget(struct dentry *lower, const char *lname, size_t llen)
{
	char xname[ECFS_LN_XATTR_NAME_MAX + 1];
	struct inode *inode = d_inode(lower);
	int err;

	if (ecfs_ln_parse_slot(lname, llen) < 0)
		return;
	ecfs_ln_xattr_name(lname, llen, xname);
	inode_lock(inode);
	err = __vfs_removexattr(ECFS_NOP_IDMAP, lower, xname);
	inode_unlock(inode);
	/* A stale record names nothing: no lower entry has that name here. */
	if (err && err != -ENODATA)
		pr_warn_ratelimited("could not drop long-name record %s: %d\n",
				    xname, err);
}

/* Long names keep ecryptfs_long_names' promise only with user xattrs. */
int ecfs_ln_check_lower(struct dentry *lower_root)
{
	ssize_t got;

	inode_lock_shared(d_inode(lower_root));
	got = __vfs_getxattr(lower_root, d_inode(lower_root),
			     ECFS_LN_XATTR_PREFIX "probe", NULL, 0);
	inode_unlock_shared(d_inode(lower_root));
	return got == -EOPNOTSUPP ? -EOPNOTSUPP : 0;
}
