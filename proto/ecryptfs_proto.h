/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecryptfs_proto.h - the eCryptfs wire and on-disk protocol, shared by the
 * kernel module (kmodule/) and every user-space component.
 *
 * Kernel-safe: only <linux/types.h> types, no libc, no kernel-only headers.
 * Everything that is not an upstream ABI name carries the ECFS_ / ecfs_
 * prefix; the auth-token structures keep their upstream names because the
 * kernel keyring payload is defined by them.
 *
 * ========================================================================
 * Documentation
 * ========================================================================
 *
 * All multi-byte integers on disk are big-endian unless said otherwise.
 * "len(N)" below is the packet length code of section 3.
 *
 * 1. Lower file layout
 * --------------------
 * A lower file is [metadata_size bytes of header][extent 0][extent 1]...
 * Data extents are always ECFS_EXTENT_SIZE (4096) bytes; plaintext extent n
 * lives at lower offset metadata_size + n * 4096 and is encrypted on its
 * own (CBC, IV derived from the extent number).  New files get a header of
 * ECFS_MIN_HEADER_SIZE (8192) bytes, or one page if that is larger: that is
 * ECFS_DEFAULT_NUM_HEADER_EXTENTS extents of ECFS_DEFAULT_HEADER_EXTENT_SIZE.
 * When the metadata lives in the xattr, the lower header size is 0 and
 * data starts at offset 0.
 *
 * 2. Header (format version 3), struct ecfs_file_header
 * -----------------------------------------------------
 *   off len field
 *     0   8 plaintext file size (u64 BE)
 *     8   4 marker m1: random u32
 *    12   4 marker m2 = m1 XOR ECFS_MARKER_MAGIC (0x3c81b7f5)
 *    16   4 flags word: top byte = format version (3), low byte = flags
 *           (bytes 17-18 reserved, 0).  Flags: 0x01 HMAC (never used),
 *           0x02 ENCRYPTED, 0x04 METADATA_IN_XATTR, 0x08 ENCRYPT_FILENAMES.
 *    20   4 header extent size (4096)
 *    24   2 number of header extents at the front (2 for 8 KiB)
 *    26   . key-packet set (section 4), then 0x00, zero fill to the end
 * metadata_size = extent size * number of extents; a reader rejects a
 * header smaller than 8192 (not checked for an xattr copy).  Readers take
 * any version <= 3; version 0 has no bytes 20-25, its key packets start at
 * offset 20 and its header is 8192 bytes.
 *
 * The user.ecryptfs xattr (ECFS_XATTR_NAME) holds header bytes 0 up to the
 * end of the last key packet, without the 0x00 terminator (81 bytes for
 * one AES-128 passphrase key); flag 0x04 is set in it.
 *
 * 3. Packet length code (a subset of the OpenPGP new-format lengths)
 * ------------------------------------------------------------------
 *   L <  192:          one byte L
 *   192 <= L <= 8383:  two bytes b0 = ((L - 192) >> 8) + 192,
 *                      b1 = (L - 192) & 0xff; L = (b0-192)*256 + b1 + 192
 *   b0 >= 224 (incl. the five-byte form 0xff) is rejected.  Upstream
 *   writers emit unparsable bytes for L > 8383; we never do.
 *
 * 4. Key-packet set
 * -----------------
 * A sequence of groups, one per mount key, ended by 0x00.  A reader stops
 * at the first byte that is neither 0x8C (tag 3) nor 0x01 (tag 1); a lone
 * 0xED (tag 11) is an error; at least one key packet must be present.
 *   group = tag 3 packet, tag 11 packet      (passphrase key)
 *         | tag 1 packet                     (public key)
 *
 * Tag 3 (0x8C), passphrase-wrapped FEK:
 *   8C len(13+E) 04 cipher_code 03 01 salt[8] 60 enc_fek[E]
 *   version 4; S2K 3 with hash 1 (MD5) and count 0x60 (65536) are
 *   decorative: the wrapping key is the auth token's FEKEK, applied with
 *   ECB.  E <= 64.  The FEK size is E, except for AES-192 (code 8): 24,
 *   with E = 32 (zero padded).  AES-128: 31-byte packet.
 * Tag 11 (0xED), literal packet carrying the 8-byte binary key signature:
 *   ED len(22) 62 08 "_CONSOLE" 00 00 00 00 sig[8]        (24 bytes)
 *   Readers check 0x62 and 0x08 only; the body must be 14 + 8 bytes.
 * Tag 1 (0x01), public-key-wrapped FEK:
 *   01 len(10+E) 03 key_id[8] 01 enc_fek[E]    E <= 512 (RSA byte ignored)
 * Example, one AES-128 key: tag 3 at 26-56, tag 11 at 57-80, 0x00 at 81.
 *
 * 5. Filename packet (tag 70, 0x46) and lower names
 * -------------------------------------------------
 *   46 len(8+1+B) fnek_sig[8] cipher_code ciphertext[B]
 * The ciphertext is ECB(FNEK) over prefix(N) 0x00 name.  The name itself
 * is never padded: the prefix (MD5 of the FNEK, chained, 0x00 bytes replaced
 * by 0x42) is at least 16 bytes and grows until the whole plaintext is a
 * multiple of the block size.  The lower name is ECFS_FNEK_PREFIX followed by the packet in
 * the filename base64: alphabet ECFS_B64_ALPHABET ('-' is 0), 3-byte groups
 * zero padded, no '=' padding.  NAME_MAX 255 limits the plaintext name to
 * ECFS_FNEK_MAX_NAME_LEN (143) bytes for 8- and 16-byte block ciphers.
 *
 * 6. /dev/ecryptfs frames
 * -----------------------
 *   [0]    u8   message type (HELO 100, QUIT 101, REQUEST 102, RESPONSE 103)
 *   [1..4] u32  BE sequence counter (a response echoes the request's)
 *   [5..]  len(8 + data_len), then struct ecfs_message in HOST byte order:
 *          u32 index, u32 data_len, u8 data[data_len]
 * HELO and QUIT are exactly 5 bytes (no length, no message).  The kernel
 * accepts writes of 5 bytes, or of 6..ECFS_MSG_MAX_WRITE_SIZE (531) bytes
 * that match 5 + length-code bytes + L exactly; a RESPONSE needs at least
 * 14 bytes and 8 + data_len == L.  The kernel only sends REQUEST frames;
 * they can be larger (ECFS_MSG_MAX_REQUEST_SIZE).
 *
 * 7. Message payloads (data[] of REQUEST / RESPONSE)
 * --------------------------------------------------
 * sig is the 16-character ASCII hex signature, without NUL.  The FEK blob
 * K is cipher_code || FEK || be16 checksum (sum of FEK bytes mod 65536).
 *   tag 64 (0x40) K->U decrypt:  40 len(16) sig len(E) E        E <= 512
 *   tag 65 (0x41) U->K reply:    41 00 len(K) K    3 <= |K|, FEK <= 64
 *   tag 66 (0x42) K->U encrypt:  42 len(16) sig len(K) K
 *   tag 67 (0x43) U->K reply:    43 00 len(E) E        E <= 512
 * A failed reply is 41 FF / 43 FF.
 *
 * 8. Auth token (keyring "user" key payload, description = hex sig)
 * -----------------------------------------------------------------
 * struct ecryptfs_auth_tok, packed, 740 bytes; version must be 0x0004.
 * A passphrase token has token_type 0 and carries the 64-byte FEKEK
 * (65536-fold SHA-512 over salt || passphrase), its hex signature and the
 * salt.  A private-key token (type 1) is followed by data_len bytes of key
 * module blob: payload = 740 + data_len.
 *
 * 9. Version bits (/sys/fs/ecryptfs/version, decimal)
 * ---------------------------------------------------
 * ECFS_VERSIONING_*: upstream advertises 0x177 (375) with messaging and
 * 0x135 (309) without; POLICY, HMAC and GCM are defined but never set.
 *
 * 10. Key signatures in text
 * --------------------------
 * A key is named by 16 hex digits (8 bytes).  Input may use either case:
 * the kernel's hex2bin/simple_strtol and upstream's isxdigit() take both.
 * Output is always lower case, because the kernel renders a signature it
 * read from a packet with bin2hex and looks the key up by that text; a key
 * whose keyring description is upper case is therefore never found when a
 * file is read back, and tokens we add (key-module tokens in particular,
 * which ecryptfsd also finds by the kernel's text) must be lower case.
 *
 * 11. Ciphers
 * -----------
 * ECFS_CIPHER_TABLE lists the data ciphers eCryptfs can name (those with an
 * RFC 2440 code), in upstream's menu order, with the key sizes the kernel
 * cipher's setkey accepts (min, max, step), the smallest size upstream's
 * mount helper offers (it refuses blowfish keys under 16 bytes) and its
 * menu of sizes.  A passphrase-wrapped FEK further needs a size that is a
 * multiple of the block size, AES-192 excepted (section 4).
 *
 * 12. Mount options
 * -----------------
 * ECFS_OPT_* are the option names the kernel parses (and that upstream's
 * mount helper passes on); "sig" and "cipher" are the kernel's short
 * aliases.  Flags take no value.
 *
 * 13. Generic netlink transport (ours; upstream removed its netlink
 *     transport in 2.6.26 and never had this family)
 * -----------------------------------------------------------------
 * Family ECFS_GENL_NAME ("ecryptfs"), version ECFS_GENL_VERSION (1),
 * reachable from every network namespace (a daemon is bound to its euid,
 * which is global), no multicast groups: every message is a
 * unicast between the module and one daemon socket.  It carries exactly
 * the data[] payloads of section 7; the miscdev frame head (type, BE
 * counter, length code, host-endian index/data_len) becomes attributes.
 *
 *   cmd  name      direction  attributes (all others refused)
 *   1    HELO      U->K       none.  Registers the sending socket (its port
 *                             id) as the daemon of the euid of the
 *                             credentials that opened the socket.  One
 *                             daemon per euid over both transports: a
 *                             second gets EEXIST (miscdev: EINVAL).
 *   2    QUIT      U->K       none.  Unregisters; requests the daemon
 *                             holds fail at once (ENOTCONN to callers).
 *   3    REQUEST   K->U       COUNTER, INDEX, DATA (tag 64 or 66)
 *   4    RESPONSE  U->K       COUNTER, INDEX, DATA (tag 65 or 67), all
 *                             three required, echoing the request's
 *                             COUNTER and INDEX.
 *
 *   attr  name     type        length
 *   1     COUNTER  NLA_U32     4, host order (the miscdev's BE counter)
 *   2     INDEX    NLA_U32     4, the context slot
 *   3     DATA     NLA_BINARY  REQUEST 1..ECFS_GENL_MAX_REQUEST_DATA (532),
 *                              RESPONSE 1..ECFS_GENL_MAX_RESPONSE_DATA (516)
 *
 * The kernel validates strictly (genlmsghdr.reserved 0, no unknown
 * attributes, no trailing bytes: EINVAL; DATA outside its range: ERANGE;
 * a command it does not take: EOPNOTSUPP).  A RESPONSE is accepted only
 * from the socket that received that REQUEST, while the request still
 * waits and COUNTER and INDEX match; otherwise EINVAL (no such request)
 * or ENOTCONN (the socket is not a registered daemon).  A second HELO on
 * a registered socket gets EALREADY.  A daemon that closes its socket is
 * unregistered as by QUIT; rmmod is refused while a daemon is registered.  Requests are
 * sent with the socket's receive buffer as the only queue: when it is
 * full the module retries shortly, it never drops a request.
 * ECFS_VERSIONING_* has no bit for this transport: a daemon finds it by
 * resolving the family name.
 */
#ifndef ECRYPTFS_PROTO_H
#define ECRYPTFS_PROTO_H

#include <linux/types.h>

#define ECFS_OFFSETOF(type, member)	__builtin_offsetof(type, member)
#define ECFS_BUILD_ASSERT(cond)		_Static_assert(cond, #cond)

/* ---- 9. version bits and auth-token version ---- */
#define ECFS_VERSION_MAJOR			0x00
#define ECFS_VERSION_MINOR			0x04
#define ECFS_AUTH_TOK_VERSION	((ECFS_VERSION_MAJOR << 8) | ECFS_VERSION_MINOR)

#define ECFS_VERSIONING_PASSPHRASE		0x00000001
#define ECFS_VERSIONING_PUBKEY			0x00000002
#define ECFS_VERSIONING_PLAINTEXT_PASSTHROUGH	0x00000004
#define ECFS_VERSIONING_POLICY			0x00000008
#define ECFS_VERSIONING_XATTR			0x00000010
#define ECFS_VERSIONING_MULTKEY			0x00000020
#define ECFS_VERSIONING_DEVMISC			0x00000040
#define ECFS_VERSIONING_HMAC			0x00000080
#define ECFS_VERSIONING_FILENAME_ENCRYPTION	0x00000100
#define ECFS_VERSIONING_GCM			0x00000200
/* What upstream advertises without and with CONFIG_ECRYPT_FS_MESSAGING. */
#define ECFS_VERSIONING_MASK_BASE (ECFS_VERSIONING_PASSPHRASE | \
				   ECFS_VERSIONING_PLAINTEXT_PASSTHROUGH | \
				   ECFS_VERSIONING_XATTR | \
				   ECFS_VERSIONING_MULTKEY | \
				   ECFS_VERSIONING_FILENAME_ENCRYPTION)
#define ECFS_VERSIONING_MASK_MESSAGING (ECFS_VERSIONING_MASK_BASE | \
					ECFS_VERSIONING_PUBKEY | \
					ECFS_VERSIONING_DEVMISC)

/* ---- sizes shared by keys, signatures and tokens ---- */
#define ECFS_MAX_PASSWORD_LENGTH	64
#define ECFS_MAX_PASSPHRASE_BYTES	ECFS_MAX_PASSWORD_LENGTH
#define ECFS_SALT_SIZE			8
#define ECFS_SALT_SIZE_HEX		(ECFS_SALT_SIZE * 2)
#define ECFS_SIG_SIZE			8
#define ECFS_SIG_SIZE_HEX		(ECFS_SIG_SIZE * 2)
#define ECFS_MAX_KEY_BYTES		64
#define ECFS_MAX_ENCRYPTED_KEY_BYTES	512
#define ECFS_MAX_PKI_NAME_BYTES		16
#define ECFS_DEFAULT_SALT_HEX		"0011223344556677"
/*
 * Upstream user space passes this hex string where 8 salt bytes are
 * expected, so the FNEK salt really is the ASCII bytes "99887766".
 */
#define ECFS_DEFAULT_FNEK_SALT_HEX	"9988776655443322"
#define ECFS_DEFAULT_NUM_HASH_ITERATIONS 65536
#define ECFS_HASH_ALGO_SHA512		10	/* OpenPGP hash id */

/* ---- RFC 2440 cipher codes ---- */
#define ECFS_CIPHER_RSA			0x01
#define ECFS_CIPHER_DES3_EDE		0x02
#define ECFS_CIPHER_CAST5		0x03
#define ECFS_CIPHER_BLOWFISH		0x04
#define ECFS_CIPHER_AES_128		0x07
#define ECFS_CIPHER_AES_192		0x08
#define ECFS_CIPHER_AES_256		0x09
#define ECFS_CIPHER_TWOFISH		0x0a
#define ECFS_CIPHER_CAST6		0x0b

/* ---- 1./2. lower file and header ---- */
#define ECFS_EXTENT_SIZE		4096
#define ECFS_DEFAULT_HEADER_EXTENT_SIZE	4096
#define ECFS_MIN_HEADER_SIZE		8192
#define ECFS_DEFAULT_NUM_HEADER_EXTENTS	2
#define ECFS_V0_HEADER_SIZE		8192
#define ECFS_MARKER_MAGIC		0x3c81b7f5U
#define ECFS_FILE_VERSION		0x03
#define ECFS_SUPPORTED_FILE_VERSION	0x03
#define ECFS_HDR_VERSION_SHIFT		24
#define ECFS_HDR_FLAG_HMAC		0x01
#define ECFS_HDR_FLAG_ENCRYPTED		0x02
#define ECFS_HDR_FLAG_METADATA_IN_XATTR	0x04
#define ECFS_HDR_FLAG_ENCRYPT_FILENAMES	0x08
#define ECFS_HDR_FLAGS_KNOWN		0x0f

#define ECFS_HDR_OFF_FILE_SIZE		0
#define ECFS_HDR_FILE_SIZE_LEN		8
#define ECFS_HDR_OFF_MARKER1		8
#define ECFS_HDR_OFF_MARKER2		12
#define ECFS_HDR_MARKER_LEN		8	/* m1 and m2 */
#define ECFS_HDR_OFF_FLAGS		16	/* the u32 BE flags word */
#define ECFS_HDR_OFF_VERSION		16	/* its top byte */
#define ECFS_HDR_OFF_FLAG_BYTE		19	/* its low byte */
#define ECFS_HDR_FLAGS_LEN		4
#define ECFS_HDR_OFF_EXTENT_SIZE	20
#define ECFS_HDR_OFF_NUM_EXTENTS	24
#define ECFS_HDR_OFF_PACKETS		26
#define ECFS_HDR_V0_OFF_PACKETS		20
#define ECFS_HDR_FIXED_LEN		ECFS_HDR_OFF_PACKETS

#define ECFS_XATTR_NAME			"user.ecryptfs"
#define ECFS_KEYSET_END			0x00

/* The fixed part of a version 1..3 header, as it lies on disk. */
struct ecfs_file_header {
	__be64 file_size;
	__be32 marker1;
	__be32 marker2;
	__be32 flags;		/* version << 24 | flag bits */
	__be32 extent_size;
	__be16 num_extents;
} __attribute__((packed));

/* ---- 3. packet lengths ---- */
#define ECFS_PKT_LEN_1BYTE_MAX		191
#define ECFS_PKT_LEN_2BYTE_MIN		192
#define ECFS_PKT_LEN_2BYTE_B0_END	224	/* first rejected lead byte */
#define ECFS_PKT_LEN_MAX		8383
#define ECFS_PKT_LEN_MIN_SIZE		1
#define ECFS_PKT_LEN_MAX_SIZE		2

/* ---- 4./5./7. packet tags ---- */
#define ECFS_TAG_1			0x01
#define ECFS_TAG_3			0x8c
#define ECFS_TAG_11			0xed
#define ECFS_TAG_64			0x40
#define ECFS_TAG_65			0x41
#define ECFS_TAG_66			0x42
#define ECFS_TAG_67			0x43
#define ECFS_TAG_70			0x46
/* Defined upstream for FEK-encrypted names; never produced or accepted. */
#define ECFS_TAG_71			0x47
#define ECFS_TAG_72			0x48
#define ECFS_TAG_73			0x49

/* Tag 3 body: offsets from the first body byte. */
#define ECFS_TAG3_VERSION		0x04
#define ECFS_TAG3_S2K_ID		0x03
#define ECFS_TAG3_HASH_MD5		0x01
#define ECFS_TAG3_COUNT_65536		0x60
#define ECFS_TAG3_OFF_VERSION		0
#define ECFS_TAG3_OFF_CIPHER		1
#define ECFS_TAG3_OFF_S2K		2
#define ECFS_TAG3_OFF_HASH		3
#define ECFS_TAG3_OFF_SALT		4
#define ECFS_TAG3_OFF_COUNT		12
#define ECFS_TAG3_OFF_ENC_KEY		13
#define ECFS_TAG3_BODY_FIXED		13
#define ECFS_TAG3_MAX_ENC_KEY		ECFS_MAX_KEY_BYTES
#define ECFS_TAG3_AES192_ENC_KEY	32	/* padded from 24 */
#define ECFS_TAG3_AES128_PKT_LEN	31

/* Tag 11 body. */
#define ECFS_TAG11_FORMAT_BINARY	0x62	/* 'b' */
#define ECFS_TAG11_FILENAME		"_CONSOLE"
#define ECFS_TAG11_FILENAME_LEN		8
#define ECFS_TAG11_DATE_LEN		4
#define ECFS_TAG11_OFF_FORMAT		0
#define ECFS_TAG11_OFF_FNAME_LEN	1
#define ECFS_TAG11_OFF_FNAME		2
#define ECFS_TAG11_OFF_DATE		10
#define ECFS_TAG11_OFF_CONTENTS		14
#define ECFS_TAG11_BODY_FIXED		14
#define ECFS_TAG11_BODY_LEN		(ECFS_TAG11_BODY_FIXED + ECFS_SIG_SIZE)
#define ECFS_TAG11_PKT_LEN		(2 + ECFS_TAG11_BODY_LEN)

/* Tag 1 body. */
#define ECFS_TAG1_VERSION		0x03
#define ECFS_TAG1_OFF_VERSION		0
#define ECFS_TAG1_OFF_KEY_ID		1
#define ECFS_TAG1_OFF_PK_ALGO		9
#define ECFS_TAG1_OFF_ENC_KEY		10
#define ECFS_TAG1_BODY_FIXED		10
#define ECFS_TAG1_MAX_ENC_KEY		ECFS_MAX_ENCRYPTED_KEY_BYTES

/* Tag 70 body. */
#define ECFS_TAG70_OFF_SIG		0
#define ECFS_TAG70_OFF_CIPHER		8
#define ECFS_TAG70_OFF_CT		9
#define ECFS_TAG70_BODY_FIXED		9
#define ECFS_TAG70_MIN_BODY		(ECFS_TAG70_BODY_FIXED + 1)

/* Tags 64-67. */
#define ECFS_MSG_STATUS_OK		0x00
#define ECFS_MSG_STATUS_FAIL		0xff
#define ECFS_FEK_BLOB_OVERHEAD		3	/* cipher code + be16 sum */
#define ECFS_FEK_BLOB_MAX		(ECFS_MAX_KEY_BYTES + ECFS_FEK_BLOB_OVERHEAD)
#define ECFS_TAG65_MIN_DATA_LEN		4

/* ---- 5. filenames ---- */
#define ECFS_FNEK_PREFIX		"ECRYPTFS_FNEK_ENCRYPTED."
#define ECFS_FNEK_PREFIX_LEN		24
#define ECFS_FEK_PREFIX			"ECRYPTFS_FEK_ENCRYPTED."	/* unsupported */
#define ECFS_FEK_PREFIX_LEN		23
#define ECFS_FNEK_MAX_NAME_LEN		143
#define ECFS_FN_MIN_PREFIX_BYTES	16
#define ECFS_FN_PREFIX_NON_NULL		0x42	/* replaces 0x00 in the prefix */
#define ECFS_B64_ALPHABET \
	"-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
#define ECFS_LOWER_NAME_MAX		255

/*
 * Long names: OURS ONLY, with the mount option ECFS_OPT_LONG_NAMES.  A name
 * whose upstream-style lower name (ECFS_FNEK_PREFIX + base64 of tag 70)
 * would exceed ECFS_LOWER_NAME_MAX is stored as
 *   ECFS_LN_PREFIX  D  [ "." slot ]          (slot 1..ECFS_LN_SLOTS-1)
 * where D is ECFS_B64_ALPHABET base64 of the first ECFS_LN_DIGEST_BYTES of
 * SHA-256 over that upstream-style name.  The upstream-style name itself
 * (ASCII, no NUL) is the value of the lower entry's extended attribute
 * ECFS_LN_XATTR_PREFIX followed by the lower name without ECFS_LN_PREFIX:
 * one attribute per link, so hard links under different long names each
 * keep theirs.  Only regular files and directories: Linux allows user.*
 * attributes on nothing else.  A lower entry whose attribute is missing,
 * does not hash to D or does not decrypt is not shown.  Upstream skips
 * these entries (no ECFS_FNEK_PREFIX) and cannot look them up.
 */
#define ECFS_LN_PREFIX			"ECRYPTFS_LONGNAME."
#define ECFS_LN_PREFIX_LEN		18
#define ECFS_LN_DIGEST_BYTES		30
#define ECFS_LN_DIGEST_CHARS		40	/* base64 of 30 bytes */
#define ECFS_LN_SLOTS			4
#define ECFS_LN_XATTR_PREFIX		"user.ecryptfs_ln."
#define ECFS_LN_XATTR_PREFIX_LEN	17
/* Lower name: prefix, digest, ".N" */
#define ECFS_LN_LOWER_MAX		(ECFS_LN_PREFIX_LEN + ECFS_LN_DIGEST_CHARS + 2)
#define ECFS_LN_XATTR_NAME_MAX		(ECFS_LN_XATTR_PREFIX_LEN + ECFS_LN_DIGEST_CHARS + 2)
/* Upstream-style name of a 255-byte plaintext is 404 characters. */
#define ECFS_LN_VALUE_MAX		512

/* ---- 6. /dev/ecryptfs frames ---- */
#define ECFS_MSG_HELO			100
#define ECFS_MSG_QUIT			101
#define ECFS_MSG_REQUEST		102
#define ECFS_MSG_RESPONSE		103

#define ECFS_MSG_TYPE_SIZE		1
#define ECFS_MSG_CTR_SIZE		4
#define ECFS_MSG_OFF_TYPE		0
#define ECFS_MSG_OFF_CTR		1
#define ECFS_MSG_OFF_LEN		5
#define ECFS_MSG_CTL_SIZE		(ECFS_MSG_TYPE_SIZE + ECFS_MSG_CTR_SIZE)
#define ECFS_MSG_MIN_PKT_SIZE		(ECFS_MSG_CTL_SIZE + ECFS_PKT_LEN_MIN_SIZE)

/* Host-endian message carried after the length code. */
struct ecfs_message {
	__u32 index;
	__u32 data_len;
	__u8 data[];
};

#define ECFS_MSG_HDR_SIZE		8
#define ECFS_MSG_MIN_RESPONSE_SIZE	(ECFS_MSG_MIN_PKT_SIZE + ECFS_MSG_HDR_SIZE)
/* Largest write the kernel accepts (tag 65 with a 512-byte blob allowance). */
#define ECFS_MSG_MAX_WRITE_SIZE		(ECFS_MSG_CTL_SIZE + ECFS_PKT_LEN_MAX_SIZE + \
					 ECFS_MSG_HDR_SIZE + 4 + \
					 ECFS_MAX_ENCRYPTED_KEY_BYTES)
