# rig: kernels=6.1,6.12 modules=ours
# Compatibility both ways in one boot, by swapping modules:
#   1. Debian's (upstream) module writes a tree per cipher/key size, plus a
#      tree whose files carry two keys;
#   2. our module reads every tree back byte for byte (the two-key tree
#      with either key alone), writes the same trees itself, and unloads
#      with no leaked objects;
#   3. upstream's module reads our trees back.
# Between 2's reads and writes, lower I/O counts (/proc/self/io) show that
# lookups read no header, sizes load on first stat (also racing opens),
# and a create writes its header once.
. "$RIG_SRC/tests/vm/lib.sh"

W=$RIG_WORK
CONFIGS="aes:16 aes:24 aes:32 blowfish:16 des3_ede:24 cast5:16 twofish:32 cast6:32"

load() { rig_switch_module "$1"; }

sig1=$(rig_add_passphrase compat-one)
sig2=$(rig_add_passphrase compat-two)
[ -n "$sig1" ] && [ -n "$sig2" ] || rig_fail "no signatures"

mnt() { # mnt LOWER CIPHER KEYBYTES SIG...
	local lower=$1 cipher=$2 kb=$3 o
	shift 3
	o="ecryptfs_cipher=$cipher,ecryptfs_key_bytes=$kb"
	for s in "$@"; do o="$o,ecryptfs_sig=$s"; done
	mkdir -p "$W/upper"
	mount -i -t ecryptfs -o "$o" "$lower" "$W/upper" ||
		rig_fail "mount of $lower ($cipher/$kb) failed"
}

# The reference plaintexts, made once.
R=$W/ref
mkdir -p "$R"
for n in 0 1 4095 4096 4097 300005; do head -c "$n" /dev/urandom > "$R/s$n"; done
head -c 20000 /dev/urandom > "$R/trunc.src"
head -c 5000 "$R/trunc.src" > "$R/trunc"
head -c 50000 /dev/urandom > "$R/mid"
head -c 3000 /dev/urandom > "$R/patch"
dd if="$R/patch" of="$R/mid" bs=1 seek=7000 conv=notrunc status=none
{ head -c 50000 /dev/zero; printf 'sparse-end'; } > "$R/sparse"

write_tree() { # in $W/upper
	local u=$W/upper n
	for n in 0 1 4095 4096 4097 300005; do cp "$R/s$n" "$u/s$n"; done
	cp "$R/trunc.src" "$u/trunc"
	truncate -s 5000 "$u/trunc"
	head -c 50000 "$R/mid" > "$u/mid"
	head -c 3000 /dev/urandom | dd of="$u/mid" bs=1 seek=7000 conv=notrunc status=none
	dd if="$R/patch" of="$u/mid" bs=1 seek=7000 conv=notrunc status=none
	printf 'sparse-end' | dd of="$u/sparse" bs=1 seek=50000 status=none
	mkdir "$u/dir"
	cp "$R/s4097" "$u/dir/nested"
}

check_tree() { # check_tree WHAT
	local u=$W/upper f
	for f in s0 s1 s4095 s4096 s4097 s300005 trunc mid sparse; do
		cmp "$R/$f" "$u/$f" || rig_fail "$1: $f differs"
	done
	cmp "$R/s4097" "$u/dir/nested" || rig_fail "$1: dir/nested differs"
}

# 1. upstream writes.
load upstream
for c in $CONFIGS; do
	mkdir -p "$W/up-${c%:*}-${c#*:}"
	mnt "$W/up-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	write_tree
	check_tree "upstream self-check $c"
	umount "$W/upper"
done
mkdir -p "$W/up-two"
mnt "$W/up-two" aes 16 "$sig1" "$sig2"
write_tree
umount "$W/upper"

# 2. ours reads, then writes.
load ours
for c in $CONFIGS; do
	mnt "$W/up-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	check_tree "ours reading upstream's $c tree"
	umount "$W/upper"
	rig_log "ours read upstream's $c tree"
done

# Sizes come from headers on first need, not at lookup.  Lower reads and
# writes done for us count in /proc/self/io (syscr, syscw, wchar), so a
# lookup that read a header, or a create that wrote it twice, shows.
cat > "$W/meta.py" <<'PY'
import os, sys, threading

def io():
    fd = os.open("/proc/self/io", os.O_RDONLY)
    data = os.read(fd, 4096)
    os.close(fd)
    return {k: int(v) for k, v in
            (line.split(": ") for line in data.decode().splitlines())}

def delta(what, fn):
    before = io()
    fn()
    after = io()
    return after[what] - before[what]

# The probe itself counts one read.
BASE = delta("syscr", lambda: None)

def fail(msg):
    sys.exit("meta.py: " + msg)

def lookups(upper, ref, names):
    """Lookup-only operations read no header; the first stat reads one."""
    for n in names:
        p = os.path.join(upper, n)
        d = delta("syscr", lambda: os.access(p, os.F_OK))
        if d != BASE:
            fail("%s: lookup read the lower file (%d reads)" % (n, d - BASE))
        d = delta("syscr", lambda: os.close(os.open(p, os.O_PATH)))
        if d != BASE:
            fail("%s: an O_PATH open read the lower file" % n)
    for n in names:
        p = os.path.join(upper, n)
        want = os.stat(os.path.join(ref, n)).st_size
        got = []
        d = delta("syscr", lambda: got.append(os.stat(p).st_size))
        if got[0] != want:
            fail("%s: size %d after lookup only, want %d" % (n, got[0], want))
        if d <= BASE:
            fail("%s: the first stat read no header: the probe is blind" % n)
        d = delta("syscr", lambda: os.stat(p))
        if d != BASE:
            fail("%s: a second stat read the header again" % n)

