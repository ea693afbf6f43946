// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keystore.c - passphrase auth tokens from the keyring, key packets, and
 * the lower file's header (see ecryptfs_proto.h for the layout).
 *
 * Every parser takes the number of bytes it may read and returns -EINVAL
 * for malformed input; the header reader turns that into -EIO with a
 * rate-limited log line naming the inode.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/key.h>
#include <linux/cred.h>
#include <linux/xattr.h>
#include <keys/user-type.h>

#include "ecfs.h"

/* Packet length codes (proto section 3). */
int ecfs_parse_pkt_len(const u8 *p, size_t avail, size_t *len,
		       size_t *len_bytes)
{
	if (avail < 1)
		return -EINVAL;
	if (p[0] < ECFS_PKT_LEN_2BYTE_MIN) {
		*len = p[0];
		*len_bytes = 1;
		return 0;
	}
	if (p[0] >= ECFS_PKT_LEN_2BYTE_B0_END || avail < 2)
		return -EINVAL;
	*len = ((size_t)(p[0] - ECFS_PKT_LEN_2BYTE_MIN) << 8) + p[1] +
	       ECFS_PKT_LEN_2BYTE_MIN;
	*len_bytes = 2;
	return 0;
}

int ecfs_write_pkt_len(u8 *p, size_t avail, size_t len, size_t *len_bytes)
{
	if (len <= ECFS_PKT_LEN_1BYTE_MAX) {
		if (avail < 1)
			return -EINVAL;
		p[0] = len;
		*len_bytes = 1;
		return 0;
	}
	if (len > ECFS_PKT_LEN_MAX || avail < 2)
		return -EINVAL;
	p[0] = ((len - ECFS_PKT_LEN_2BYTE_MIN) >> 8) + ECFS_PKT_LEN_2BYTE_MIN;
	p[1] = (len - ECFS_PKT_LEN_2BYTE_MIN) & 0xff;
	*len_bytes = 2;
	return 0;
}

/*
 * The token in @key, passphrase or private key, checked: version, type,
 * and for a private key that its key-module blob lies within the payload
 * and its signature is terminated.  The caller holds key->sem and must
 * not use the result after releasing it.
 */
static const struct ecryptfs_auth_tok *ecfs_token_any(const struct key *key)
{
	const struct user_key_payload *ukp = user_key_payload_locked(key);
	const struct ecryptfs_auth_tok *tok;

	if (!ukp)
		return ERR_PTR(-EKEYREVOKED);
	if (ukp->datalen < sizeof(*tok))
		return ERR_PTR(-EINVAL);
	tok = (const struct ecryptfs_auth_tok *)ukp->data;
	if (tok->version != ECFS_AUTH_TOK_VERSION)
		return ERR_PTR(-EINVAL);
	switch (tok->token_type) {
	case ECFS_TOKEN_PASSWORD:
		return tok;
	case ECFS_TOKEN_PRIVATE_KEY:
		if (tok->token.private_key.data_len >
		    ukp->datalen - sizeof(*tok) ||
		    !memchr(tok->token.private_key.signature, '\0',
			    sizeof(tok->token.private_key.signature)))
			return ERR_PTR(-EINVAL);
		return tok;
	default:
		return ERR_PTR(-EOPNOTSUPP);
	}
}

/* The passphrase token in @key, checked; as ecfs_token_any(). */
const struct ecryptfs_auth_tok *ecfs_token(const struct key *key)
{
	const struct ecryptfs_auth_tok *tok = ecfs_token_any(key);

	if (IS_ERR(tok))
		return tok;
	if (tok->token_type != ECFS_TOKEN_PASSWORD)
		return ERR_PTR(-EOPNOTSUPP);
	if (!(tok->token.password.flags &
	      ECFS_PW_SESSION_KEY_ENCRYPTION_KEY_SET))
		return ERR_PTR(-EINVAL);
	return tok;
}

/* ECFS_TOKEN_* of the token in @key, or -errno. */
static int ecfs_key_type(struct key *key)
{
	const struct ecryptfs_auth_tok *tok;
	int ret;

	ret = key_validate(key);
	if (ret)
		return ret;
	down_read(&key->sem);
	tok = ecfs_token_any(key);
	ret = IS_ERR(tok) ? PTR_ERR(tok) : tok->token_type;
	up_read(&key->sem);
	return ret;
}

/* Copy the first @len bytes of the FEKEK and the salt out of @key. */
static int ecfs_key_fekek(struct key *key, u8 *fekek, unsigned int len,
			  u8 *salt)
{
	const struct ecryptfs_auth_tok *tok;
	int err;

	err = key_validate(key);
	if (err)
		return err;
	down_read(&key->sem);
	tok = ecfs_token(key);
	if (IS_ERR(tok)) {
		err = PTR_ERR(tok);
	} else if (len > tok->token.password.session_key_encryption_key_bytes ||
		   len > ECFS_MAX_KEY_BYTES) {
		err = -EINVAL;
	} else {
		memcpy(fekek, tok->token.password.session_key_encryption_key,
		       len);
		if (salt)
			memcpy(salt, tok->token.password.salt, ECFS_SALT_SIZE);
	}
	up_read(&key->sem);
	return err;
}

/*
 * A checked token from the keyring, by hex signature: a passphrase token,
 * or with @any also a private-key token.
 */
