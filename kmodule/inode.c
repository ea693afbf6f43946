// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inode.c - inode operations: every name operation is done on the lower
 * directory under its lock, then the result is interposed above.
 */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/fs_stack.h>
#include <linux/xattr.h>
#include <linux/file.h>
#include <linux/posix_acl.h>
#include <linux/posix_acl_xattr.h>
#include <linux/fileattr.h>

#include "ecfs.h"

static int ecfs_inode_test(struct inode *inode, void *lower)
{
	return ecfs_i(inode)->lower == lower;
}

static int ecfs_inode_set(struct inode *inode, void *opaque)
{
	struct inode *lower = opaque;

	/* The reference taken by the caller becomes the inode's. */
	ecfs_i(inode)->lower = lower;
	inode->i_ino = lower->i_ino;
	inode->i_mapping->a_ops = &ecfs_aops;

	if (S_ISLNK(lower->i_mode))
		inode->i_op = &ecfs_symlink_iops;
	else if (S_ISDIR(lower->i_mode))
		inode->i_op = &ecfs_dir_iops;
	else if (S_ISREG(lower->i_mode))
		inode->i_op = &ecfs_file_iops;
	else
		inode->i_op = &ecfs_special_iops;

	if (S_ISDIR(lower->i_mode))
		inode->i_fop = &ecfs_dir_fops;
	else if (S_ISREG(lower->i_mode))
		inode->i_fop = &ecfs_file_fops;
	else if (special_file(lower->i_mode))
		init_special_inode(inode, lower->i_mode, lower->i_rdev);

	fsstack_copy_attr_all(inode, lower);
	/* Regular files get their plaintext size from the header later. */
	fsstack_copy_inode_size(inode, lower);
	return 0;
}

/* The upper inode for @lower, possibly new and still locked (I_NEW). */
static struct inode *ecfs_iget(struct inode *lower, struct super_block *sb)
{
	struct inode *inode;

	if (lower->i_sb != ecfs_sb(sb)->lower_sb)
		return ERR_PTR(-EXDEV);
	if (IS_CASEFOLDED(lower)) {
		pr_err_ratelimited("casefolded lower directories are not supported\n");
		return ERR_PTR(-EREMOTE);
	}
	if (!igrab(lower))
		return ERR_PTR(-ESTALE);
	inode = iget5_locked(sb, (unsigned long)lower, ecfs_inode_test,
			     ecfs_inode_set, lower);
	if (!inode) {
		iput(lower);
		return ERR_PTR(-ENOMEM);
	}
	if (!(inode->i_state & I_NEW))
		iput(lower);
	return inode;
}

struct inode *ecfs_get_inode(struct inode *lower, struct super_block *sb)
{
	struct inode *inode = ecfs_iget(lower, sb);

	if (!IS_ERR(inode) && (inode->i_state & I_NEW))
		unlock_new_inode(inode);
	return inode;
}

/*
 * A regular file's size is the plaintext size in its header, read here on
 * first need rather than at lookup.  The lower file is opened with the
 * caller's credentials, else with the module's, so a caller that may stat
 * but not read the file still sees the right size.  Files without a valid
 * header show the lower size, as upstream.  Only the front of the header
 * is checked: a file whose key is not available still shows its size.
 *
 * Nobody can have changed i_size before: writers and truncate need the
 * crypto state, whose set-up (ecfs_read_crypt, under the same mutex) sets
 * size_known.
 */
