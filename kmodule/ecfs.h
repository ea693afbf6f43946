/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecfs.h - private header of the eCryptfs module: object layouts and the
 * functions the source files share.  Formats come from ecryptfs_proto.h.
 *
 * Objects and their lifetimes:
 *  - struct ecfs_sb_info: one per mount; owns references to the keyring
 *    keys named by the sig= options.
 *  - struct ecfs_inode: one per upper inode; holds a reference to the lower
 *    inode, the lower file shared by every opener and the file's crypto
 *    state (FEK, root IV, data cipher).
 *  - struct ecfs_dentry: one per upper dentry; holds the lower path.
 *  - struct ecfs_file: one per open upper file; points at a lower file.
 */
#ifndef ECFS_H
#define ECFS_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/key.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/uidgid.h>
#include <crypto/skcipher.h>
#include <crypto/hash.h>

#include "ecryptfs_proto.h"
#include "compat.h"

#define ECFS_SUPER_MAGIC		0xf15f
#define ECFS_MAX_CIPHER_NAME		31
#define ECFS_MD5_SIZE			16
#define ECFS_IV_SIZE			16
/* The extent number is printed in a field of this many bytes for the IV. */
#define ECFS_IV_NUM_FIELD		16

/* Mount option flags (struct ecfs_sb_info.flags). */
#define ECFS_MNT_PASSTHROUGH		BIT(0)
#define ECFS_MNT_XATTR_METADATA		BIT(1)
#define ECFS_MNT_ENCRYPTED_VIEW		BIT(2)
#define ECFS_MNT_UNLINK_SIGS		BIT(3)
#define ECFS_MNT_AUTH_TOK_ONLY		BIT(4)
#define ECFS_MNT_CHECK_DEV_RUID		BIT(5)
#define ECFS_MNT_FNEK			BIT(6)
/* ours only: names past upstream's 143 bytes (proto section 5) */
#define ECFS_MNT_LONG_NAMES		BIT(7)

/*
 * What /sys/fs/ecryptfs/version advertises: upstream's value with
 * messaging (375), nothing of our own.
 */
#define ECFS_VERSIONING_IMPLEMENTED	ECFS_VERSIONING_MASK_MESSAGING

/* One sig= option: a passphrase auth token in the keyring. */
struct ecfs_mount_key {
	struct list_head list;
	char sig[ECFS_SIG_SIZE_HEX + 1];
	struct key *key;
};

struct ecfs_sb_info {
	struct super_block *lower_sb;
	unsigned int flags;
	char cipher[ECFS_MAX_CIPHER_NAME + 1];
	unsigned int key_bytes;
	struct list_head keys;		/* of ecfs_mount_key, in option order */
	unsigned int nr_keys;
	char fnek_sig[ECFS_SIG_SIZE_HEX + 1];
	char fn_cipher[ECFS_MAX_CIPHER_NAME + 1];
	unsigned int fn_key_bytes;
	/* ecb(cipher) for wrapping FEKs of the mount's cipher */
	struct crypto_skcipher *ecb_tfm;
	struct mutex ecb_mutex;		/* its setkey and use; others alloc */
	/* Filename encryption (ECFS_MNT_FNEK), set up at mount time. */
	struct key *fnek_key;
	struct crypto_skcipher *fn_tfm;	/* ecb(fn_cipher) keyed with FNEK */
	u8 fn_sig_bin[ECFS_SIG_SIZE];
	u8 fn_code;
	u32 fn_skek_len;
	u8 fn_prefix[48];
	struct crypto_shash *ln_tfm;	/* sha256, with ECFS_MNT_LONG_NAMES */
};

/* Crypto state of one file; see ecfs_inode.crypt_mutex for the rules. */
struct ecfs_crypt {
	bool valid;			/* key, iv, tfm and sizes are set */
	bool plain;			/* passthrough: no header, no crypto */
	bool in_xattr;			/* metadata in user.ecryptfs */
	unsigned int key_size;
	u8 key[ECFS_MAX_KEY_BYTES];
	u8 root_iv[ECFS_MD5_SIZE];
	char cipher[ECFS_MAX_CIPHER_NAME + 1];
	u32 header_size;		/* lower bytes before extent 0 */
	u8 hdr_flags;			/* flag byte of the header */
	struct crypto_skcipher *tfm;	/* cbc(cipher), keyed with key */
};