static struct key *ecfs_lookup_key(const char *sig, bool any)
{
	const struct ecryptfs_auth_tok *tok;
	struct key *key;

	key = request_key(&key_type_user, sig, NULL);
	if (IS_ERR(key))
		return key;
	down_read(&key->sem);
	tok = any ? ecfs_token_any(key) : ecfs_token(key);
	up_read(&key->sem);
	if (IS_ERR(tok)) {
		key_put(key);
		return ERR_CAST(tok);
	}
	return key;
}

/* A checked passphrase token from the keyring, by hex signature. */
struct key *ecfs_request_key(const char *sig)
{
	return ecfs_lookup_key(sig, false);
}

int ecfs_load_mount_keys(struct ecfs_sb_info *sbi)
{
	char name[ECFS_MAX_CIPHER_NAME + 8];
	struct ecfs_mount_key *mk;

	if (!sbi->ecb_tfm) {
		struct crypto_skcipher *tfm;

		snprintf(name, sizeof(name), "ecb(%s)", sbi->cipher);
		tfm = crypto_alloc_skcipher(name, 0, 0);
		if (IS_ERR(tfm))
			return PTR_ERR(tfm);
		sbi->ecb_tfm = tfm;
	}

	list_for_each_entry(mk, &sbi->keys, list) {
		struct key *key;

		if (mk->key)
			continue;
		/* Passphrase or public key (served by ecryptfsd). */
		key = ecfs_lookup_key(mk->sig, true);
		if (IS_ERR(key)) {
			long err = PTR_ERR(key);

			pr_err("no usable auth token for sig %s in the keyring: %ld\n",
			       mk->sig, err);
			return err == -ENOKEY ? -ENOENT : (int)err;
		}
		mk->key = key;
	}
	if ((sbi->flags & ECFS_MNT_FNEK) && !sbi->fnek_key) {
		struct key *key = ecfs_request_key(sbi->fnek_sig);

		if (IS_ERR(key)) {
			pr_err("no usable passphrase token for fnek sig %s in the keyring: %ld\n",
			       sbi->fnek_sig, PTR_ERR(key));
			return PTR_ERR(key) == -ENOKEY ? -ENOENT : PTR_ERR(key);
		}
		sbi->fnek_key = key;
		return ecfs_fname_init(sbi);
	}
	return 0;
}

void ecfs_put_mount_keys(struct ecfs_sb_info *sbi)
{
	struct ecfs_mount_key *mk, *tmp;

	list_for_each_entry_safe(mk, tmp, &sbi->keys, list) {
		list_del(&mk->list);
		key_put(mk->key);
		kmem_cache_free(ecfs_key_cache, mk);
	}
	sbi->nr_keys = 0;
	if (sbi->ecb_tfm)
		crypto_free_skcipher(sbi->ecb_tfm);
	sbi->ecb_tfm = NULL;
	ecfs_fname_exit(sbi);
	key_put(sbi->fnek_key);
	sbi->fnek_key = NULL;
}

/* Wrap or unwrap with the mount's transform when the cipher is its own. */
static int ecfs_wrap(struct ecfs_sb_info *sbi, const char *cipher,
		     const u8 *key, unsigned int key_size, u8 *buf,
		     unsigned int len, bool encrypt)
{
	int err;

	if (!sbi->ecb_tfm || strcmp(cipher, sbi->cipher))
		return ecfs_ecb_crypt(cipher, key, key_size, buf, len, encrypt);
	mutex_lock(&sbi->ecb_mutex);
	err = ecfs_ecb_crypt_tfm(sbi->ecb_tfm, key, key_size, buf, len,
				 encrypt);
	mutex_unlock(&sbi->ecb_mutex);
	return err;
}

/* Bytes of the wrapped FEK: AES-192 keys are padded to a whole block pair. */
static unsigned int ecfs_wrapped_len(const struct ecfs_crypt *cs)
{
	if (cs->key_size == 24 && !strcmp(cs->cipher, "aes"))
		return ECFS_TAG3_AES192_ENC_KEY;
	return cs->key_size;
}

/* Scratch for FEK wrapping; kmalloc'ed so it can go through the crypto API. */
struct ecfs_wrap_buf {
	u8 fekek[ECFS_MAX_KEY_BYTES];
	u8 fek[ECFS_MAX_KEY_BYTES];
	u8 salt[ECFS_SALT_SIZE];
};

/* Sum of the FEK bytes mod 65536, the check value of tags 65 and 66. */
static u16 ecfs_fek_sum(const u8 *fek, unsigned int len)
{
	u16 sum = 0;

	while (len--)
		sum += *fek++;
	return sum;
}

/*
 * The status byte and the length-prefixed blob of a tag 65 or 67 reply
 * @msg (proto section 7); *blob points into @msg.
 */
static int ecfs_parse_reply(const struct ecfs_message *msg, u8 tag,
			    const u8 **blob, size_t *blob_len)
{
	const u8 *d = msg->data;
	size_t len, n;

	if (msg->data_len < 2 || d[0] != tag)
		return -EINVAL;
	/* A failed reply may be just the tag and the status byte. */
	if (d[1] != ECFS_MSG_STATUS_OK)
		return -EKEYREJECTED;
	if (msg->data_len < ECFS_TAG65_MIN_DATA_LEN)
		return -EINVAL;
	if (ecfs_parse_pkt_len(d + 2, msg->data_len - 2, &len, &n) ||
	    len > msg->data_len - 2 - n)
		return -EINVAL;
	*blob = d + 2 + n;
	*blob_len = len;
	return 0;
}

