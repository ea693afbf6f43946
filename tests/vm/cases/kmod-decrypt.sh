# rig: kernels=6.1,6.12 modules=ours,upstream
# A tree written through the module under test, mounted with our
# mount.ecryptfs (filename encryption on, the helper's default FNEK), is
# recovered without the kernel by ecryptfs-decrypt: names, contents,
# a symlink, a hard link, a directory; sizes around one extent and past
# the decryptor's 64-extent cipher batches.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
mkdir lower upper out
mount -t tmpfs tmpfs lower
printf 'passphrase_passwd=recover me\n' > pwfile
printf 'recover me\n' > rawpass
opts="key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=32"
opts="$opts,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=y,no_sig_cache"
mount -t ecryptfs lower upper -o "$opts" </dev/null
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q ecryptfs_fnek_sig || rig_fail "no filename encryption"
mkdir plain plain/sub
for n in 0 1 4095 4096 4097 20000 100000 300000; do head -c "$n" /dev/urandom > "plain/size-$n"; done
head -c 3000 /dev/urandom > "plain/sub/a file with spaces"
cp -a plain/. upper/
ln -s "size-4097" upper/link
ln upper/size-1 upper/hard
umount upper
ls lower | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || rig_fail "lower names are not encrypted"

ecryptfs-decrypt --passphrase-file rawpass --fnek --jobs 2 lower out > decrypt.log 2>&1 || {
	cat decrypt.log; rig_fail "ecryptfs-decrypt failed"; }
cat decrypt.log
diff -r plain/sub out/sub || rig_fail "directory contents differ"
for n in 0 1 4095 4096 4097 20000 100000 300000; do
	cmp "plain/size-$n" "out/size-$n" || rig_fail "size-$n differs after decryption"
done
rig_expect_eq "symlink target" size-4097 "$(readlink out/link)"
rig_expect_eq "hard link" "$(stat -c %i out/size-1)" "$(stat -c %i out/hard)"
grep -q "^11 files decrypted, 0 failed" decrypt.log || rig_fail "unexpected summary"
umount lower