static void ecfs_load_size(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct ecfs_inode *ei = ecfs_i(inode);
	struct ecfs_sb_info *sbi = ecfs_sb(inode->i_sb);
	const struct path *lower_path = ecfs_lower_path(dentry);
	bool enc_view = sbi->flags & ECFS_MNT_ENCRYPTED_VIEW;
	loff_t size, hdr_size;
	struct file *lower;
	int err = -EINVAL;

	if (ecfs_size_known(ei))
		return;
	mutex_lock(&ei->crypt_mutex);
	if (ei->size_known)
		goto out;
	size = i_size_read(ei->lower);
	lower = dentry_open(lower_path, O_RDONLY | O_LARGEFILE, current_cred());
	if (IS_ERR(lower))
		lower = dentry_open(lower_path, O_RDONLY | O_LARGEFILE,
				    ecfs_kernel_cred);
	if (!IS_ERR(lower)) {
		err = ecfs_read_size(lower, &hdr_size);
		fput(lower);
	}
	if (!err) {
		/* The encrypted view keeps the lower size... */
		if (!enc_view)
			size = hdr_size;
	} else if ((sbi->flags & ECFS_MNT_XATTR_METADATA) &&
		   !ecfs_read_xattr_size(lower_path->dentry, &hdr_size)) {
		/* ... or shows a header made from the xattr in front of it. */
		size = enc_view ? size + ECFS_MIN_HEADER_SIZE : hdr_size;
	}
	i_size_write(inode, size);
	ecfs_set_size_known(ei);
out:
	mutex_unlock(&ei->crypt_mutex);
}

static struct dentry *ecfs_lookup(struct inode *dir, struct dentry *dentry,
				  unsigned int flags)
{
	struct path *lower_parent = ecfs_lower_path(dentry->d_parent);
	struct ecfs_sb_info *sbi = ecfs_sb(dir->i_sb);
	struct ecfs_dentry *ed;
	struct dentry *lower;
	struct inode *lower_inode, *inode;

	if (ecfs_names_encrypted(sbi)) {
		char *lname;
		size_t llen;
		int err;

		err = ecfs_encrypt_name(sbi, dentry->d_name.name,
					dentry->d_name.len, &lname, &llen);
		if (err)
			return ERR_PTR(err);
		/* The lower fs cannot check a name it stores as a digest. */
		if (llen > ECFS_LOWER_NAME_MAX && ecfs_long_names(sbi))
			lower = dentry->d_name.len > NAME_MAX ?
				ERR_PTR(-ENAMETOOLONG) :
				ecfs_ln_lookup(sbi, lower_parent->dentry,
					       lname, llen);
		else
			lower = lookup_one_len_unlocked(lname,
							lower_parent->dentry,
							llen);
		kfree(lname);
	} else {
		lower = lookup_one_len_unlocked(dentry->d_name.name,
						lower_parent->dentry,
						dentry->d_name.len);
	}
	if (IS_ERR(lower))
		return ERR_CAST(lower);

	ed = kmem_cache_zalloc(ecfs_dentry_cache, GFP_KERNEL);
	if (!ed) {
		dput(lower);
		return ERR_PTR(-ENOMEM);
	}
	ed->lower_path.mnt = mntget(lower_parent->mnt);
	ed->lower_path.dentry = lower;
	dentry->d_fsdata = ed;

	fsstack_copy_attr_atime(dir, d_inode(lower_parent->dentry));

	/* The lower parent is not locked: read the inode pointer once. */
	lower_inode = READ_ONCE(lower->d_inode);
	if (!lower_inode) {
		/* Keep the negative lower dentry for a later create. */
		d_add(dentry, NULL);
		return NULL;
	}
	inode = ecfs_iget(lower_inode, dir->i_sb);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	/* A regular file's size is loaded later: see ecfs_load_size(). */
	if (inode->i_state & I_NEW)
		unlock_new_inode(inode);
	return d_splice_alias(inode, dentry);
}

/*
 * Lock the lower parent of @dentry and check that the lower dentry is
 * still its child.  On success the caller unlocks *lower_dir.
 */
static int ecfs_lock_parent(struct dentry *dentry, struct dentry **lower,
			    struct inode **lower_dir)
{
	struct dentry *lower_parent = ecfs_lower_dentry(dentry->d_parent);