/* Largest request the kernel sends: a tag 64 with a 512-byte key. */
#define ECFS_MSG_MAX_REQUEST_DATA	(1 + 1 + ECFS_SIG_SIZE_HEX + 2 + \
					 ECFS_MAX_ENCRYPTED_KEY_BYTES)
#define ECFS_MSG_MAX_REQUEST_SIZE	(ECFS_MSG_CTL_SIZE + ECFS_PKT_LEN_MAX_SIZE + \
					 ECFS_MSG_HDR_SIZE + \
					 ECFS_MSG_MAX_REQUEST_DATA)
#define ECFS_MSG_DEFAULT_BUF_LEN	32	/* msg_ctx pool slots */
#define ECFS_MSG_DEFAULT_TIMEOUT_S	3

/* ---- 13. generic netlink ---- */
#define ECFS_GENL_NAME			"ecryptfs"
#define ECFS_GENL_VERSION		1

enum ecfs_genl_cmd {
	ECFS_GENL_CMD_UNSPEC,
	ECFS_GENL_CMD_HELO,
	ECFS_GENL_CMD_QUIT,
	ECFS_GENL_CMD_REQUEST,
	ECFS_GENL_CMD_RESPONSE,
	__ECFS_GENL_CMD_MAX,
};
#define ECFS_GENL_CMD_MAX		(__ECFS_GENL_CMD_MAX - 1)

