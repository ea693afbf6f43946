// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * super.c - super block operations and the xattr pass-through.
 */
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/statfs.h>
#include <linux/xattr.h>
#include <linux/fs_stack.h>

#include "ecfs.h"

static struct inode *ecfs_alloc_inode(struct super_block *sb)
{
	struct ecfs_inode *ei;

	ei = alloc_inode_sb(sb, ecfs_inode_cache, GFP_KERNEL);
	if (!ei)
		return NULL;
	ei->lower = NULL;
	mutex_init(&ei->lower_mutex);
	ei->lower_file = NULL;
	ei->lower_count = 0;
	mutex_init(&ei->crypt_mutex);
	memset(&ei->crypt, 0, sizeof(ei->crypt));
	ei->size_known = false;
	return &ei->vfs_inode;
}

static void ecfs_free_inode(struct inode *inode)
{
	kmem_cache_free(ecfs_inode_cache, ecfs_i(inode));
}

static void ecfs_evict_inode(struct inode *inode)
{
	struct ecfs_inode *ei = ecfs_i(inode);

	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	WARN_ON_ONCE(ei->lower_file || ei->lower_count);
	ecfs_crypt_clear(&ei->crypt);
	iput(ei->lower);
	ei->lower = NULL;
}

static int ecfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	int err;

	err = vfs_statfs(ecfs_lower_path(dentry), buf);
	if (err)
		return err;
	buf->f_type = ECFS_SUPER_MAGIC;
	buf->f_namelen = ecfs_fname_max(ecfs_sb(dentry->d_sb), buf->f_namelen);
	return 0;
}

static int ecfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct ecfs_sb_info *sbi = ecfs_sb(root->d_sb);
	struct ecfs_mount_key *mk;

	list_for_each_entry(mk, &sbi->keys, list)
		seq_printf(m, ",ecryptfs_sig=%s", mk->sig);
	if (sbi->flags & ECFS_MNT_FNEK)
		seq_printf(m, ",ecryptfs_fnek_sig=%s", sbi->fnek_sig);
	seq_printf(m, ",ecryptfs_cipher=%s", sbi->cipher);
	if (sbi->key_bytes)
		seq_printf(m, ",ecryptfs_key_bytes=%u", sbi->key_bytes);
	if (sbi->flags & ECFS_MNT_XATTR_METADATA)
		seq_puts(m, ",ecryptfs_xattr_metadata");
	if (sbi->flags & ECFS_MNT_ENCRYPTED_VIEW)
		seq_puts(m, ",ecryptfs_encrypted_view");
	if (sbi->flags & ECFS_MNT_PASSTHROUGH)
		seq_puts(m, ",ecryptfs_passthrough");
	if (sbi->flags & ECFS_MNT_UNLINK_SIGS)
		seq_puts(m, ",ecryptfs_unlink_sigs");
	if (sbi->flags & ECFS_MNT_AUTH_TOK_ONLY)
		seq_puts(m, ",ecryptfs_mount_auth_tok_only");
	if (sbi->flags & ECFS_MNT_CHECK_DEV_RUID)
		seq_puts(m, ",ecryptfs_check_dev_ruid");
	if (sbi->flags & ECFS_MNT_LONG_NAMES)
		seq_puts(m, "," ECFS_OPT_LONG_NAMES);
	return 0;
}

const struct super_operations ecfs_sops = {
	.alloc_inode	= ecfs_alloc_inode,
	.free_inode	= ecfs_free_inode,
	.evict_inode	= ecfs_evict_inode,
	/* Drop unused inodes at once: the lower inode holds the real state. */
	.drop_inode	= generic_delete_inode,
	.statfs		= ecfs_statfs,
	.show_options	= ecfs_show_options,
};

/*
 * Extended attributes are passed through to the lower inode unchanged.
 * One handler with an empty prefix sees every name.
 */
static int ecfs_xattr_get(const struct xattr_handler *handler,
			  struct dentry *dentry, struct inode *inode,
			  const char *name, void *buffer, size_t size)
{
	struct dentry *lower = ecfs_lower_dentry(dentry);
	struct inode *lower_inode = ecfs_lower_inode(inode);
	ssize_t ret;

	if (!(lower_inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	inode_lock_shared(lower_inode);
	ret = __vfs_getxattr(lower, lower_inode, name, buffer, size);
	inode_unlock_shared(lower_inode);
	return ret;
}

static int ecfs_xattr_set(const struct xattr_handler *handler,
			  struct ecfs_idmap *idmap, struct dentry *dentry,
			  struct inode *inode, const char *name,
			  const void *value, size_t size, int flags)
{
	struct path *lower_path = ecfs_lower_path(dentry);
	struct ecfs_idmap *lower_idmap = ecfs_mnt_idmap(lower_path->mnt);
	int err;

	if (value)
		err = vfs_setxattr(lower_idmap, lower_path->dentry, name, value,
				   size, flags);
	else
		err = vfs_removexattr(lower_idmap, lower_path->dentry, name);
	if (!err && inode)
		fsstack_copy_attr_all(inode, ecfs_lower_inode(inode));
	return err;
}

static const struct xattr_handler ecfs_xattr_handler = {
	.prefix	= "",
	.get	= ecfs_xattr_get,
	.set	= ecfs_xattr_set,
};

const struct xattr_handler *ECFS_XATTR_ARRAY_CONST ecfs_xattr_handlers[] = {
	&ecfs_xattr_handler,
	NULL,
};