	*lower = ecfs_lower_dentry(dentry);
	*lower_dir = d_inode(lower_parent);
	inode_lock_nested(*lower_dir, I_MUTEX_PARENT);
	if ((*lower)->d_parent != lower_parent) {
		inode_unlock(*lower_dir);
		return -EINVAL;
	}
	return 0;
}

static struct ecfs_idmap *ecfs_lower_idmap(struct dentry *dentry)
{
	return ecfs_mnt_idmap(ecfs_lower_path(dentry)->mnt);
}

/* Whether the lower entry of @dentry is a long-name digest. */
static bool ecfs_is_long(struct dentry *dentry, struct dentry *lower)
{
	return ecfs_long_names(ecfs_sb(dentry->d_sb)) &&
	       ecfs_ln_is_lower(lower->d_name.name, lower->d_name.len);
}

/*
 * A long name's record (keyed by the lower name) may be dropped from the
 * inode of @lower only if no other link can share it: hard links of the
 * same name in two directories have the same key.
 */
static bool ecfs_ln_unshared(struct dentry *lower)
{
	struct inode *inode = d_inode(lower);

	return S_ISDIR(inode->i_mode) || inode->i_nlink <= 1;
}

/* Attach the inode of a freshly made lower object to @dentry. */
static int ecfs_instantiate(struct dentry *dentry, struct dentry *lower)
{
	struct inode *inode;

	inode = ecfs_get_inode(d_inode(lower), dentry->d_sb);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	d_instantiate(dentry, inode);
	return 0;
}

static void ecfs_update_dir(struct inode *dir, struct inode *lower_dir)
{
	fsstack_copy_attr_times(dir, lower_dir);
	fsstack_copy_inode_size(dir, lower_dir);
}

/* Remove a lower file whose set-up failed; the parent is locked. */
static void ecfs_undo_create(struct dentry *dentry, struct dentry *lower,
			     struct inode *lower_dir)
{
	int err;

	dget(lower);
	err = vfs_unlink(ecfs_lower_idmap(dentry), lower_dir, lower, NULL);
	dput(lower);
	if (err)
		pr_err("could not remove the half-made lower file %pd: %d\n",
		       dentry, err);
}

/*
 * The same, once the parent has been unlocked: only if the lower name
 * still leads to the file we made (the lower tree is not ours alone).
 */
static void ecfs_undo_create_unlocked(struct dentry *dentry,
				      struct inode *lower_inode)
{
	struct dentry *lower;
	struct inode *lower_dir;

	if (ecfs_lock_parent(dentry, &lower, &lower_dir)) {
		pr_err("half-made lower file %pd was moved; not removed\n",
		       dentry);
		return;
	}
	if (d_inode(lower) == lower_inode)
		ecfs_undo_create(dentry, lower, lower_dir);
	else
		pr_err("half-made lower file %pd was replaced; not removed\n",
		       dentry);
	inode_unlock(lower_dir);
}

/*
 * The lower file is made under the lower parent's lock; its header is
 * written after that lock is dropped, because wrapping the file key for
 * a public key is a round trip to ecryptfsd, which must not hold up every
 * other name operation in the lower directory.  Until the header is
 * written the upper inode stays I_NEW and the upper dentry negative (the
 * VFS holds the upper parent locked), so nobody reaches the file through
 * the mount before it is whole.
 */