enum ecfs_genl_attr {
	ECFS_GENL_A_UNSPEC,
	ECFS_GENL_A_COUNTER,		/* u32 */
	ECFS_GENL_A_INDEX,		/* u32 */
	ECFS_GENL_A_DATA,		/* binary: a section 7 payload */
	__ECFS_GENL_A_MAX,
};
#define ECFS_GENL_A_MAX			(__ECFS_GENL_A_MAX - 1)

#define ECFS_GENL_MAX_REQUEST_DATA	ECFS_MSG_MAX_REQUEST_DATA
/* What a miscdev RESPONSE frame can carry after its head. */
#define ECFS_GENL_MAX_RESPONSE_DATA	(ECFS_MSG_MAX_WRITE_SIZE - \
					 ECFS_MSG_CTL_SIZE - \
					 ECFS_PKT_LEN_MAX_SIZE - \
					 ECFS_MSG_HDR_SIZE)

/* ---- 8. auth token (upstream ABI names) ---- */
#define ECFS_TOKEN_PASSWORD		0
#define ECFS_TOKEN_PRIVATE_KEY		1
#define ECFS_AUTH_TOK_ENCRYPT_ONLY	0x00000001
#define ECFS_SK_USERSPACE_SHOULD_TRY_TO_DECRYPT	0x00000001
#define ECFS_SK_USERSPACE_SHOULD_TRY_TO_ENCRYPT	0x00000002
#define ECFS_SK_CONTAINS_DECRYPTED_KEY		0x00000004
#define ECFS_SK_CONTAINS_ENCRYPTED_KEY		0x00000008
#define ECFS_PW_PERSISTENT_PASSWORD		0x01
#define ECFS_PW_SESSION_KEY_ENCRYPTION_KEY_SET	0x02