struct ecfs_inode {
	struct inode *lower;
	/* lower_mutex guards lower_file and lower_count. */
	struct mutex lower_mutex;
	struct file *lower_file;
	unsigned int lower_count;
	/*
	 * crypt_mutex serializes setting up crypt; once crypt.valid is true
	 * the state is immutable until the inode is evicted and is read
	 * without the lock by whoever holds an open file.
	 */
	struct mutex crypt_mutex;
	struct ecfs_crypt crypt;
	/*
	 * A regular file's i_size is the plaintext size in its header, read
	 * on first need (getattr, setattr, open), not at lookup, so that name
	 * operations and readdir never read a header.  size_known is set
	 * under crypt_mutex, once i_size holds that size (or the lower size,
	 * for a file without a valid header), and never cleared; see
	 * ecfs_set_size_known().  Every open file's inode has it set.
	 */
	bool size_known;
	struct inode vfs_inode;
};

struct ecfs_dentry {
	struct path lower_path;
};

struct ecfs_file {
	struct file *lower;
};

static inline struct ecfs_sb_info *ecfs_sb(const struct super_block *sb)
{
	return sb->s_fs_info;
}

/* Names are translated unless the mount shows the encrypted view. */
static inline bool ecfs_names_encrypted(const struct ecfs_sb_info *sbi)
{
	return (sbi->flags & (ECFS_MNT_FNEK | ECFS_MNT_ENCRYPTED_VIEW)) ==
	       ECFS_MNT_FNEK;
}

/* Names past upstream's limit go to digests (ecryptfs_long_names). */
static inline bool ecfs_long_names(const struct ecfs_sb_info *sbi)
{
	return ecfs_names_encrypted(sbi) && (sbi->flags & ECFS_MNT_LONG_NAMES);
}

static inline struct ecfs_inode *ecfs_i(const struct inode *inode)
{
	return container_of(inode, struct ecfs_inode, vfs_inode);
}

/*
 * Publish i_size as loaded; the caller has written i_size and holds
 * crypt_mutex (or still owns a new inode).
 */
static inline void ecfs_set_size_known(struct ecfs_inode *ei)
{
	/* Pairs with ecfs_size_known(): whoever sees the flag sees i_size. */
	smp_store_release(&ei->size_known, true);
}

static inline bool ecfs_size_known(struct ecfs_inode *ei)
{
	/* Pairs with ecfs_set_size_known(); lets getattr skip the mutex. */
	return smp_load_acquire(&ei->size_known);
}

static inline struct inode *ecfs_lower_inode(const struct inode *inode)
{
	return ecfs_i(inode)->lower;
}

static inline struct ecfs_dentry *ecfs_d(const struct dentry *dentry)
{
	return dentry->d_fsdata;
}

static inline struct dentry *ecfs_lower_dentry(const struct dentry *dentry)
{
	return ecfs_d(dentry)->lower_path.dentry;
}

static inline struct path *ecfs_lower_path(const struct dentry *dentry)
{
	return &ecfs_d(dentry)->lower_path;
}

static inline struct ecfs_file *ecfs_f(const struct file *file)
{
	return file->private_data;
}

/* Lower offset of the start of a page of plaintext. */
static inline loff_t ecfs_lower_offset(const struct ecfs_crypt *cs,
				       pgoff_t index)
{
	return (loff_t)cs->header_size + ((loff_t)index << PAGE_SHIFT);
}

/* Lower file size that holds a plaintext of @size bytes. */
static inline loff_t ecfs_lower_size(const struct ecfs_crypt *cs, loff_t size)
{
	return (loff_t)cs->header_size + round_up(size, ECFS_EXTENT_SIZE);
}