static int ecfs_create(struct ecfs_idmap *idmap, struct inode *dir,
		       struct dentry *dentry, umode_t mode, bool excl)
{
	struct inode *lower_dir, *lower_inode, *inode;
	struct dentry *lower;
	int err;

	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		return err;
	err = vfs_create(ecfs_lower_idmap(dentry), lower_dir, lower, mode,
			 true);
	if (!err && d_really_is_negative(lower))
		err = -ENOENT;
	if (err) {
		inode_unlock(lower_dir);
		return err;
	}
	if (ecfs_is_long(dentry, lower)) {
		err = ecfs_ln_store(ecfs_sb(dir->i_sb), dentry,
				    &lower->d_name, lower);
		if (err) {
			ecfs_undo_create(dentry, lower, lower_dir);
			inode_unlock(lower_dir);
			return err;
		}
	}
	lower_inode = d_inode(lower);
	inode = ecfs_iget(lower_inode, dir->i_sb);
	if (IS_ERR(inode)) {
		ecfs_undo_create(dentry, lower, lower_dir);
		inode_unlock(lower_dir);
		return PTR_ERR(inode);
	}
	ecfs_update_dir(dir, lower_dir);
	inode_unlock(lower_dir);

	err = ecfs_get_lower_file(dentry, inode);
	if (!err) {
		err = ecfs_new_file_crypt(inode);
		ecfs_put_lower_file(inode);
	}
	if (err) {
		/* The upper inode still holds the lower one. */
		ecfs_undo_create_unlocked(dentry, lower_inode);
		iget_failed(inode);
		return err;
	}
	d_instantiate_new(dentry, inode);
	return 0;
}

static int ecfs_link(struct dentry *old_dentry, struct inode *dir,
		     struct dentry *new_dentry)
{
	struct dentry *lower_old = ecfs_lower_dentry(old_dentry);
	struct inode *old_inode = d_inode(old_dentry);
	struct dentry *lower_new;
	struct inode *lower_dir;
	int err;

	dget(lower_old);
	err = ecfs_lock_parent(new_dentry, &lower_new, &lower_dir);
	if (err)
		goto out_dput;
	err = vfs_link(lower_old, ecfs_lower_idmap(new_dentry), lower_dir,
		       lower_new, NULL);
	if (!err && d_really_is_negative(lower_new))
		err = -ENOENT;
	if (!err && ecfs_is_long(new_dentry, lower_new)) {
		err = ecfs_ln_store(ecfs_sb(dir->i_sb), new_dentry,
				    &lower_new->d_name, lower_new);
		if (err)
			ecfs_undo_create(new_dentry, lower_new, lower_dir);
	}
	if (!err)
		err = ecfs_instantiate(new_dentry, lower_new);
	if (!err) {
		ecfs_update_dir(dir, lower_dir);
		set_nlink(old_inode, ecfs_lower_inode(old_inode)->i_nlink);
	}
	inode_unlock(lower_dir);
out_dput:
	dput(lower_old);
	return err;
}

static int ecfs_unlink(struct inode *dir, struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct dentry *lower;
	struct inode *lower_dir;
	int err;

	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		return err;
	dget(lower);
	err = vfs_unlink(ecfs_lower_idmap(dentry), lower_dir, lower, NULL);
	/*
	 * A long name's record stays on an inode that other links keep: a
	 * link of the same name in another directory shares it (same key).
	 */
	dput(lower);
	if (!err) {
		fsstack_copy_attr_times(dir, lower_dir);
		set_nlink(inode, ecfs_lower_inode(inode)->i_nlink);
		inode_set_ctime_to_ts(inode, inode_get_ctime(dir));
	}
	inode_unlock(lower_dir);
	if (!err)
		d_drop(dentry);
	return err;
}

static int ecfs_symlink(struct ecfs_idmap *idmap, struct inode *dir,
			struct dentry *dentry, const char *target)
{
	struct dentry *lower;
	struct inode *lower_dir;
	char *ltarget;
	size_t llen;
	int err;

