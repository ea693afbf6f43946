// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmap.c - the page cache: upper pages hold plaintext, the lower file
 * holds the header and one encrypted extent per 4096 bytes.
 *
 * write(2) is write-through: write_end encrypts the page and writes it to
 * the lower file at once, so the upper page is never dirty after a write.
 * Only shared mmap writes dirty pages; writepage encrypts those.  Sizes
 * change under the upper inode lock only (write, truncate).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/highmem.h>
#include <linux/writeback.h>
#include <linux/fs_stack.h>

#include "ecfs.h"

/* Passthrough files: the lower bytes are the data. */
static int ecfs_fill_plain(struct inode *inode, struct page *page,
			   loff_t start)
{
	ssize_t got;
	void *buf;

	buf = kmap_local_page(page);
	got = ecfs_read_lower(inode, buf, PAGE_SIZE, start);
	if (got >= 0 && got < PAGE_SIZE)
		memset(buf + got, 0, PAGE_SIZE - got);
	kunmap_local(buf);
	return got < 0 ? got : 0;
}

static int ecfs_store_plain(struct inode *inode, struct page *page,
			    loff_t start, loff_t end)
{
	size_t len = min_t(loff_t, PAGE_SIZE, end - start);
	void *buf;
	int err;

	if (end <= start)
		return 0;
	buf = kmap_local_page(page);
	err = ecfs_write_lower(inode, buf, len, start);
	kunmap_local(buf);
	return err;
}

/*
 * The encrypted view: the lower file as it is, or for metadata kept in
 * the xattr, the file as it would be with a header: the xattr copy (its
 * xattr flag cleared) in a header of ECFS_MIN_HEADER_SIZE bytes, then
 * the extents.
 */
static int ecfs_fill_view(struct inode *inode, struct page *page,
			  pgoff_t index)
{
	const unsigned int per_page = PAGE_SIZE / ECFS_EXTENT_SIZE;
	const u64 hdr_extents = ECFS_MIN_HEADER_SIZE / ECFS_EXTENT_SIZE;
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	unsigned int i;
	int err = 0;
	u8 *buf;

	if (!cs->in_xattr)
		return ecfs_fill_plain(inode, page, (loff_t)index << PAGE_SHIFT);
	buf = kmap_local_page(page);
	for (i = 0; i < per_page && !err; i++) {
		u64 extent = (u64)index * per_page + i;
		u8 *dst = buf + i * ECFS_EXTENT_SIZE;
		ssize_t got;

		memset(dst, 0, ECFS_EXTENT_SIZE);
		if (extent >= hdr_extents) {
			got = ecfs_read_lower(inode, dst, ECFS_EXTENT_SIZE,
					      (extent - hdr_extents) *
					      ECFS_EXTENT_SIZE);
			err = got < 0 ? got : 0;
			continue;
		}
		if (extent)
			continue;
		got = ecfs_get_xattr_header(inode, dst, ECFS_EXTENT_SIZE);
		if (got < 0) {
			err = got;
			continue;
		}
		put_unaligned_be32((u32)ECFS_FILE_VERSION << ECFS_HDR_VERSION_SHIFT |
				   (cs->hdr_flags & ~ECFS_HDR_FLAG_METADATA_IN_XATTR),
				   dst + ECFS_HDR_OFF_FLAGS);
		put_unaligned_be32(ECFS_EXTENT_SIZE,
				   dst + ECFS_HDR_OFF_EXTENT_SIZE);
		put_unaligned_be16(hdr_extents, dst + ECFS_HDR_OFF_NUM_EXTENTS);
	}
	kunmap_local(buf);
	return err;
}

/* Fill @page, page @index of @inode, with decrypted data or zeros. */
static int ecfs_fill_page(struct inode *inode, struct page *page,
			  pgoff_t index)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	loff_t size = i_size_read(inode);
	loff_t start = (loff_t)index << PAGE_SHIFT;
	size_t need, valid;
	ssize_t got;
	void *buf;
	int err;

	if (start >= size) {
		zero_user(page, 0, PAGE_SIZE);
		return 0;
	}
	if (!cs->valid)
		return -EIO;
	if (cs->plain)
		return ecfs_fill_plain(inode, page, start);
	if (ecfs_sb(inode->i_sb)->flags & ECFS_MNT_ENCRYPTED_VIEW)
		return ecfs_fill_view(inode, page, index);

	/* Read the ciphertext into the page and decrypt it in place. */
	valid = min_t(loff_t, PAGE_SIZE, size - start);
	need = round_up(valid, ECFS_EXTENT_SIZE);
	buf = kmap_local_page(page);
	got = ecfs_read_lower(inode, buf, PAGE_SIZE,
			      ecfs_lower_offset(cs, index));
	if (got >= 0 && got < need) {
		pr_err_ratelimited("inode %lu: lower file too short for extent %llu\n",
				   inode->i_ino,
				   (unsigned long long)start / ECFS_EXTENT_SIZE);
		got = -EIO;
	}
	if (got >= 0 && got < PAGE_SIZE)
		memset(buf + got, 0, PAGE_SIZE - got);
	kunmap_local(buf);
	err = got < 0 ? got : 0;
	if (!err)
		err = ecfs_crypt_page(cs, page, page, index, false);
	if (err)
		return err;
	/* Nothing past the end of the file may show through mmap. */
	if (valid < PAGE_SIZE)
		zero_user(page, valid, PAGE_SIZE - valid);
	return 0;
}

