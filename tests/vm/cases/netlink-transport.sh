# rig: kernels=6.1,6.12 modules=ours
# The generic netlink transport (proto section 13) end to end on our module:
#   1. ecryptfsd --transport=netlink registers; a second daemon of the same
#      user (netlink or /dev/ecryptfs) is refused clearly; rmmod is refused
#      while it is attached;
#   2. the public-key flow over netlink: mount key=openssl, write, remount,
#      restart the daemon in a network namespace of its own (as the system
#      unit's PrivateNetwork=yes runs it), read back; tag 1 packets in the
#      lower files;
#   3. --transport=auto: netlink when /dev/ecryptfs cannot be opened,
#      miscdev when it can;
#   4. two users, one on /dev/ecryptfs and one on netlink (played by
#      tests/vm/ecfs_genl.py): each user's request reaches only that user's
#      daemon; responses forged by the other user's sockets, stale counters
#      and replays are refused; a closing socket fails its request at once;
#   5. a hostile client sends malformed genl messages for a fixed time while
#      root's netlink daemon serves creates and reads: every message refused,
#      no WARN, the daemon keeps working.
. "$RIG_SRC/tests/vm/lib.sh"
rig_reload_ecryptfs ecryptfs_message_wait_timeout=30
export HOME=/root
genl() { python3 "$RIG_SRC/tests/vm/ecfs_genl.py" "$@"; }
now_ms() { date +%s%3N; }
start_daemon() {	# start_daemon TRANSPORT [WRAPPER...]: root's daemon, start-up line in start.log
	local tr=$1
	shift
	rm -f /run/ecryptfsd.pid
	"$@" ecryptfsd --transport="$tr" -p /run/ecryptfsd.pid 2>start.log || { cat start.log; rig_fail "ecryptfsd --transport=$tr failed"; }
	for _ in $(seq 100); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
	kill -0 "$(cat /run/ecryptfsd.pid)" || rig_fail "ecryptfsd did not start"
	cat start.log
}
stop_daemon() {
	local pid
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not exit on SIGTERM"
}
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
id ecfsuser >/dev/null 2>&1 || useradd -M -N -g ecryptfs ecfsuser
buid=$(id -u ecfsuser)
bgid=$(getent group ecryptfs | cut -d: -f3)

# 1. Registration, one daemon per user over both transports, rmmod.
rc=0
ecryptfsd --transport=carrier-pigeon -f 2>err || rc=$?
cat err
[ "$rc" -ne 0 ] || rig_fail "bad --transport accepted"
grep -q "must be miscdev, netlink or auto" err || rig_fail "unclear message for a bad --transport"
start_daemon netlink
grep -q "serving requests over netlink (--transport=netlink)" start.log || rig_fail "no start-up line naming netlink"
rc=0
ecryptfsd --transport=netlink -f 2>err || rc=$?
cat err
rig_expect_eq "exit status of a second netlink daemon" 3 "$rc"
grep -q "another ecryptfsd (netlink or /dev/ecryptfs) already serves user 0" err || rig_fail "unclear message for a second netlink daemon"
rc=0
ecryptfsd --transport=miscdev -f 2>err || rc=$?
cat err
rig_expect_eq "exit status of a miscdev daemon next to the netlink one" 3 "$rc"
grep -q "another ecryptfsd already serves user 0" err || rig_fail "unclear message for a miscdev daemon of the same user"
if rmmod ecryptfs 2>err; then rig_fail "rmmod succeeded with a netlink daemon attached"; fi
rig_log "rmmod with a netlink daemon attached: $(cat err)"

# 2. The public-key flow over netlink.
mkdir lower upper
mount -t tmpfs tmpfs lower
sig=$(ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 | sed -n 's/^Key signature: //p')
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
head -c 20000 /dev/urandom > plain
t0=$(now_ms)
for i in 1 2 3 4 5; do cp plain "upper/f$i"; done
echo hello > upper/small
rig_log "6 files created over netlink in $(( $(now_ms) - t0 )) ms"
umount upper
rig_expect_eq "first key packet tag" 01 "$(od -An -tx1 -j26 -N1 lower/f1 | tr -d ' ')"
od -An -tx1 -j26 -N16 lower/f1 | tr -d ' \n' | grep -q "$sig" || rig_fail "tag 1 packet does not name key $sig"
if cmp -s -n 4096 plain lower/f1; then rig_fail "lower file holds plaintext"; fi
stop_daemon
# Restarted in a network namespace of its own, as the system unit's
# PrivateNetwork=yes runs it: the family serves every namespace.
start_daemon netlink unshare --net
[ "$(readlink /proc/"$(cat /run/ecryptfsd.pid)"/ns/net)" != "$(readlink /proc/self/ns/net)" ] ||
	rig_fail "the daemon did not run in a network namespace of its own"
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
t0=$(now_ms)
for i in 1 2 3 4 5; do cmp plain "upper/f$i" || rig_fail "f$i reads back differently"; done
rig_expect_eq "small file" hello "$(cat upper/small)"
rig_log "5 files opened over netlink after a daemon restart (own network namespace) in $(( $(now_ms) - t0 )) ms"
umount upper
stop_daemon

# 3. auto: netlink when the device cannot be opened, miscdev otherwise.
mv /dev/ecryptfs /dev/ecryptfs.off
start_daemon auto
grep -q "serving requests over netlink (--transport=auto)" start.log || rig_fail "auto did not fall back to netlink"
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
cmp plain upper/f2 || rig_fail "f2 through the auto/netlink daemon"
umount upper
stop_daemon
mv /dev/ecryptfs.off /dev/ecryptfs
start_daemon auto
grep -q "serving requests over miscdev (--transport=auto)" start.log || rig_fail "auto did not use /dev/ecryptfs"

# 4. Two users: root's mount stays; B's real daemon holds /dev/ecryptfs.
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
chmod 1777 upper
stop_daemon
setpriv --reuid=ecfsuser --regid=ecryptfs --clear-groups ecryptfsd --transport=miscdev -f 2>b.log &
for _ in $(seq 50); do grep -q "serving requests over miscdev" b.log && break; sleep 0.1; done
grep -q "serving requests over miscdev" b.log || { cat b.log; rig_fail "B's miscdev daemon did not start"; }
genl routing --mnt "$RIG_WORK/upper" --uid "$buid" --gid "$bgid" --sig "$sig" || rig_fail "routing expectations failed"
wait || true
[ -e upper/routed ] && [ -s upper/routed ] && rig_fail "a file answered by an error reply has content"

# 5. Hostile client (as B, on netlink) while root's netlink daemon serves.
start_daemon netlink
genl hostile --seconds 10 --uid "$buid" > hostile.log 2>&1 &
hpid=$!
n=0
while kill -0 "$hpid" 2>/dev/null; do
	n=$((n + 1))
	cp plain "upper/h$n"
	cmp plain "upper/h$n" || rig_fail "h$n reads back differently during the hostile run"
done
rc=0
wait "$hpid" || rc=$?
cat hostile.log
rig_expect_eq "hostile client's expectations" 0 "$rc"
grep -q "malformed messages refused" hostile.log || rig_fail "hostile client did not run"
rig_log "$n files created and read back over netlink during the hostile run"
kill -0 "$(cat /run/ecryptfsd.pid)" || rig_fail "ecryptfsd died during the hostile run"
umount upper
echo 3 > /proc/sys/vm/drop_caches
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null
cmp plain "upper/h$n" || rig_fail "h$n after a remount"
umount upper
stop_daemon
rig_expect_eq "module references with no daemon and no mount" 0 "$(cat /sys/module/ecryptfs/refcnt)"