	/* Targets are encrypted like names on FNEK mounts. */
	err = ecfs_encrypt_name(ecfs_sb(dir->i_sb), target, strlen(target),
				&ltarget, &llen);
	if (err)
		return err;
	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		goto out_free;
	/* No user xattr on a symlink to hold a long name: as upstream. */
	if (ecfs_is_long(dentry, lower)) {
		inode_unlock(lower_dir);
		err = -ENAMETOOLONG;
		goto out_free;
	}
	err = vfs_symlink(ecfs_lower_idmap(dentry), lower_dir, lower, ltarget);
	if (!err && d_really_is_negative(lower))
		err = -ENOENT;
	if (!err)
		err = ecfs_instantiate(dentry, lower);
	if (!err)
		ecfs_update_dir(dir, lower_dir);
	inode_unlock(lower_dir);
	if (d_really_is_negative(dentry))
		d_drop(dentry);
out_free:
	kfree(ltarget);
	return err;
}

/*
 * Record the long name of a new lower directory, or remove the directory.
 * Some file systems leave @lower negative after mkdir: the record then
 * goes on a fresh lookup of it (the lower parent is locked).
 */
static int ecfs_mkdir_long(struct dentry *dentry, struct dentry *lower,
			   struct inode *lower_dir)
{
	struct dentry *made = dget(lower);
	int err;

	if (d_really_is_negative(made)) {
		dput(made);
		made = lookup_one_len(lower->d_name.name, lower->d_parent,
				      lower->d_name.len);
		if (IS_ERR(made))
			return PTR_ERR(made);
		if (d_really_is_negative(made)) {
			dput(made);
			return -ENOENT;
		}
	}
	err = ecfs_ln_store(ecfs_sb(dentry->d_sb), dentry, &made->d_name,
			    made);
	if (err) {
		int rerr = vfs_rmdir(ecfs_lower_idmap(dentry), lower_dir, made);

		if (rerr)
			pr_err("could not remove the half-made lower directory %pd: %d\n",
			       dentry, rerr);
	}
	dput(made);
	return err;
}

static int ecfs_mkdir(struct ecfs_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode)
{
	struct dentry *lower;
	struct inode *lower_dir;
	int err;

	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		return err;
	err = vfs_mkdir(ecfs_lower_idmap(dentry), lower_dir, lower, mode);
	if (!err && ecfs_is_long(dentry, lower))
		err = ecfs_mkdir_long(dentry, lower, lower_dir);
	/* Some file systems leave the new dentry unhashed and negative. */
	if (!err && d_really_is_positive(lower))
		err = ecfs_instantiate(dentry, lower);
	if (!err) {
		ecfs_update_dir(dir, lower_dir);
		set_nlink(dir, lower_dir->i_nlink);
	}
	inode_unlock(lower_dir);
	if (d_really_is_negative(dentry))
		d_drop(dentry);
	return err;
}

static int ecfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	struct dentry *lower;
	struct inode *lower_dir;
	int err;

	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		return err;
	dget(lower);
	err = vfs_rmdir(ecfs_lower_idmap(dentry), lower_dir, lower);
	dput(lower);
	if (!err)
		clear_nlink(d_inode(dentry));
	fsstack_copy_attr_times(dir, lower_dir);
	set_nlink(dir, lower_dir->i_nlink);
	inode_unlock(lower_dir);
	if (!err)
		d_drop(dentry);
	return err;
}

static int ecfs_mknod(struct ecfs_idmap *idmap, struct inode *dir,
		      struct dentry *dentry, umode_t mode, dev_t dev)
{
	struct dentry *lower;
	struct inode *lower_dir;
	int err;

	err = ecfs_lock_parent(dentry, &lower, &lower_dir);
	if (err)
		return err;
	/* Special files cannot carry the user xattr of a long name. */
	if (ecfs_is_long(dentry, lower)) {
		inode_unlock(lower_dir);
		return -ENAMETOOLONG;
	}
	err = vfs_mknod(ecfs_lower_idmap(dentry), lower_dir, lower, mode, dev);
	if (!err && d_really_is_negative(lower))
		err = -ENOENT;
	if (!err)
		err = ecfs_instantiate(dentry, lower);
	if (!err)
		ecfs_update_dir(dir, lower_dir);
	inode_unlock(lower_dir);
	if (d_really_is_negative(dentry))
		d_drop(dentry);
	return err;
}

