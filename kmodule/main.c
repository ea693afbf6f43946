// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - module set-up, /sys/fs/ecryptfs, mount options and mounting.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/namei.h>
#include <linux/mount.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <linux/string.h>
#include <linux/backing-dev.h>

#include "ecfs.h"
#include "netlink.h"

struct kmem_cache *ecfs_inode_cache;
struct kmem_cache *ecfs_dentry_cache;
struct kmem_cache *ecfs_file_cache;
struct kmem_cache *ecfs_key_cache;
struct kmem_cache *ecfs_sb_cache;
const struct cred *ecfs_kernel_cred;

enum ecfs_opt {
	OPT_SIG,
	OPT_CIPHER,
	OPT_KEY_BYTES,
	OPT_PASSTHROUGH,
	OPT_XATTR_METADATA,
	OPT_ENCRYPTED_VIEW,
	OPT_FNEK_SIG,
	OPT_FN_CIPHER,
	OPT_FN_KEY_BYTES,
	OPT_UNLINK_SIGS,
	OPT_AUTH_TOK_ONLY,
	OPT_CHECK_DEV_RUID,
	OPT_LONG_NAMES,
};

static const struct fs_parameter_spec ecfs_param_specs[] = {
	fsparam_string(ECFS_OPT_SIG_SHORT, OPT_SIG),
	fsparam_string(ECFS_OPT_SIG, OPT_SIG),
	fsparam_string(ECFS_OPT_CIPHER_SHORT, OPT_CIPHER),
	fsparam_string(ECFS_OPT_CIPHER, OPT_CIPHER),
	fsparam_u32(ECFS_OPT_KEY_BYTES, OPT_KEY_BYTES),
	fsparam_flag(ECFS_OPT_PASSTHROUGH, OPT_PASSTHROUGH),
	fsparam_flag(ECFS_OPT_XATTR_METADATA, OPT_XATTR_METADATA),
	fsparam_flag(ECFS_OPT_ENCRYPTED_VIEW, OPT_ENCRYPTED_VIEW),
	fsparam_string(ECFS_OPT_FNEK_SIG, OPT_FNEK_SIG),
	fsparam_string(ECFS_OPT_FN_CIPHER, OPT_FN_CIPHER),
	fsparam_u32(ECFS_OPT_FN_KEY_BYTES, OPT_FN_KEY_BYTES),
	fsparam_flag(ECFS_OPT_UNLINK_SIGS, OPT_UNLINK_SIGS),
	fsparam_flag(ECFS_OPT_AUTH_TOK_ONLY, OPT_AUTH_TOK_ONLY),
	fsparam_flag(ECFS_OPT_CHECK_DEV_RUID, OPT_CHECK_DEV_RUID),
	fsparam_flag(ECFS_OPT_LONG_NAMES, OPT_LONG_NAMES),
	{}
};

static int ecfs_add_sig(struct ecfs_sb_info *sbi, const char *sig)
{
	struct ecfs_mount_key *mk;

	if (!ecfs_sig_valid(sig)) {
		pr_err("invalid signature [%s]: need %d hex digits\n", sig,
		       ECFS_SIG_SIZE_HEX);
		return -EINVAL;
	}
	list_for_each_entry(mk, &sbi->keys, list)
		if (!strcmp(mk->sig, sig))
			return 0;	/* repeated sig: one key packet */
	mk = kmem_cache_zalloc(ecfs_key_cache, GFP_KERNEL);
	if (!mk)
		return -ENOMEM;
	strscpy(mk->sig, sig, sizeof(mk->sig));
	list_add_tail(&mk->list, &sbi->keys);
	sbi->nr_keys++;
	return 0;
}

/*
 * Upstream matches whole "name" or "name=value" patterns, so a flag given
 * a value ("ecryptfs_passthrough=n", as some helpers write) or a valued
 * option given none is just an unknown option there.
 */
static bool ecfs_param_shape_ok(const struct fs_parameter *param)
{
	const struct fs_parameter_spec *spec;
	bool has_value = param->type != fs_value_is_flag;

	for (spec = ecfs_param_specs; spec->name; spec++)
		if (!strcmp(spec->name, param->key))
			return has_value == !!spec->type;
	return true;
}

