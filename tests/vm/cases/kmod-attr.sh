# rig: kernels=6.1,6.12 modules=ours
# Inode flags and FIBMAP through the mount, as upstream does them: lsattr
# and chattr act on the lower inode; chattr +a is then enforced on the
# mount (no overwrite, truncate or unlink) until chattr -a; FIBMAP on a
# file in the mount returns the lower file's block for the same number.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
sig=$(rig_add_passphrase attr-test)
[ -n "$sig" ] || rig_fail "no signature"
mkdir lower upper
rig_ext4 lower 64
mount -i -t ecryptfs -o "ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_sig=$sig" lower upper
head -c 20000 /dev/urandom > plain
cp plain upper/f
sync

# lsattr/chattr go to the lower inode.
chattr +a upper/f
lsattr -d upper/f | cut -d' ' -f1 | grep -q a || rig_fail "lsattr through the mount does not show +a"
lsattr -d lower/f | cut -d' ' -f1 | grep -q a || rig_fail "chattr +a did not reach the lower inode"
if echo overwrite > upper/f 2>/dev/null; then rig_fail "overwrote an append-only file"; fi
if truncate -s 0 upper/f 2>/dev/null; then rig_fail "truncated an append-only file"; fi
if rm -f upper/f 2>/dev/null && [ ! -e upper/f ]; then rig_fail "removed an append-only file"; fi
cmp plain upper/f || rig_fail "append-only file changed"
chattr -a upper/f
lsattr -d lower/f | cut -d' ' -f1 | grep -q a && rig_fail "chattr -a did not reach the lower inode"
echo now > upper/f
rig_expect_eq "writable again after chattr -a" now "$(cat upper/f)"

# FIBMAP: the lower file's blocks.
cp plain upper/g
sync
python3 - "$PWD/upper/g" "$PWD/lower/g" <<'EOF'
import fcntl, os, struct, sys
FIBMAP = 1
def blocks(path, n):
    fd = os.open(path, os.O_RDONLY)
    try:
        return [struct.unpack("i", fcntl.ioctl(fd, FIBMAP, struct.pack("i", b)))[0] for b in range(n)]
    finally:
        os.close(fd)
up, low = blocks(sys.argv[1], 6), blocks(sys.argv[2], 6)
print("FIBMAP upper", up, "lower", low)
if up != low or not any(low):
    sys.exit("FIBMAP through the mount differs from the lower file's")
EOF
umount upper