static int ecfs_rename(struct ecfs_idmap *idmap, struct inode *old_dir,
		       struct dentry *old_dentry, struct inode *new_dir,
		       struct dentry *new_dentry, unsigned int flags)
{
	struct dentry *lower_old = ecfs_lower_dentry(old_dentry);
	struct dentry *lower_new = ecfs_lower_dentry(new_dentry);
	struct dentry *lower_old_dir = ecfs_lower_dentry(old_dentry->d_parent);
	struct dentry *lower_new_dir = ecfs_lower_dentry(new_dentry->d_parent);
	struct inode *target = d_inode(new_dentry);
	struct renamedata rd = {};
	bool new_long, old_long;
	char *old_lname = NULL;
	size_t old_llen = 0;
	struct dentry *trap;
	int err;

	/* Exchange and whiteout would need more than a plain lower rename. */
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;

	trap = ecfs_lock_rename(lower_old_dir, lower_new_dir);
	if (IS_ERR(trap))
		return PTR_ERR(trap);
	dget(lower_old);
	dget(lower_new);
	err = -EINVAL;
	if (lower_old->d_parent != lower_old_dir ||
	    lower_new->d_parent != lower_new_dir)
		goto out;
	/* The source may not be an ancestor of the target, nor vice versa. */
	if (trap == lower_old)
		goto out;
	err = -ENOTEMPTY;
	if (trap == lower_new)
		goto out;

	/*
	 * A long target name is recorded on the source before the rename, so
	 * that it is never reachable without one; the same name moved to
	 * another directory has the same record already.
	 */
	new_long = ecfs_is_long(new_dentry, lower_new);
	old_long = ecfs_is_long(old_dentry, lower_old);
	if (new_long && old_long &&
	    lower_old->d_name.len == lower_new->d_name.len &&
	    !memcmp(lower_old->d_name.name, lower_new->d_name.name,
		    lower_new->d_name.len)) {
		new_long = false;
		old_long = false;
	}
	if (new_long) {
		err = ecfs_ln_store(ecfs_sb(new_dir->i_sb), new_dentry,
				    &lower_new->d_name, lower_old);
		if (err)
			goto out;
	}
	ecfs_rename_idmaps(&rd, ecfs_lower_idmap(old_dentry),
			   ecfs_lower_idmap(new_dentry));
	rd.old_dir = d_inode(lower_old_dir);
	rd.old_dentry = lower_old;
	rd.new_dir = d_inode(lower_new_dir);
	rd.new_dentry = lower_new;
	rd.flags = flags;
	/* The old name is copied: vfs_rename gives lower_old the new one. */
	if (old_long) {
		old_lname = kmemdup(lower_old->d_name.name,
				    lower_old->d_name.len, GFP_KERNEL);
		old_llen = lower_old->d_name.len;
		err = -ENOMEM;
		if (!old_lname)
			goto out_unstore;
	}
	err = vfs_rename(&rd);
	if (err)
		goto out_unstore;
	if (old_long && ecfs_ln_unshared(lower_old))
		ecfs_ln_forget(lower_old, old_lname, old_llen);
	if (target)
		fsstack_copy_attr_all(target, ecfs_lower_inode(target));
	fsstack_copy_attr_all(new_dir, d_inode(lower_new_dir));
	if (new_dir != old_dir)
		fsstack_copy_attr_all(old_dir, d_inode(lower_old_dir));
	goto out;
out_unstore:
	if (new_long && ecfs_ln_unshared(lower_old))
		ecfs_ln_forget(lower_old, lower_new->d_name.name,
			       lower_new->d_name.len);
out:
	kfree(old_lname);
	dput(lower_new);
	dput(lower_old);
	unlock_rename(lower_old_dir, lower_new_dir);
	return err;
}

