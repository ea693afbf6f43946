# rig: kernels=6.1,6.12 modules=ours,upstream
# POSIX behaviour through the module under test, on an ext4 lower fs:
# every stacked operation, sizes at extent boundaries, truncate, holes,
# mmap, xattrs, permissions, ENOSPC; then umount and rmmod with no leaked
# objects.  Runs against upstream too, so the expectations are upstream's.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs

if [ "$RIG_MODULE" = ours ]; then
	rig_expect_eq "advertised features (upstream's, messaging included)" 375 "$(cat /sys/fs/ecryptfs/version)"
	grep -qx passphrase /sys/fs/ecryptfs/version_str ||
		rig_fail "version_str lacks passphrase"
fi

sig=$(rig_add_passphrase 'kmod-basic')
[ -n "$sig" ] || rig_fail "no signature from ecryptfs-add-passphrase"
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"

W=$RIG_WORK
rig_ext4 "$W/lower" 64
mkdir -p "$W/upper"
mount -i -t ecryptfs -o "$opts" "$W/lower" "$W/upper"
U=$W/upper
L=$W/lower

# Refusals: stacking on eCryptfs, and a missing key.
mkdir -p "$W/stack"
if mount -i -t ecryptfs -o "$opts" "$U" "$W/stack" 2>/dev/null; then
	umount "$W/stack"
	rig_fail "mount on top of ecryptfs was allowed"
fi
if mount -i -t ecryptfs -o "ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" \
	"$L" "$W/stack" 2>/dev/null; then
	umount "$W/stack"
	rig_fail "mount with a key not in the keyring was allowed"
fi

# Unknown options, and flags given a value, are only warned about.
mount -i -t ecryptfs -o "$opts,bogus_opt,ecryptfs_passthrough=n" "$L" "$W/stack" ||
	rig_fail "mount with an unknown option failed"
grep -q " $W/stack ecryptfs " /proc/mounts || rig_fail "mount not listed"
if grep " $W/stack ecryptfs " /proc/mounts | grep -q passthrough; then
	rig_fail "ecryptfs_passthrough=n enabled passthrough"
fi
umount "$W/stack"
dmesg > "$W/dmesg"
grep -q "unrecognized option \[bogus_opt\]" "$W/dmesg" || rig_fail "no warning for bogus_opt"

# Create, read, append.
echo hello > "$U/a"
echo world >> "$U/a"
rig_expect_eq "appended content" "hello
world" "$(cat "$U/a")"
rig_expect_eq "size of a" 12 "$(stat -c %s "$U/a")"

# Sizes at extent boundaries, and the lower size for each.
for n in 0 1 4095 4096 4097 8191 8192 12289 100007; do
	head -c "$n" /dev/urandom > "$W/p$n"
	cp "$W/p$n" "$U/s$n"
	cmp "$W/p$n" "$U/s$n" || rig_fail "size $n: read-back differs"
	rig_expect_eq "size $n: stat" "$n" "$(stat -c %s "$U/s$n")"
	rig_expect_eq "size $n: header" "$n" "$(rig_be64 "$L/s$n" 0)"
	rig_expect_eq "size $n: lower size" $((8192 + (n + 4095) / 4096 * 4096)) \
		"$(stat -c %s "$L/s$n")"
done

# Truncate shrink and grow: the grown part reads as zeros.
cp "$W/p12289" "$U/t"
truncate -s 5000 "$U/t"
head -c 5000 "$W/p12289" > "$W/exp"
cmp "$W/exp" "$U/t" || rig_fail "truncate shrink"
rig_expect_eq "lower size after shrink" $((8192 + 8192)) "$(stat -c %s "$L/t")"
truncate -s 20000 "$U/t"
head -c 15000 /dev/zero >> "$W/exp"
cmp "$W/exp" "$U/t" || rig_fail "truncate grow"
rig_expect_eq "header after grow" 20000 "$(rig_be64 "$L/t" 0)"
truncate -s 0 "$U/t"
rig_expect_eq "size after truncate to 0" 0 "$(stat -c %s "$U/t")"
rig_expect_eq "lower size after truncate to 0" 8192 "$(stat -c %s "$L/t")"

# A write past the end leaves a gap of zeros; a rewrite in the middle.
printf X | dd of="$U/gap" bs=1 seek=10000 conv=notrunc status=none
{ head -c 10000 /dev/zero; printf X; } > "$W/exp"
cmp "$W/exp" "$U/gap" || rig_fail "gap before a write past EOF"
cp "$W/p100007" "$U/mid"
head -c 3000 /dev/urandom > "$W/patch"
dd if="$W/patch" of="$U/mid" bs=1 seek=6000 conv=notrunc status=none
cp "$W/p100007" "$W/exp"
dd if="$W/patch" of="$W/exp" bs=1 seek=6000 conv=notrunc status=none
cmp "$W/exp" "$U/mid" || rig_fail "rewrite in the middle"

