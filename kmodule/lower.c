// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lower.c - the lower file shared by the openers of one inode, and I/O on
 * it.  Kept apart from the file, page cache and header code so that each
 * of those depends on this file rather than on one another.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/mm.h>

#include "ecfs.h"

/*
 * Open the lower file for reading and writing, so header updates work
 * whoever opened the upper file.  The caller's credentials are tried
 * first (they are what e.g. NFS with root squashing accepts), then the
 * module's; a lower file nobody may write is opened read-only.
 */
static struct file *ecfs_open_lower(const struct path *path)
{
	static const int modes[] = { O_RDWR, O_RDONLY };
	struct file *f = ERR_PTR(-EINVAL);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		int flags = modes[i] | O_LARGEFILE;

		f = dentry_open(path, flags, current_cred());
		if (!IS_ERR(f))
			return f;
		f = dentry_open(path, flags, ecfs_kernel_cred);
		if (!IS_ERR(f))
			return f;
	}
	return f;
}

int ecfs_get_lower_file(struct dentry *dentry, struct inode *inode)
{
	struct ecfs_inode *ei = ecfs_i(inode);
	int err = 0;

	mutex_lock(&ei->lower_mutex);
	if (!ei->lower_count) {
		struct file *f = ecfs_open_lower(ecfs_lower_path(dentry));

		if (IS_ERR(f)) {
			err = PTR_ERR(f);
			goto out;
		}
		ei->lower_file = f;
	}
	ei->lower_count++;
out:
	mutex_unlock(&ei->lower_mutex);
	return err;
}

void ecfs_put_lower_file(struct inode *inode)
{
	struct ecfs_inode *ei = ecfs_i(inode);

	mutex_lock(&ei->lower_mutex);
	if (!WARN_ON_ONCE(!ei->lower_count) && !--ei->lower_count) {
		/* Writeback (mmap'ed pages) goes through the lower file. */
		filemap_write_and_wait(inode->i_mapping);
		fput(ei->lower_file);
		ei->lower_file = NULL;
	}
	mutex_unlock(&ei->lower_mutex);
}

ssize_t ecfs_read_lower(struct inode *inode, void *buf, size_t len,
			loff_t pos)
{
	struct file *lower = ecfs_i(inode)->lower_file;

	if (WARN_ON_ONCE(!lower))
		return -EIO;
	return kernel_read(lower, buf, len, &pos);
}

/* Write all of @buf or fail; a short write means the lower fs is full. */
ssize_t ecfs_write_lower(struct inode *inode, const void *buf, size_t len,
			 loff_t pos)
{
	struct file *lower = ecfs_i(inode)->lower_file;
	ssize_t ret;

	if (WARN_ON_ONCE(!lower))
		return -EIO;
	ret = kernel_write(lower, buf, len, &pos);
	if (ret < 0)
		return ret;
	return ret == len ? 0 : -ENOSPC;
}

/*
 * FIBMAP: the lower file's mapping of the same block number, as upstream
 * answers it (the header offset is not applied); 0 when unmapped.
 */
sector_t ecfs_bmap(struct address_space *mapping, sector_t block)
{
	struct inode *lower = ecfs_lower_inode(mapping->host);

	if (bmap(lower, &block))
		return 0;
	return block;
}
