// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file.c - file and directory operations.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fs_stack.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <linux/splice.h>

#include "ecfs.h"

static int ecfs_open(struct inode *inode, struct file *file)
{
	struct ecfs_inode *ei = ecfs_i(inode);
	struct ecfs_file *ef;
	int err;

	ef = kmem_cache_zalloc(ecfs_file_cache, GFP_KERNEL);
	if (!ef)
		return -ENOMEM;
	err = ecfs_get_lower_file(file->f_path.dentry, inode);
	if (err)
		goto err_free;
	if ((file->f_mode & FMODE_WRITE) &&
	    !(ei->lower_file->f_mode & FMODE_WRITE)) {
		/* Without a writable lower file no header could be updated. */
		err = -EPERM;
		goto err_put;
	}
	mutex_lock(&ei->crypt_mutex);
	if (!ei->crypt.valid)
		err = ecfs_read_crypt(inode);
	mutex_unlock(&ei->crypt_mutex);
	if (err)
		goto err_put;
	ef->lower = ei->lower_file;
	file->private_data = ef;
	return 0;

err_put:
	ecfs_put_lower_file(inode);
err_free:
	kmem_cache_free(ecfs_file_cache, ef);
	return err;
}

static int ecfs_release(struct inode *inode, struct file *file)
{
	ecfs_put_lower_file(inode);
	kmem_cache_free(ecfs_file_cache, ecfs_f(file));
	return 0;
}

static int ecfs_flush(struct file *file, fl_owner_t id)
{
	struct file *lower = ecfs_f(file)->lower;

	if (!lower->f_op->flush)
		return 0;
	filemap_write_and_wait(file->f_mapping);
	return lower->f_op->flush(lower, id);
}

static int ecfs_fsync(struct file *file, loff_t start, loff_t end,
		      int datasync)
{
	int err;

	err = file_write_and_wait_range(file, start, end);
	if (err)
		return err;
	return vfs_fsync(ecfs_f(file)->lower, datasync);
}

static int ecfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct file *lower = ecfs_f(file)->lower;

	/* A lower file that cannot be mapped must not be reached this way. */
	if (!lower->f_op->mmap)
		return -ENODEV;
	return generic_file_mmap(file, vma);
}

static ssize_t ecfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct inode *inode = file_inode(file);
	loff_t old_size;
	ssize_t ret;

	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	ret = file_remove_privs(file);
	if (ret)
		goto out;
	ret = file_update_time(file);
	if (ret)
		goto out;
	/* A gap before the write must read back as zeros: fill it. */
	if (iocb->ki_pos > i_size_read(inode)) {
		ret = ecfs_extend(inode, iocb->ki_pos);
		if (ret)
			goto out;
	}
	old_size = i_size_read(inode);
	ret = generic_perform_write(iocb, from);
	if (ret > 0) {
		/* The data reaches the lower file before the write returns. */
		int err = ecfs_write_range(inode, iocb->ki_pos - ret, ret);

		if (err) {
			/* The file ends where the lower file's data does. */
			if (i_size_read(inode) > old_size) {
				i_size_write(inode, old_size);
				truncate_pagecache(inode, old_size);
			}
			iocb->ki_pos -= ret;
			ret = err;
		}
	}
	/* write_end grew i_size page by page; record it once per call. */
	if (i_size_read(inode) != old_size) {
		int err = ecfs_write_size(inode);

		if (err)
			ret = err;
	}
out:
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

/*
 * The ioctls upstream passes to the lower file; the VFS answers
 * FS_IOC_GETFLAGS/SETFLAGS through the fileattr operations first.
 */
static bool ecfs_ioctl_passed(unsigned int cmd)
{
	switch (cmd) {
	case FITRIM:
	case FS_IOC_GETFLAGS:
	case FS_IOC_SETFLAGS:
	case FS_IOC_GETVERSION:
	case FS_IOC_SETVERSION:
		return true;
	}
	return false;
}

static long ecfs_unlocked_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct file *lower = ecfs_f(file)->lower;
	long err;

	if (!lower->f_op->unlocked_ioctl || !ecfs_ioctl_passed(cmd))
		return -ENOTTY;
	err = lower->f_op->unlocked_ioctl(lower, cmd, arg);
	fsstack_copy_attr_all(file_inode(file), file_inode(lower));
	return err;
}

#ifdef CONFIG_COMPAT
static long ecfs_compat_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct file *lower = ecfs_f(file)->lower;
	long err;

	switch (cmd) {
	case FITRIM:
	case FS_IOC32_GETFLAGS:
	case FS_IOC32_SETFLAGS:
	case FS_IOC32_GETVERSION:
	case FS_IOC32_SETVERSION:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (!lower->f_op->compat_ioctl)
		return -ENOIOCTLCMD;
	err = lower->f_op->compat_ioctl(lower, cmd, arg);
	fsstack_copy_attr_all(file_inode(file), file_inode(lower));
	return err;
}
#endif

const struct file_operations ecfs_file_fops = {
	.owner		= THIS_MODULE,
	.open		= ecfs_open,
	.release	= ecfs_release,
	.flush		= ecfs_flush,
	.fsync		= ecfs_fsync,
	.llseek		= generic_file_llseek,
	.read_iter	= generic_file_read_iter,
	.write_iter	= ecfs_write_iter,
	.mmap		= ecfs_mmap,
	.splice_read	= ecfs_splice_read,
	.splice_write	= iter_file_splice_write,
	.unlocked_ioctl	= ecfs_unlocked_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= ecfs_compat_ioctl,
#endif
};

/* Directories */