/* main.c */
extern struct kmem_cache *ecfs_inode_cache;
extern struct kmem_cache *ecfs_dentry_cache;
extern struct kmem_cache *ecfs_file_cache;
extern struct kmem_cache *ecfs_key_cache;
extern struct kmem_cache *ecfs_sb_cache;
extern const struct cred *ecfs_kernel_cred;
extern struct file_system_type ecfs_fs_type;

/* super.c */
extern const struct super_operations ecfs_sops;
extern const struct xattr_handler *ECFS_XATTR_ARRAY_CONST ecfs_xattr_handlers[];

/* dentry.c */
extern const struct dentry_operations ecfs_dops;

/* inode.c */
extern const struct inode_operations ecfs_dir_iops;
extern const struct inode_operations ecfs_file_iops;
extern const struct inode_operations ecfs_symlink_iops;
extern const struct inode_operations ecfs_special_iops;
struct inode *ecfs_get_inode(struct inode *lower, struct super_block *sb);

/* file.c */
extern const struct file_operations ecfs_dir_fops;
extern const struct file_operations ecfs_file_fops;

/* lower.c */
int ecfs_get_lower_file(struct dentry *dentry, struct inode *inode);
void ecfs_put_lower_file(struct inode *inode);
ssize_t ecfs_read_lower(struct inode *inode, void *buf, size_t len,
			loff_t pos);
ssize_t ecfs_write_lower(struct inode *inode, const void *buf, size_t len,
			 loff_t pos);
sector_t ecfs_bmap(struct address_space *mapping, sector_t block);

/* mmap.c */
extern const struct address_space_operations ecfs_aops;
int ecfs_extend(struct inode *inode, loff_t new_size);
int ecfs_write_range(struct inode *inode, loff_t pos, size_t len);
int ecfs_truncate(struct dentry *dentry, loff_t new_size);

/* crypto.c */
int ecfs_crypto_setup(void);
void ecfs_crypto_teardown(void);
u8 ecfs_rfc2440_code(const char *cipher, unsigned int key_bytes);
const char *ecfs_cipher_name(u8 code);
int ecfs_check_cipher(const char *cipher, unsigned int *key_bytes);
int ecfs_crypt_set_key(struct ecfs_crypt *cs);
void ecfs_crypt_clear(struct ecfs_crypt *cs);
int ecfs_crypt_page(struct ecfs_crypt *cs, struct page *dst,
		    struct page *src, pgoff_t index, bool encrypt);
int ecfs_crypt_pages(struct ecfs_crypt *cs, struct page **dst,
		     struct page **src, pgoff_t first, unsigned int n,
		     bool encrypt);
struct page *ecfs_bounce_get(void);
void ecfs_bounce_put(struct page *page);

/* Pages per lower read or write of the read and write paths. */
#define ECFS_BATCH_PAGES	16

/* One run's worth of bounce pages, allocated at load (crypto.c). */
struct ecfs_bounce_set {
	struct list_head list;
	struct page *pages[ECFS_BATCH_PAGES];
};

struct ecfs_bounce_set *ecfs_bounce_set_get(void);
void ecfs_bounce_set_put(struct ecfs_bounce_set *set);
int ecfs_ecb_crypt(const char *cipher, const u8 *key, unsigned int key_size,
		   u8 *buf, unsigned int len, bool encrypt);
int ecfs_ecb_crypt_tfm(struct crypto_skcipher *tfm, const u8 *key,
		       unsigned int key_size, u8 *buf, unsigned int len,
		       bool encrypt);
int ecfs_md5(const u8 *data, unsigned int len, u8 *out);
int ecfs_derive_iv(const struct ecfs_crypt *cs, u64 extent, u8 *iv);

/* fname.c */
int ecfs_encrypt_name(struct ecfs_sb_info *sbi, const char *name,
		      size_t len, char **out, size_t *out_len);
int ecfs_decrypt_name(struct ecfs_sb_info *sbi, const char *lname,
		      size_t llen, char **out, size_t *out_len);
