// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "ecfs_ciphertab.h"
#include "ecfs_hex.h"
#include "ecfs_msgpkt.h"
#include "kt_format.h"

int kt_uuid_parse(const char *s, uint8_t uuid[KT_UUID_LEN])
{
	if (!s || strlen(s) != KT_UUID_HEX)
		return -EINVAL;
	return ecfs_hex_decode(s, KT_UUID_HEX, uuid, KT_UUID_LEN) ? -EINVAL : 0;
}

void kt_uuid_format(const uint8_t uuid[KT_UUID_LEN], char hex[KT_UUID_HEX + 1])
{
	ecfs_hex_encode(uuid, KT_UUID_LEN, hex);
}

int kt_blob_parse(const uint8_t *blob, size_t len, uint8_t uuid[KT_UUID_LEN])
{
	if (!blob || len != KT_UUID_LEN)
		return -EBADMSG;
	memcpy(uuid, blob, KT_UUID_LEN);
	return 0;
}

int kt_sig_from_modulus(const uint8_t *n, size_t nlen, char sig[ECFS_KEYMOD_SIG_HEX + 1])
{
	static const uint8_t e[3] = { 0x01, 0x00, 0x01 };
	static const char hx[] = "0123456789abcdef";
	uint8_t pkt[3 + 10 + KT_MAX_MODULUS + sizeof(e)], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	size_t body, o = 0;

	if (!n || nlen < KT_MIN_MODULUS || nlen > KT_MAX_MODULUS || !n[0])
		return -EINVAL;
	body = 10 + nlen + sizeof(e);
	pkt[o++] = 0x99;
	pkt[o++] = (uint8_t)(body >> 8);
	pkt[o++] = (uint8_t)body;
	pkt[o++] = 0x04;		/* version 4 */
	memset(pkt + o, 0, 4);		/* creation time 0 */
	o += 4;
	pkt[o++] = 0x02;		/* RSA encrypt-only */
	pkt[o++] = (uint8_t)((nlen * 8) >> 8);
	pkt[o++] = (uint8_t)(nlen * 8);
	memcpy(pkt + o, n, nlen);
	o += nlen;
	pkt[o++] = 0x00;
	pkt[o++] = (uint8_t)(sizeof(e) * 8);
	memcpy(pkt + o, e, sizeof(e));
	o += sizeof(e);
	if (!EVP_Digest(pkt, o, md, &mdlen, EVP_sha1(), NULL) || mdlen < 8)
		return -EIO;
	for (i = 0; i < ECFS_KEYMOD_SIG_HEX / 2; i++) {
		sig[2 * i] = hx[md[i] >> 4];
		sig[2 * i + 1] = hx[md[i] & 0xf];
	}
	sig[ECFS_KEYMOD_SIG_HEX] = '\0';
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int kt_sealed_check(const uint8_t *b, size_t len)
{
	size_t off, info, enc;

	if (!b || len < 12 || len > ECFS_KEYMOD_MAX_WRAPPED)
		return -EBADMSG;
	if (b[0] == 0x00 && b[1] == 0x16) {
		/* TPM_STORED_DATA12: tag, entity type, then as 1.1 */
		off = 4;
		if (len < 16)
			return -EBADMSG;
	} else if (b[0] == 1 && b[1] == 1) {
		/* TPM_STRUCT_VER 1.1.x.x */
		off = 4;
	} else {
		return -EBADMSG;
	}
	info = be32(b + off);
	off += 4;
	if (info > len - off || len - off - info < 4)
		return -EBADMSG;
	off += info;
	enc = be32(b + off);
	off += 4;
	if (enc != len - off || enc < KT_MIN_MODULUS || enc > KT_MAX_MODULUS)
		return -EBADMSG;
	return 0;
}

int kt_record_check(const uint8_t *k, size_t len)
{
	struct ecfs_fek_blob fb;
	const struct ecfs_cipher *c;
	int r = -EBADMSG;

	if (!k || len > ECFS_KEYMOD_MAX_PLAIN || ecfs_fek_blob_decode(k, len, &fb))
		goto out;
	c = ecfs_cipher_by_code(fb.cipher_code);
	if (c && fb.fek_len && ecfs_cipher_key_size_ok(c, fb.fek_len))
		r = 0;
out:
	explicit_bzero(&fb, sizeof(fb));
	return r;
}
