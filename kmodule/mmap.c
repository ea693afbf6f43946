// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmap.c - the page cache: upper pages hold plaintext, the lower file
 * holds the header and one encrypted extent per 4096 bytes.
 *
 * write(2) is write-through: write_end only dirties the page, and the
 * write call then writes back the range it wrote (writepages: runs of up
 * to ECFS_BATCH_PAGES contiguous pages encrypted together, one lower write
 * each) before it records the new size in the header, once per call.
 * Shared mmap writes dirty pages the same way.  Readahead reads a run of
 * extents with one lower read and decrypts them in the page cache pages.
 * Sizes change under the upper inode lock only (write, truncate).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/highmem.h>
#include <linux/writeback.h>
#include <linux/fs_stack.h>
#include <linux/uio.h>
#include <linux/bvec.h>
#include <linux/sched/mm.h>

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

/*
 * Encrypt @page, page @index of @inode, to its place in the lower file,
 * through @bounce, or a page of the bounce pool if it is NULL.  A caller
 * that already holds a pool page must pass it: taking a second one could
 * wait forever on a pool that every such caller drained.
 */
static int ecfs_store_page(struct inode *inode, struct page *page,
			   pgoff_t index, struct page *bounce)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	bool pooled = !bounce;
	void *buf;
	int err;

	if (!cs->valid)
		return -EIO;
	if (pooled)
		bounce = ecfs_bounce_get();
	err = ecfs_crypt_page(cs, bounce, page, index, true);
	if (!err) {
		buf = kmap_local_page(bounce);
		err = ecfs_write_lower(inode, buf, PAGE_SIZE,
				       ecfs_lower_offset(cs, index));
		kunmap_local(buf);
	}
	if (pooled)
		ecfs_bounce_put(bounce);
	if (err)
		pr_err_ratelimited("inode %lu: writing page %lu failed: %d\n",
				   inode->i_ino, index, err);
	return err;
}

/* One lower read or write of @n whole pages at @pos, all or an error. */
static ssize_t ecfs_lower_pages(struct inode *inode, struct page **pages,
				unsigned int n, loff_t pos, bool write)
{
	struct file *lower = ecfs_i(inode)->lower_file;
	struct bio_vec bv[ECFS_BATCH_PAGES];
	struct iov_iter iter;
	unsigned int i;
	ssize_t ret;

	if (WARN_ON_ONCE(!lower || n > ECFS_BATCH_PAGES))
		return -EIO;
	for (i = 0; i < n; i++)
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(&iter, write ? WRITE : READ, bv, n, n * PAGE_SIZE);
	if (!write)
		return vfs_iter_read(lower, &iter, &pos, 0);
	ret = ecfs_iter_write(lower, &iter, &pos);
	if (ret >= 0 && ret != n * PAGE_SIZE)
		ret = -ENOSPC;	/* a short write: the lower fs is full */
	return ret < 0 ? ret : 0;
}

/*
 * Fill the @n locked pages of a readahead run from @first: one lower
 * read, then the extents are decrypted where they landed.  Pages that
 * could not be filled stay !uptodate; read_folio retries them one by one
 * and reports the error.
 */
static void ecfs_fill_run(struct inode *inode, struct folio **folios,
			  unsigned int n)
{
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct page *pages[ECFS_BATCH_PAGES];
	pgoff_t first = folios[0]->index;
	loff_t size = i_size_read(inode);
	unsigned int i, ok = 0;
	ssize_t got;

	for (i = 0; i < n; i++)
		pages[i] = folio_page(folios[i], 0);
	/* Pages wholly past the end are zeros, and need no lower bytes. */
	while (n && ((loff_t)(first + n - 1) << PAGE_SHIFT) >= size) {
		n--;
		zero_user(pages[n], 0, PAGE_SIZE);
		folio_mark_uptodate(folios[n]);
	}
	if (!n)
		return;
	got = ecfs_lower_pages(inode, pages, n, ecfs_lower_offset(cs, first),
			       false);
	if (got < 0)
		return;
	/* The whole pages the lower file holds, and the last one's extents. */
	for (ok = 0; ok < n; ok++) {
		loff_t start = (loff_t)(first + ok) << PAGE_SHIFT;
		size_t need = round_up(min_t(loff_t, PAGE_SIZE, size - start),
				       ECFS_EXTENT_SIZE);

		if (got < (ssize_t)(ok * PAGE_SIZE + need))
			break;
	}
	if (ok < n)
		pr_err_ratelimited("inode %lu: lower file too short for page %lu\n",
				   inode->i_ino, first + ok);
	if (!ok || ecfs_crypt_pages(cs, pages, pages, first, ok, false))
		return;
	for (i = 0; i < ok; i++) {
		loff_t start = (loff_t)(first + i) << PAGE_SHIFT;

		/* Nothing past the end of the file may show through mmap. */
		if (size - start < PAGE_SIZE)
			zero_user(pages[i], size - start,
				  PAGE_SIZE - (size - start));
		folio_mark_uptodate(folios[i]);
	}
}

