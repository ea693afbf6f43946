# rig: kernels=6.1,6.12 modules=upstream
# Public-key mode against the kernel's real /dev/ecryptfs messaging: our
# ecryptfsd and OpenSSL key module serve tag 66 (wrap, on create) and tag
# 64 (unwrap, on open).  Covers: mount refused without a daemon (nothing
# left in the keyring), one daemon per user, write / remount / read back
# across a daemon restart, the tag 1 packet in the lower file naming the
# key, a corrupted tag 1 packet and a daemon that stopped failing with EIO
# at once (not after the kernel's 3 s timeout), a wrong key never giving
# plaintext, and a second daemon of another user next to root's.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
[ -c /dev/ecryptfs ] || rig_fail "/dev/ecryptfs missing: kernel without messaging?"
[ "$(command -v ecryptfsd)" = /usr/sbin/ecryptfsd ] || rig_fail "staged ecryptfsd not found"
[ -f /usr/lib/ecryptfs/keymods/libecfs-keymod-openssl.so ] || rig_fail "openssl key module not installed"
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
now_ms() { date +%s%3N; }
daemon_pid() { cat /run/ecryptfsd.pid; }

mkdir lower upper lower2 upper2
mount -t tmpfs tmpfs lower
mount -t tmpfs tmpfs lower2

