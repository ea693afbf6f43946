// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_msgpkt.c - tags 64-67, the /dev/ecryptfs payloads (ecfs_msgpkt.h).
 */
#include <errno.h>
#include <string.h>

#include "ecfs_buf.h"
#include "ecfs_ciphertab.h"
#include "ecfs_msgpkt.h"

uint16_t ecfs_fek_checksum(const uint8_t *fek, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += fek[i];
	return (uint16_t)sum;
}

/* Appends len(v) at *pos. */
static int put_len(uint8_t *out, size_t out_len, size_t *pos, size_t v)
{
	int n = ecfs_pktlen_encode(out + *pos, out_len - *pos, v);

	if (n < 0)
		return n;
	*pos += (size_t)n;
	return 0;
}

/* Appends len bytes at *pos. */
static int put_bytes(uint8_t *out, size_t out_len, size_t *pos,
		     const void *src, size_t len)
{
	if (len > out_len - *pos)
		return -ENOBUFS;
	memcpy(out + *pos, src, len);
	*pos += len;
	return 0;
}

/* Reads len(v) at *pos, then checks that v more bytes are there. */
static int get_len(const uint8_t *in, size_t in_len, size_t *pos, size_t *v)
{
	int n = ecfs_pktlen_decode(in + *pos, in_len - *pos, v);

	if (n < 0)
		return n;
	*pos += (size_t)n;
	if (*v > in_len - *pos)
		return -ENODATA;
	return 0;
}

/* len(16) sig, shared by tags 64 and 66. */
static int put_sig(uint8_t *out, size_t out_len, size_t *pos,
		   const char sig[ECFS_SIG_SIZE_HEX])
{
	int rc;

	if (!ecfs_sig_text_ok(sig, ECFS_SIG_SIZE_HEX, ECFS_SIG_ANY_CASE))
		return -EILSEQ;
	rc = put_len(out, out_len, pos, ECFS_SIG_SIZE_HEX);
	if (rc)
		return rc;
	return put_bytes(out, out_len, pos, sig, ECFS_SIG_SIZE_HEX);
}

static int get_sig(const uint8_t *in, size_t in_len, size_t *pos,
		   char sig_out[ECFS_SIG_SIZE_HEX + 1])
{
	size_t len;
	int rc;

	rc = get_len(in, in_len, pos, &len);
	if (rc)
		return rc;
	if (len != ECFS_SIG_SIZE_HEX)
		return -EMSGSIZE;
	if (!ecfs_sig_text_ok((const char *)in + *pos, len, ECFS_SIG_ANY_CASE))
		return -EILSEQ;
	memcpy(sig_out, in + *pos, ECFS_SIG_SIZE_HEX);
	sig_out[ECFS_SIG_SIZE_HEX] = '\0';
	*pos += ECFS_SIG_SIZE_HEX;
	return 0;
}

int ecfs_fek_blob_encode(const struct ecfs_fek_blob *b, uint8_t *out, size_t out_len)
{
	size_t klen = b->fek_len + ECFS_FEK_BLOB_OVERHEAD;

	if (b->fek_len > ECFS_MAX_KEY_BYTES)
		return -EMSGSIZE;
	if (!ecfs_cipher_code_block_size(b->cipher_code))
		return -EINVAL;
	if (out_len < klen)
		return -ENOBUFS;
	out[0] = b->cipher_code;
	memcpy(out + 1, b->fek, b->fek_len);
	ecfs_put_be16(out + 1 + b->fek_len, ecfs_fek_checksum(b->fek, b->fek_len));
	return (int)klen;
}