/* Encrypt @page, page @index of @inode, to its place in the lower file. */
static int ecfs_store_page(struct inode *inode, struct page *page,
			   pgoff_t index)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct page *bounce;
	void *buf;
	int err;

	if (!cs->valid)
		return -EIO;
	bounce = alloc_page(GFP_NOFS);
	if (!bounce)
		return -ENOMEM;
	err = ecfs_crypt_page(cs, bounce, page, index, true);
	if (!err) {
		buf = kmap_local_page(bounce);
		err = ecfs_write_lower(inode, buf, PAGE_SIZE,
				       ecfs_lower_offset(cs, index));
		kunmap_local(buf);
	}
	__free_page(bounce);
	if (err)
		pr_err_ratelimited("inode %lu: writing page %lu failed: %d\n",
				   inode->i_ino, index, err);
	return err;
}

static int ecfs_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	int err;

	err = ecfs_fill_page(inode, folio_page(folio, 0), folio->index);
	if (!err)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
	return err;
}

static int ecfs_begin(struct address_space *mapping, loff_t pos,
		      unsigned int len, struct folio **foliop)
{
	struct inode *inode = mapping->host;
	pgoff_t index = pos >> PAGE_SHIFT;
	struct folio *folio;
	int err;

	folio = ecfs_grab_folio(mapping, index);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	/* A partly written page needs the old contents around the write. */
	if (!folio_test_uptodate(folio) &&
	    (offset_in_page(pos) || len < PAGE_SIZE)) {
		err = ecfs_fill_page(inode, folio_page(folio, 0), index);
		if (err) {
			folio_unlock(folio);
			folio_put(folio);
			return err;
		}
		folio_mark_uptodate(folio);
	}
	*foliop = folio;
	return 0;
}

static int ecfs_end(struct address_space *mapping, loff_t pos,
		    unsigned int len, unsigned int copied, struct folio *folio)
{
	struct inode *inode = mapping->host;
	loff_t end = pos + copied;
	int ret = copied;
	int err;

	if (!folio_test_uptodate(folio)) {
		/* A short copy into a page that was never read: retry. */
		if (copied < len) {
			ret = 0;
			goto out;
		}
		folio_mark_uptodate(folio);
	}
	if (!copied)
		goto out;
	if (ecfs_i(inode)->crypt.plain)
		err = ecfs_store_plain(inode, folio_page(folio, 0),
				       folio_pos(folio),
				       max(end, i_size_read(inode)));
	else
		err = ecfs_store_page(inode, folio_page(folio, 0),
				      folio->index);
	if (err) {
		/* The cached page no longer matches the lower file. */
		folio_clear_uptodate(folio);
		ret = err;
		goto out;
	}
	if (end > i_size_read(inode))
		i_size_write(inode, end);
out:
	folio_unlock(folio);
	folio_put(folio);
	return ret;
}

#if ECFS_AOPS_FOLIO
static int ecfs_write_begin(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len,
			    struct folio **foliop, void **fsdata)
{
	return ecfs_begin(mapping, pos, len, foliop);
}

static int ecfs_write_end(struct file *file, struct address_space *mapping,
			  loff_t pos, unsigned int len, unsigned int copied,
			  struct folio *folio, void *fsdata)
{
	return ecfs_end(mapping, pos, len, copied, folio);
}
#else
static int ecfs_write_begin(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len,
			    struct page **pagep, void **fsdata)
{
	struct folio *folio;
	int err;

	err = ecfs_begin(mapping, pos, len, &folio);
	if (!err)
		*pagep = folio_page(folio, 0);
	return err;
}

static int ecfs_write_end(struct file *file, struct address_space *mapping,
			  loff_t pos, unsigned int len, unsigned int copied,
			  struct page *page, void *fsdata)
{
	return ecfs_end(mapping, pos, len, copied, page_folio(page));
}
#endif

/* Writeback of pages dirtied through a shared mapping. */
static int ecfs_writepage(struct page *page, struct writeback_control *wbc)
{
	struct folio *folio = page_folio(page);
	struct inode *inode = folio->mapping->host;
	loff_t size = i_size_read(inode);
	loff_t start = folio_pos(folio);
	int err;

	if (start >= size) {
		/* Truncated away while dirty: nothing to write. */
		folio_unlock(folio);
		return 0;
	}
	if (size - start < PAGE_SIZE)
		folio_zero_segment(folio, size - start, PAGE_SIZE);
	folio_start_writeback(folio);
	if (ecfs_i(inode)->crypt.plain)
		err = ecfs_store_plain(inode, page, start, size);
	else
		err = ecfs_store_page(inode, page, folio->index);
	if (err)
		mapping_set_error(folio->mapping, err);
	folio_unlock(folio);
	folio_end_writeback(folio);
	return err;
}

