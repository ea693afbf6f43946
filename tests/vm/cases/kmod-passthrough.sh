# rig: kernels=6.1,6.12 modules=ours,upstream
# ecryptfs_passthrough: lower files without an eCryptfs header are shown
# and changed as they are; new files are still encrypted.  Without the
# option such files give EIO.  Runs against upstream as well, so the
# expectations are upstream's.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs

sig=$(rig_add_passphrase 'kmod-passthrough')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
W=$RIG_WORK
L=$W/lower
U=$W/upper
mkdir -p "$L" "$U"
mount -t tmpfs tmpfs "$L"
head -c 10000 /dev/urandom > "$W/plain"
cp "$W/plain" "$L/plain"

mount -i -t ecryptfs -o "$opts" "$L" "$U"
if cat "$U/plain" > /dev/null 2>&1; then rig_fail "plaintext file readable without passthrough"; fi
umount "$U"

mount -i -t ecryptfs -o "$opts,ecryptfs_passthrough" "$L" "$U"
grep -q "ecryptfs_passthrough" /proc/mounts || rig_fail "option not shown in /proc/mounts"
cmp "$W/plain" "$U/plain" || rig_fail "passthrough read"
rig_expect_eq "passthrough size" 10000 "$(stat -c %s "$U/plain")"
printf 'tail' >> "$U/plain"
printf 'tail' >> "$W/plain"
cmp "$W/plain" "$L/plain" || rig_fail "append did not reach the lower file as plaintext"
printf 'MID' | dd of="$U/plain" bs=1 seek=5000 conv=notrunc status=none
printf 'MID' | dd of="$W/plain" bs=1 seek=5000 conv=notrunc status=none
cmp "$W/plain" "$L/plain" || rig_fail "overwrite in the middle"
truncate -s 3000 "$U/plain"
truncate -s 3000 "$W/plain"
cmp "$W/plain" "$L/plain" || rig_fail "truncate of a passthrough file"
echo new > "$U/new"
rig_expect_eq "new file is encrypted" 8192 "$(stat -c %s "$L/new" | awk '{print ($1 >= 8192) ? 8192 : $1}')"
m1=$(rig_be32 "$L/new" 8)
rig_expect_eq "marker of the new file" "$(rig_be32 "$L/new" 12)" $(( m1 ^ 0x3c81b7f5 ))
rig_expect_eq "new file content" new "$(cat "$U/new")"
umount "$U"
umount "$L"
rig_log "ok"
