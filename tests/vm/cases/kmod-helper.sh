# rig: kernels=6.1,6.12 modules=ours,upstream
# Mounts through Debian's mount.ecryptfs (the options it passes, e.g.
# ecryptfs_unlink_sigs and unknown ones, must be taken as upstream takes
# them), with and without filename encryption; also against upstream.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs
export HOME=/root
W=$RIG_WORK
deb_mount=$(rig_debian mount.ecryptfs)
deb_add=$(rig_debian ecryptfs-add-passphrase)
mkdir -p "$W/lower" "$W/upper"
mount -t tmpfs tmpfs "$W/lower"
printf 'passphrase_passwd=kmod-helper\n' > "$W/pwfile"
sigs=$(printf 'kmod-helper' | "$deb_add" --fnek - | sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p')
# mount.ecryptfs re-inserts only the passphrase key after umount.ecryptfs
# unlinked it, so the FNEK is that same key (the default mount.ecryptfs
# offers).
fnek=$(echo "$sigs" | sed -n 1p)
base="key=passphrase:passphrase_passwd_file=$W/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
base="$base,ecryptfs_passthrough=n,no_sig_cache,verbosity=0"

head -c 30000 /dev/urandom > "$W/plain"
"$deb_mount" "$W/lower" "$W/upper" -o "$base,ecryptfs_enable_filename_crypto=n" </dev/null
grep " $W/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=" || rig_fail "no sig in /proc/mounts"
cp "$W/plain" "$W/upper/file"
umount "$W/upper"
"$deb_mount" "$W/lower" "$W/upper" -o "$base,ecryptfs_enable_filename_crypto=n" </dev/null
cmp "$W/plain" "$W/upper/file" || rig_fail "read-back through mount.ecryptfs"
umount "$W/upper"
[ -f "$W/lower/file" ] || rig_fail "plain lower name expected"

"$deb_mount" "$W/lower" "$W/upper" \
	-o "$base,ecryptfs_enable_filename_crypto=y,ecryptfs_fnek_sig=$fnek" </dev/null
grep " $W/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_fnek_sig=$fnek" ||
	rig_fail "no fnek sig in /proc/mounts"
cp "$W/plain" "$W/upper/secret-name"
umount "$W/upper"
ls "$W/lower" | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || rig_fail "no encrypted lower name"
if ls "$W/lower" | grep -q secret-name; then rig_fail "plaintext name below"; fi
"$deb_mount" "$W/lower" "$W/upper" \
	-o "$base,ecryptfs_enable_filename_crypto=y,ecryptfs_fnek_sig=$fnek" </dev/null
cmp "$W/plain" "$W/upper/secret-name" || rig_fail "read-back with filename encryption"
umount "$W/upper"
umount "$W/lower"
rig_log "ok"
