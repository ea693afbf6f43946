// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crypto.c - ciphers, IV derivation and extent encryption.
 *
 * Every extent is encrypted on its own with cbc(<cipher>) and the FEK; its
 * IV is MD5(root IV || extent number printed in decimal into a 16-byte
 * zero-filled field), the root IV being MD5(FEK).  The data transform may
 * be asynchronous (hardware drivers, cryptd): a batch of pages puts all
 * its requests in flight, then waits for every one.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <linux/random.h>
#include <linux/mempool.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/sched/mm.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>

#include "ecfs.h"

static bool force_async;
module_param(force_async, bool, 0444);
MODULE_PARM_DESC(force_async,
		 "Wrap the data cipher in cryptd, to exercise asynchronous crypto");

static struct crypto_shash *ecfs_md5_tfm;

static const struct {
	const char *name;
	u8 code;
	unsigned int key_bytes;	/* 0: any size the cipher takes */
} ecfs_ciphers[] = {
	{ "aes", ECFS_CIPHER_AES_128, 16 },
	{ "aes", ECFS_CIPHER_AES_192, 24 },
	{ "aes", ECFS_CIPHER_AES_256, 32 },
	{ "blowfish", ECFS_CIPHER_BLOWFISH, 0 },
	{ "des3_ede", ECFS_CIPHER_DES3_EDE, 0 },
	{ "cast5", ECFS_CIPHER_CAST5, 0 },
	{ "twofish", ECFS_CIPHER_TWOFISH, 0 },
	{ "cast6", ECFS_CIPHER_CAST6, 0 },
};

/* RFC 2440 code of @cipher with a key of @key_bytes, or 0 if none. */
u8 ecfs_rfc2440_code(const char *cipher, unsigned int key_bytes)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ecfs_ciphers); i++) {
		if (strcmp(ecfs_ciphers[i].name, cipher))
			continue;
		if (!ecfs_ciphers[i].key_bytes ||
		    ecfs_ciphers[i].key_bytes == key_bytes)
			return ecfs_ciphers[i].code;
	}
	return 0;
}

const char *ecfs_cipher_name(u8 code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ecfs_ciphers); i++)
		if (ecfs_ciphers[i].code == code)
			return ecfs_ciphers[i].name;
	return NULL;
}

/*
 * Check at mount time that @cipher has a code and takes keys of
 * *key_bytes bytes in both modes we use.  A size of 0 means the largest
 * key the cipher takes; AES has no such default, as upstream.
 */
int ecfs_check_cipher(const char *cipher, unsigned int *key_bytes)
{
	char name[ECFS_MAX_CIPHER_NAME + 8];
	struct crypto_skcipher *tfm;
	u8 *key;
	int err;

	snprintf(name, sizeof(name), "ecb(%s)", cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("cipher %s is not available: %ld\n", cipher,
		       PTR_ERR(tfm));
		return -EINVAL;
	}
	if (!*key_bytes && strcmp(cipher, "aes"))
		*key_bytes = crypto_skcipher_max_keysize(tfm);
	if (*key_bytes > ECFS_MAX_KEY_BYTES ||
	    !ecfs_rfc2440_code(cipher, *key_bytes)) {
		pr_err("cipher %s with %u-byte keys is not supported\n", cipher,
		       *key_bytes);
		err = -EINVAL;
		goto out;
	}
	key = kmalloc(*key_bytes, GFP_KERNEL);
	if (!key) {
		err = -ENOMEM;
		goto out;
	}
	get_random_bytes(key, *key_bytes);
	err = crypto_skcipher_setkey(tfm, key, *key_bytes);
	kfree_sensitive(key);
	if (err)
		pr_err("cipher %s does not take %u-byte keys: %d\n", cipher,
		       *key_bytes, err);
out:
	crypto_free_skcipher(tfm);
	return err;
}

int ecfs_md5(const u8 *data, unsigned int len, u8 *out)
{
	return crypto_shash_tfm_digest(ecfs_md5_tfm, data, len, out);
}

int ecfs_derive_iv(const struct ecfs_crypt *cs, u64 extent, u8 *iv)
{
	u8 src[ECFS_MD5_SIZE + ECFS_IV_NUM_FIELD];
	u8 digest[ECFS_MD5_SIZE];
	int err;

	memcpy(src, cs->root_iv, ECFS_MD5_SIZE);
	memset(src + ECFS_MD5_SIZE, 0, ECFS_IV_NUM_FIELD);
	snprintf(src + ECFS_MD5_SIZE, ECFS_IV_NUM_FIELD, "%lld",
		 (long long)extent);
	err = ecfs_md5(src, sizeof(src), digest);
	if (!err)
		memcpy(iv, digest, ECFS_IV_SIZE);
	memzero_explicit(src, sizeof(src));
	return err;
}