int ecfs_fek_blob_decode(const uint8_t *k, size_t klen, struct ecfs_fek_blob *b)
{
	if (klen < ECFS_FEK_BLOB_OVERHEAD ||
	    klen - ECFS_FEK_BLOB_OVERHEAD > ECFS_MAX_KEY_BYTES)
		return -EMSGSIZE;
	if (!ecfs_cipher_code_block_size(k[0]))
		return -EINVAL;
	b->cipher_code = k[0];
	b->fek_len = klen - ECFS_FEK_BLOB_OVERHEAD;
	memcpy(b->fek, k + 1, b->fek_len);
	if (ecfs_get_be16(k + 1 + b->fek_len) !=
	    ecfs_fek_checksum(b->fek, b->fek_len)) {
		memset(b->fek, 0, sizeof(b->fek));
		b->fek_len = 0;
		return -EKEYREJECTED;
	}
	return 0;
}

int ecfs_fek_blob_decode_key(const uint8_t *k, size_t klen, struct ecfs_fek_blob *b)
{
	int rc = ecfs_fek_blob_decode(k, klen, b);

	if (rc)
		return rc;
	if (!ecfs_cipher_key_size_ok(ecfs_cipher_by_code(b->cipher_code), b->fek_len)) {
		memset(b->fek, 0, sizeof(b->fek));
		b->fek_len = 0;
		return -EINVAL;
	}
	return 0;
}

/* len(K) K with K = code || FEK || be16 sum. */
static int put_blob(uint8_t *out, size_t out_len, size_t *pos,
		    const struct ecfs_fek_blob *b)
{
	int rc;

	if (b->fek_len > ECFS_MAX_KEY_BYTES)
		return -EMSGSIZE;
	if (!ecfs_cipher_code_block_size(b->cipher_code))
		return -EINVAL;
	rc = put_len(out, out_len, pos, b->fek_len + ECFS_FEK_BLOB_OVERHEAD);
	if (rc)
		return rc;
	rc = ecfs_fek_blob_encode(b, out + *pos, out_len - *pos);
	if (rc < 0)
		return rc;
	*pos += (size_t)rc;
	return 0;
}

static int get_blob(const uint8_t *in, size_t in_len, size_t *pos,
		    struct ecfs_fek_blob *b)
{
	size_t klen;
	int rc;

	rc = get_len(in, in_len, pos, &klen);
	if (rc)
		return rc;
	rc = ecfs_fek_blob_decode(in + *pos, klen, b);
	if (rc)
		return rc;
	*pos += klen;
	return 0;
}

/* Tag byte then, for replies, the status byte. */
static int get_head(const uint8_t *in, size_t in_len, uint8_t tag,
		    int reply, size_t *pos)
{
	if (in_len < 1)
		return -ENODATA;
	if (in[0] != tag)
		return -EPROTO;
	*pos = 1;
	if (!reply)
		return 0;
	if (in_len < 2)
		return -ENODATA;
	if (in[1] != ECFS_MSG_STATUS_OK)
		return -EREMOTEIO;
	*pos = 2;
	return 0;
}

int ecfs_tag64_encode(uint8_t *out, size_t out_len,
		      const char sig[ECFS_SIG_SIZE_HEX],
		      const uint8_t *enc, size_t enc_len)
{
	size_t pos = 0;
	int rc;

	if (enc_len > ECFS_MAX_ENCRYPTED_KEY_BYTES)
		return -EMSGSIZE;
	if (out_len < 1)
		return -ENOBUFS;
	out[pos++] = ECFS_TAG_64;
	rc = put_sig(out, out_len, &pos, sig);
	if (rc)
		return rc;
	rc = put_len(out, out_len, &pos, enc_len);
	if (rc)
		return rc;
	rc = put_bytes(out, out_len, &pos, enc, enc_len);
	return rc ? rc : (int)pos;
}

int ecfs_tag64_decode(const uint8_t *in, size_t in_len,
		      char sig_out[ECFS_SIG_SIZE_HEX + 1],
		      const uint8_t **enc, size_t *enc_len)
{
	size_t pos, len;
	int rc;

	rc = get_head(in, in_len, ECFS_TAG_64, 0, &pos);
	if (rc)
		return rc;
	rc = get_sig(in, in_len, &pos, sig_out);
	if (rc)
		return rc;
	rc = get_len(in, in_len, &pos, &len);
	if (rc)
		return rc;
	if (len > ECFS_MAX_ENCRYPTED_KEY_BYTES)
		return -EMSGSIZE;
	*enc = in + pos;
	*enc_len = len;
	return (int)(pos + len);
}

