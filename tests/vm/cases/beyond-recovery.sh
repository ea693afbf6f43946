# rig: kernels=6.1,6.12 modules=upstream
# Recovery key and key rotation against the module under test: a tree
# written through a passphrase + recovery-key mount (the recovery key's
# public half only, served by ecryptfsd) is recovered offline with only the
# recovery private key, and read through a mount holding only that private
# key (the passphrase forgotten); then ecryptfs-rekey rotates the tree
# offline from passphrase A to B: with Debian's ecryptfs-add-passphrase and
# a plain mount(8), the module reads every file with B and none with A, and
# mount.ecryptfs refuses A.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
[ -c /dev/ecryptfs ] || rig_fail "/dev/ecryptfs missing: kernel without messaging?"
export HOME=/root
mkdir lower upper out
mount -t tmpfs tmpfs lower
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
mount -t ecryptfs lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwA,key=openssl:keyfile=$RIG_WORK/rk.pub.pem,$opts" </dev/null
mkdir upper/dir
head -c 70000 /dev/urandom > plain
cp plain upper/big
echo hello > upper/dir/small
: > upper/empty
ln upper/big upper/big-link
umount upper
keyctl clear @u
ecryptfs-stat lower/big > stat.txt
cat stat.txt
grep -q "tag 3" stat.txt || rig_fail "no passphrase packet"
grep "tag 1" stat.txt | grep -q "$rsig" || rig_fail "no recovery packet for $rsig"

# 2. Offline, with nothing but the recovery private key.
ecryptfs-decrypt --recovery-key rk.pem lower out
cmp plain out/big
rig_expect_eq "small file" hello "$(cat out/dir/small)"
rig_expect_eq "empty file size" 0 "$(stat -c %s out/empty)"

# 3. Passphrase forgotten: mount with the recovery private key alone.
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/rk.pem,$opts" </dev/null
cmp plain upper/big
rig_expect_eq "small file through the recovery mount" hello "$(cat upper/dir/small)"
umount upper
keyctl clear @u
dpid=$(cat /run/ecryptfsd.pid)
kill -TERM "$dpid"
for _ in $(seq 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done

# 4. Rotate A -> B offline; the recovery packet stays.
ecryptfs-rekey --passphrase-file rawA --add-passphrase-file rawB --remove-passphrase-file rawA lower > rekey.log
cat rekey.log
grep -q "^3 files rekeyed, 1 already had the new keys, 0 not encrypted, 0 failed" rekey.log ||
	rig_fail "unexpected rekey summary"
ecryptfs-stat lower/big | grep "tag 1" | grep -q "$rsig" || rig_fail "rotation dropped the recovery packet"

# The module with B, keys inserted by Debian's own tool, plain mount(8).
sigB=$(rig_add_passphrase 'brand new B')
mount -i -t ecryptfs lower upper -o "ecryptfs_sig=$sigB,$opts"
cmp plain upper/big
rig_expect_eq "small file with B" hello "$(cat upper/dir/small)"
umount upper
keyctl clear @u
sigA=$(rig_add_passphrase 'forgotten A')
mount -i -t ecryptfs lower upper -o "ecryptfs_sig=$sigA,$opts"
if cat upper/big > /dev/null 2>&1; then rig_fail "the old key A still opens a rotated file"; fi
if cat upper/dir/small > /dev/null 2>&1; then rig_fail "the old key A still opens dir/small"; fi
umount upper
keyctl clear @u
# Our helper sees it before the kernel does.
if mount -t ecryptfs lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwA,$opts" </dev/null 2>err; then
	umount upper
	rig_fail "mount.ecryptfs mounted with the rotated-out key"
fi
cat err
rig_log "recovery and rotation checked"
