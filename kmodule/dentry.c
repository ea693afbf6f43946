// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dentry.c - dentry operations: revalidation against the lower dentry.
 */
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/namei.h>
#include <linux/fs_stack.h>

#include "ecfs.h"

static int ecfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct dentry *lower;
	int valid = 1;

	/* The lower revalidation may sleep. */
	if (flags & LOOKUP_RCU)
		return -ECHILD;

	lower = ecfs_lower_dentry(dentry);
	if (lower->d_flags & DCACHE_OP_REVALIDATE)
		valid = lower->d_op->d_revalidate(lower, flags);

	if (d_really_is_positive(dentry)) {
		struct inode *inode = d_inode(dentry);

		fsstack_copy_attr_all(inode, ecfs_lower_inode(inode));
		if (!inode->i_nlink)
			return 0;
	}
	return valid;
}

static void ecfs_d_release(struct dentry *dentry)
{
	struct ecfs_dentry *ed = dentry->d_fsdata;

	if (!ed)
		return;
	path_put(&ed->lower_path);
	kmem_cache_free(ecfs_dentry_cache, ed);
}

const struct dentry_operations ecfs_dops = {
	.d_revalidate	= ecfs_d_revalidate,
	.d_release	= ecfs_d_release,
};
