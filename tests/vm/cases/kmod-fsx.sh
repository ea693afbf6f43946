# rig: kernels=6.1,6.12 modules=ours
# Random-operations exerciser: write, read, truncate, mmap write and fsync
# at random offsets and sizes, checked after every read (and at the end)
# against a plaintext model file kept on the lower fs.  A fixed seed and a
# random one (printed), on 1 and on 4 processes; the files are checked
# again after a remount and after dropping the caches.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs

sig=$(rig_add_passphrase 'kmod-fsx')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=32"
W=$RIG_WORK
L=$W/lower
U=$W/upper
mkdir -p "$L" "$U"
mount -t tmpfs -o size=512m tmpfs "$L"
mkdir "$L/models"
mount -i -t ecryptfs -o "$opts" "$L" "$U"
mkdir "$U/files"

cat > "$W/fsx.py" <<'EOF'
import mmap, os, random, sys
from multiprocessing import Process

OPS = int(os.environ.get("FSX_OPS", "600"))
MAXLEN = 300000

def run(path, model, seed):
    rnd = random.Random(seed)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    md = os.open(model, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    def check(what, off, n):
        a = os.pread(fd, n, off)
        b = os.pread(md, n, off)
        if a != b:
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            sys.exit("seed %d: %s: mismatch at %d (+%d), got %d bytes, want %d"
                     % (seed, what, off, i, len(a), len(b)))
    for step in range(OPS):
        size = os.fstat(md).st_size
        if os.fstat(fd).st_size != size:
            sys.exit("seed %d step %d: size %d, model %d" % (seed, step, os.fstat(fd).st_size, size))
        op = rnd.choice("wwwrrtmfa")
        off = rnd.randrange(0, MAXLEN)
        n = rnd.choice((1, 17, 4095, 4096, 4097, rnd.randrange(1, 20000)))
        if op == "w":
            data = rnd.randbytes(n)
            os.pwrite(fd, data, off)
            os.pwrite(md, data, off)
        elif op == "a":
            data = rnd.randbytes(n)
            os.lseek(fd, 0, os.SEEK_END); os.write(fd, data)
            os.lseek(md, 0, os.SEEK_END); os.write(md, data)
        elif op == "r":
            check("read step %d" % step, off if size == 0 else off % (size + 1), n)
        elif op == "t":
            ns = rnd.randrange(0, MAXLEN)
            os.ftruncate(fd, ns)
            os.ftruncate(md, ns)
        elif op == "m" and size > 0:
            o = rnd.randrange(0, size)
            k = min(n, size - o)
            data = rnd.randbytes(k)
            m = mmap.mmap(fd, size)
            m[o:o + k] = data
            if rnd.random() < 0.5:
                m.flush()
            m.close()
            os.pwrite(md, data, o)
        elif op == "f":
            os.fsync(fd)
    check("final", 0, os.fstat(md).st_size + 10)
    os.close(fd)
    os.close(md)

def verify(path, model):
    a = open(path, "rb").read()
    b = open(model, "rb").read()
    if a != b:
        sys.exit("%s differs from its model (%d vs %d bytes)" % (path, len(a), len(b)))

mode, base, models = sys.argv[1], sys.argv[2], sys.argv[3]
seeds = [int(s) for s in sys.argv[4:]]
if mode == "verify":
    for s in seeds:
        verify("%s/f%d" % (base, s), "%s/f%d" % (models, s))
    sys.exit(0)
ps = [Process(target=run, args=("%s/f%d" % (base, s), "%s/f%d" % (models, s), s)) for s in seeds]
for p in ps: p.start()
for p in ps: p.join()
bad = [p.exitcode for p in ps if p.exitcode]
sys.exit(1 if bad else 0)
EOF

rseed=$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')
rig_log "random seed $rseed"
seeds1="1"
seeds4="2 3 4 $rseed"
/usr/bin/python3 "$W/fsx.py" run "$U/files" "$L/models" $seeds1 || rig_fail "1 process, seed 1"
/usr/bin/python3 "$W/fsx.py" run "$U/files" "$L/models" $seeds4 || rig_fail "4 processes, seeds $seeds4"
/usr/bin/python3 "$W/fsx.py" verify "$U/files" "$L/models" $seeds1 $seeds4 || rig_fail "verify"

if [ "$(cat /sys/module/ecryptfs/parameters/force_async 2>/dev/null)" = Y ]; then
	# The data path really went through an asynchronous driver.
	grep -q '^driver *: cryptd(cbc(aes-generic))' /proc/crypto ||
		rig_fail "force_async=1 but no cryptd instance in /proc/crypto"
	rig_log "data path ran on cryptd(cbc(aes-generic))"
fi

umount "$U"
mount -i -t ecryptfs -o "$opts" "$L" "$U"
/usr/bin/python3 "$W/fsx.py" verify "$U/files" "$L/models" $seeds1 $seeds4 ||
	rig_fail "verify after remount"
echo 3 > /proc/sys/vm/drop_caches
/usr/bin/python3 "$W/fsx.py" verify "$U/files" "$L/models" $seeds1 $seeds4 ||
	rig_fail "verify after drop_caches"

# Concurrent readers and one writer of a single file.
/usr/bin/python3 - "$U/files/shared" <<'EOF' || rig_fail "concurrent readers and a writer"
import os, sys
from multiprocessing import Process
path = sys.argv[1]
blk = 4096 * 3 + 11
open(path, "wb").write(bytes(blk * 64))
def writer():
    fd = os.open(path, os.O_WRONLY)
    for r in range(1, 6):
        for i in range(64):
            os.pwrite(fd, bytes([r]) * blk, i * blk)
    os.close(fd)
def reader():
    fd = os.open(path, os.O_RDONLY)
    for _ in range(200):
        i = os.getpid() % 64
        d = os.pread(fd, blk, i * blk)
        if len(d) != blk: sys.exit(3)
        # A block is written with one pwrite; pages may be mixed while
        # it is in flight, but every byte is one of the round values.
        if any(b > 5 for b in d): sys.exit(2)
    os.close(fd)
ps = [Process(target=writer)] + [Process(target=reader) for _ in range(3)]
for p in ps: p.start()
for p in ps: p.join()
if any(p.exitcode for p in ps): sys.exit(1)
if open(path, "rb").read() != bytes([5]) * (blk * 64): sys.exit(4)
EOF
umount "$U"
umount "$L"
if [ "$RIG_MODULE" = ours ]; then
	rmmod ecryptfs || rig_fail "rmmod failed"
	dmesg > "$W/dmesg"
	if grep -q "still has objects" "$W/dmesg"; then rig_fail "objects leaked"; fi
fi
rig_log "ok: seeds 1 and $seeds4, $(( ${FSX_OPS:-600} * 5 )) operations"