static int ecfs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct ecfs_sb_info *sbi = fc->s_fs_info;
	struct fs_parse_result result;
	int opt;

	if (!ecfs_param_shape_ok(param)) {
		/* upstream's match_token() would not match it either */
		pr_warn("unrecognized option [%s]\n", param->key);
		return 0;
	}
	opt = fs_parse(fc, ecfs_param_specs, param, &result);
	if (opt == -ENOPARAM) {
		/* The VFS handles the source; upstream only warns otherwise. */
		if (!strcmp(param->key, "source"))
			return -ENOPARAM;
		pr_warn("unrecognized option [%s]\n", param->key);
		return 0;
	}
	if (opt < 0)
		return opt;

	switch (opt) {
	case OPT_SIG:
		return ecfs_add_sig(sbi, param->string);
	case OPT_CIPHER:
		if (strlen(param->string) > ECFS_MAX_CIPHER_NAME)
			return invalfc(fc, "cipher name too long");
		strscpy(sbi->cipher, param->string, sizeof(sbi->cipher));
		break;
	case OPT_KEY_BYTES:
		sbi->key_bytes = result.uint_32;
		break;
	case OPT_PASSTHROUGH:
		sbi->flags |= ECFS_MNT_PASSTHROUGH;
		break;
	case OPT_XATTR_METADATA:
		sbi->flags |= ECFS_MNT_XATTR_METADATA;
		break;
	case OPT_ENCRYPTED_VIEW:
		sbi->flags |= ECFS_MNT_ENCRYPTED_VIEW | ECFS_MNT_XATTR_METADATA;
		break;
	case OPT_FNEK_SIG:
		if (!ecfs_sig_valid(param->string))
			return invalfc(fc, "invalid fnek signature");
		strscpy(sbi->fnek_sig, param->string, sizeof(sbi->fnek_sig));
		break;
	case OPT_FN_CIPHER:
		if (strlen(param->string) > ECFS_MAX_CIPHER_NAME)
			return invalfc(fc, "fn cipher name too long");
		strscpy(sbi->fn_cipher, param->string, sizeof(sbi->fn_cipher));
		break;
	case OPT_FN_KEY_BYTES:
		sbi->fn_key_bytes = result.uint_32;
		break;
	case OPT_UNLINK_SIGS:
		sbi->flags |= ECFS_MNT_UNLINK_SIGS;
		break;
	case OPT_AUTH_TOK_ONLY:
		sbi->flags |= ECFS_MNT_AUTH_TOK_ONLY;
		break;
	case OPT_CHECK_DEV_RUID:
		sbi->flags |= ECFS_MNT_CHECK_DEV_RUID;
		break;
	case OPT_LONG_NAMES:
		sbi->flags |= ECFS_MNT_LONG_NAMES;
		break;
	}
	return 0;
}

/*
 * Options that name features this module does not implement yet fail the
 * mount: silently writing plaintext names or a different metadata layout
 * would be worse than refusing.
 */
static int ecfs_validate_options(struct fs_context *fc,
				 struct ecfs_sb_info *sbi)
{
	static const struct {
		unsigned int flag;
		const char *name;
	} unsupported[] = {
	};
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(unsupported); i++) {
		if (sbi->flags & unsupported[i].flag) {
			pr_err("mount option %s is not supported by this module yet\n",
			       unsupported[i].name);
			return -EOPNOTSUPP;
		}
	}
	if (!sbi->nr_keys) {
		pr_err("at least one ecryptfs_sig= option is required\n");
		return invalfc(fc, "no key signature given");
	}
	if (!sbi->cipher[0])
		strscpy(sbi->cipher, "aes", sizeof(sbi->cipher));
	err = ecfs_check_cipher(sbi->cipher, &sbi->key_bytes);
	if (err)
		return err;
	/* Without a FNEK the fn_ options are kept but unused, as upstream. */
	if (!sbi->fnek_sig[0]) {
		if (!(sbi->flags & ECFS_MNT_LONG_NAMES))
			return 0;
		pr_err("%s needs filename encryption: add %s=<sig>\n",
		       ECFS_OPT_LONG_NAMES, ECFS_OPT_FNEK_SIG);
		return invalfc(fc, "%s without %s", ECFS_OPT_LONG_NAMES,
			       ECFS_OPT_FNEK_SIG);
	}
	sbi->flags |= ECFS_MNT_FNEK;
	if (!sbi->fn_cipher[0])
		strscpy(sbi->fn_cipher, sbi->cipher, sizeof(sbi->fn_cipher));
	if (!sbi->fn_key_bytes)
		sbi->fn_key_bytes = sbi->key_bytes;
	return ecfs_check_cipher(sbi->fn_cipher, &sbi->fn_key_bytes);
}

