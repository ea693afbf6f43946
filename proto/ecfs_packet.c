// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ecfs_packet.c - packet length code and key/filename packets (tags 1, 3,
 * 11, 70).  See ecfs_packet.h for the API and error codes and
 * ecryptfs_proto.h for the byte layouts.
 */
#include <errno.h>
#include <string.h>

#include "ecfs_packet.h"

int ecfs_pktlen_decode(const uint8_t *in, size_t in_len, size_t *value)
{
	if (in_len < 1)
		return -ENODATA;
	if (in[0] < ECFS_PKT_LEN_2BYTE_MIN) {
		*value = in[0];
		return 1;
	}
	/* 224..254 are OpenPGP partial lengths, 255 the 5-byte form. */
	if (in[0] >= ECFS_PKT_LEN_2BYTE_B0_END)
		return -EOVERFLOW;
	if (in_len < 2)
		return -ENODATA;
	*value = ((size_t)(in[0] - ECFS_PKT_LEN_2BYTE_MIN) << 8) + in[1] +
		 ECFS_PKT_LEN_2BYTE_MIN;
	return 2;
}

size_t ecfs_pktlen_size(size_t value)
{
	if (value <= ECFS_PKT_LEN_1BYTE_MAX)
		return 1;
	if (value <= ECFS_PKT_LEN_MAX)
		return 2;
	return 0;
}

int ecfs_pktlen_encode(uint8_t *out, size_t out_len, size_t value)
{
	size_t n = ecfs_pktlen_size(value);

	/* Upstream writes garbage above 8383; refuse instead. */
	if (!n)
		return -EMSGSIZE;
	if (out_len < n)
		return -ENOBUFS;
	if (n == 1) {
		out[0] = (uint8_t)value;
		return 1;
	}
	value -= ECFS_PKT_LEN_2BYTE_MIN;
	out[0] = (uint8_t)((value >> 8) + ECFS_PKT_LEN_2BYTE_MIN);
	out[1] = (uint8_t)(value & 0xff);
	return 2;
}

/*
 * Common head of every packet: the tag byte, then the length code, then a
 * body that must fit in the input.  Returns the offset of the body.
 */
static int pkt_head(const uint8_t *in, size_t in_len, uint8_t tag,
		    size_t *body_len)
{
	int n;

	if (in_len < 1)
		return -ENODATA;
	if (in[0] != tag)
		return -EPROTO;
	n = ecfs_pktlen_decode(in + 1, in_len - 1, body_len);
	if (n < 0)
		return n;
	if (*body_len > in_len - 1 - (size_t)n)
		return -ENODATA;
	return 1 + n;
}

/* Writes tag and length code; checks that the whole packet fits. */
static int pkt_put_head(uint8_t *out, size_t out_len, uint8_t tag,
			size_t body_len)
{
	size_t n = ecfs_pktlen_size(body_len);

	if (!n)
		return -EMSGSIZE;
	if (out_len < 1 + n || body_len > out_len - 1 - n)
		return -ENOBUFS;
	out[0] = tag;
	ecfs_pktlen_encode(out + 1, n, body_len);
	return (int)(1 + n);
}

int ecfs_tag3_decode(const uint8_t *in, size_t in_len, struct ecfs_tag3 *t)
{
	const uint8_t *b;
	size_t body_len;
	int off;

	off = pkt_head(in, in_len, ECFS_TAG_3, &body_len);
	if (off < 0)
		return off;
	if (body_len < ECFS_TAG3_BODY_FIXED)
		return -EMSGSIZE;
	if (body_len - ECFS_TAG3_BODY_FIXED > ECFS_TAG3_MAX_ENC_KEY)
		return -EMSGSIZE;
	b = in + off;
	if (b[ECFS_TAG3_OFF_VERSION] != ECFS_TAG3_VERSION)
		return -EPROTONOSUPPORT;
	if (!ecfs_cipher_code_block_size(b[ECFS_TAG3_OFF_CIPHER]))
		return -EINVAL;
	if (b[ECFS_TAG3_OFF_S2K] != ECFS_TAG3_S2K_ID ||
	    b[ECFS_TAG3_OFF_HASH] != ECFS_TAG3_HASH_MD5)
		return -EOPNOTSUPP;

	t->cipher_code = b[ECFS_TAG3_OFF_CIPHER];
	memcpy(t->salt, b + ECFS_TAG3_OFF_SALT, ECFS_SALT_SIZE);
	t->count = b[ECFS_TAG3_OFF_COUNT];
	t->enc_key_len = body_len - ECFS_TAG3_BODY_FIXED;
	memcpy(t->enc_key, b + ECFS_TAG3_OFF_ENC_KEY, t->enc_key_len);
	/* The kernel knows no other way to tell AES-192 from a padded key. */
	if (t->cipher_code == ECFS_CIPHER_AES_192)
		t->fek_len = 24;
	else
		t->fek_len = t->enc_key_len;
	return off + (int)body_len;
}

