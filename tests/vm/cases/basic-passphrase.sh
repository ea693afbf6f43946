# First end-to-end case: a passphrase key added with Debian's
# ecryptfs-add-passphrase, a mount with raw kernel options, a file written
# and read back, and its lower file checked for an eCryptfs header.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs

add=$(rig_debian ecryptfs-add-passphrase)
out=$(printf 'foo' | "$add" -)
sig=$(echo "$out" | sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p')
rig_expect_eq "signature of 'foo' with the default salt" 253ca7e88811d184 "$sig"
keyctl list @u | grep -q "user: $sig" || rig_fail "token $sig is not in the user keyring"

mkdir lower upper
mount -t tmpfs tmpfs lower
mount -i -t ecryptfs -o "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" lower upper

head -c 5000 /dev/urandom > plain
cp plain upper/file
cmp plain upper/file || rig_fail "read-back through the mount differs"
grep -q " $RIG_WORK/upper ecryptfs " /proc/mounts || rig_fail "mount not listed in /proc/mounts"
umount upper

lf=lower/file
[ -f "$lf" ] || rig_fail "no lower file"
size=$(rig_be64 "$lf" 0)
rig_expect_eq "plaintext size in the header" 5000 "$size"
m1=$(rig_be32 "$lf" 8)
m2=$(rig_be32 "$lf" 12)
rig_expect_eq "marker pair" "$m2" $(( m1 ^ 0x3c81b7f5 ))
rig_expect_eq "format version byte" 3 "$(od -An -tu1 -j16 -N1 "$lf" | tr -d ' ')"
# 8192-byte header + two 4096-byte extents
rig_expect_eq "lower file size" 16384 "$(stat -c %s "$lf")"
if cmp -s -n 4096 plain lower/file; then rig_fail "lower file holds plaintext"; fi
if grep -q foo /proc/mounts; then rig_fail "passphrase visible in /proc/mounts"; fi

# Remount: the same key must read the same bytes.
mount -i -t ecryptfs -o "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" lower upper
cmp plain upper/file || rig_fail "read-back after remount differs"
umount upper
umount lower
keyctl unlink "$(keyctl search @u user "$sig")" @u >/dev/null
rig_log "ok: header size=$size marker=$(printf %08x "$m1")/$(printf %08x "$m2")"