static int ecfs_fill_super(struct super_block *sb, struct fs_context *fc,
			   struct path *lower)
{
	struct super_block *lower_sb = lower->dentry->d_sb;
	struct ecfs_dentry *root_info;
	struct inode *inode;
	int err;

	err = super_setup_bdi(sb);
	if (err)
		return err;

	ecfs_sb(sb)->lower_sb = lower_sb;
	sb->s_op = &ecfs_sops;
	sb->s_xattr = ecfs_xattr_handlers;
	sb->s_d_op = &ecfs_dops;
	sb->s_magic = ECFS_SUPER_MAGIC;
	sb->s_maxbytes = lower_sb->s_maxbytes;
	sb->s_blocksize = lower_sb->s_blocksize;
	sb->s_time_gran = lower_sb->s_time_gran;
	sb->s_flags &= ~SB_POSIXACL;
	sb->s_flags |= lower_sb->s_flags & SB_POSIXACL;
	/* The encrypted view is read-only, like a read-only lower fs. */
	if (sb_rdonly(lower_sb) ||
	    (ecfs_sb(sb)->flags & ECFS_MNT_ENCRYPTED_VIEW))
		sb->s_flags |= SB_RDONLY;
	sb->s_stack_depth = lower_sb->s_stack_depth + 1;
	if (sb->s_stack_depth > FILESYSTEM_MAX_STACK_DEPTH) {
		pr_err("maximum file system stacking depth exceeded\n");
		return -EINVAL;
	}

	inode = ecfs_get_inode(d_inode(lower->dentry), sb);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	sb->s_root = d_make_root(inode);
	if (!sb->s_root)
		return -ENOMEM;

	root_info = kmem_cache_zalloc(ecfs_dentry_cache, GFP_KERNEL);
	if (!root_info)
		return -ENOMEM;
	/* The root dentry owns the lower path from here; d_release drops it. */
	root_info->lower_path = *lower;
	path_get(lower);
	sb->s_root->d_fsdata = root_info;
	return 0;
}

static int ecfs_get_tree(struct fs_context *fc)
{
	struct ecfs_sb_info *sbi = fc->s_fs_info;
	struct super_block *sb;
	struct path lower;
	int err;

	if (!fc->source)
		return invalfc(fc, "no lower directory given");
	err = ecfs_validate_options(fc, sbi);
	if (err)
		return err;

	err = kern_path(fc->source, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &lower);
	if (err) {
		pr_err("cannot find the lower directory %s: %d\n", fc->source,
		       err);
		return err;
	}
	err = -EINVAL;
	if (lower.dentry->d_sb->s_type == &ecfs_fs_type) {
		pr_err("mounting on top of eCryptfs is not allowed\n");
		goto out_path;
	}
	if (is_idmapped_mnt(lower.mnt)) {
		pr_err("mounting on an idmapped lower mount is not supported\n");
		goto out_path;
	}
	if ((sbi->flags & ECFS_MNT_CHECK_DEV_RUID) &&
	    !uid_eq(d_inode(lower.dentry)->i_uid, current_uid())) {
		pr_err("lower directory (uid %u) is not owned by the caller (uid %u)\n",
		       i_uid_read(d_inode(lower.dentry)),
		       from_kuid(&init_user_ns, current_uid()));
		err = -EPERM;
		goto out_path;
	}

	if ((sbi->flags & ECFS_MNT_LONG_NAMES) &&
	    ecfs_ln_check_lower(lower.dentry)) {
		pr_err("%s needs user extended attributes on the lower file system (%s has none)\n",
		       ECFS_OPT_LONG_NAMES, lower.dentry->d_sb->s_type->name);
		err = -EOPNOTSUPP;
		goto out_path;
	}

	err = ecfs_load_mount_keys(sbi);
	if (err)
		goto out_path;

	sb = sget_fc(fc, NULL, set_anon_super_fc);
	if (IS_ERR(sb)) {
		err = PTR_ERR(sb);
		goto out_path;
	}
	/* The super block owns sbi now; kill_sb frees it. */
	fc->s_fs_info = NULL;

	err = ecfs_fill_super(sb, fc, &lower);
	if (err) {
		deactivate_locked_super(sb);
		goto out_path;
	}
	sb->s_flags |= SB_ACTIVE;
	fc->root = dget(sb->s_root);
	path_put(&lower);
	return 0;

out_path:
	path_put(&lower);
	return err;
}