static void ecfs_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct folio *folios[ECFS_BATCH_PAGES];
	unsigned int n = 0, i, nofs;
	struct folio *folio;
	bool batch;

	/* Encrypted data only; the other kinds go page by page. */
	batch = cs->valid && !cs->plain &&
		!(ecfs_sb(inode->i_sb)->flags & ECFS_MNT_ENCRYPTED_VIEW);
	nofs = memalloc_nofs_save();
	do {
		folio = readahead_folio(rac);
		/* A run ends at a gap, at a large folio, or when full. */
		if (n && (!folio || n == ECFS_BATCH_PAGES ||
			  folio->index != folios[n - 1]->index + 1)) {
			ecfs_fill_run(inode, folios, n);
			for (i = 0; i < n; i++)
				folio_unlock(folios[i]);
			n = 0;
		}
		if (!folio)
			break;
		if (batch && !folio_test_large(folio)) {
			folios[n++] = folio;
			continue;
		}
		if (!ecfs_fill_page(inode, folio_page(folio, 0), folio->index))
			folio_mark_uptodate(folio);
		folio_unlock(folio);
	} while (folio);
	memalloc_nofs_restore(nofs);
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
	/* The write call writes the range back (ecfs_write_range). */
	if (end > i_size_read(inode))
		i_size_write(inode, end);
	folio_mark_dirty(folio);
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

/* Write one locked dirty page back through @bounce (NULL: the pool). */
static int ecfs_write_one(struct page *page, struct page *bounce)
{
	struct folio *folio = page_folio(page);
	struct inode *inode = folio->mapping->host;
	loff_t size = i_size_read(inode);
	loff_t start = folio_pos(folio);
	unsigned int nofs;
	int err;

	if (start >= size) {
		/* Truncated away while dirty: nothing to write. */
		folio_unlock(folio);
		return 0;
	}
	if (size - start < PAGE_SIZE)
		folio_zero_segment(folio, size - start, PAGE_SIZE);
	folio_start_writeback(folio);
	/* Reclaim may call this: the lower write must not recurse into it. */
	nofs = memalloc_nofs_save();
	if (ecfs_i(inode)->crypt.plain)
		err = ecfs_store_plain(inode, page, start, size);
	else
		err = ecfs_store_page(inode, page, folio->index, bounce);
	memalloc_nofs_restore(nofs);
	if (err)
		mapping_set_error(folio->mapping, err);
	folio_unlock(folio);
	folio_end_writeback(folio);
	return err;
}

static int ecfs_writepage(struct page *page, struct writeback_control *wbc)
{
	return ecfs_write_one(page, NULL);
}

/* Writeback of one call: a run of contiguous dirty pages being built. */
struct ecfs_wb {
	struct inode *inode;
	struct folio *folios[ECFS_BATCH_PAGES];
	struct page *bounce[ECFS_BATCH_PAGES];
	struct ecfs_bounce_set *set;	/* where bounce[] came from, or NULL */
	unsigned int n;		/* folios in the run */
	unsigned int nbounce;	/* bounce pages held for this call */
	int err;
};

/* Encrypt the run into the bounce pages, write it, end its writeback. */
static void ecfs_wb_flush(struct ecfs_wb *wb)
{
	struct inode *inode = wb->inode;
	struct ecfs_crypt *cs = &ecfs_i(inode)->crypt;
	struct page *pages[ECFS_BATCH_PAGES];
	pgoff_t first;
	unsigned int i, done, k;
	int err = 0;

	if (!wb->n)
		return;
	first = wb->folios[0]->index;
	for (i = 0; i < wb->n; i++)
		pages[i] = folio_page(wb->folios[i], 0);
	/* Without a set: more pages when free; the pool's one always does. */
	while (wb->nbounce < wb->n) {
		wb->bounce[wb->nbounce] = alloc_page(GFP_NOWAIT | __GFP_NOWARN);
		if (!wb->bounce[wb->nbounce])
			break;
		wb->nbounce++;
	}
	/* As many pages at a time as there are bounce pages. */
	for (done = 0; done < wb->n && !err; done += k) {
		k = min(wb->n - done, wb->nbounce);
		err = ecfs_crypt_pages(cs, wb->bounce, pages + done,
				       first + done, k, true);
		if (!err)
			err = ecfs_lower_pages(inode, wb->bounce, k,
					       ecfs_lower_offset(cs, first + done),
					       true);
	}
	if (err) {
		pr_err_ratelimited("inode %lu: writing pages %lu-%lu failed: %d\n",
				   inode->i_ino, first, first + wb->n - 1, err);
		mapping_set_error(inode->i_mapping, err);
		if (!wb->err)
			wb->err = err;
	}
	for (i = 0; i < wb->n; i++)
		folio_end_writeback(wb->folios[i]);
	wb->n = 0;
}