struct ecryptfs_session_key {
	__u32 flags;
	__u32 encrypted_key_size;
	__u32 decrypted_key_size;
	__u8 encrypted_key[ECFS_MAX_ENCRYPTED_KEY_BYTES];
	__u8 decrypted_key[ECFS_MAX_KEY_BYTES];
};

struct ecryptfs_password {
	__u32 password_bytes;
	__s32 hash_algo;
	__u32 hash_iterations;
	__u32 session_key_encryption_key_bytes;
	__u32 flags;
	__u8 session_key_encryption_key[ECFS_MAX_KEY_BYTES];
	__u8 signature[ECFS_SIG_SIZE_HEX + 1];	/* hex, NUL-terminated */
	__u8 salt[ECFS_SALT_SIZE];		/* binary */
};

struct ecryptfs_private_key {
	__u32 key_size;
	__u32 data_len;
	__u8 signature[ECFS_SIG_SIZE_HEX + 1];
	char pki_type[ECFS_MAX_PKI_NAME_BYTES + 1];
	__u8 data[];
};

struct ecryptfs_auth_tok {
	__u16 version;		/* ECFS_AUTH_TOK_VERSION */
	__u16 token_type;	/* ECFS_TOKEN_* */
	__u32 flags;
	struct ecryptfs_session_key session_key;
	__u8 reserved[32];
	union {
		struct ecryptfs_password password;
		struct ecryptfs_private_key private_key;
	} token;
} __attribute__((packed));

