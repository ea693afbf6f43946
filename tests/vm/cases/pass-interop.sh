# rig: kernels=6.1,6.12 modules=upstream
# Our passphrase tools and helpers against Debian's ecryptfs-utils 111,
# both ways: keys, mounts, lower files and wrapped-passphrase files.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
deb_mount=$(rig_debian mount.ecryptfs)
deb_add=$(rig_debian ecryptfs-add-passphrase)
deb_wrap=$(rig_debian ecryptfs-wrap-passphrase)
deb_unwrap=$(rig_debian ecryptfs-unwrap-passphrase)
deb_insert=$(rig_debian ecryptfs-insert-wrapped-passphrase-into-keyring)
sig_of() { sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p'; }
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
mkdir lower upper
mount -t tmpfs tmpfs lower
printf 'passphrase_passwd=interop\n' > pwfile
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"

# Signatures and tokens agree (FEKEK and FNEK).
ours=$(printf interop | ecryptfs-add-passphrase --fnek - | sig_of | tr '\n' ' ')
for s in $ours; do keyctl pipe %user:$s > ours.$s; done
keyctl clear @u
theirs=$(printf interop | "$deb_add" --fnek - | sig_of | tr '\n' ' ')
rig_expect_eq "signatures (ours vs Debian's)" "$theirs" "$ours"
for s in $theirs; do keyctl pipe %user:$s | cmp - ours.$s || rig_fail "token $s differs"; done
keyctl clear @u

# Written through our helper, read through Debian's.
head -c 20000 /dev/urandom > plain
mount -t ecryptfs lower upper -o key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,$opts </dev/null
cp plain upper/ours
umount upper
"$deb_mount" "$RIG_WORK/lower" "$RIG_WORK/upper" \
	-o key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,verbosity=0 </dev/null
cmp plain upper/ours || rig_fail "Debian's mount reads our file differently"
cp plain upper/theirs
umount upper	# our umount.ecryptfs, on Debian's mount
rig_expect_eq "keys left" 0 "$(nkeys)"

# Written through Debian's, read through ours; and Debian's key, our mount.
printf interop | "$deb_add" - >/dev/null
mount -t ecryptfs lower upper -o ecryptfs_sig=$(echo "$theirs" | cut -d' ' -f1),ecryptfs_cipher=aes,ecryptfs_key_bytes=16,no_sig_cache </dev/null
cmp plain upper/theirs || rig_fail "our mount reads Debian's file differently"
umount upper
# Our key, Debian's mount with a bare signature (its option is spelt sig=).
printf interop | ecryptfs-add-passphrase - >/dev/null
"$deb_mount" "$RIG_WORK/lower" "$RIG_WORK/upper" \
	-o sig=$(echo "$ours" | cut -d' ' -f1),ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,verbosity=0 </dev/null
cmp plain upper/ours
umount -i upper
keyctl clear @u
umount lower

# Wrapped passphrases, both ways.
printf 'mount-pass\nlogin-pass' | ecryptfs-wrap-passphrase ours.wp -
rig_expect_eq "our wrapped file mode" 600 "$(stat -c %a ours.wp)"
rig_expect_eq "our wrapped file is v2" "3a02" "$(od -An -tx1 -N2 ours.wp | tr -d ' ')"
rig_expect_eq "Debian unwraps ours" mount-pass "$(printf login-pass | "$deb_unwrap" ours.wp -)"
printf 'mount-pass\nlogin-pass' | "$deb_wrap" theirs.wp -
rig_expect_eq "we unwrap Debian's" mount-pass "$(printf login-pass | ecryptfs-unwrap-passphrase theirs.wp -)"
printf 'login-pass\nnew-login' | ecryptfs-rewrap-passphrase theirs.wp -
rig_expect_eq "Debian unwraps our rewrap" mount-pass "$(printf new-login | "$deb_unwrap" theirs.wp -)"
a=$(printf new-login | ecryptfs-insert-wrapped-passphrase-into-keyring theirs.wp - | sig_of)
keyctl clear @u
b=$(printf new-login | "$deb_insert" theirs.wp - | sig_of)
rig_expect_eq "insert-wrapped signatures" "$b" "$a"
rig_expect_eq "keys from insert-wrapped (FNEK + FEKEK)" 2 "$(nkeys)"
keyctl clear @u
if printf wrong | ecryptfs-unwrap-passphrase ours.wp - > /dev/null 2>err; then rig_fail "wrong wrapping passphrase accepted"; fi
grep -q "wrong wrapping passphrase" err || rig_fail "no clear message for a wrong wrapping passphrase"