/* Why a request to ecryptfsd failed, for the log. */
static const char *ecfs_msg_why(int err)
{
	switch (err) {
	case -ENOTCONN:
		return "no ecryptfsd registered for this user, or it went away";
	case -ETIME:
		return "ecryptfsd did not answer in time";
	case -EKEYREJECTED:
		return "ecryptfsd could not use the key";
	case -EINVAL:
		return "ecryptfsd sent a malformed reply";
	default:
		return "request failed";
	}
}

/*
 * Have ecryptfsd wrap the FEK with the public key named by @mk (tag 66,
 * answered by tag 67) and append the tag 1 packet at @dst.
 */
static int ecfs_write_tag1(u8 *dst, size_t avail, size_t *used,
			   const struct ecfs_crypt *cs,
			   const struct ecfs_mount_key *mk)
{
	struct ecfs_message *reply = NULL;
	size_t pos = 0, n, enc_len, reply_size;
	const u8 *enc;
	u8 *req;
	int err;

	req = kmalloc(ECFS_MSG_MAX_REQUEST_DATA, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req[pos++] = ECFS_TAG_66;
	req[pos++] = ECFS_SIG_SIZE_HEX;
	memcpy(req + pos, mk->sig, ECFS_SIG_SIZE_HEX);
	pos += ECFS_SIG_SIZE_HEX;
	req[pos++] = cs->key_size + ECFS_FEK_BLOB_OVERHEAD;
	req[pos++] = ecfs_rfc2440_code(cs->cipher, cs->key_size);
	memcpy(req + pos, cs->key, cs->key_size);
	pos += cs->key_size;
	put_unaligned_be16(ecfs_fek_sum(cs->key, cs->key_size), req + pos);
	pos += 2;
	err = ecfs_msg_request(req, pos, &reply, &reply_size);
	kfree_sensitive(req);
	if (err)
		goto out;
	err = ecfs_parse_reply(reply, ECFS_TAG_67, &enc, &enc_len);
	if (!err && (!enc_len || enc_len > ECFS_TAG1_MAX_ENC_KEY))
		err = -EINVAL;
	if (err)
		goto out;

	err = -EINVAL;
	if (avail < 1 + ECFS_PKT_LEN_MAX_SIZE + ECFS_TAG1_BODY_FIXED + enc_len)
		goto out;
	pos = 0;
	dst[pos++] = ECFS_TAG_1;
	err = ecfs_write_pkt_len(dst + pos, avail - pos,
				 ECFS_TAG1_BODY_FIXED + enc_len, &n);
	if (err)
		goto out;
	pos += n;
	dst[pos + ECFS_TAG1_OFF_VERSION] = ECFS_TAG1_VERSION;
	err = hex2bin(dst + pos + ECFS_TAG1_OFF_KEY_ID, mk->sig, ECFS_SIG_SIZE);
	if (err)
		goto out;
	dst[pos + ECFS_TAG1_OFF_PK_ALGO] = ECFS_CIPHER_RSA;
	memcpy(dst + pos + ECFS_TAG1_OFF_ENC_KEY, enc, enc_len);
	*used = pos + ECFS_TAG1_BODY_FIXED + enc_len;
out:
	if (err && err != -EINVAL)
		pr_err_ratelimited("wrapping a file key with public key %s: %s (%d)\n",
				   mk->sig, ecfs_msg_why(err), err);
	kfree_sensitive(reply);
	return err;
}

/*
 * Have ecryptfsd unwrap the FEK of a tag 1 packet body (@b, @len bytes)
 * with the private key it names (tag 64, answered by tag 65).
 * -EINVAL: malformed packet; -ENOKEY: no such key; others: the daemon.
 */
static int ecfs_try_tag1(struct ecfs_sb_info *sbi, const u8 *b, size_t len,
			 struct ecfs_crypt *cs)
{
	char sig[ECFS_SIG_SIZE_HEX + 1];
	struct ecfs_message *reply = NULL;
	size_t enc_len, pos = 0, blob_len, reply_size, n;
	struct ecfs_mount_key *mk;
	struct key *key = NULL;
	const char *cipher;
	const u8 *blob;
	unsigned int fek_len;
	u8 *req;
	int err;

	if (len < ECFS_TAG1_BODY_FIXED || b[ECFS_TAG1_OFF_VERSION] !=
	    ECFS_TAG1_VERSION)
		return -EINVAL;
	enc_len = len - ECFS_TAG1_BODY_FIXED;
	if (enc_len > ECFS_TAG1_MAX_ENC_KEY)
		return -EINVAL;
	bin2hex(sig, b + ECFS_TAG1_OFF_KEY_ID, ECFS_SIG_SIZE);
	sig[ECFS_SIG_SIZE_HEX] = '\0';

	/* Only a private-key token of that signature can unwrap it. */
	list_for_each_entry(mk, &sbi->keys, list) {
		if (!strcmp(mk->sig, sig)) {
			key = key_get(mk->key);
			break;
		}
	}
	if (!key) {
		if (sbi->flags & ECFS_MNT_AUTH_TOK_ONLY)
			return -ENOKEY;
		key = ecfs_lookup_key(sig, true);
		if (IS_ERR(key))
			return PTR_ERR(key);
	}
	err = ecfs_key_type(key);
	key_put(key);
	if (err < 0)
		return err;
	if (err != ECFS_TOKEN_PRIVATE_KEY)
		return -ENOKEY;

	req = kmalloc(ECFS_MSG_MAX_REQUEST_DATA, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req[pos++] = ECFS_TAG_64;
	req[pos++] = ECFS_SIG_SIZE_HEX;
	memcpy(req + pos, sig, ECFS_SIG_SIZE_HEX);
	pos += ECFS_SIG_SIZE_HEX;
	err = ecfs_write_pkt_len(req + pos, ECFS_MSG_MAX_REQUEST_DATA - pos,
				 enc_len, &n);
	if (err)
		goto out;
	pos += n;
	memcpy(req + pos, b + ECFS_TAG1_OFF_ENC_KEY, enc_len);
	pos += enc_len;
	err = ecfs_msg_request(req, pos, &reply, &reply_size);
	if (err)
		goto out;
	err = ecfs_parse_reply(reply, ECFS_TAG_65, &blob, &blob_len);
	if (err)
		goto out;
	err = -EINVAL;
	if (blob_len < ECFS_FEK_BLOB_OVERHEAD ||
	    blob_len > ECFS_FEK_BLOB_MAX)
		goto out;
	fek_len = blob_len - ECFS_FEK_BLOB_OVERHEAD;
	if (get_unaligned_be16(blob + 1 + fek_len) !=
	    ecfs_fek_sum(blob + 1, fek_len))
		goto out;
	cipher = ecfs_cipher_name(blob[0]);
	if (!cipher || ecfs_rfc2440_code(cipher, fek_len) != blob[0])
		goto out;
	strscpy(cs->cipher, cipher, sizeof(cs->cipher));
	cs->key_size = fek_len;
	memcpy(cs->key, blob + 1, fek_len);
	err = 0;
out:
	if (err)
		pr_err_ratelimited("unwrapping a file key with private key %s: %s (%d)\n",
				   sig, ecfs_msg_why(err), err);
	/* A daemon's failure must not read as a malformed file. */
	if (err == -EINVAL)
		err = -EKEYREJECTED;
	kfree_sensitive(req);
	kfree_sensitive(reply);
	return err;
}

/* Append one tag 3 and one tag 11 packet for @mk at @dst. */
static int ecfs_write_key_group(struct ecfs_sb_info *sbi, u8 *dst,
				size_t avail, size_t *used,
				const struct ecfs_crypt *cs,
				const struct ecfs_mount_key *mk)
{
	unsigned int enc_len = ecfs_wrapped_len(cs);
	size_t body = ECFS_TAG3_BODY_FIXED + enc_len;
	struct ecfs_wrap_buf *wb;
	size_t pos = 0, n;
	u8 *b;
	int err;

	err = ecfs_key_type(mk->key);
	if (err == ECFS_TOKEN_PRIVATE_KEY)
		return ecfs_write_tag1(dst, avail, used, cs, mk);
	wb = kzalloc(sizeof(*wb), GFP_KERNEL);
	if (!wb)
		return -ENOMEM;
	err = ecfs_key_fekek(mk->key, wb->fekek, cs->key_size, wb->salt);
	if (err)
		goto out;
	memcpy(wb->fek, cs->key, cs->key_size);
	err = ecfs_wrap(sbi, cs->cipher, wb->fekek, cs->key_size, wb->fek,
			enc_len, true);
	if (err)
		goto out;

	err = -EINVAL;
	if (avail < 1 + ECFS_PKT_LEN_MAX_SIZE + body + ECFS_TAG11_PKT_LEN)
		goto out;
	dst[pos++] = ECFS_TAG_3;
	err = ecfs_write_pkt_len(dst + pos, avail - pos, body, &n);
	if (err)
		goto out;
	pos += n;
	b = dst + pos;
	b[ECFS_TAG3_OFF_VERSION] = ECFS_TAG3_VERSION;
	b[ECFS_TAG3_OFF_CIPHER] = ecfs_rfc2440_code(cs->cipher, cs->key_size);
	b[ECFS_TAG3_OFF_S2K] = ECFS_TAG3_S2K_ID;
	b[ECFS_TAG3_OFF_HASH] = ECFS_TAG3_HASH_MD5;
	memcpy(b + ECFS_TAG3_OFF_SALT, wb->salt, ECFS_SALT_SIZE);
	b[ECFS_TAG3_OFF_COUNT] = ECFS_TAG3_COUNT_65536;
	memcpy(b + ECFS_TAG3_OFF_ENC_KEY, wb->fek, enc_len);
	pos += body;

	b = dst + pos;
	b[0] = ECFS_TAG_11;
	b[1] = ECFS_TAG11_BODY_LEN;
	b += 2;
	b[ECFS_TAG11_OFF_FORMAT] = ECFS_TAG11_FORMAT_BINARY;
	b[ECFS_TAG11_OFF_FNAME_LEN] = ECFS_TAG11_FILENAME_LEN;
	memcpy(b + ECFS_TAG11_OFF_FNAME, ECFS_TAG11_FILENAME,
	       ECFS_TAG11_FILENAME_LEN);
	memset(b + ECFS_TAG11_OFF_DATE, 0, ECFS_TAG11_DATE_LEN);
	err = hex2bin(b + ECFS_TAG11_OFF_CONTENTS, mk->sig, ECFS_SIG_SIZE);
	if (err)
		goto out;
	pos += ECFS_TAG11_PKT_LEN;
	*used = pos;
out:
	kfree_sensitive(wb);
	return err;
}

/* Lower dentry and inode of an inode whose lower file is held. */
static struct dentry *ecfs_held_lower_dentry(struct inode *inode)
{
	return ecfs_i(inode)->lower_file->f_path.dentry;
}

/* Read the user.ecryptfs xattr of the lower file into @buf. */
ssize_t ecfs_get_xattr_header(struct inode *inode, u8 *buf, size_t len)
{
	struct inode *lower_inode = ecfs_lower_inode(inode);
	ssize_t got;

	inode_lock_shared(lower_inode);
	got = __vfs_getxattr(ecfs_held_lower_dentry(inode), lower_inode,
			     ECFS_XATTR_NAME, buf, len);
	inode_unlock_shared(lower_inode);
	return got;
}

/*
 * Store a metadata copy in the user.ecryptfs xattr.  Like a header write
 * this is the file system's own business, not the caller's: no
 * permission check (a file created mode 0444 still gets its metadata).
 */
static int ecfs_set_xattr_header(struct inode *inode, const u8 *buf,
				 size_t len)
{
	struct inode *lower_inode = ecfs_lower_inode(inode);
	struct dentry *lower = ecfs_held_lower_dentry(inode);
	int err;

	inode_lock(lower_inode);
	err = __vfs_setxattr(ECFS_NOP_IDMAP, lower, lower_inode,
			     ECFS_XATTR_NAME, buf, len, 0);
	inode_unlock(lower_inode);
	return err;
}

/*
 * Give a new (still I_NEW) regular file a random FEK and write its header
 * with one key group per mount key.  The caller holds the lower file.
 */
int ecfs_new_file_crypt(struct inode *inode)
{
	struct ecfs_sb_info *sbi = ecfs_sb(inode->i_sb);
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct ecfs_mount_key *mk;
	size_t off, used, hdr_len;
	u32 m1;
	u8 *hdr;
	int err;

	strscpy(cs->cipher, sbi->cipher, sizeof(cs->cipher));
	cs->key_size = sbi->key_bytes;
	get_random_bytes(cs->key, cs->key_size);
	cs->header_size = max_t(u32, ECFS_MIN_HEADER_SIZE, PAGE_SIZE);
	cs->hdr_flags = ECFS_HDR_FLAG_ENCRYPTED;
	if (sbi->flags & ECFS_MNT_XATTR_METADATA) {
		/* No header in the file: the data starts at offset 0. */
		cs->header_size = 0;
		cs->in_xattr = true;
		cs->hdr_flags |= ECFS_HDR_FLAG_METADATA_IN_XATTR;
	}
	/* Informational, as upstream: new files of FNEK mounts say so. */
	if (sbi->flags & ECFS_MNT_FNEK)
		cs->hdr_flags |= ECFS_HDR_FLAG_ENCRYPT_FILENAMES;
	err = ecfs_crypt_set_key(cs);
	if (err)
		goto err_clear;

	hdr_len = max_t(u32, cs->header_size, ECFS_EXTENT_SIZE);
	hdr = kzalloc(hdr_len, GFP_KERNEL);
	if (!hdr) {
		err = -ENOMEM;
		goto err_clear;
	}
	put_unaligned_be64(0, hdr + ECFS_HDR_OFF_FILE_SIZE);
	m1 = get_random_u32();
	put_unaligned_be32(m1, hdr + ECFS_HDR_OFF_MARKER1);
	put_unaligned_be32(m1 ^ ECFS_MARKER_MAGIC, hdr + ECFS_HDR_OFF_MARKER2);
	put_unaligned_be32((u32)ECFS_FILE_VERSION << ECFS_HDR_VERSION_SHIFT |
			   cs->hdr_flags, hdr + ECFS_HDR_OFF_FLAGS);
	put_unaligned_be32(ECFS_DEFAULT_HEADER_EXTENT_SIZE,
			   hdr + ECFS_HDR_OFF_EXTENT_SIZE);
	/*
	 * An xattr copy still names the header an 8192-byte one, as
	 * upstream writes it (and synthesizes it for the encrypted view).
	 */
	put_unaligned_be16((cs->in_xattr ? ECFS_MIN_HEADER_SIZE :
			    cs->header_size) / ECFS_DEFAULT_HEADER_EXTENT_SIZE,
			   hdr + ECFS_HDR_OFF_NUM_EXTENTS);
	off = ECFS_HDR_OFF_PACKETS;
	list_for_each_entry(mk, &sbi->keys, list) {
		/*
		 * Readers look at the first extent only; leave room there for
		 * the terminator (already zero).
		 */
		err = ecfs_write_key_group(sbi, hdr + off,
					   ECFS_EXTENT_SIZE - off - 1, &used,
					   cs, mk);
		if (err) {
			pr_err_ratelimited("wrapping the key of inode %lu with sig %s failed: %d\n",
					   inode->i_ino, mk->sig, err);
			goto err_free;
		}
		off += used;
	}
	/* The xattr copy ends with the last packet, without the 0x00. */
	if (cs->in_xattr)
		err = ecfs_set_xattr_header(inode, hdr, off);
	else
		err = ecfs_write_lower(inode, hdr, cs->header_size, 0);
	if (err)
		goto err_free;
	kfree(hdr);
	cs->valid = true;
	/* The new file is empty: its i_size (0) needs no header read. */
	ecfs_set_size_known(ecfs_i(inode));
	return 0;

err_free:
	kfree(hdr);
err_clear:
	ecfs_crypt_clear(cs);
	return err;
}

/* The 8-byte size and marker at the front of a header; 0 if they check. */
static int ecfs_check_front(const u8 *hdr, loff_t *size)
{
	u32 m1 = get_unaligned_be32(hdr + ECFS_HDR_OFF_MARKER1);
	u32 m2 = get_unaligned_be32(hdr + ECFS_HDR_OFF_MARKER2);
	u64 sz = get_unaligned_be64(hdr + ECFS_HDR_OFF_FILE_SIZE);

	if ((m1 ^ ECFS_MARKER_MAGIC) != m2)
		return -EINVAL;
	if (sz > MAX_LFS_FILESIZE)
		return -EFBIG;
	*size = sz;
	return 0;
}

int ecfs_read_size(struct file *lower, loff_t *size)
{
	u8 hdr[ECFS_HDR_OFF_FLAGS];
	loff_t pos = 0;
	ssize_t got;

	got = kernel_read(lower, hdr, sizeof(hdr), &pos);
	if (got < 0)
		return got;
	if (got < sizeof(hdr))
		return -EINVAL;
	return ecfs_check_front(hdr, size);
}

/* The size lives in the first 8 bytes of the xattr copy. */
static int ecfs_write_xattr_size(struct inode *inode)
{
	ssize_t got;
	u8 *buf;
	int err;

	buf = kzalloc(ECFS_EXTENT_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	got = ecfs_get_xattr_header(inode, buf, ECFS_EXTENT_SIZE);
	err = got < 0 ? got : 0;
	if (!err && got < ECFS_HDR_FILE_SIZE_LEN)
		err = -EIO;
	if (!err) {
		put_unaligned_be64(i_size_read(inode),
				   buf + ECFS_HDR_OFF_FILE_SIZE);
		err = ecfs_set_xattr_header(inode, buf, got);
	}
	kfree(buf);
	if (err)
		pr_err_ratelimited("inode %lu: writing the size to the xattr failed: %d\n",
				   inode->i_ino, err);
	return err;
}

/* The plaintext size from the xattr copy of lower dentry @lower. */
int ecfs_read_xattr_size(struct dentry *lower, loff_t *size)
{
	struct inode *lower_inode = d_inode(lower);
	ssize_t got;
	u8 *buf;
	int err;

	buf = kzalloc(ECFS_EXTENT_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	inode_lock_shared(lower_inode);
	got = __vfs_getxattr(lower, lower_inode, ECFS_XATTR_NAME, buf,
			     ECFS_EXTENT_SIZE);
	inode_unlock_shared(lower_inode);
	err = got < 0 ? got : 0;
	if (!err && got < ECFS_HDR_OFF_FLAGS)
		err = -EINVAL;
	if (!err)
		err = ecfs_check_front(buf, size);
	kfree(buf);
	return err;
}

/* Record i_size in the header.  The caller holds the lower file. */
int ecfs_write_size(struct inode *inode)
{
	__be64 *size;
	int err;

	if (ecfs_i(inode)->crypt.plain)
		return 0;
	if (ecfs_i(inode)->crypt.in_xattr)
		return ecfs_write_xattr_size(inode);
	size = kmalloc(sizeof(*size), GFP_KERNEL);
	if (!size)
		return -ENOMEM;
	*size = cpu_to_be64(i_size_read(inode));
	err = ecfs_write_lower(inode, size, sizeof(*size),
			       ECFS_HDR_OFF_FILE_SIZE);
	kfree(size);
	if (err)
		pr_err_ratelimited("inode %lu: writing the size to the header failed: %d\n",
				   inode->i_ino, err);
	return err;
}

/* A tag 3 packet body of @len bytes at @b, checked. */
int ecfs_parse_tag3(const u8 *b, size_t len, struct ecfs_tag3_ref *t)
{
	u8 code;

	if (len <= ECFS_TAG3_BODY_FIXED)
		return -EINVAL;
	t->enc_len = len - ECFS_TAG3_BODY_FIXED;
	if (t->enc_len > ECFS_TAG3_MAX_ENC_KEY)
		return -EINVAL;
	if (b[ECFS_TAG3_OFF_VERSION] != ECFS_TAG3_VERSION ||
	    b[ECFS_TAG3_OFF_S2K] != ECFS_TAG3_S2K_ID ||
	    b[ECFS_TAG3_OFF_HASH] != ECFS_TAG3_HASH_MD5)
		return -EINVAL;
	code = b[ECFS_TAG3_OFF_CIPHER];
	t->cipher = ecfs_cipher_name(code);
	if (!t->cipher)
		return -EINVAL;
	if (code == ECFS_CIPHER_AES_192) {
		if (t->enc_len != ECFS_TAG3_AES192_ENC_KEY)
			return -EINVAL;
		t->key_size = 24;
	} else {
		t->key_size = t->enc_len;
	}
	if (ecfs_rfc2440_code(t->cipher, t->key_size) != code)
		return -EINVAL;
	t->enc = b + ECFS_TAG3_OFF_ENC_KEY;
	return 0;
}

/* Unwrap @t with the key named @sig into cs; 0 on success. */
static int ecfs_try_unwrap(struct ecfs_sb_info *sbi, const char *sig,
			   const struct ecfs_tag3_ref *t, struct ecfs_crypt *cs)
{
	struct ecfs_mount_key *mk;
	struct ecfs_wrap_buf *wb;
	struct key *key = NULL;
	bool own = false;
	int err;

	list_for_each_entry(mk, &sbi->keys, list) {
		if (!strcmp(mk->sig, sig)) {
			key = mk->key;
			break;
		}
	}
	if (!key) {
		if (sbi->flags & ECFS_MNT_AUTH_TOK_ONLY)
			return -ENOKEY;
		key = ecfs_request_key(sig);
		if (IS_ERR(key))
			return PTR_ERR(key);
		own = true;
	}

	wb = kzalloc(sizeof(*wb), GFP_KERNEL);
	if (!wb) {
		err = -ENOMEM;
		goto out_key;
	}
	err = ecfs_key_fekek(key, wb->fekek, t->key_size, NULL);
	if (err)
		goto out_wb;
	memcpy(wb->fek, t->enc, t->enc_len);
	err = ecfs_wrap(sbi, t->cipher, wb->fekek, t->key_size, wb->fek,
			t->enc_len, false);
	if (err)
		goto out_wb;
	strscpy(cs->cipher, t->cipher, sizeof(cs->cipher));
	cs->key_size = t->key_size;
	memcpy(cs->key, wb->fek, t->key_size);
out_wb:
	kfree_sensitive(wb);
out_key:
	if (own)
		key_put(key);
	return err;
}

/*
 * Walk the key-packet set at @p (@avail bytes) and unwrap the FEK with the
 * first key available.  -EINVAL: malformed; -ENOKEY: no key for any packet.
 */
static int ecfs_parse_packets(struct ecfs_sb_info *sbi, const u8 *p,
			      size_t avail, struct ecfs_crypt *cs)
{
	unsigned int nr_packets = 0;
	int result = -ENOKEY;
	size_t pos = 0;

	while (pos < avail) {
		size_t len, n, start;
		struct ecfs_tag3_ref t;
		char sig[ECFS_SIG_SIZE_HEX + 1];
		const u8 *lit;
		u8 tag = p[pos];
		int err;

		if (tag != ECFS_TAG_3 && tag != ECFS_TAG_1) {
			if (tag == ECFS_TAG_11)
				return -EINVAL;	/* without its tag 3 */
			break;
		}
		start = pos + 1;
		if (ecfs_parse_pkt_len(p + start, avail - start, &len, &n))
			return -EINVAL;
		start += n;
		if (len > avail - start)
			return -EINVAL;
		nr_packets++;
		pos = start + len;
		if (tag == ECFS_TAG_1) {
			if (len < ECFS_TAG1_BODY_FIXED ||
			    p[start + ECFS_TAG1_OFF_VERSION] != ECFS_TAG1_VERSION ||
			    len - ECFS_TAG1_BODY_FIXED > ECFS_TAG1_MAX_ENC_KEY)
				return -EINVAL;
			if (result == 0)
				continue;
			err = ecfs_try_tag1(sbi, p + start, len, cs);
			if (!err)
				result = 0;
			else if (err != -ENOKEY && result == -ENOKEY)
				result = err;
			continue;
		}
		if (ecfs_parse_tag3(p + start, len, &t))
			return -EINVAL;

		/* The literal packet naming the key must follow at once. */
		if (pos >= avail || p[pos] != ECFS_TAG_11)
			return -EINVAL;
		start = pos + 1;
		if (ecfs_parse_pkt_len(p + start, avail - start, &len, &n))
			return -EINVAL;
		start += n;
		if (len != ECFS_TAG11_BODY_LEN || len > avail - start)
			return -EINVAL;
		lit = p + start;
		if (lit[ECFS_TAG11_OFF_FORMAT] != ECFS_TAG11_FORMAT_BINARY ||
		    lit[ECFS_TAG11_OFF_FNAME_LEN] != ECFS_TAG11_FILENAME_LEN)
			return -EINVAL;
		pos = start + len;

		if (result == 0)
			continue;	/* already have the FEK; keep checking */
		bin2hex(sig, lit + ECFS_TAG11_OFF_CONTENTS, ECFS_SIG_SIZE);
		sig[ECFS_SIG_SIZE_HEX] = '\0';
		err = ecfs_try_unwrap(sbi, sig, &t, cs);
		if (!err)
			result = 0;
		else if (err != -ENOKEY && result == -ENOKEY)
			result = err;
	}
	if (!nr_packets)
		return -EINVAL;
	return result;
}

/*
 * Check a header read from the file (@in_xattr false) or the xattr and
 * take the FEK from it.  -ENODATA: no eCryptfs header at all; -EINVAL:
 * a broken one (*why says how); other errors: no usable key.
 */
static int ecfs_parse_header(struct inode *inode, const u8 *hdr, size_t got,
			     bool in_xattr, loff_t *size, const char **why)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct ecfs_sb_info *sbi = ecfs_sb(inode->i_sb);
	loff_t lower_size;
	size_t pkt_off;
	u8 version;
	int err;

	*why = "header truncated";
	if (got < ECFS_HDR_OFF_FLAGS + ECFS_HDR_FLAGS_LEN)
		return -ENODATA;
	*why = "bad marker or impossible size";
	if (ecfs_check_front(hdr, size))
		return -ENODATA;
	version = hdr[ECFS_HDR_OFF_VERSION];
	cs->hdr_flags = hdr[ECFS_HDR_OFF_FLAG_BYTE];
	*why = "unsupported format version";
	if (version > ECFS_SUPPORTED_FILE_VERSION)
		return -EINVAL;
	if (version == 0) {
		cs->header_size = ECFS_V0_HEADER_SIZE;
		pkt_off = ECFS_HDR_V0_OFF_PACKETS;
	} else {
		u64 hsize;

		*why = "header truncated";
		if (got < ECFS_HDR_FIXED_LEN)
			return -EINVAL;
		hsize = (u64)get_unaligned_be32(hdr + ECFS_HDR_OFF_EXTENT_SIZE) *
			get_unaligned_be16(hdr + ECFS_HDR_OFF_NUM_EXTENTS);
		*why = "impossible header size";
		if (!in_xattr && (hsize < ECFS_MIN_HEADER_SIZE ||
				  hsize > U32_MAX))
			return -EINVAL;
		cs->header_size = hsize;
		pkt_off = ECFS_HDR_OFF_PACKETS;
	}
	/* With the metadata in the xattr, data starts at offset 0. */
	if (in_xattr) {
		cs->header_size = 0;
		cs->in_xattr = true;
	}
	*why = "file is not encrypted";
	if (!(cs->hdr_flags & ECFS_HDR_FLAG_ENCRYPTED))
		return -EINVAL;
	*why = "file size beyond the file system limit";
	if (*size > inode->i_sb->s_maxbytes)
		return -EINVAL;
	/*
	 * Writers put the extents down before the size that covers them, so
	 * a size the lower file cannot hold was not written by eCryptfs.
	 */
	*why = "file size beyond the end of the lower file";
	lower_size = i_size_read(ecfs_lower_inode(inode));
	if (lower_size < cs->header_size ||
	    DIV_ROUND_UP_ULL(*size, ECFS_EXTENT_SIZE) >
	    (u64)(lower_size - cs->header_size) / ECFS_EXTENT_SIZE)
		return -EINVAL;

	*why = "malformed key packets";
	err = ecfs_parse_packets(sbi, hdr + pkt_off, got - pkt_off, cs);
	if (err)
		return err;
	*why = "file key rejected by the cipher";
	err = ecfs_crypt_set_key(cs);
	return err ? -EINVAL : 0;
}

/*
 * Read the header of an existing file (or, on xattr_metadata mounts, its
 * user.ecryptfs copy) and set up its crypto state.  The caller holds the
 * lower file and crypt_mutex.  Every failure is -EIO to the caller, with
 * the reason in the log.
 */
int ecfs_read_crypt(struct inode *inode)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct ecfs_sb_info *sbi = ecfs_sb(inode->i_sb);
	const char *why = "";
	loff_t size = 0;
	ssize_t got;
	u8 *hdr;
	int err;

	hdr = kzalloc(ECFS_EXTENT_SIZE, GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	got = ecfs_read_lower(inode, hdr, ECFS_EXTENT_SIZE, 0);
	if (got < 0) {
		err = got;
		goto out;
	}
	err = ecfs_parse_header(inode, hdr, got, false, &size, &why);
	if (!err && (cs->hdr_flags & ECFS_HDR_FLAG_METADATA_IN_XATTR)) {
		why = "file header claims the metadata is in the xattr";
		err = -EINVAL;
	}
	if (err == -ENODATA && (sbi->flags & ECFS_MNT_XATTR_METADATA)) {
		ecfs_crypt_clear(cs);
		memset(hdr, 0, ECFS_EXTENT_SIZE);
		got = ecfs_get_xattr_header(inode, hdr, ECFS_EXTENT_SIZE);
		if (got >= 0)
			err = ecfs_parse_header(inode, hdr, got, true, &size,
						&why);
	}
	if (!err) {
		/* The encrypted view shows the lower file, header included. */
		if (sbi->flags & ECFS_MNT_ENCRYPTED_VIEW)
			size = i_size_read(ecfs_lower_inode(inode)) +
			       (cs->in_xattr ? ECFS_MIN_HEADER_SIZE : 0);
		i_size_write(inode, size);
		ecfs_set_size_known(ecfs_i(inode));
		cs->valid = true;
		goto out;
	}
	if (err == -ENODATA && (sbi->flags & ECFS_MNT_PASSTHROUGH)) {
		/* Not an eCryptfs file: passthrough shows it as it is. */
		ecfs_crypt_clear(cs);
		cs->plain = true;
		cs->valid = true;
		i_size_write(inode, i_size_read(ecfs_lower_inode(inode)));
		ecfs_set_size_known(ecfs_i(inode));
		err = 0;
		goto out;
	}
	if (err == -EINVAL || err == -ENODATA)
		pr_err_ratelimited("inode %lu: corrupt or unsupported header: %s\n",
				   inode->i_ino, why);
	else
		pr_err_ratelimited("inode %lu: no key to decrypt the file key: %d\n",
				   inode->i_ino, err);
	err = -EIO;
out:
	if (err)
		ecfs_crypt_clear(cs);
	kfree(hdr);
	return err;
}