/* The plaintext target of a symlink, kmalloc'ed. */
static char *ecfs_read_link(struct dentry *dentry, size_t *len)
{
	struct dentry *lower = ecfs_lower_dentry(dentry);
	DEFINE_DELAYED_CALL(lower_done);
	const char *ltarget;
	char *target;
	int err;

	ltarget = vfs_get_link(lower, &lower_done);
	if (IS_ERR(ltarget))
		return ERR_CAST(ltarget);
	err = ecfs_decrypt_name(ecfs_sb(dentry->d_sb), ltarget,
				strlen(ltarget), &target, len);
	do_delayed_call(&lower_done);
	fsstack_copy_attr_atime(d_inode(dentry), d_inode(lower));
	return err ? ERR_PTR(err) : target;
}

static const char *ecfs_get_link(struct dentry *dentry, struct inode *inode,
				 struct delayed_call *done)
{
	char *target;
	size_t len;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	target = ecfs_read_link(dentry, &len);
	if (!IS_ERR(target))
		set_delayed_call(done, kfree_link, target);
	return target;
}

static int ecfs_permission(struct ecfs_idmap *idmap, struct inode *inode,
			   int mask)
{
	return inode_permission(ECFS_NOP_IDMAP, ecfs_lower_inode(inode), mask);
}

static int ecfs_getattr(struct ecfs_idmap *idmap, const struct path *path,
			struct kstat *stat, u32 request_mask,
			unsigned int flags)
{
	struct dentry *dentry = path->dentry;
	struct inode *inode = d_inode(dentry);
	struct kstat lower_stat;
	int err;

	err = ecfs_vfs_getattr(ecfs_lower_path(dentry), &lower_stat,
			       request_mask, flags);
	if (err)
		return err;
	if (S_ISREG(inode->i_mode))
		ecfs_load_size(dentry);
	fsstack_copy_attr_all(inode, ecfs_lower_inode(inode));
	ecfs_fillattr(ECFS_NOP_IDMAP, request_mask, inode, stat);
	/* Only regular files have a size of their own (the plaintext). */
	if (!S_ISREG(inode->i_mode))
		stat->size = lower_stat.size;
	/* A symlink's size is the length of its plaintext target. */
	if (S_ISLNK(inode->i_mode) &&
	    ecfs_names_encrypted(ecfs_sb(inode->i_sb))) {
		char *target;
		size_t len;

		target = ecfs_read_link(dentry, &len);
		if (IS_ERR(target))
			return PTR_ERR(target);
		kfree(target);
		stat->size = len;
	}
	stat->blocks = lower_stat.blocks;
	return 0;
}

static int ecfs_setattr(struct ecfs_idmap *idmap, struct dentry *dentry,
			struct iattr *ia)
{
	struct inode *inode = d_inode(dentry);
	struct inode *lower_inode = ecfs_lower_inode(inode);
	struct dentry *lower = ecfs_lower_dentry(dentry);
	struct iattr lower_ia;
	int err;

	/* setattr_prepare checks a new size against the current one. */
	if ((ia->ia_valid & ATTR_SIZE) && S_ISREG(inode->i_mode))
		ecfs_load_size(dentry);
	err = setattr_prepare(ECFS_NOP_IDMAP, dentry, ia);
	if (err)
		return err;

	if ((ia->ia_valid & ATTR_SIZE) && S_ISREG(inode->i_mode)) {
		err = ecfs_truncate(dentry, ia->ia_size);
		if (err)
			return err;
	}

	lower_ia = *ia;
	/* The size was done above, in lower terms; no upper file below. */
	lower_ia.ia_valid &= ~(ATTR_SIZE | ATTR_FILE | ATTR_OPEN);
	/* Let the lower file system derive the mode itself. */
	if (lower_ia.ia_valid & (ATTR_KILL_SUID | ATTR_KILL_SGID))
		lower_ia.ia_valid &= ~ATTR_MODE;

