# rig: kernels=6.1,6.12 modules=upstream,ours
# Recovery key and key rotation against the module under test: a tree
# written through passphrase + recovery-key mounts (the recovery key's
# public half only, served by ecryptfsd; small, empty, sparse, 2 MiB and
# hard-linked files, and a subtree with xattr metadata on ext4) is
# recovered offline with only the recovery private key, and read through a
# mount holding only that private key (the passphrase forgotten); then
# ecryptfs-rekey rotates the tree offline from passphrase A to B: with
# Debian's ecryptfs-add-passphrase and a plain mount(8), the module (run
# with modules=upstream: upstream's) reads every file with B and none with
# A, and mount.ecryptfs refuses A.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
[ -c /dev/ecryptfs ] || rig_fail "/dev/ecryptfs missing: kernel without messaging?"
export HOME=/root
mkdir upper out
# ext4 for the user.ecryptfs xattrs; hdr/ holds metadata in headers, xat/
# in xattrs; the rotation runs over both at once.
rig_ext4 "$RIG_WORK/lower" 48
mkdir lower/hdr lower/xat
printf 'passphrase_passwd=forgotten A\n' > pwA
printf 'forgotten A\n' > rawA
printf 'brand new B\n' > rawB
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"

ecryptfs-recovery-key generate --bits 2048 rk > rk.log
cat rk.log
rsig=$(ecryptfs-recovery-key sig rk.pub.pem)
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
kill -0 "$(cat /run/ecryptfsd.pid)" || rig_fail "ecryptfsd did not start"

# 1. Passphrase + recovery public key; write a small tree.
keys="key=passphrase:passphrase_passwd_file=$RIG_WORK/pwA,key=openssl:keyfile=$RIG_WORK/rk.pub.pem"
mount -t ecryptfs lower/hdr upper -o "$keys,$opts" </dev/null
mkdir upper/dir
head -c 70000 /dev/urandom > plain
head -c 2097152 /dev/urandom > plain-large
# Sparse: 3 MiB with data only in its first and last bytes.
{ printf head; head -c 3145720 /dev/zero; printf tail; } > plain-sparse
cp plain upper/big
cp plain-large upper/large
printf head > upper/sparse
truncate -s 3145724 upper/sparse
printf tail >> upper/sparse
echo hello > upper/dir/small
: > upper/empty
ln upper/big upper/big-link
umount upper
mount -t ecryptfs lower/xat upper -o "$keys,$opts,ecryptfs_xattr_metadata" </dev/null
cp plain upper/xfile
umount upper
keyctl clear @u
ecryptfs-stat lower/hdr/big > stat.txt
cat stat.txt
grep -q "tag 3" stat.txt || rig_fail "no passphrase packet"
grep "tag 1" stat.txt | grep -q "$rsig" || rig_fail "no recovery packet for $rsig"
ecryptfs-stat lower/xat/xfile > statx.txt
grep -q "user.ecryptfs xattr" statx.txt || rig_fail "xfile's metadata is not in its xattr"
grep "tag 1" statx.txt | grep -q "$rsig" || rig_fail "no recovery packet in xfile's xattr"

# Every file of the tree under DIR (hdr/ or xat/ or both) against its plaintext.
check_tree() { # LABEL DIR [hdr|xat]
	if [ "${3:-hdr}" = hdr ]; then
		cmp plain "$2/big" || rig_fail "$1: big differs"
		cmp plain "$2/big-link" || rig_fail "$1: big-link differs"
		cmp plain-large "$2/large" || rig_fail "$1: large differs"
		cmp plain-sparse "$2/sparse" || rig_fail "$1: sparse differs"
		rig_expect_eq "$1: small file" hello "$(cat "$2/dir/small")"
		rig_expect_eq "$1: empty file size" 0 "$(stat -c %s "$2/empty")"
	fi
	if [ "${3:-xat}" = xat ]; then
		cmp plain "$2/xfile" || rig_fail "$1: xfile differs"
	fi
}

# 2. Offline, with nothing but the recovery private key.
ecryptfs-decrypt --recovery-key rk.pem lower out
check_tree "offline recovery" out/hdr hdr
check_tree "offline recovery" out/xat xat

# 3. Passphrase forgotten: mount with the recovery private key alone.
mount -t ecryptfs lower/hdr upper -o "key=openssl:keyfile=$RIG_WORK/rk.pem,$opts" </dev/null
check_tree "recovery mount" upper hdr
umount upper
mount -t ecryptfs lower/xat upper -o "key=openssl:keyfile=$RIG_WORK/rk.pem,$opts,ecryptfs_xattr_metadata" </dev/null
check_tree "recovery mount" upper xat
umount upper
keyctl clear @u
dpid=$(cat /run/ecryptfsd.pid)
kill -TERM "$dpid"
for _ in $(seq 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done

# 4. Rotate A -> B offline; the recovery packet stays.
ecryptfs-rekey --passphrase-file rawA --add-passphrase-file rawB --remove-passphrase-file rawA lower > rekey.log
cat rekey.log
grep -q "^6 files rekeyed, 1 already had the new keys, 0 not encrypted, 0 failed" rekey.log ||
	rig_fail "unexpected rekey summary"
ecryptfs-stat lower/hdr/big | grep "tag 1" | grep -q "$rsig" || rig_fail "rotation dropped the recovery packet"
ecryptfs-stat lower/xat/xfile | grep "tag 1" | grep -q "$rsig" ||
	rig_fail "rotation dropped xfile's recovery packet"

# The module with B, keys inserted by Debian's own tool, plain mount(8).
sigB=$(rig_add_passphrase 'brand new B')
mount -i -t ecryptfs lower/hdr upper -o "ecryptfs_sig=$sigB,$opts"
check_tree "rotated, key B" upper hdr
umount upper
mount -i -t ecryptfs lower/xat upper -o "ecryptfs_sig=$sigB,$opts,ecryptfs_xattr_metadata"
check_tree "rotated, key B" upper xat
umount upper
keyctl clear @u
sigA=$(rig_add_passphrase 'forgotten A')
mount -i -t ecryptfs lower/hdr upper -o "ecryptfs_sig=$sigA,$opts"
for f in big large sparse empty dir/small; do
	if cat "upper/$f" > /dev/null 2>&1; then rig_fail "the old key A still opens rotated $f"; fi
done
umount upper
mount -i -t ecryptfs lower/xat upper -o "ecryptfs_sig=$sigA,$opts,ecryptfs_xattr_metadata"
if cat upper/xfile > /dev/null 2>&1; then rig_fail "the old key A still opens rotated xfile"; fi
umount upper
keyctl clear @u
# Our helper sees it before the kernel does.
if mount -t ecryptfs lower/hdr upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwA,$opts" </dev/null 2>err; then
	umount upper
	rig_fail "mount.ecryptfs mounted with the rotated-out key"
fi
cat err
rig_log "recovery and rotation checked"