#define ECFS_SESSION_KEY_SIZE		588
#define ECFS_PASSWORD_SIZE		112
#define ECFS_PRIVATE_KEY_SIZE		44
#define ECFS_PRIVATE_KEY_DATA_OFF	42
#define ECFS_AUTH_TOK_SIZE		740
#define ECFS_AUTH_TOK_OFF_SESSION_KEY	8
#define ECFS_AUTH_TOK_OFF_RESERVED	596
#define ECFS_AUTH_TOK_OFF_TOKEN		628

/* ---- 10. signatures in text ---- */
#define ECFS_SIG_ANY_CASE	0
#define ECFS_SIG_LOWER_ONLY	1

/* 1 when @c is a hex digit (lower case only with ECFS_SIG_LOWER_ONLY). */
static inline int ecfs_hex_digit_ok(char c, int rule)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
		return 1;
	return rule != ECFS_SIG_LOWER_ONLY && c >= 'A' && c <= 'F';
}

/* 1 when the @n bytes at @s (not NUL-terminated) are a signature. */
static inline int ecfs_sig_text_ok(const char *s, unsigned long n, int rule)
{
	unsigned long i;

	if (!s || n != ECFS_SIG_SIZE_HEX)
		return 0;
	for (i = 0; i < n; i++)
		if (!ecfs_hex_digit_ok(s[i], rule))
			return 0;
	return 1;
}