int ecfs_tag65_encode(uint8_t *out, size_t out_len,
		      const struct ecfs_fek_blob *b)
{
	size_t pos = 0;
	int rc;

	if (out_len < 2)
		return -ENOBUFS;
	out[pos++] = ECFS_TAG_65;
	out[pos++] = ECFS_MSG_STATUS_OK;
	rc = put_blob(out, out_len, &pos, b);
	return rc ? rc : (int)pos;
}

int ecfs_tag65_decode(const uint8_t *in, size_t in_len,
		      struct ecfs_fek_blob *b)
{
	size_t pos;
	int rc;

	rc = get_head(in, in_len, ECFS_TAG_65, 1, &pos);
	if (rc)
		return rc;
	/* The kernel wants at least tag, status, length and one more byte. */
	if (in_len < ECFS_TAG65_MIN_DATA_LEN)
		return -ENODATA;
	rc = get_blob(in, in_len, &pos, b);
	return rc ? rc : (int)pos;
}

int ecfs_tag66_encode(uint8_t *out, size_t out_len,
		      const char sig[ECFS_SIG_SIZE_HEX],
		      const struct ecfs_fek_blob *b)
{
	size_t pos = 0;
	int rc;

	if (out_len < 1)
		return -ENOBUFS;
	out[pos++] = ECFS_TAG_66;
	rc = put_sig(out, out_len, &pos, sig);
	if (rc)
		return rc;
	rc = put_blob(out, out_len, &pos, b);
	return rc ? rc : (int)pos;
}

int ecfs_tag66_decode(const uint8_t *in, size_t in_len,
		      char sig_out[ECFS_SIG_SIZE_HEX + 1],
		      struct ecfs_fek_blob *b)
{
	size_t pos;
	int rc;

	rc = get_head(in, in_len, ECFS_TAG_66, 0, &pos);
	if (rc)
		return rc;
	rc = get_sig(in, in_len, &pos, sig_out);
	if (rc)
		return rc;
	rc = get_blob(in, in_len, &pos, b);
	return rc ? rc : (int)pos;
}

int ecfs_tag67_encode(uint8_t *out, size_t out_len,
		      const uint8_t *enc, size_t enc_len)
{
	size_t pos = 0;
	int rc;

	if (enc_len > ECFS_MAX_ENCRYPTED_KEY_BYTES)
		return -EMSGSIZE;
	if (out_len < 2)
		return -ENOBUFS;
	out[pos++] = ECFS_TAG_67;
	out[pos++] = ECFS_MSG_STATUS_OK;
	rc = put_len(out, out_len, &pos, enc_len);
	if (rc)
		return rc;
	rc = put_bytes(out, out_len, &pos, enc, enc_len);
	return rc ? rc : (int)pos;
}

int ecfs_tag67_decode(const uint8_t *in, size_t in_len,
		      const uint8_t **enc, size_t *enc_len)
{
	size_t pos, len;
	int rc;

	rc = get_head(in, in_len, ECFS_TAG_67, 1, &pos);
	if (rc)
		return rc;
	rc = get_len(in, in_len, &pos, &len);
	if (rc)
		return rc;
	if (len > ECFS_MAX_ENCRYPTED_KEY_BYTES)
		return -EMSGSIZE;
	*enc = in + pos;
	*enc_len = len;
	return (int)(pos + len);
}

int ecfs_reply_encode_error(uint8_t *out, size_t out_len, uint8_t tag)
{
	if (tag != ECFS_TAG_65 && tag != ECFS_TAG_67)
		return -EPROTO;
	if (out_len < 2)
		return -ENOBUFS;
	out[0] = tag;
	out[1] = ECFS_MSG_STATUS_FAIL;
	return 2;
}