# Directories, rename, links, special files, readdir.
mkdir "$U/d" "$U/d/e"
echo x > "$U/d/e/f"
mv "$U/d/e/f" "$U/d/g"
[ "$(cat "$U/d/g")" = x ] || rig_fail "rename across directories"
rmdir "$U/d/e"
if rmdir "$U/d" 2>/dev/null; then rig_fail "rmdir of a non-empty directory"; fi
ln -s ../a "$U/d/sym"
rig_expect_eq "readlink" ../a "$(readlink "$U/d/sym")"
rig_expect_eq "read through symlink" "hello
world" "$(cat "$U/d/sym")"
ln "$U/a" "$U/d/hard"
rig_expect_eq "link count" 2 "$(stat -c %h "$U/a")"
echo more >> "$U/d/hard"
rig_expect_eq "hard links share content" "hello
world
more" "$(cat "$U/a")"
mkfifo "$U/fifo"
rig_expect_eq "fifo type" "fifo" "$(stat -c %F "$U/fifo")"
mknod "$U/null" c 1 3
echo discard > "$U/null"
rig_expect_eq "readdir" "a d fifo gap lost+found mid null" \
	"$(cd "$U" && ls | grep -v '^s[0-9]\|^t$' | tr '\n' ' ' | sed 's/ $//')"
rig_expect_eq "readdir of d" "g hard sym" "$(ls "$U/d" | tr '\n' ' ' | sed 's/ $//')"

# Attributes: mode, owner, times go to the lower inode.
chmod 640 "$U/a"
chown 1234:5678 "$U/a"
touch -d "2001-02-03 04:05:06 UTC" "$U/a"
rig_expect_eq "upper attrs" "640 1234 5678 981173106" "$(stat -c '%a %u %g %Y' "$U/a")"
rig_expect_eq "lower attrs" "640 1234 5678 981173106" "$(stat -c '%a %u %g %Y' "$L/a")"
rig_expect_eq "statfs type" f15f "$(stat -f -c %t "$U")"

# User xattrs pass through.
setfattr -n user.colour -v blue "$U/a"
rig_expect_eq "xattr" blue "$(getfattr --only-values -n user.colour "$U/a")"
rig_expect_eq "xattr below" blue "$(getfattr --only-values -n user.colour "$L/a")"
getfattr -d "$U/a" | grep -q user.colour || rig_fail "listxattr"
setfattr -x user.colour "$U/a"

# Unlink of an open file, rename over an open file, RENAME_NOREPLACE,
# O_APPEND from two processes, mmap read and shared write, fsync,
# sendfile, SEEK_DATA/SEEK_HOLE, fallocate.
/usr/bin/python3 - "$U" "$W" "$RIG_MODULE" <<'EOF'
import ctypes, mmap, os, sys, multiprocessing
U, W, MODULE = sys.argv[1], sys.argv[2], sys.argv[3]
def fail(msg):
    print("CASE FAILED:", msg); sys.exit(1)

p = os.path.join(U, "open-unlink")
with open(p, "wb") as f:
    f.write(b"A" * 9000)
fd = os.open(p, os.O_RDONLY)
os.unlink(p)
if os.pread(fd, 9000, 0) != b"A" * 9000: fail("read after unlink")
os.close(fd)

a, b = os.path.join(U, "ra"), os.path.join(U, "rb")
open(a, "wb").write(b"new" * 2000)
open(b, "wb").write(b"old" * 3000)
fd = os.open(b, os.O_RDONLY)
os.rename(a, b)
if os.pread(fd, 9000, 0) != b"old" * 3000: fail("open file renamed over")
os.close(fd)
if open(b, "rb").read() != b"new" * 2000: fail("rename result")

libc = ctypes.CDLL(None, use_errno=True)
open(a, "wb").write(b"x")
if libc.renameat2(-100, a.encode(), -100, b.encode(), 1) != -1 or \
   ctypes.get_errno() != 17:
    fail("RENAME_NOREPLACE over an existing file")
r = libc.renameat2(-100, a.encode(), -100, (b + "2").encode(), 1)
if MODULE == "upstream":
    # Upstream's ecryptfs_rename() refuses every rename flag with EINVAL.
    if r != -1 or ctypes.get_errno() != 22:
        fail("upstream: RENAME_NOREPLACE to a new name gave %d/%d, not EINVAL" %
             (r, ctypes.get_errno()))
    os.rename(a, b + "2")
elif r != 0:
    fail("RENAME_NOREPLACE to a new name: errno %d" % ctypes.get_errno())