static int ecfs_wb_add(struct folio *folio, struct writeback_control *wbc,
		       void *data)
{
	struct ecfs_wb *wb = data;
	struct inode *inode = wb->inode;
	loff_t size = i_size_read(inode);
	loff_t start = folio_pos(folio);
	int err;

	if (folio_test_large(folio) || !ecfs_i(inode)->crypt.valid ||
	    ecfs_i(inode)->crypt.plain) {
		ecfs_wb_flush(wb);
		err = ecfs_write_one(folio_page(folio, 0), wb->bounce[0]);
		if (err && !wb->err)
			wb->err = err;
		return 0;
	}
	if (start >= size) {
		/* Truncated away while dirty: nothing to write. */
		folio_unlock(folio);
		return 0;
	}
	if (wb->n && (wb->n == ECFS_BATCH_PAGES ||
		      folio->index != wb->folios[wb->n - 1]->index + 1))
		ecfs_wb_flush(wb);
	if (size - start < PAGE_SIZE)
		folio_zero_segment(folio, size - start, PAGE_SIZE);
	folio_start_writeback(folio);
	folio_unlock(folio);
	wb->folios[wb->n++] = folio;
	return 0;
}

#if ECFS_WCP_FOLIO
static int ecfs_wb_add_cb(struct folio *folio, struct writeback_control *wbc,
			  void *data)
{
	return ecfs_wb_add(folio, wbc, data);
}
#else
static int ecfs_wb_add_cb(struct page *page, struct writeback_control *wbc,
			  void *data)
{
	return ecfs_wb_add(page_folio(page), wbc, data);
}
#endif

static int ecfs_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	struct ecfs_wb wb = { .inode = mapping->host };
	unsigned int nofs, i;
	int err;

	/*
	 * Bounce pages are kept for the whole call: a ready set when one is
	 * free, so that nothing is allocated per page, else one page sure
	 * from the pool.
	 */
	nofs = memalloc_nofs_save();
	wb.set = ecfs_bounce_set_get();
	if (wb.set) {
		memcpy(wb.bounce, wb.set->pages, sizeof(wb.bounce));
		wb.nbounce = ECFS_BATCH_PAGES;
	} else {
		wb.bounce[0] = ecfs_bounce_get();
		wb.nbounce = 1;
	}
	err = write_cache_pages(mapping, wbc, ecfs_wb_add_cb, &wb);
	ecfs_wb_flush(&wb);
	if (wb.set) {
		ecfs_bounce_set_put(wb.set);
	} else {
		ecfs_bounce_put(wb.bounce[0]);
		for (i = 1; i < wb.nbounce; i++)
			__free_page(wb.bounce[i]);
	}
	memalloc_nofs_restore(nofs);
	return err ? err : wb.err;
}

/*
 * Write back what a write call put in the page cache, [@pos, @pos + @len).
 * On failure the range is dropped from the cache, so that reads show what
 * the lower file holds.
 */
int ecfs_write_range(struct inode *inode, loff_t pos, size_t len)
{
	int err;

	if (!len)
		return 0;
	err = filemap_write_and_wait_range(inode->i_mapping, pos,
					   pos + len - 1);
	if (err)
		invalidate_inode_pages2_range(inode->i_mapping,
					      pos >> PAGE_SHIFT,
					      (pos + len - 1) >> PAGE_SHIFT);
	return err;
}

const struct address_space_operations ecfs_aops = {
	.read_folio	= ecfs_read_folio,
	.readahead	= ecfs_readahead,
	.writepages	= ecfs_writepages,
	.write_begin	= ecfs_write_begin,
	.write_end	= ecfs_write_end,
	.writepage	= ecfs_writepage,
	.dirty_folio	= filemap_dirty_folio,
	.migrate_folio	= filemap_migrate_folio,
	.bmap		= ecfs_bmap,
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
					      index, NULL);
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
					      index, NULL);
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