/* 1 when @s is exactly 16 hex digits and a NUL, either case. */
static inline int ecfs_sig_valid(const char *s)
{
	return ecfs_sig_text_ok(s, ECFS_SIG_SIZE_HEX, ECFS_SIG_ANY_CASE) &&
	       s[ECFS_SIG_SIZE_HEX] == '\0';
}

/* The same in lower case only: what the kernel looks keys up by. */
static inline int ecfs_sig_valid_lower(const char *s)
{
	return ecfs_sig_text_ok(s, ECFS_SIG_SIZE_HEX, ECFS_SIG_LOWER_ONLY) &&
	       s[ECFS_SIG_SIZE_HEX] == '\0';
}

/* ---- 11. ciphers ---- */
/*
 * X(ID, name, block, min_key, max_key, key_step, code, helper_min_key,
 *   menu0, menu1, menu2): menu sizes in upstream's order, 0 = none.
 * The code is the 128-bit one for AES (192: 8, 256: 9).
 */
#define ECFS_CIPHER_TABLE(X) \
	X(AES,      "aes",      16, 16, 32, 8, ECFS_CIPHER_AES_128, 16, 16, 32, 24) \
	X(BLOWFISH, "blowfish",  8,  4, 56, 1, ECFS_CIPHER_BLOWFISH, 16, 16, 32, 56) \
	X(DES3_EDE, "des3_ede",  8, 24, 24, 1, ECFS_CIPHER_DES3_EDE, 24, 24, 0, 0) \
	X(TWOFISH,  "twofish",  16, 16, 32, 8, ECFS_CIPHER_TWOFISH, 16, 16, 32, 0) \
	X(CAST6,    "cast6",    16, 16, 32, 4, ECFS_CIPHER_CAST6, 16, 16, 32, 0) \
	X(CAST5,    "cast5",     8,  5, 16, 1, ECFS_CIPHER_CAST5, 5, 16, 0, 0)