int ecfs_tag3_encode(uint8_t *out, size_t out_len, const struct ecfs_tag3 *t)
{
	size_t body_len;
	uint8_t *b;
	int off;

	if (t->enc_key_len > ECFS_TAG3_MAX_ENC_KEY)
		return -EMSGSIZE;
	if (!ecfs_cipher_code_block_size(t->cipher_code))
		return -EINVAL;
	body_len = ECFS_TAG3_BODY_FIXED + t->enc_key_len;
	off = pkt_put_head(out, out_len, ECFS_TAG_3, body_len);
	if (off < 0)
		return off;
	b = out + off;
	b[ECFS_TAG3_OFF_VERSION] = ECFS_TAG3_VERSION;
	b[ECFS_TAG3_OFF_CIPHER] = t->cipher_code;
	b[ECFS_TAG3_OFF_S2K] = ECFS_TAG3_S2K_ID;
	b[ECFS_TAG3_OFF_HASH] = ECFS_TAG3_HASH_MD5;
	memcpy(b + ECFS_TAG3_OFF_SALT, t->salt, ECFS_SALT_SIZE);
	b[ECFS_TAG3_OFF_COUNT] = t->count;
	memcpy(b + ECFS_TAG3_OFF_ENC_KEY, t->enc_key, t->enc_key_len);
	return off + (int)body_len;
}

int ecfs_tag11_decode(const uint8_t *in, size_t in_len,
		      uint8_t sig[ECFS_SIG_SIZE])
{
	const uint8_t *b;
	size_t body_len;
	int off;

	off = pkt_head(in, in_len, ECFS_TAG_11, &body_len);
	if (off < 0)
		return off;
	/* eCryptfs only ever stores a key signature in a tag 11. */
	if (body_len != ECFS_TAG11_BODY_LEN)
		return -EMSGSIZE;
	b = in + off;
	if (b[ECFS_TAG11_OFF_FORMAT] != ECFS_TAG11_FORMAT_BINARY ||
	    b[ECFS_TAG11_OFF_FNAME_LEN] != ECFS_TAG11_FILENAME_LEN)
		return -EILSEQ;
	memcpy(sig, b + ECFS_TAG11_OFF_CONTENTS, ECFS_SIG_SIZE);
	return off + (int)body_len;
}

int ecfs_tag11_encode(uint8_t *out, size_t out_len,
		      const uint8_t sig[ECFS_SIG_SIZE])
{
	uint8_t *b;
	int off;

	off = pkt_put_head(out, out_len, ECFS_TAG_11, ECFS_TAG11_BODY_LEN);
	if (off < 0)
		return off;
	b = out + off;
	b[ECFS_TAG11_OFF_FORMAT] = ECFS_TAG11_FORMAT_BINARY;
	b[ECFS_TAG11_OFF_FNAME_LEN] = ECFS_TAG11_FILENAME_LEN;
	memcpy(b + ECFS_TAG11_OFF_FNAME, ECFS_TAG11_FILENAME,
	       ECFS_TAG11_FILENAME_LEN);
	memset(b + ECFS_TAG11_OFF_DATE, 0, ECFS_TAG11_DATE_LEN);
	memcpy(b + ECFS_TAG11_OFF_CONTENTS, sig, ECFS_SIG_SIZE);
	return off + ECFS_TAG11_BODY_LEN;
}