def race(upper, ref, names):
    """Fresh inodes, stat and open+read at once: one size for all."""
    errs = []

    def stat(p, want):
        got = os.stat(p).st_size
        if got != want:
            errs.append("%s: stat size %d, want %d" % (p, got, want))

    def read(p, want):
        with open(p, "rb") as f:
            got = len(f.read())
            if got != want or os.fstat(f.fileno()).st_size != want:
                errs.append("%s: read %d bytes, want %d" % (p, got, want))

    threads = []
    for n in names:
        p = os.path.join(upper, n)
        want = os.stat(os.path.join(ref, n)).st_size
        for fn in (stat, read, stat, read):
            threads.append(threading.Thread(target=fn, args=(p, want)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errs:
        fail("; ".join(errs))

def create(upper):
    """The header is written once at create; the size once per write."""
    p = os.path.join(upper, "new")
    before = io()
    os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    after = io()
    got = (after["syscw"] - before["syscw"], after["wchar"] - before["wchar"])
    if got != (1, 8192):
        fail("create: %d lower writes of %d bytes, want one of 8192" % got)
    fd = os.open(p, os.O_WRONLY)
    data = os.urandom(3 * 4096)
    d = delta("wchar", lambda: os.write(fd, data))
    os.close(fd)
    # Our write, one 8-byte size field and the lower extents, whole
    # pages (vectored kernel writes, which 6.1 and 6.12 do not count).
    if d < len(data) + 8 or (d - len(data)) % 4096 != 8:
        fail("3-page write: %d bytes written: not one size field" % d)

mode, upper = sys.argv[1], sys.argv[2]
if mode == "create":
    create(upper)
else:
    (lookups if mode == "lookups" else race)(upper, sys.argv[3], sys.argv[4:])
PY
meta_names="s0 s1 s4095 s4096 s4097 s300005 trunc mid sparse"
mnt "$W/up-aes-16" aes 16 "$sig1"
/usr/bin/python3 "$W/meta.py" lookups "$W/upper" "$R" $meta_names ||
	rig_fail "sizes of upstream's files, loaded on first need"
umount "$W/upper"
mnt "$W/up-aes-16" aes 16 "$sig1"
/usr/bin/python3 "$W/meta.py" race "$W/upper" "$R" $meta_names ||
	rig_fail "concurrent stat and open of fresh inodes"
umount "$W/upper"
mkdir -p "$W/meta"
mnt "$W/meta" aes 16 "$sig1"
/usr/bin/python3 "$W/meta.py" create "$W/upper" || rig_fail "lower writes of a new file"
umount "$W/upper"
mnt "$W/meta" aes 16 "$sig1"
rig_expect_eq "size of the new file after a remount" 12288 "$(stat -c %s "$W/upper/new")"
umount "$W/upper"
rig_log "sizes loaded on first need; the header written once"

mnt "$W/up-two" aes 16 "$sig2"
check_tree "ours reading upstream's two-key tree with the second key"
umount "$W/upper"
mnt "$W/up-two" aes 16 "$sig1"
check_tree "ours reading upstream's two-key tree with the first key"
umount "$W/upper"

for c in $CONFIGS; do
	mkdir -p "$W/ours-${c%:*}-${c#*:}"
	mnt "$W/ours-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	write_tree
	check_tree "ours self-check $c"
	umount "$W/upper"
done
mkdir -p "$W/ours-two"
mnt "$W/ours-two" aes 16 "$sig1" "$sig2"
write_tree
umount "$W/upper"
# Same lower layout as upstream: header 8192 + whole extents.
for n in 0 1 4095 4096 4097 300005; do
	rig_expect_eq "lower size of s$n" \
		"$(stat -c %s "$W/up-aes-16/s$n")" "$(stat -c %s "$W/ours-aes-16/s$n")"
done
rig_expect_eq "two-key header: packets end at" 0 \
	"$(od -An -tu1 -j $((26 + 31 + 24 + 31 + 24)) -N1 "$W/ours-two/s1" | tr -d ' ')"
rmmod ecryptfs || rig_fail "rmmod of our module failed"
dmesg > "$W/dmesg"
if grep -q "still has objects" "$W/dmesg"; then
	grep -B2 -A5 "still has objects" "$W/dmesg"
	rig_fail "our module leaked objects"
fi

# 3. upstream reads ours.
load upstream
for c in $CONFIGS; do
	mnt "$W/ours-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	check_tree "upstream reading our $c tree"
	umount "$W/upper"
	rig_log "upstream read our $c tree"
done
mnt "$W/ours-two" aes 16 "$sig2"
check_tree "upstream reading our two-key tree with the second key"
umount "$W/upper"
rmmod ecryptfs
rig_log "ok: $(echo "$CONFIGS" | wc -w) cipher configurations and a two-key tree, both ways"