#define ECFS_CIPHER_NAME_MAX		8	/* "blowfish", "des3_ede" */
#define ECFS_CIPHER_MENU_SIZES		3

/* Block size of the cipher with RFC 2440 code @code, 0 when none. */
static inline unsigned int ecfs_cipher_code_block_size(unsigned int code)
{
	if (code == ECFS_CIPHER_AES_192 || code == ECFS_CIPHER_AES_256)
		code = ECFS_CIPHER_AES_128;
#define ECFS_X_BLOCK(id, nm, bs, mn, mx, st, cd, hm, m0, m1, m2) \
	if (code == (cd))					\
		return bs;
	ECFS_CIPHER_TABLE(ECFS_X_BLOCK)
#undef ECFS_X_BLOCK
	return 0;
}

/* ---- 12. mount options (kernel names) ---- */
#define ECFS_OPT_SIG			"ecryptfs_sig"
#define ECFS_OPT_SIG_SHORT		"sig"
#define ECFS_OPT_CIPHER			"ecryptfs_cipher"
#define ECFS_OPT_CIPHER_SHORT		"cipher"
#define ECFS_OPT_KEY_BYTES		"ecryptfs_key_bytes"
#define ECFS_OPT_PASSTHROUGH		"ecryptfs_passthrough"
#define ECFS_OPT_XATTR_METADATA		"ecryptfs_xattr_metadata"
#define ECFS_OPT_ENCRYPTED_VIEW		"ecryptfs_encrypted_view"
#define ECFS_OPT_FNEK_SIG		"ecryptfs_fnek_sig"
#define ECFS_OPT_FN_CIPHER		"ecryptfs_fn_cipher"
#define ECFS_OPT_FN_KEY_BYTES		"ecryptfs_fn_key_bytes"
#define ECFS_OPT_UNLINK_SIGS		"ecryptfs_unlink_sigs"
#define ECFS_OPT_AUTH_TOK_ONLY		"ecryptfs_mount_auth_tok_only"
#define ECFS_OPT_CHECK_DEV_RUID		"ecryptfs_check_dev_ruid"
/* Ours only (see section 5): never given to upstream's module. */
#define ECFS_OPT_LONG_NAMES		"ecryptfs_long_names"

/* ---- compile-time pins ---- */
ECFS_BUILD_ASSERT(sizeof(struct ecfs_file_header) == ECFS_HDR_FIXED_LEN);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, file_size) ==
		  ECFS_HDR_OFF_FILE_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, marker1) ==
		  ECFS_HDR_OFF_MARKER1);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, marker2) ==
		  ECFS_HDR_OFF_MARKER2);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, flags) ==
		  ECFS_HDR_OFF_FLAGS);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, extent_size) ==
		  ECFS_HDR_OFF_EXTENT_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_file_header, num_extents) ==
		  ECFS_HDR_OFF_NUM_EXTENTS);
ECFS_BUILD_ASSERT(ECFS_HDR_OFF_FLAG_BYTE == ECFS_HDR_OFF_FLAGS + 3);
ECFS_BUILD_ASSERT(ECFS_MIN_HEADER_SIZE ==
		  ECFS_DEFAULT_HEADER_EXTENT_SIZE * ECFS_DEFAULT_NUM_HEADER_EXTENTS);

