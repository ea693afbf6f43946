/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat.h - the VFS differences between the kernel series we build for
 * (Debian's 6.1 and 6.12).  Everything that depends on LINUX_VERSION_CODE
 * lives here, so the rest of the module reads as if written for one API.
 */
#ifndef ECFS_COMPAT_H
#define ECFS_COMPAT_H

#include <linux/version.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/splice.h>
#include <linux/namei.h>
#include <linux/cred.h>
#include <linux/sched/task.h>

/* The unaligned accessors moved to <linux/unaligned.h> in 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "this module needs Linux 6.1 or later"
#endif

/*
 * Inode operations take a struct user_namespace up to 6.2 and a struct
 * mnt_idmap from 6.3 on.  "struct ecfs_idmap" names whichever it is.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ecfs_idmap mnt_idmap
#define ECFS_NOP_IDMAP (&nop_mnt_idmap)
static inline struct mnt_idmap *ecfs_mnt_idmap(const struct vfsmount *mnt)
{
	return mnt_idmap(mnt);
}
#else
#define ecfs_idmap user_namespace
#define ECFS_NOP_IDMAP (&init_user_ns)
static inline struct user_namespace *ecfs_mnt_idmap(const struct vfsmount *mnt)
{
	return mnt_user_ns(mnt);
}
#endif

static inline void ecfs_fillattr(struct ecfs_idmap *idmap, u32 mask,
				 struct inode *inode, struct kstat *stat)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	generic_fillattr(idmap, mask, inode, stat);
#else
	generic_fillattr(idmap, inode, stat);
#endif
}

static inline void ecfs_rename_idmaps(struct renamedata *rd,
				      struct ecfs_idmap *old_idmap,
				      struct ecfs_idmap *new_idmap)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	rd->old_mnt_idmap = old_idmap;
	rd->new_mnt_idmap = new_idmap;
#else
	rd->old_mnt_userns = old_idmap;
	rd->new_mnt_userns = new_idmap;
#endif
}

/* write_begin/write_end pass a page up to 6.11 and a folio from 6.12. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ECFS_AOPS_FOLIO 1
#else
#define ECFS_AOPS_FOLIO 0
#endif

/*
 * A locked folio for writing, or an ERR_PTR (which __filemap_get_folio()
 * returns on failure from 6.4 on; before, it returned NULL).
 */
static inline struct folio *ecfs_grab_folio(struct address_space *mapping,
					    pgoff_t index)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return __filemap_get_folio(mapping, index, FGP_WRITEBEGIN,
				   mapping_gfp_mask(mapping));
#else
	struct page *page = grab_cache_page_write_begin(mapping, index);

	return page ? page_folio(page) : ERR_PTR(-ENOMEM);
#endif
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#define ecfs_splice_read filemap_splice_read
#else
#define ecfs_splice_read generic_file_splice_read
#endif

/* Credentials of the kernel itself, for opening lower files. */
static inline struct cred *ecfs_prepare_kernel_cred(void)
{
	return prepare_kernel_cred(&init_task);
}

/* lock_rename() may fail with an ERR_PTR from 6.7 on; before it cannot. */
static inline struct dentry *ecfs_lock_rename(struct dentry *a,
					      struct dentry *b)
{
	return lock_rename(a, b);
}

/*
 * From 6.2 POSIX ACLs no longer go through xattr handlers but through
 * ->get_acl/->set_acl, which take a dentry.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ECFS_HAVE_ACL_IOPS 1
#else
#define ECFS_HAVE_ACL_IOPS 0
#endif

/*
 * A getattr that reaches us through vfs_getattr_nosec() (flagged with
 * AT_GETATTR_NOSEC, 6.7+) must not go back through the security hook.
 */
static inline int ecfs_vfs_getattr(const struct path *path,
				   struct kstat *stat, u32 mask,
				   unsigned int flags)
{
#ifdef AT_GETATTR_NOSEC
	if (flags & AT_GETATTR_NOSEC)
		return vfs_getattr_nosec(path, stat, mask, flags);
#endif
	return vfs_getattr(path, stat, mask, flags);
}

/* The super block's xattr handler array became const in 6.7. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
#define ECFS_XATTR_ARRAY_CONST const
#else
#define ECFS_XATTR_ARRAY_CONST
#endif

/* write_cache_pages() calls back with a page up to 6.2, a folio from 6.3. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define ECFS_WCP_FOLIO 1
#else
#define ECFS_WCP_FOLIO 0
#endif

/* vfs_iter_write() takes the lower fs's freeze protection from 6.7 on. */
static inline ssize_t ecfs_iter_write(struct file *file, struct iov_iter *iter,
				      loff_t *pos)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	return vfs_iter_write(file, iter, pos, 0);
#else
	ssize_t ret;

	file_start_write(file);
	ret = vfs_iter_write(file, iter, pos, 0);
	file_end_write(file);
	return ret;
#endif
}

#endif /* ECFS_COMPAT_H */
