# rig: kernels=6.1,6.12 modules=upstream
# A passphrase-protected PEM key without any passphrase file: mount.ecryptfs
# asks on the terminal (a pty driven through script), or takes passwd_fd= /
# passwd=, and hands the passphrase to root's ecryptfsd over its socket
# (/run/ecryptfsd.sock, SO_PEERCRED-checked); the daemon holds the unlocked
# key until the token leaves the keyring.  Checks: write/read, a wrong
# passphrase refused clearly (nothing mounted, nothing in the keyring), the
# passphrase in no keyring payload, no file and no transcript, the held key
# dropped at umount and gone with a daemon restart, and another user unable
# to talk to root's socket.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
PASS='pty horse 42'
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
if ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	[ -c /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
fi
mkdir lower upper
mount -t tmpfs tmpfs lower
printf 'openssl_passwd=%s\n' "$PASS" > pwtmp
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/enc.pem" --bits 2048 --passwd-file "$RIG_WORK/pwtmp" > gen
rm pwtmp
sig=$(sed -n 's/^Key signature: //p' gen)
grep -q ENCRYPTED enc.pem || rig_fail "key file not encrypted"

start_daemon() {
	ecryptfsd -f -p /run/ecryptfsd.pid 2>>dlog &
	for _ in $(seq 50); do [ -S /run/ecryptfsd.sock ] && [ -s /run/ecryptfsd.pid ] && return 0; sleep 0.1; done
	cat dlog
	rig_fail "ecryptfsd did not start or has no socket"
}
start_daemon
rig_expect_eq "socket owner and mode" "0 600" "$(stat -c '%u %a' /run/ecryptfsd.sock)"

# typed_mount ANSWER: mount on a pty, typing ANSWER once the prompt is up.
typed_mount() {
	: > transcript
	( for _ in $(seq 100); do grep -q "Passphrase for the key in" transcript 2>/dev/null && break; sleep 0.2; done
	  printf '%s\n' "$1"; sleep 1 ) |
		script -qec "mount -t ecryptfs $RIG_WORK/lower $RIG_WORK/upper -o key=openssl:keyfile=$RIG_WORK/enc.pem,$opts" /dev/null > transcript
}

# 1. Typed on a terminal: mount, write, read.
typed_mount "$PASS" || { tr -d '\r' < transcript; cat dlog; rig_fail "typed mount failed"; }
tr -d '\r' < transcript
grep -q "Passphrase for the key in $RIG_WORK/enc.pem: " transcript || rig_fail "no prompt"
grep -qF "$PASS" transcript && rig_fail "passphrase echoed"
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted on $sig"
grep -q "holding the unlocked key $sig" dlog || { cat dlog; rig_fail "daemon holds no key"; }
head -c 30000 /dev/urandom > plain
cp plain upper/f
echo small > upper/s
echo 3 > /proc/sys/vm/drop_caches
cmp plain upper/f || rig_fail "reads back differently"
rig_expect_eq "first key packet tag" 01 "$(od -An -tx1 -j26 -N1 lower/f | tr -d ' ')"

# 2. The passphrase is nowhere: not in the token, not in any file.
keyctl pipe "%user:$sig" > token
grep -qF "$PASS" token && rig_fail "passphrase in the keyring payload"
grep -q "enc.pem" token || rig_fail "token does not name the key file"
for d in /run /root /tmp /var/tmp /etc "$RIG_WORK"; do
	if grep -rlsF --exclude=transcript --exclude-dir=rig "$PASS" "$d" 2>/dev/null > found; then
		cat found
		rig_fail "passphrase found on disk under $d"
	fi
done
grep -qF "$PASS" "/proc/$(cat /run/ecryptfsd.pid)/cmdline" && rig_fail "passphrase on the daemon's command line"

# 3. umount unlinks the token; the daemon drops the held key.
umount upper
rig_expect_eq "keys after umount" 0 "$(nkeys)"
for _ in $(seq 50); do grep -q "dropped the unlocked key $sig" dlog && break; sleep 0.1; done
grep -q "dropped the unlocked key $sig" dlog || { cat dlog; rig_fail "held key not dropped"; }

# 4. A wrong passphrase typed: clear error, nothing mounted, nothing kept.
if typed_mount "wrong horse"; then rig_fail "mounted with a wrong passphrase"; fi
tr -d '\r' < transcript
grep -q "wrong passphrase" transcript || rig_fail "no clear message for a wrong passphrase"
grep -q " $RIG_WORK/upper " /proc/mounts && rig_fail "mounted anyway"
rig_expect_eq "keys after the wrong passphrase" 0 "$(nkeys)"
# No terminal and no passphrase: refused, not hung.
if mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/enc.pem,$opts" </dev/null 2>err; then
	rig_fail "mounted without a passphrase"
fi
cat err
grep -q "passphrase-protected and no passphrase" err || rig_fail "unclear message without a passphrase"
rig_expect_eq "keys after the refused mount" 0 "$(nkeys)"

# 5. passwd_fd= from a pipe (nothing on disk), then passwd=.
printf 'openssl_passwd=%s\n' "$PASS" | mount -t ecryptfs lower upper \
	-o "key=openssl:keyfile=$RIG_WORK/enc.pem:passwd_fd=0,$opts"
cmp plain upper/f || rig_fail "passwd_fd mount reads differently"
rig_expect_eq "small file" small "$(cat upper/s)"
umount upper
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/enc.pem:passwd=$PASS,$opts" </dev/null 2>err
grep " $RIG_WORK/upper " /proc/mounts | grep -qF "$PASS" && rig_fail "passphrase in /proc/mounts"
cmp plain upper/f || rig_fail "passwd= mount reads differently"

# 6. A restarted daemon holds nothing: the open fails (EIO), no plaintext.
rig_stop_daemon
start_daemon
echo 3 > /proc/sys/vm/drop_caches
if cat upper/f > got 2>err; then rig_fail "opened after the daemon lost the key"; fi
cat err
[ -s got ] && rig_fail "bytes read without the key"
umount upper
rig_expect_eq "keys after umount" 0 "$(nkeys)"

# 7. Another user cannot talk to root's socket: the file mode stops it, and
# with the mode opened up the daemon's SO_PEERCRED check does.
id ecfspem >/dev/null 2>&1 || useradd -M -N ecfspem
cat > ping.py <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
try:
    s.connect("/run/ecryptfsd.sock")
except OSError as e:
    print("connect: %s" % e.strerror)
    sys.exit(2)
s.send(b"ECHO\x01\x01\x00\x00\x00\x00\x00\x00")
r = s.recv(64)
st = struct.unpack(">I", r[12:16])[0] if len(r) == 16 else -1
print("status %d" % st)
sys.exit(0 if st == 0 else 3)
EOF
rig_expect_eq "root's ping" "status 0" "$(python3 ping.py)"
rc=0
out=$(setpriv --reuid=ecfspem --regid=nogroup --clear-groups python3 ping.py) || rc=$?
echo "$out"
rig_expect_eq "other user, socket mode 0600" "2 connect: Permission denied" "$rc $out"
chmod 0666 /run/ecryptfsd.sock
rc=0
out=$(setpriv --reuid=ecfspem --regid=nogroup --clear-groups python3 ping.py) || rc=$?
chmod 0600 /run/ecryptfsd.sock
rig_expect_eq "other user, SO_PEERCRED" "3 status 1" "$rc $out"
grep -q "refused a connection from uid $(id -u ecfspem)" dlog || { cat dlog; rig_fail "no log of the refusal"; }
rig_stop_daemon
[ -e /run/ecryptfsd.sock ] && rig_fail "socket left behind"
sed 's/WARNING:/Warning:/' dlog
rig_expect_eq "keys at the end" 0 "$(nkeys)"