ap = os.path.join(U, "append")
open(ap, "wb").close()
def appender(tag):
    fd = os.open(ap, os.O_WRONLY | os.O_APPEND)
    for i in range(200):
        os.write(fd, tag * 100)
    os.close(fd)
ps = [multiprocessing.Process(target=appender, args=(t,)) for t in (b"1", b"2")]
for p_ in ps: p_.start()
for p_ in ps: p_.join()
data = open(ap, "rb").read()
if len(data) != 40000: fail("O_APPEND size %d" % len(data))
for i in range(0, 40000, 100):
    if data[i:i+100] not in (b"1" * 100, b"2" * 100): fail("O_APPEND interleaving")

mp = os.path.join(U, "mm")
content = os.urandom(3 * 4096 + 100)
open(mp, "wb").write(content)
with open(mp, "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    if m[:] != content: fail("mmap read")
    m[4000:4200] = b"Z" * 200
    m[3 * 4096 + 50:3 * 4096 + 100] = b"Q" * 50
    m.flush()
    m.close()
    os.fsync(f.fileno())
exp = bytearray(content)
exp[4000:4200] = b"Z" * 200
exp[3 * 4096 + 50:3 * 4096 + 100] = b"Q" * 50
if open(mp, "rb").read() != bytes(exp): fail("mmap shared write")
open(os.path.join(W, "mm.expected"), "wb").write(bytes(exp))

src = os.open(mp, os.O_RDONLY)
dst = os.open(os.path.join(W, "sendfile.out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
n = os.sendfile(dst, src, 0, len(exp))
os.close(dst)
if n != len(exp) or open(os.path.join(W, "sendfile.out"), "rb").read() != bytes(exp):
    fail("sendfile")
if os.lseek(src, 0, os.SEEK_DATA) != 0: fail("SEEK_DATA")
if os.lseek(src, 0, os.SEEK_HOLE) != len(exp): fail("SEEK_HOLE")
os.close(src)

# A POSIX ACL (ext4 lower) set above is the lower file's ACL.
import struct
acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", t, p_, i) for t, p_, i in
      ((0x01, 6, 0xffffffff), (0x02, 4, 1234), (0x04, 4, 0xffffffff),
       (0x10, 4, 0xffffffff), (0x20, 4, 0xffffffff)))
os.setxattr(mp, "system.posix_acl_access", acl)
if os.getxattr(mp, "system.posix_acl_access") != acl: fail("ACL read back above")
lower_mm = os.path.join(os.path.dirname(U), "lower", "mm")
if os.getxattr(lower_mm, "system.posix_acl_access") != acl: fail("ACL below")
os.removexattr(mp, "system.posix_acl_access")

fd = os.open(mp, os.O_RDWR)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
if libc.fallocate(fd, 0, 0, 1 << 20) != -1 or ctypes.get_errno() != 95:
    fail("fallocate was not refused with EOPNOTSUPP")
os.fdatasync(fd)
os.close(fd)
EOF

# Permissions are the lower file system's; a reader of a read-only lower
# file can still read it.
echo secret > "$U/priv"
chmod 600 "$U/priv"
if setpriv --reuid=65534 --regid=65534 --clear-groups cat "$U/priv" 2>/dev/null; then
	rig_fail "mode 600 file readable by another user"
fi
chmod 444 "$U/priv"
rig_expect_eq "read-only file read by another user" secret \
	"$(setpriv --reuid=65534 --regid=65534 --clear-groups cat "$U/priv")"
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo x >> '$U/priv'" 2>/dev/null; then
	rig_fail "write to a read-only file by another user"
fi

# Remount: everything reads back.
umount "$U"
mount -i -t ecryptfs -o "$opts" "$L" "$U"
cmp "$W/p100007" "$U/s100007" || rig_fail "read-back after remount"
cmp "$W/mm.expected" "$U/mm" || rig_fail "mmap result after remount"
echo 3 > /proc/sys/vm/drop_caches
cmp "$W/exp" "$U/mid" || rig_fail "read-back after drop_caches"

# A full lower fs: ENOSPC surfaces and the file stays readable.
if dd if=/dev/zero of="$U/big" bs=1M count=200 status=none 2>/dev/null; then
	rig_fail "200 MiB fit in a 64 MiB lower fs"
fi
sz=$(stat -c %s "$U/big")
head -c "$sz" /dev/zero | cmp - "$U/big" || rig_fail "file after ENOSPC"
rm "$U/big"
umount "$U"
umount "$L"

if [ "$RIG_MODULE" = ours ]; then
	rmmod ecryptfs || rig_fail "rmmod failed"
	dmesg > "$W/dmesg"
	if grep "still has objects" "$W/dmesg"; then
		rig_fail "objects leaked at rmmod"
	fi
fi
rig_log "ok"