static void ecfs_free_sbi(struct ecfs_sb_info *sbi)
{
	if (!sbi)
		return;
	ecfs_put_mount_keys(sbi);
	kmem_cache_free(ecfs_sb_cache, sbi);
}

static void ecfs_free_fc(struct fs_context *fc)
{
	ecfs_free_sbi(fc->s_fs_info);
}

static const struct fs_context_operations ecfs_context_ops = {
	.free		= ecfs_free_fc,
	.parse_param	= ecfs_parse_param,
	.get_tree	= ecfs_get_tree,
};

static int ecfs_init_fs_context(struct fs_context *fc)
{
	struct ecfs_sb_info *sbi;

	sbi = kmem_cache_zalloc(ecfs_sb_cache, GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	INIT_LIST_HEAD(&sbi->keys);
	mutex_init(&sbi->ecb_mutex);
	fc->s_fs_info = sbi;
	fc->ops = &ecfs_context_ops;
	return 0;
}

static void ecfs_kill_sb(struct super_block *sb)
{
	struct ecfs_sb_info *sbi = ecfs_sb(sb);

	kill_anon_super(sb);
	ecfs_free_sbi(sbi);
}

struct file_system_type ecfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "ecryptfs",
	.init_fs_context	= ecfs_init_fs_context,
	.parameters		= ecfs_param_specs,
	.kill_sb		= ecfs_kill_sb,
	.fs_flags		= 0,
};
MODULE_ALIAS_FS("ecryptfs");

/* /sys/fs/ecryptfs */

static const struct {
	u32 bit;
	const char *name;
} ecfs_feature_names[] = {
	{ ECFS_VERSIONING_PASSPHRASE, "passphrase" },
	{ ECFS_VERSIONING_PUBKEY, "pubkey" },
	{ ECFS_VERSIONING_PLAINTEXT_PASSTHROUGH, "plaintext passthrough" },
	{ ECFS_VERSIONING_POLICY, "policy" },
	{ ECFS_VERSIONING_XATTR, "metadata in extended attribute" },
	{ ECFS_VERSIONING_MULTKEY, "multiple keys per file" },
	{ ECFS_VERSIONING_DEVMISC, "messaging through /dev/ecryptfs" },
	{ ECFS_VERSIONING_FILENAME_ENCRYPTION, "filename encryption" },
};

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", ECFS_VERSIONING_IMPLEMENTED);
}

static ssize_t version_str_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	int len = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ecfs_feature_names); i++)
		if (ECFS_VERSIONING_IMPLEMENTED & ecfs_feature_names[i].bit)
			len += sysfs_emit_at(buf, len, "%s\n",
					     ecfs_feature_names[i].name);
	/*
	 * Ours only, and on no bit of the version mask: upstream may give
	 * any of the free bits a meaning of its own.
	 */
	len += sysfs_emit_at(buf, len,
			     "long names (non-upstream: %s)\n",
			     ECFS_OPT_LONG_NAMES);
	return len;
}

static struct kobj_attribute ecfs_version_attr = __ATTR_RO(version);
static struct kobj_attribute ecfs_version_str_attr = __ATTR_RO(version_str);

static struct attribute *ecfs_attrs[] = {
	&ecfs_version_attr.attr,
	&ecfs_version_str_attr.attr,
	NULL,
};

static const struct attribute_group ecfs_attr_group = {
	.attrs = ecfs_attrs,
};

static struct kobject *ecfs_kobj;

static int __init ecfs_sysfs_init(void)
{
	int err;

	ecfs_kobj = kobject_create_and_add("ecryptfs", fs_kobj);
	if (!ecfs_kobj)
		return -ENOMEM;
	err = sysfs_create_group(ecfs_kobj, &ecfs_attr_group);
	if (err) {
		kobject_put(ecfs_kobj);
		return err;
	}
	return 0;
}