t0=$(now_ms)
out=$(ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem")
echo "$out"
rig_log "RSA-3072 key generated in $(( $(now_ms) - t0 )) ms"
sig=$(echo "$out" | sed -n 's/^Key signature: //p')
[ "$(stat -c %a key.pem)" = 600 ] || rig_fail "key file is not 0600"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key2.pem" --bits 2048 > out2
sig2=$(sed -n 's/^Key signature: //p' out2)
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"

# 1. No daemon: the helper refuses, nothing mounted, nothing in the keyring.
if mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null 2>err; then
	rig_fail "mounted without a daemon"
fi
cat err
grep -q "needs ecryptfsd running" err || rig_fail "no clear message without a daemon"
grep -q " $RIG_WORK/upper " /proc/mounts && rig_fail "mounted anyway"
rig_expect_eq "keys after the refused mount" 0 "$(nkeys)"

# 2. Start the daemon; a second one for the same user is refused clearly.
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
kill -0 "$(daemon_pid)" || rig_fail "ecryptfsd did not start"
rc=0
ecryptfsd -f 2>err || rc=$?
cat err
rig_expect_eq "exit status of a second daemon" 3 "$rc"
grep -q "another ecryptfsd already serves user 0" err || rig_fail "unclear message for a second daemon"

# 3. Mount, write, check the lower files.
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted with $sig"
keyctl rdescribe "%user:$sig" | grep -q '^user;0;0;3f3f0000;' || rig_fail "token not owner-only"
keyctl pipe "%user:$sig" > token
rig_expect_eq "token type (PRIVATE_KEY)" "0400 0100" "$(od -An -tx1 -N4 token | tr -d ' \n' | sed 's/^\(....\)\(....\)/\1 \2/')"
grep -q "key.pem" token || rig_fail "token does not name the key file"
head -c 20000 /dev/urandom > plain
t0=$(now_ms)
for i in 1 2 3 4 5; do cp plain "upper/f$i"; done
echo hello > upper/small
rig_log "5 files created (tag 66 via ecryptfsd) in $(( $(now_ms) - t0 )) ms"
cmp plain upper/f1
umount upper
rig_expect_eq "keys left after umount" 0 "$(nkeys)"
rig_expect_eq "plaintext size in the lower header" 20000 "$(rig_be64 lower/f1 0)"
# Header: size(8) marker(8) flags(4) extent size(4) extents(2), then the key packets.
rig_expect_eq "first key packet tag" 01 "$(od -An -tx1 -j26 -N1 lower/f1 | tr -d ' ')"
od -An -tx1 -j26 -N16 lower/f1 | tr -d ' \n' | grep -q "$sig" || rig_fail "tag 1 packet does not name key $sig"
if cmp -s -n 4096 plain lower/f1; then rig_fail "lower file holds plaintext"; fi

# 4. Restart the daemon, remount, read back (tag 64 via ecryptfsd).
rig_stop_daemon
[ -e /run/ecryptfsd.pid ] && rig_fail "pid file left behind"
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
t0=$(now_ms)
for i in 1 2 3 4 5; do cmp plain "upper/f$i" || rig_fail "f$i reads back differently"; done
rig_expect_eq "small file" hello "$(cat upper/small)"
rig_log "5 files opened (tag 64 via ecryptfsd) in $(( $(now_ms) - t0 )) ms"

# 5. A corrupted wrapped key: the daemon answers with an error, EIO at once.
cp lower/f1 lower/bad
printf '\377\377\377\377' | dd of=lower/bad bs=1 seek=60 conv=notrunc 2>/dev/null
echo 3 > /proc/sys/vm/drop_caches
t0=$(now_ms)
if cat upper/bad > /dev/null 2>err; then rig_fail "corrupted tag 1 packet opened"; fi
dt=$(( $(now_ms) - t0 ))
cat err
grep -q "Input/output error" err || rig_fail "corrupted key: not EIO"
rig_log "corrupted key refused in $dt ms"
[ "$dt" -lt 2500 ] || rig_fail "corrupted key took $dt ms: the daemon did not answer with an error"

# 6. Daemon gone: creating a file fails at once (the kernel has no daemon).
rig_stop_daemon
t0=$(now_ms)
if echo x > upper/nodaemon 2>err; then rig_fail "file created without a daemon"; fi
dt=$(( $(now_ms) - t0 ))
cat err
rig_log "create without a daemon refused in $dt ms"
[ "$dt" -lt 2500 ] || rig_fail "create without a daemon took $dt ms"
umount upper
rm -f lower/nodaemon lower/bad

# 7. A wrong key never yields plaintext: f1 under a mount of key2.
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
# (Copied in after mounting: the helper itself refuses a lower directory
# whose files it can see were written with another key.)
mount -t ecryptfs lower2 upper2 -o "key=openssl:keyfile=$RIG_WORK/key2.pem,$opts,ecryptfs_mount_auth_tok_only" </dev/null
grep " $RIG_WORK/upper2 ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig2" || rig_fail "key2 mount"
cp lower/f1 lower2/f1
t0=$(now_ms)
if cat upper2/f1 > got 2>err; then rig_fail "file of key 1 opened under key 2"; fi
rig_log "wrong key refused in $(( $(now_ms) - t0 )) ms: $(cat err)"
[ -s got ] && rig_fail "bytes read through the wrong key"
echo fresh > upper2/new
umount upper2
rm lower2/f1
mount -t ecryptfs lower2 upper2 -o "key=openssl:keyfile=$RIG_WORK/key2.pem,$opts" </dev/null
rig_expect_eq "file of key 2" fresh "$(cat upper2/new)"
umount upper2

# 8. Another user's daemon registers next to root's (one per euid).
id ecfsuser >/dev/null 2>&1 || useradd -M -N -g ecryptfs ecfsuser
setpriv --reuid=ecfsuser --regid=ecryptfs --clear-groups ecryptfsd -f 2>user.log &
upid=$!
sleep 1
kill -0 "$upid" || { cat user.log; rig_fail "user daemon did not start"; }
rc=0
setpriv --reuid=ecfsuser --regid=ecryptfs --clear-groups ecryptfsd -f 2>err || rc=$?
rig_expect_eq "second daemon of the same user" 3 "$rc"
kill -TERM "$upid"
wait "$upid" || rig_fail "user daemon did not exit cleanly"
cat user.log
rig_stop_daemon
rig_expect_eq "keys left at the end" 0 "$(nkeys)"