int ecfs_tag1_decode(const uint8_t *in, size_t in_len, struct ecfs_tag1 *t)
{
	const uint8_t *b;
	size_t body_len;
	int off;

	off = pkt_head(in, in_len, ECFS_TAG_1, &body_len);
	if (off < 0)
		return off;
	if (body_len < ECFS_TAG1_BODY_FIXED)
		return -EMSGSIZE;
	if (body_len - ECFS_TAG1_BODY_FIXED > ECFS_TAG1_MAX_ENC_KEY)
		return -EMSGSIZE;
	b = in + off;
	if (b[ECFS_TAG1_OFF_VERSION] != ECFS_TAG1_VERSION)
		return -EPROTONOSUPPORT;
	memcpy(t->key_id, b + ECFS_TAG1_OFF_KEY_ID, ECFS_SIG_SIZE);
	t->pk_algo = b[ECFS_TAG1_OFF_PK_ALGO];
	t->enc_key_len = body_len - ECFS_TAG1_BODY_FIXED;
	memcpy(t->enc_key, b + ECFS_TAG1_OFF_ENC_KEY, t->enc_key_len);
	return off + (int)body_len;
}

int ecfs_tag1_encode(uint8_t *out, size_t out_len, const struct ecfs_tag1 *t)
{
	size_t body_len;
	uint8_t *b;
	int off;

	if (t->enc_key_len > ECFS_TAG1_MAX_ENC_KEY)
		return -EMSGSIZE;
	body_len = ECFS_TAG1_BODY_FIXED + t->enc_key_len;
	off = pkt_put_head(out, out_len, ECFS_TAG_1, body_len);
	if (off < 0)
		return off;
	b = out + off;
	b[ECFS_TAG1_OFF_VERSION] = ECFS_TAG1_VERSION;
	memcpy(b + ECFS_TAG1_OFF_KEY_ID, t->key_id, ECFS_SIG_SIZE);
	b[ECFS_TAG1_OFF_PK_ALGO] = t->pk_algo;
	memcpy(b + ECFS_TAG1_OFF_ENC_KEY, t->enc_key, t->enc_key_len);
	return off + (int)body_len;
}

/* A filename ciphertext is one or more whole blocks of its cipher. */
static int tag70_check(uint8_t code, size_t ct_len)
{
	size_t bs = ecfs_cipher_code_block_size(code);

	if (!bs)
		return -EINVAL;
	if (!ct_len || ct_len % bs)
		return -EMSGSIZE;
	return 0;
}

int ecfs_tag70_decode(const uint8_t *in, size_t in_len, struct ecfs_tag70 *t)
{
	const uint8_t *b;
	size_t body_len;
	int off, rc;

	off = pkt_head(in, in_len, ECFS_TAG_70, &body_len);
	if (off < 0)
		return off;
	if (body_len < ECFS_TAG70_MIN_BODY)
		return -EMSGSIZE;
	b = in + off;
	rc = tag70_check(b[ECFS_TAG70_OFF_CIPHER],
			 body_len - ECFS_TAG70_BODY_FIXED);
	if (rc)
		return rc;
	memcpy(t->fnek_sig, b + ECFS_TAG70_OFF_SIG, ECFS_SIG_SIZE);
	t->cipher_code = b[ECFS_TAG70_OFF_CIPHER];
	t->ct_len = body_len - ECFS_TAG70_BODY_FIXED;
	t->ct = b + ECFS_TAG70_OFF_CT;
	return off + (int)body_len;
}

int ecfs_tag70_encode(uint8_t *out, size_t out_len,
		      const struct ecfs_tag70 *t)
{
	size_t body_len;
	uint8_t *b;
	int off, rc;

	rc = tag70_check(t->cipher_code, t->ct_len);
	if (rc)
		return rc;
	if (t->ct_len > ECFS_PKT_LEN_MAX - ECFS_TAG70_BODY_FIXED)
		return -EMSGSIZE;
	body_len = ECFS_TAG70_BODY_FIXED + t->ct_len;
	off = pkt_put_head(out, out_len, ECFS_TAG_70, body_len);
	if (off < 0)
		return off;
	b = out + off;
	memcpy(b + ECFS_TAG70_OFF_SIG, t->fnek_sig, ECFS_SIG_SIZE);
	b[ECFS_TAG70_OFF_CIPHER] = t->cipher_code;
	memmove(b + ECFS_TAG70_OFF_CT, t->ct, t->ct_len);
	return off + (int)body_len;
}
