# rig: kernels=6.1,6.12 modules=upstream
# Hardening of mount.ecryptfs and umount.ecryptfs (issue 15):
#  - the mount point or lower directory swapped for a symlink while the
#    helper waits for the passphrase never redirects the mount;
#  - a passphrase file or ~/.ecryptfsrc that is a FIFO fails at once;
#  - passwd= of a key-module key is warned about like passphrase_passwd=,
#    group/world-readable passphrase, key and rc files are warned about;
#  - the helper is not dumpable and has no core size while it runs;
#  - umount.ecryptfs works with 400 other mounts (mountinfo > 40 KiB) and
#    unmounts without following a symlink.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
if ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	[ -c /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
fi
# Lower and decoy directories on one tmpfs, so they can be renamed.
mkdir fs upper victim
mount -t tmpfs tmpfs fs
mkdir fs/lower fs/decoy

echo decoy-data > fs/decoy/keep
printf 'passphrase_passwd=foo\n' > pwfile
chmod 600 pwfile

# typed_mount SWAP: mount on a pty; once the passphrase prompt is up (the
# directories were checked), run SWAP, then type the passphrase.
typed_mount() {
	: > transcript
	( for _ in $(seq 150); do grep -q "Passphrase" transcript 2>/dev/null && break; sleep 0.2; done
	  hp=$(pgrep -x mount.ecryptfs | head -1)
	  if [ -n "$hp" ]; then
		grep "Max core file size" "/proc/$hp/limits" | awk '{print $5, $6}' > "$RIG_WORK/limits"
	  fi
	  eval "$1"
	  printf 'foo\n'; sleep 1 ) |
		script -qec "mount -t ecryptfs $RIG_WORK/fs/lower $RIG_WORK/upper -o key=passphrase,$opts" /dev/null > transcript
}

# 1. The mount point swapped for a symlink while the helper waits.
rc=0
typed_mount "mv $RIG_WORK/upper $RIG_WORK/upper.real && ln -s $RIG_WORK/victim $RIG_WORK/upper" || rc=$?
tr -d '\r' < transcript
grep -q " $RIG_WORK/victim " /proc/self/mountinfo && rig_fail "mounted through the swapped-in symlink"
if [ "$rc" = 0 ]; then
	grep -q " $RIG_WORK/upper.real .* - ecryptfs " /proc/self/mountinfo ||
		rig_fail "mounted, but not on the directory that was checked"
	umount "$RIG_WORK/upper.real"
fi
rig_expect_eq "core size limits of the waiting helper" "0 0" "$(cat limits)"
rm -f upper; mv upper.real upper
rig_expect_eq "keys after the swapped mount point" 0 "$(nkeys)"

# 2. The lower directory swapped for a symlink to another directory.
rc=0
typed_mount "mv $RIG_WORK/fs/lower $RIG_WORK/fs/lower.real && ln -s decoy $RIG_WORK/fs/lower" || rc=$?
tr -d '\r' < transcript
if grep " - ecryptfs " /proc/self/mountinfo | grep -q " $RIG_WORK/upper "; then
	ls upper
	[ -e upper/keep ] && rig_fail "mounted the swapped-in lower directory"
	umount upper
fi
rig_expect_eq "exit status with a swapped lower directory" 32 "$rc"
grep -q "lower directory $RIG_WORK/fs/lower changed while mounting" transcript ||
	rig_fail "no clear message for a swapped lower directory"
rig_expect_eq "keys after the swapped lower directory" 0 "$(nkeys)"
rm fs/lower; mv fs/lower.real fs/lower

# 3. FIFOs as passphrase file and rc file: refused at once, not hung.
mkfifo fifo
rc=0
timeout 60 mount -t ecryptfs fs/lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/fifo,$opts" </dev/null 2>err || rc=$?
cat err
rig_expect_eq "exit status with a FIFO passphrase file" 1 "$rc"
grep -q "cannot open passphrase file $RIG_WORK/fifo: not a regular file" err || rig_fail "unclear message for a FIFO"
ln -s "$RIG_WORK/fifo" /root/.ecryptfsrc
rc=0
timeout 60 mount -t ecryptfs fs/lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,$opts" </dev/null 2>err || rc=$?
cat err
rig_expect_eq "exit status with a FIFO ~/.ecryptfsrc" 1 "$rc"
grep -q "cannot read /root/.ecryptfsrc: not a regular file" err || rig_fail "unclear message for a FIFO rc file"
rm /root/.ecryptfsrc

# 4. Warnings: readable passphrase and rc files, passwd= on the command line.
chmod 644 pwfile
printf 'no_sig_cache\n' > /root/.ecryptfsrc
chmod 644 /root/.ecryptfsrc
mount -t ecryptfs fs/lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,$opts" </dev/null 2>err
cat err
grep -q "WARNING: passphrase file $RIG_WORK/pwfile is readable by group or others (mode 0644)" err ||
	rig_fail "no warning for a readable passphrase file"
grep -q "WARNING: option file /root/.ecryptfsrc is readable by group or others" err ||
	rig_fail "no warning for a readable rc file"
umount upper
rm /root/.ecryptfsrc
chmod 600 pwfile

# 5. umount.ecryptfs among 400 mounts; keys unlinked; no symlink followed.
mkdir many
mount -t tmpfs -o size=64k tmpfs many
# One process for the 400 mounts: a mount(8) each is minutes under TCG.
python3 - "$RIG_WORK/many" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for i in range(400):
    d = "%s/a-mount-point-of-a-typical-length-%03d" % (sys.argv[1], i)
    os.mkdir(d)
    if libc.mount(b"tmpfs", d.encode(), b"tmpfs", 0, b"size=4k") != 0:
        raise OSError(ctypes.get_errno(), d)
PY
size=$(wc -c < /proc/self/mountinfo)
rig_log "mountinfo with 400 extra mounts: $size bytes"
[ "$size" -gt 40960 ] || rig_fail "mountinfo not over 40 KiB ($size)"
mount -t ecryptfs fs/lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,$opts" </dev/null
rig_expect_eq "keys while mounted" 1 "$(nkeys)"
umount upper 2>err || { cat err; rig_fail "umount failed with 400 mounts"; }
rig_expect_eq "keys after umount among 400 mounts" 0 "$(nkeys)"
umount -R many

# 6. Key-module keys: passwd= on the command line and a readable key file
# are warned about (before the helper finds no daemon and refuses).
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/enc.pem" --bits 2048 passwd=cmdline-pw > gout 2> gerr
cat gerr
grep -q "WARNING: a passphrase given with passwd= on the command line" gerr ||
	rig_fail "ecryptfs-generate-key: no warning for passwd="
chmod 644 enc.pem
if mount -t ecryptfs fs/lower upper -o "key=openssl:keyfile=$RIG_WORK/enc.pem:passwd=cmdline-pw,$opts" </dev/null 2>err; then
	rig_fail "mounted a key-module key without a daemon"
fi
cat err
grep -q "WARNING: a passphrase given with passwd= or openssl_passwd= on the command line" err ||
	rig_fail "no warning for a key-module passwd="
grep -q "WARNING: key file $RIG_WORK/enc.pem is readable by group or others" err ||
	rig_fail "no warning for a readable key file"
rig_expect_eq "keys after the refused key-module mount" 0 "$(nkeys)"