/* Make the data transform and root IV for cs->key; cs is not yet valid. */
int ecfs_crypt_set_key(struct ecfs_crypt *cs)
{
	char name[ECFS_MAX_CIPHER_NAME + 24];
	struct crypto_skcipher *tfm;
	int err;

	if (force_async)
		snprintf(name, sizeof(name), "cryptd(cbc(%s-generic))",
			 cs->cipher);
	else
		snprintf(name, sizeof(name), "cbc(%s)", cs->cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_err_ratelimited("cannot allocate %s: %ld\n", name,
				   PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	crypto_skcipher_set_flags(tfm, CRYPTO_TFM_REQ_FORBID_WEAK_KEYS);
	err = crypto_skcipher_setkey(tfm, cs->key, cs->key_size);
	if (err) {
		pr_err_ratelimited("%s refuses a %u-byte key: %d\n", name,
				   cs->key_size, err);
		goto err_free;
	}
	err = ecfs_md5(cs->key, cs->key_size, cs->root_iv);
	if (err)
		goto err_free;
	cs->tfm = tfm;
	return 0;

err_free:
	crypto_free_skcipher(tfm);
	return err;
}

void ecfs_crypt_clear(struct ecfs_crypt *cs)
{
	if (cs->tfm)
		crypto_free_skcipher(cs->tfm);
	memzero_explicit(cs, sizeof(*cs));
}

/*
 * One extent's request with what it points to.  The request is followed by
 * the transform's context (reqsize bytes), so a slot is
 * ecfs_slot_size(tfm) bytes.
 */
struct ecfs_slot {
	struct crypto_wait wait;
	struct scatterlist sg_src;
	struct scatterlist sg_dst;
	u8 iv[ECFS_IV_SIZE];
	int ret;
	struct skcipher_request req;	/* last: its context follows */
};

static size_t ecfs_slot_size(struct crypto_skcipher *tfm)
{
	return ALIGN(sizeof(struct ecfs_slot) + crypto_skcipher_reqsize(tfm),
		     CRYPTO_MINALIGN);
}

/*
 * Slots of up to ECFS_SLOT_POOL_SIZE bytes (every software cbc() here; a
 * cryptd or hardware transform may need more and then allocates) come
 * from a pool, so that writeback always gets at least one.
 */
#define ECFS_SLOT_POOL_SIZE	1024
#define ECFS_SLOT_POOL_MIN	4
static mempool_t *ecfs_slot_pool;
static struct workqueue_struct *ecfs_crypt_wq;

/*
 * Pages that ciphertext is written from: a reserve of ECFS_BOUNCE_MIN, so
 * that writeback always has one (ecfs_bounce_get() may wait, never fails).
 */
#define ECFS_BOUNCE_MIN		16
static mempool_t *ecfs_bounce_pool;

struct page *ecfs_bounce_get(void)
{
	return mempool_alloc(ecfs_bounce_pool, GFP_NOFS);
}

void ecfs_bounce_put(struct page *page)
{
	mempool_free(page, ecfs_bounce_pool);
}

/*
 * Sets of ECFS_BATCH_PAGES bounce pages, two per possible CPU and at most
 * ECFS_BOUNCE_SETS_MAX (512 KiB), allocated at load: a writeback call
 * takes one without waiting and keeps it to its end, so the write path
 * allocates no page per page.  When every set is taken, the caller falls
 * back on the pool above.  They only ever hold ciphertext.
 */
#define ECFS_BOUNCE_SETS_MAX	8
static LIST_HEAD(ecfs_bounce_sets);
static DEFINE_SPINLOCK(ecfs_bounce_sets_lock);

struct ecfs_bounce_set *ecfs_bounce_set_get(void)
{
	struct ecfs_bounce_set *set;

	spin_lock(&ecfs_bounce_sets_lock);
	set = list_first_entry_or_null(&ecfs_bounce_sets,
				       struct ecfs_bounce_set, list);
	if (set)
		list_del(&set->list);
	spin_unlock(&ecfs_bounce_sets_lock);
	return set;
}

void ecfs_bounce_set_put(struct ecfs_bounce_set *set)
{
	spin_lock(&ecfs_bounce_sets_lock);
	list_add(&set->list, &ecfs_bounce_sets);
	spin_unlock(&ecfs_bounce_sets_lock);
}

/* At unload or a failed load: no writeback holds a set then. */
static void ecfs_bounce_sets_free(void)
{
	struct ecfs_bounce_set *set, *next;
	unsigned int i;

	list_for_each_entry_safe(set, next, &ecfs_bounce_sets, list) {
		list_del(&set->list);
		for (i = 0; i < ECFS_BATCH_PAGES; i++)
			if (set->pages[i])
				__free_page(set->pages[i]);
		kfree(set);
	}
}

static int ecfs_bounce_sets_alloc(void)
{
	unsigned int nr = min(2 * num_possible_cpus(), ECFS_BOUNCE_SETS_MAX);
	struct ecfs_bounce_set *set;
	unsigned int k, i;

	for (k = 0; k < nr; k++) {
		set = kzalloc(sizeof(*set), GFP_KERNEL);
		if (!set)
			goto err;
		list_add(&set->list, &ecfs_bounce_sets);
		for (i = 0; i < ECFS_BATCH_PAGES; i++) {
			set->pages[i] = alloc_page(GFP_KERNEL);
			if (!set->pages[i])
				goto err;
		}
	}
	return 0;

err:
	ecfs_bounce_sets_free();
	return -ENOMEM;
}

/*
 * En- or decrypt the @n extents of @n pages (page i of @src is page
 * @first + i of the file) into @dst (the same pages or others), all
 * requests in flight at once, then waited for.
 */
static int ecfs_crypt_run(struct ecfs_crypt *cs, struct page **dst,
			  struct page **src, pgoff_t first, unsigned int n,
			  bool encrypt)
{
	const unsigned int per_page = PAGE_SIZE / ECFS_EXTENT_SIZE;
	size_t size = ecfs_slot_size(cs->tfm);
	unsigned int nr = n * per_page, batch, i, done;
	bool pooled = false;
	u8 *slots;
	int err = 0;

	/* All at once when memory allows, else one at a time from the pool. */
	batch = nr;
	slots = kmalloc_array(nr, size, GFP_NOFS | __GFP_NOWARN);
	if (!slots) {
		batch = 1;
		if (size <= ECFS_SLOT_POOL_SIZE) {
			slots = mempool_alloc(ecfs_slot_pool, GFP_NOFS);
			pooled = true;
		} else {
			slots = kmalloc(size, GFP_NOFS);
		}
		if (!slots)
			return -ENOMEM;
	}
	for (done = 0; done < nr && !err; done += batch) {
		unsigned int k = min(batch, nr - done);

		for (i = 0; i < k; i++) {
			struct ecfs_slot *sl = (void *)(slots + i * size);
			unsigned int e = done + i;
			unsigned int off = (e % per_page) * ECFS_EXTENT_SIZE;

			sl->ret = ecfs_derive_iv(cs, (u64)first * per_page + e,
						 sl->iv);
			if (sl->ret)
				continue;
			crypto_init_wait(&sl->wait);
			skcipher_request_set_tfm(&sl->req, cs->tfm);
			sg_init_table(&sl->sg_src, 1);
			sg_set_page(&sl->sg_src, src[e / per_page],
				    ECFS_EXTENT_SIZE, off);
			sg_init_table(&sl->sg_dst, 1);
			sg_set_page(&sl->sg_dst, dst[e / per_page],
				    ECFS_EXTENT_SIZE, off);
			skcipher_request_set_callback(&sl->req,
						      CRYPTO_TFM_REQ_MAY_BACKLOG |
						      CRYPTO_TFM_REQ_MAY_SLEEP,
						      crypto_req_done, &sl->wait);
			skcipher_request_set_crypt(&sl->req, &sl->sg_src,
						   &sl->sg_dst, ECFS_EXTENT_SIZE,
						   sl->iv);
			sl->ret = encrypt ? crypto_skcipher_encrypt(&sl->req) :
				  crypto_skcipher_decrypt(&sl->req);
		}
		/* Every request is waited for: each one uses its slot. */
		for (i = 0; i < k; i++) {
			struct ecfs_slot *sl = (void *)(slots + i * size);
			int ret = crypto_wait_req(sl->ret, &sl->wait);

			if (ret && !err)
				err = ret;
		}
	}
	/* The slots held IVs and, in the transform's context, key material. */
	memzero_explicit(slots, (size_t)min(batch, nr) * size);
	if (pooled)
		mempool_free(slots, ecfs_slot_pool);
	else
		kfree(slots);
	return err;
}

struct ecfs_crypt_half {
	struct work_struct work;
	struct ecfs_crypt *cs;
	struct page **dst, **src;
	pgoff_t first;
	unsigned int n;
	bool encrypt;
	int err;
};

static void ecfs_crypt_half_fn(struct work_struct *work)
{
	struct ecfs_crypt_half *h = container_of(work, struct ecfs_crypt_half,
						 work);
	unsigned int nofs = memalloc_nofs_save();

	h->err = ecfs_crypt_run(h->cs, h->dst, h->src, h->first, h->n,
				h->encrypt);
	memalloc_nofs_restore(nofs);
}

/* Below this many pages a second CPU costs more than it saves. */
#define ECFS_SPLIT_MIN_PAGES	4

/*
 * En- or decrypt @n pages: page i of @src, page @first + i of the file,
 * into page i of @dst (which may be the same pages).  With more than one
 * CPU online the second half runs on another CPU meanwhile (the
 * workqueue has a rescuer: writeback under memory pressure still
 * progresses).
 */
int ecfs_crypt_pages(struct ecfs_crypt *cs, struct page **dst,
		     struct page **src, pgoff_t first, unsigned int n,
		     bool encrypt)
{
	struct ecfs_crypt_half h;
	unsigned int mine;
	int err;

	if (n < ECFS_SPLIT_MIN_PAGES || num_online_cpus() < 2) {
		err = ecfs_crypt_run(cs, dst, src, first, n, encrypt);
		goto out;
	}
	mine = n / 2;
	h.cs = cs;
	h.dst = dst + mine;
	h.src = src + mine;
	h.first = first + mine;
	h.n = n - mine;
	h.encrypt = encrypt;
	h.err = 0;
	INIT_WORK_ONSTACK(&h.work, ecfs_crypt_half_fn);
	queue_work(ecfs_crypt_wq, &h.work);
	err = ecfs_crypt_run(cs, dst, src, first, mine, encrypt);
	flush_work(&h.work);
	destroy_work_on_stack(&h.work);
	if (!err)
		err = h.err;
out:
	if (err)
		pr_err_ratelimited("%scryption of pages %lu-%lu failed: %d\n",
				   encrypt ? "en" : "de", first,
				   first + n - 1, err);
	return err;
}

int ecfs_crypt_page(struct ecfs_crypt *cs, struct page *dst,
		    struct page *src, pgoff_t index, bool encrypt)
{
	return ecfs_crypt_pages(cs, &dst, &src, index, 1, encrypt);
}

/*
 * Wrap or unwrap a FEK in place with ecb(@cipher) under @key.  @buf must
 * not live on the stack (it is mapped through a scatterlist).
 */
int ecfs_ecb_crypt(const char *cipher, const u8 *key, unsigned int key_size,
		   u8 *buf, unsigned int len, bool encrypt)
{
	char name[ECFS_MAX_CIPHER_NAME + 8];
	struct crypto_skcipher *tfm;
	int err;

	snprintf(name, sizeof(name), "ecb(%s)", cipher);
	tfm = crypto_alloc_skcipher(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	err = ecfs_ecb_crypt_tfm(tfm, key, key_size, buf, len, encrypt);
	crypto_free_skcipher(tfm);
	return err;
}

/* The same on a given transform; the caller serializes its users. */
int ecfs_ecb_crypt_tfm(struct crypto_skcipher *tfm, const u8 *key,
		       unsigned int key_size, u8 *buf, unsigned int len,
		       bool encrypt)
{
	struct skcipher_request *req;
	struct scatterlist sg;
	DECLARE_CRYPTO_WAIT(wait);
	int err;

	err = crypto_skcipher_setkey(tfm, key, key_size);
	if (err)
		return err;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg, buf, len);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				      CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, len, NULL);
	err = crypto_wait_req(encrypt ? crypto_skcipher_encrypt(req) :
			      crypto_skcipher_decrypt(req), &wait);
	skcipher_request_free(req);
	return err;
}

int ecfs_crypto_setup(void)
{
	int err;

	ecfs_md5_tfm = crypto_alloc_shash("md5", 0, 0);
	if (IS_ERR(ecfs_md5_tfm)) {
		err = PTR_ERR(ecfs_md5_tfm);
		pr_err("md5 is not available: %d\n", err);
		ecfs_md5_tfm = NULL;
		return err;
	}
	err = -ENOMEM;
	ecfs_slot_pool = mempool_create_kmalloc_pool(ECFS_SLOT_POOL_MIN,
						     ECFS_SLOT_POOL_SIZE);
	if (!ecfs_slot_pool)
		goto err_md5;
	ecfs_bounce_pool = mempool_create_page_pool(ECFS_BOUNCE_MIN, 0);
	if (!ecfs_bounce_pool)
		goto err_pool;
	if (ecfs_bounce_sets_alloc())
		goto err_bounce;
	ecfs_crypt_wq = alloc_workqueue("ecfs_crypt",
					WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!ecfs_crypt_wq)
		goto err_sets;
	return 0;

err_sets:
	ecfs_bounce_sets_free();
err_bounce:
	mempool_destroy(ecfs_bounce_pool);
err_pool:
	mempool_destroy(ecfs_slot_pool);
err_md5:
	crypto_free_shash(ecfs_md5_tfm);
	return err;
}

void ecfs_crypto_teardown(void)
{
	destroy_workqueue(ecfs_crypt_wq);
	ecfs_bounce_sets_free();
	mempool_destroy(ecfs_bounce_pool);
	mempool_destroy(ecfs_slot_pool);
	crypto_free_shash(ecfs_md5_tfm);
}