const struct address_space_operations ecfs_aops = {
	.read_folio	= ecfs_read_folio,
	.write_begin	= ecfs_write_begin,
	.write_end	= ecfs_write_end,
	.writepage	= ecfs_writepage,
	.dirty_folio	= filemap_dirty_folio,
	.migrate_folio	= filemap_migrate_folio,
};

/*
 * Grow the file to @new_size: every page from the old end on is rewritten
 * as encrypted zeros (the lower file has no holes: a hole would decrypt to
 * garbage).  The caller holds the inode lock.
 */
int ecfs_extend(struct inode *inode, loff_t new_size)
{
	struct address_space *mapping = inode->i_mapping;
	loff_t old_size = i_size_read(inode);
	pgoff_t index, last;
	int err = 0;

	if (new_size <= old_size)
		return 0;
	if (ecfs_i(inode)->crypt.plain)
		return 0;	/* a lower hole reads as zeros: nothing to do */
	last = (new_size - 1) >> PAGE_SHIFT;
	for (index = old_size >> PAGE_SHIFT; index <= last; index++) {
		loff_t start = (loff_t)index << PAGE_SHIFT;
		struct folio *folio;

		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		folio = ecfs_grab_folio(mapping, index);
		if (IS_ERR(folio)) {
			err = PTR_ERR(folio);
			break;
		}
		if (!folio_test_uptodate(folio)) {
			err = ecfs_fill_page(inode, folio_page(folio, 0),
					     index);
			if (!err)
				folio_mark_uptodate(folio);
		}
		if (!err) {
			if (start < old_size)
				folio_zero_segment(folio, old_size - start,
						   PAGE_SIZE);
			else
				folio_zero_segment(folio, 0, PAGE_SIZE);
			err = ecfs_store_page(inode, folio_page(folio, 0),
					      index);
		}
		folio_unlock(folio);
		folio_put(folio);
		if (err)
			break;
		cond_resched();
	}
	if (err)
		return err;
	i_size_write(inode, new_size);
	return ecfs_write_size(inode);
}

/* Shrink to @new_size; the tail of the last page becomes zeros. */
static int ecfs_shrink(struct dentry *dentry, loff_t new_size)
{
	struct inode *inode = d_inode(dentry);
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct inode *lower_inode = ecfs_lower_inode(inode);
	struct iattr lower_ia = {
		.ia_valid = ATTR_SIZE,
		.ia_size = cs->plain ? new_size : ecfs_lower_size(cs, new_size),
	};
	int err;

	if (offset_in_page(new_size) && !cs->plain) {
		pgoff_t index = new_size >> PAGE_SHIFT;
		struct folio *folio;

		folio = ecfs_grab_folio(inode->i_mapping, index);
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		err = 0;
		if (!folio_test_uptodate(folio)) {
			err = ecfs_fill_page(inode, folio_page(folio, 0),
					     index);
			if (!err)
				folio_mark_uptodate(folio);
		}
		if (!err) {
			folio_zero_segment(folio, offset_in_page(new_size),
					   PAGE_SIZE);
			err = ecfs_store_page(inode, folio_page(folio, 0),
					      index);
		}
		folio_unlock(folio);
		folio_put(folio);
		if (err)
			return err;
	}
	truncate_setsize(inode, new_size);
	err = ecfs_write_size(inode);
	if (err)
		return err;

	inode_lock(lower_inode);
	err = notify_change(ecfs_mnt_idmap(ecfs_lower_path(dentry)->mnt),
			    ecfs_lower_dentry(dentry), &lower_ia, NULL);
	inode_unlock(lower_inode);
	return err;
}

/* Called from setattr with the inode locked. */
int ecfs_truncate(struct dentry *dentry, loff_t new_size)
{
	struct inode *inode = d_inode(dentry);
	struct ecfs_inode *ei = ecfs_i(inode);
	loff_t old_size;
	int err;

	err = ecfs_get_lower_file(dentry, inode);
	if (err)
		return err;
	if (!(ei->lower_file->f_mode & FMODE_WRITE)) {
		err = -EPERM;
		goto out;
	}
	mutex_lock(&ei->crypt_mutex);
	if (!ei->crypt.valid)
		err = ecfs_read_crypt(inode);
	mutex_unlock(&ei->crypt_mutex);
	if (err)
		goto out;

	old_size = i_size_read(inode);
	if (ei->crypt.plain && new_size != old_size)
		err = ecfs_shrink(dentry, new_size);	/* sets any size */
	else if (new_size > old_size)
		err = ecfs_extend(inode, new_size);
	else if (new_size < old_size)
		err = ecfs_shrink(dentry, new_size);
out:
	ecfs_put_lower_file(inode);
	return err;
}
