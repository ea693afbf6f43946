# rig: kernels=6.1,6.12 modules=ours
# (CI: our module; upstream's passed the same case when it was written.)
# Writing under memory pressure: two writers and one shared-mmap writer in
# a cgroup v2 group with memory.max far below the data they write, on an
# ext4 lower fs.  Every write must succeed, no process may be OOM-killed,
# and every byte must read back after a remount with cold caches.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs

LIMIT_MB=${RIG_MEMCG_MB:-32}
W=$RIG_WORK
sig=$(rig_add_passphrase 'kmod-memcg')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
rig_ext4 "$W/lower" 256
mkdir -p "$W/upper"
mount -i -t ecryptfs -o "$opts" "$W/lower" "$W/upper"

# 8 MiB of random data, made outside the group; each file is this pattern
# repeated, so checking needs no second copy.
head -c $((8 << 20)) /dev/urandom > "$W/pattern"
want=$(md5sum < "$W/pattern" | cut -d' ' -f1)

CG=/sys/fs/cgroup
if ! grep -q "^cgroup2 $CG " /proc/mounts; then
	mkdir -p "$CG"
	mount -t cgroup2 none "$CG" || rig_fail "cannot mount cgroup2 on $CG"
fi
grep -qw memory "$CG/cgroup.controllers" || rig_fail "no memory controller in cgroup v2"
echo +memory > "$CG/cgroup.subtree_control"
G=$CG/ecfs-memcg
mkdir "$G"
echo $((LIMIT_MB << 20)) > "$G/memory.max"
[ -e "$G/memory.swap.max" ] && echo 0 > "$G/memory.swap.max"

# in_group CMD...: run CMD inside the group.
in_group() {
	bash -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$G" "$@"
}

# Two streaming writers (bs 1 MiB and 4 KiB, 48 MiB each; the small one
# makes every write(2) a writeback call of its own) and one writer through
# a shared mapping (24 MiB), at once: three times memory.max.
in_group bash -c 'for i in $(seq 6); do cat "$1"; done | dd of="$2" bs=1M iflag=fullblock status=none' \
	_ "$W/pattern" "$W/upper/a" &
pa=$!
in_group bash -c 'for i in $(seq 6); do cat "$1"; done | dd of="$2" bs=4k iflag=fullblock status=none' \
	_ "$W/pattern" "$W/upper/b" &
pb=$!
in_group python3 - "$W/pattern" "$W/upper/c" <<'EOF' &
import mmap, os, sys
n = os.path.getsize(sys.argv[1])
fd = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
os.ftruncate(fd, 3 * n)
m = mmap.mmap(fd, 3 * n)
with open(sys.argv[1], "rb") as src:
    for i in range(3):
        src.seek(0)
        for off in range(0, n, 1 << 20):
            m[i * n + off:i * n + off + (1 << 20)] = src.read(1 << 20)
m.flush()
m.close()
os.fsync(fd)
os.close(fd)
EOF
pc=$!
fail=
wait $pa || fail="$fail a"
wait $pb || fail="$fail b"
wait $pc || fail="$fail c(mmap)"
[ -z "$fail" ] || rig_fail "writer(s) failed under memory.max=${LIMIT_MB}M:$fail"
sync
ooms=$(sed -n 's/^oom_kill //p' "$G/memory.events")
rig_log "memory.events: $(tr '\n' ' ' < "$G/memory.events")"
rig_expect_eq "OOM kills in the group" 0 "${ooms:-0}"
max=$(sed -n 's/^max //p' "$G/memory.events")
[ "${max:-0}" -gt 0 ] || rig_log "note: the group never reached memory.max"

umount "$W/upper"
echo 3 > /proc/sys/vm/drop_caches
mount -i -t ecryptfs -o "$opts" "$W/lower" "$W/upper"
check() {	# check FILE COPIES
	rig_expect_eq "size of $1" $(($2 << 23)) "$(stat -c %s "$W/upper/$1")"
	for i in $(seq 0 $(($2 - 1))); do
		got=$(dd if="$W/upper/$1" bs=1M skip=$((i * 8)) count=8 status=none | md5sum | cut -d' ' -f1)
		rig_expect_eq "$1, copy $i of the pattern" "$want" "$got"
	done
}
check a 6
check b 6
check c 3
umount "$W/upper"
rmdir "$G"