static int ecfs_dir_open(struct inode *inode, struct file *file)
{
	struct ecfs_file *ef;
	struct file *lower;

	ef = kmem_cache_zalloc(ecfs_file_cache, GFP_KERNEL);
	if (!ef)
		return -ENOMEM;
	lower = dentry_open(ecfs_lower_path(file->f_path.dentry),
			    file->f_flags, file->f_cred);
	if (IS_ERR(lower)) {
		kmem_cache_free(ecfs_file_cache, ef);
		return PTR_ERR(lower);
	}
	ef->lower = lower;
	file->private_data = ef;
	return 0;
}

static int ecfs_dir_release(struct inode *inode, struct file *file)
{
	struct ecfs_file *ef = ecfs_f(file);

	fput(ef->lower);
	kmem_cache_free(ecfs_file_cache, ef);
	return 0;
}

struct ecfs_readdir {
	struct dir_context ctx;
	struct dir_context *caller;
	struct ecfs_sb_info *sbi;
	/*
	 * A long-name entry stops the lower iteration: its name is read from
	 * the entry itself, which needs a lookup in the lower directory, and
	 * iterate_dir holds that directory's lock.  ecfs_iterate resolves it
	 * and starts again, skipping the entry if it comes back first.
	 */
	char *held;
	int held_len;
	u64 held_ino;
	unsigned int held_type;
	loff_t held_pos;
	bool skip_held;
	bool found;		/* a new entry was held this round */
	int err;
};

static bool ecfs_filldir(struct dir_context *ctx, const char *name, int len,
			 loff_t offset, u64 ino, unsigned int type)
{
	struct ecfs_readdir *rd = container_of(ctx, struct ecfs_readdir, ctx);
	size_t plen;
	char *plain;
	bool more;
	int err;

	if (rd->skip_held) {
		rd->skip_held = false;
		if (len == rd->held_len && ino == rd->held_ino &&
		    !memcmp(name, rd->held, len))
			return true;
	}
	rd->caller->pos = offset;
	if (!ecfs_names_encrypted(rd->sbi))
		return dir_emit(rd->caller, name, len, ino, type);
	if (ecfs_long_names(rd->sbi) && ecfs_ln_is_lower(name, len)) {
		kfree(rd->held);
		rd->held = kmemdup(name, len, GFP_KERNEL);
		if (!rd->held) {
			rd->err = -ENOMEM;
			return false;
		}
		rd->found = true;
		rd->held_len = len;
		rd->held_ino = ino;
		rd->held_type = type;
		rd->held_pos = offset;
		return false;
	}
	err = ecfs_decrypt_name(rd->sbi, name, len, &plain, &plen);
	/*
	 * A name this mount did not encrypt (lost+found of an ext4 lower
	 * root, say) cannot be looked up either: hide it, as upstream.
	 */
	if (err == -EINVAL)
		return true;
	if (err)
		return false;
	/* A forged lower name must not smuggle a path into the listing. */
	if (memchr(plain, '/', plen) || memchr(plain, '\0', plen)) {
		kfree(plain);
		return true;
	}
	more = dir_emit(rd->caller, plain, plen, ino, type);
	kfree(plain);
	return more;
}

/*
 * Emit the held long-name entry; false if the caller is full.  Entries
 * that are not long names this mount wrote are hidden, as in filldir.
 */
static int ecfs_emit_held(struct ecfs_readdir *rd, struct file *lower,
			  bool *more)
{
	size_t plen;
	char *plain;
	int err;

	*more = true;
	err = ecfs_ln_decrypt(rd->sbi, lower->f_path.dentry, rd->held,
			      rd->held_len, &plain, &plen);
	if (err == -EINVAL)
		return 0;
	if (err)
		return err;
	if (!memchr(plain, '/', plen) && !memchr(plain, '\0', plen)) {
		rd->caller->pos = rd->held_pos;
		*more = dir_emit(rd->caller, plain, plen, rd->held_ino,
				 rd->held_type);
	}
	kfree(plain);
	return 0;
}

static int ecfs_iterate(struct file *file, struct dir_context *ctx)
{
	struct file *lower = ecfs_f(file)->lower;
	struct ecfs_readdir rd = {
		.ctx.actor = ecfs_filldir,
		.caller = ctx,
		.sbi = ecfs_sb(file_inode(file)->i_sb),
	};
	bool more;
	int err;

	for (;;) {
		rd.found = false;
		err = iterate_dir(lower, &rd.ctx);
		if (!err)
			err = rd.err;
		if (err || !rd.found)
			break;
		err = ecfs_emit_held(&rd, lower, &more);
		if (err || !more)
			break;
		rd.skip_held = true;
	}
	kfree(rd.held);
	ctx->pos = lower->f_pos;
	fsstack_copy_attr_atime(file_inode(file), file_inode(lower));
	return err;
}

/* Positions are the lower file system's: seek the lower file. */
static loff_t ecfs_dir_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t pos;

	pos = vfs_llseek(ecfs_f(file)->lower, offset, whence);
	if (pos >= 0)
		file->f_pos = pos;
	return pos;
}

static int ecfs_dir_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	return vfs_fsync(ecfs_f(file)->lower, datasync);
}

const struct file_operations ecfs_dir_fops = {
	.owner		= THIS_MODULE,
	.open		= ecfs_dir_open,
	.release	= ecfs_dir_release,
	.iterate_shared	= ecfs_iterate,
	.llseek		= ecfs_dir_llseek,
	.read		= generic_read_dir,
	.fsync		= ecfs_dir_fsync,
	.unlocked_ioctl	= ecfs_unlocked_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= ecfs_compat_ioctl,
#endif
};