	if (lower_ia.ia_valid) {
		inode_lock(lower_inode);
		err = notify_change(ecfs_lower_idmap(dentry), lower, &lower_ia,
				    NULL);
		inode_unlock(lower_inode);
	}
	fsstack_copy_attr_all(inode, lower_inode);
	return err;
}

static ssize_t ecfs_listxattr(struct dentry *dentry, char *list, size_t size)
{
	return vfs_listxattr(ecfs_lower_dentry(dentry), list, size);
}

#if ECFS_HAVE_ACL_IOPS
static struct posix_acl *ecfs_get_acl(struct ecfs_idmap *idmap,
				      struct dentry *dentry, int type)
{
	return vfs_get_acl(ecfs_lower_idmap(dentry), ecfs_lower_dentry(dentry),
			   posix_acl_xattr_name(type));
}

static int ecfs_set_acl(struct ecfs_idmap *idmap, struct dentry *dentry,
			struct posix_acl *acl, int type)
{
	int err;

	err = vfs_set_acl(ecfs_lower_idmap(dentry), ecfs_lower_dentry(dentry),
			  posix_acl_xattr_name(type), acl);
	if (!err)
		fsstack_copy_attr_all(d_inode(dentry),
				      ecfs_lower_inode(d_inode(dentry)));
	return err;
}

#define ECFS_ACL_IOPS .get_acl = ecfs_get_acl, .set_acl = ecfs_set_acl,
#else
#define ECFS_ACL_IOPS
#endif

/*
 * Inode flags (lsattr/chattr) are the lower inode's, as upstream: read
 * and set there, then copied up so the VFS enforces them on this inode.
 */
static int ecfs_fileattr_get(struct dentry *dentry, struct fileattr *fa)
{
	return vfs_fileattr_get(ecfs_lower_dentry(dentry), fa);
}

static int ecfs_fileattr_set(struct ecfs_idmap *idmap, struct dentry *dentry,
			     struct fileattr *fa)
{
	struct dentry *lower = ecfs_lower_dentry(dentry);
	int err;

	err = vfs_fileattr_set(ecfs_lower_idmap(dentry), lower, fa);
	fsstack_copy_attr_all(d_inode(dentry), d_inode(lower));
	return err;
}

const struct inode_operations ecfs_dir_iops = {
	.create		= ecfs_create,
	.lookup		= ecfs_lookup,
	.link		= ecfs_link,
	.unlink		= ecfs_unlink,
	.symlink	= ecfs_symlink,
	.mkdir		= ecfs_mkdir,
	.rmdir		= ecfs_rmdir,
	.mknod		= ecfs_mknod,
	.rename		= ecfs_rename,
	.permission	= ecfs_permission,
	.setattr	= ecfs_setattr,
	.getattr	= ecfs_getattr,
	.listxattr	= ecfs_listxattr,
	ECFS_ACL_IOPS
	.fileattr_get	= ecfs_fileattr_get,
	.fileattr_set	= ecfs_fileattr_set,
};

const struct inode_operations ecfs_file_iops = {
	.permission	= ecfs_permission,
	.setattr	= ecfs_setattr,
	.getattr	= ecfs_getattr,
	.listxattr	= ecfs_listxattr,
	ECFS_ACL_IOPS
	.fileattr_get	= ecfs_fileattr_get,
	.fileattr_set	= ecfs_fileattr_set,
};

const struct inode_operations ecfs_symlink_iops = {
	.get_link	= ecfs_get_link,
	.permission	= ecfs_permission,
	.setattr	= ecfs_setattr,
	.getattr	= ecfs_getattr,
	.listxattr	= ecfs_listxattr,
};

const struct inode_operations ecfs_special_iops = {
	.permission	= ecfs_permission,
	.setattr	= ecfs_setattr,
	.getattr	= ecfs_getattr,
	.listxattr	= ecfs_listxattr,
	ECFS_ACL_IOPS
};