static void ecfs_sysfs_exit(void)
{
	sysfs_remove_group(ecfs_kobj, &ecfs_attr_group);
	kobject_put(ecfs_kobj);
}

/* Slab caches */

static void ecfs_inode_init_once(void *obj)
{
	struct ecfs_inode *ei = obj;

	inode_init_once(&ei->vfs_inode);
}

static void ecfs_destroy_caches(void)
{
	/* Inodes are freed after an RCU grace period. */
	rcu_barrier();
	kmem_cache_destroy(ecfs_sb_cache);
	kmem_cache_destroy(ecfs_key_cache);
	kmem_cache_destroy(ecfs_file_cache);
	kmem_cache_destroy(ecfs_dentry_cache);
	kmem_cache_destroy(ecfs_inode_cache);
}

static int __init ecfs_create_caches(void)
{
	ecfs_inode_cache = kmem_cache_create("ecfs_inode",
					     sizeof(struct ecfs_inode), 0,
					     SLAB_RECLAIM_ACCOUNT |
					     SLAB_ACCOUNT,
					     ecfs_inode_init_once);
	ecfs_dentry_cache = KMEM_CACHE(ecfs_dentry, 0);
	ecfs_file_cache = KMEM_CACHE(ecfs_file, 0);
	ecfs_key_cache = KMEM_CACHE(ecfs_mount_key, 0);
	ecfs_sb_cache = KMEM_CACHE(ecfs_sb_info, 0);
	if (!ecfs_inode_cache || !ecfs_dentry_cache || !ecfs_file_cache ||
	    !ecfs_key_cache || !ecfs_sb_cache) {
		ecfs_destroy_caches();
		return -ENOMEM;
	}
	return 0;
}

static int __init ecfs_init(void)
{
	int err;

	/* Extents are 4096 bytes and are handled whole pages at a time. */
	if (PAGE_SIZE < ECFS_EXTENT_SIZE) {
		pr_err("PAGE_SIZE %lu is smaller than the extent size %d\n",
		       PAGE_SIZE, ECFS_EXTENT_SIZE);
		return -EINVAL;
	}

	err = ecfs_create_caches();
	if (err)
		return err;
	ecfs_kernel_cred = ecfs_prepare_kernel_cred();
	if (!ecfs_kernel_cred) {
		err = -ENOMEM;
		goto err_caches;
	}
	err = ecfs_crypto_setup();
	if (err)
		goto err_cred;
#ifdef DEBUG
	/* Refuse to load code whose format handling is known to be wrong. */
	if (ecfs_selftests()) {
		err = -ENOTRECOVERABLE;
		goto err_crypto;
	}
#endif
	err = ecfs_messaging_init();
	if (err)
		goto err_crypto;
	err = ecfs_miscdev_init();
	if (err)
		goto err_messaging;
	err = ecfs_netlink_init();
	if (err)
		goto err_miscdev;
	err = ecfs_sysfs_init();
	if (err)
		goto err_netlink;
	err = register_filesystem(&ecfs_fs_type);
	if (err)
		goto err_sysfs;
	return 0;

err_sysfs:
	ecfs_sysfs_exit();
err_netlink:
	ecfs_netlink_exit();
err_miscdev:
	ecfs_miscdev_exit();
err_messaging:
	ecfs_messaging_exit();
err_crypto:
	ecfs_crypto_teardown();
err_cred:
	put_cred(ecfs_kernel_cred);
err_caches:
	ecfs_destroy_caches();
	return err;
}

static void __exit ecfs_exit(void)
{
	unregister_filesystem(&ecfs_fs_type);
	ecfs_sysfs_exit();
	ecfs_netlink_exit();
	ecfs_miscdev_exit();
	ecfs_messaging_exit();
	ecfs_crypto_teardown();
	put_cred(ecfs_kernel_cred);
	ecfs_destroy_caches();
}

module_init(ecfs_init);
module_exit(ecfs_exit);

MODULE_DESCRIPTION("eCryptfs: stacked cryptographic file system (out of tree)");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: md5 cbc ecb aes");