long ecfs_fname_max(struct ecfs_sb_info *sbi, long lower_max);
int ecfs_fname_init(struct ecfs_sb_info *sbi);
void ecfs_fname_exit(struct ecfs_sb_info *sbi);
bool ecfs_ln_is_lower(const char *lname, size_t llen);
struct dentry *ecfs_ln_lookup(struct ecfs_sb_info *sbi,
			      struct dentry *lower_parent, const char *enc,
			      size_t elen);
int ecfs_ln_decrypt(struct ecfs_sb_info *sbi, struct dentry *lower_parent,
		    const char *lname, size_t llen, char **out,
		    size_t *out_len);
int ecfs_ln_store(struct ecfs_sb_info *sbi, struct dentry *dentry,
		  const struct qstr *lname, struct dentry *lower);
void ecfs_ln_forget(struct dentry *lower, const char *lname, size_t llen);
int ecfs_ln_check_lower(struct dentry *lower_root);

/* keystore.c */
struct ecfs_tag3_ref {
	const char *cipher;
	unsigned int key_size;
	unsigned int enc_len;
	const u8 *enc;
};

int ecfs_parse_tag3(const u8 *b, size_t len, struct ecfs_tag3_ref *t);
const struct ecryptfs_auth_tok *ecfs_token(const struct key *key);
struct key *ecfs_request_key(const char *sig);
int ecfs_load_mount_keys(struct ecfs_sb_info *sbi);
void ecfs_put_mount_keys(struct ecfs_sb_info *sbi);
int ecfs_new_file_crypt(struct inode *inode);
int ecfs_read_crypt(struct inode *inode);
int ecfs_read_size(struct file *lower, loff_t *size);
int ecfs_read_xattr_size(struct dentry *lower, loff_t *size);
ssize_t ecfs_get_xattr_header(struct inode *inode, u8 *buf, size_t len);
int ecfs_write_size(struct inode *inode);
int ecfs_parse_pkt_len(const u8 *p, size_t avail, size_t *len,
		       size_t *len_bytes);
int ecfs_write_pkt_len(u8 *p, size_t avail, size_t len, size_t *len_bytes);

/* messaging.c */
struct ecfs_daemon;

struct ecfs_daemon_ops {
	const char *name;
	/* A request was queued for @d; called with the messaging lock held. */
	void (*notify)(struct ecfs_daemon *d);
	/*
	 * Wipe and drop a copy of a request the transport handed to
	 * ecfs_daemon_keep_copy(), once that request is over.  Called with
	 * the messaging lock held; must not sleep for long.
	 */
	void (*release_copy)(void *copy);
};

/* One registered ecryptfsd; owned by its transport. */
struct ecfs_daemon {
	struct hlist_node node;		/* in the table, by euid */
	kuid_t euid;
	const struct ecfs_daemon_ops *ops;
	struct list_head queue;		/* requests not yet read */
	wait_queue_head_t wait;		/* readers: queue not empty */
	unsigned long in_read;		/* bit 0: a read is in progress */
	bool dead;			/* unregistered */
};

int ecfs_messaging_init(void);
void ecfs_messaging_exit(void);
int ecfs_daemon_register(struct ecfs_daemon *d, kuid_t euid,
			 const struct ecfs_daemon_ops *ops);
void ecfs_daemon_unregister(struct ecfs_daemon *d);
bool ecfs_daemon_has_request(struct ecfs_daemon *d);
ssize_t ecfs_daemon_take(struct ecfs_daemon *d, u32 *ctr, u32 *index,
			 void *msg, size_t cap);
void ecfs_daemon_unread(struct ecfs_daemon *d, u32 index, u32 ctr);
int ecfs_daemon_keep_copy(struct ecfs_daemon *d, u32 index, u32 ctr,
			  void *copy);
int ecfs_daemon_reply(struct ecfs_daemon *d, u32 ctr,
		      const struct ecfs_message *msg, size_t size);
int ecfs_msg_request(const u8 *data, size_t len, struct ecfs_message **reply,
		     size_t *reply_size);

/* miscdev.c */
int ecfs_miscdev_init(void);
void ecfs_miscdev_exit(void);

#ifdef DEBUG
/* selftest.c */
int ecfs_selftests(void);
#endif

#endif /* ECFS_H */