ECFS_BUILD_ASSERT(ECFS_PKT_LEN_MAX == (ECFS_PKT_LEN_2BYTE_B0_END - 1 -
					ECFS_PKT_LEN_2BYTE_MIN) * 256 + 255 +
		  ECFS_PKT_LEN_2BYTE_MIN);
ECFS_BUILD_ASSERT(ECFS_TAG3_AES128_PKT_LEN == 2 + ECFS_TAG3_BODY_FIXED + 16);
ECFS_BUILD_ASSERT(ECFS_TAG3_OFF_ENC_KEY == ECFS_TAG3_OFF_COUNT + 1);
ECFS_BUILD_ASSERT(ECFS_TAG3_OFF_COUNT == ECFS_TAG3_OFF_SALT + ECFS_SALT_SIZE);
ECFS_BUILD_ASSERT(ECFS_TAG11_OFF_DATE == ECFS_TAG11_OFF_FNAME +
		  ECFS_TAG11_FILENAME_LEN);
ECFS_BUILD_ASSERT(ECFS_TAG11_OFF_CONTENTS == ECFS_TAG11_OFF_DATE +
		  ECFS_TAG11_DATE_LEN);
ECFS_BUILD_ASSERT(ECFS_TAG11_PKT_LEN == 24);
ECFS_BUILD_ASSERT(ECFS_TAG1_OFF_ENC_KEY == ECFS_TAG1_OFF_KEY_ID +
		  ECFS_SIG_SIZE + 1);
ECFS_BUILD_ASSERT(ECFS_TAG70_OFF_CT == ECFS_TAG70_OFF_SIG + ECFS_SIG_SIZE + 1);
ECFS_BUILD_ASSERT(sizeof(ECFS_FNEK_PREFIX) - 1 == ECFS_FNEK_PREFIX_LEN);
ECFS_BUILD_ASSERT(sizeof(ECFS_LN_PREFIX) - 1 == ECFS_LN_PREFIX_LEN);
ECFS_BUILD_ASSERT(sizeof(ECFS_LN_XATTR_PREFIX) - 1 == ECFS_LN_XATTR_PREFIX_LEN);
ECFS_BUILD_ASSERT(ECFS_LN_DIGEST_CHARS == ECFS_LN_DIGEST_BYTES / 3 * 4);
ECFS_BUILD_ASSERT(sizeof(ECFS_FEK_PREFIX) - 1 == ECFS_FEK_PREFIX_LEN);
ECFS_BUILD_ASSERT(sizeof(ECFS_B64_ALPHABET) - 1 == 64);
ECFS_BUILD_ASSERT(sizeof(ECFS_TAG11_FILENAME) - 1 == ECFS_TAG11_FILENAME_LEN);

ECFS_BUILD_ASSERT(sizeof(struct ecfs_message) == ECFS_MSG_HDR_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecfs_message, data_len) == 4);
ECFS_BUILD_ASSERT(ECFS_MSG_MAX_WRITE_SIZE == 531);
ECFS_BUILD_ASSERT(ECFS_MSG_MIN_RESPONSE_SIZE == 14);
ECFS_BUILD_ASSERT(ECFS_MSG_MAX_REQUEST_SIZE == 547);
ECFS_BUILD_ASSERT(ECFS_GENL_MAX_REQUEST_DATA == 532);
ECFS_BUILD_ASSERT(ECFS_GENL_MAX_RESPONSE_DATA == 516);
ECFS_BUILD_ASSERT(ECFS_GENL_CMD_MAX == 4 && ECFS_GENL_A_MAX == 3);

ECFS_BUILD_ASSERT(ECFS_AUTH_TOK_VERSION == 0x0004);
ECFS_BUILD_ASSERT(ECFS_VERSIONING_MASK_MESSAGING == 0x177);
ECFS_BUILD_ASSERT(ECFS_VERSIONING_MASK_BASE == 0x135);
ECFS_BUILD_ASSERT(sizeof(struct ecryptfs_session_key) == ECFS_SESSION_KEY_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_session_key,
				encrypted_key) == 12);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_session_key,
				decrypted_key) == 524);
ECFS_BUILD_ASSERT(sizeof(struct ecryptfs_password) == ECFS_PASSWORD_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password, hash_algo) == 4);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password, hash_iterations) == 8);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password,
				session_key_encryption_key_bytes) == 12);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password, flags) == 16);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password,
				session_key_encryption_key) == 20);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password, signature) == 84);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_password, salt) == 101);
ECFS_BUILD_ASSERT(sizeof(struct ecryptfs_private_key) == ECFS_PRIVATE_KEY_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_private_key, data_len) == 4);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_private_key, signature) == 8);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_private_key, pki_type) == 25);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_private_key, data) ==
		  ECFS_PRIVATE_KEY_DATA_OFF);
ECFS_BUILD_ASSERT(sizeof(struct ecryptfs_auth_tok) == ECFS_AUTH_TOK_SIZE);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok, token_type) == 2);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok, flags) == 4);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok, session_key) ==
		  ECFS_AUTH_TOK_OFF_SESSION_KEY);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok, reserved) ==
		  ECFS_AUTH_TOK_OFF_RESERVED);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok, token) ==
		  ECFS_AUTH_TOK_OFF_TOKEN);
ECFS_BUILD_ASSERT(ECFS_OFFSETOF(struct ecryptfs_auth_tok,
				token.private_key.data) ==
		  ECFS_AUTH_TOK_OFF_TOKEN + ECFS_PRIVATE_KEY_DATA_OFF);

#endif /* ECRYPTFS_PROTO_H */
