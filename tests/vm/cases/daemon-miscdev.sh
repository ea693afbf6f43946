# rig: kernels=6.1,6.12 modules=ours
# Our module's /dev/ecryptfs beyond upstream's behaviour, in one boot:
#   1. version 375, version_str by name; rmmod refused with a daemon attached;
#   2. Debian's ecryptfsd registers on our device, answers an unknown key
#      with an error (EIO at once), QUITs on SIGTERM, and ours then registers;
#   3. 200 creates in parallel on a public-key mount (more than the 32
#      contexts), all readable after a remount;
#   4. the daemon killed during 200 parallel creates: every caller fails
#      within a second or two (not the 20 s timeout), no file is left that
#      does not read back whole, a restarted daemon serves at once;
#      3 and 4 again over generic netlink with 100 files;
#   5. a second user's client, registered before root's request is made,
#      receives nothing of root's and forges replies for it; a second
#      opener of root's euid: refused, root's request unharmed;
#   6. a hostile client writing malformed frames for a fixed time while
#      root's daemon serves creates: every frame refused, no WARN.
. "$RIG_SRC/tests/vm/lib.sh"
rig_reload_ecryptfs ecryptfs_message_wait_timeout=20
export HOME=/root
# Milliseconds from bash itself: 200 subshells must not each exec date.
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
start_daemon() {	# start_daemon [TRANSPORT]
	rm -f /run/ecryptfsd.pid
	ecryptfsd --transport="${1:-auto}" -p /run/ecryptfsd.pid
	for _ in $(seq 100); do [ -s /run/ecryptfsd.pid ] && return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not start"
}
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
mnt() { mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null; }
H="$RIG_SRC/tests/vm/miscdev-client.py"

# 1. What the module says about itself.
rig_expect_eq "version" 375 "$(cat /sys/fs/ecryptfs/version)"
grep -qx pubkey /sys/fs/ecryptfs/version_str || rig_fail "version_str lacks pubkey"
grep -qx "messaging through /dev/ecryptfs" /sys/fs/ecryptfs/version_str ||
	rig_fail "version_str lacks messaging"
[ -c /dev/ecryptfs ] || rig_fail "/dev/ecryptfs missing"

mkdir lower upper
mount -t tmpfs tmpfs lower
# 2048 bits: every open below is an RSA private-key operation under TCG.
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 > /dev/null

# 2. Upstream's daemon on our device.
deb=$(rig_debian ecryptfsd)
"$deb" -f > deb.log 2>&1 &
dpid=$!
for _ in $(seq 50); do
	grep -q ' ecryptfsd$\|ecryptfsd' /proc/$dpid/comm 2>/dev/null && [ -n "$(ls -l /proc/$dpid/fd 2>/dev/null | grep ecryptfs)" ] && break
	sleep 0.1
done
ls -l /proc/$dpid/fd | grep -q /dev/ecryptfs || { cat deb.log; rig_fail "Debian's ecryptfsd did not open /dev/ecryptfs"; }
if rmmod ecryptfs 2>err; then rig_fail "rmmod succeeded with a daemon attached"; fi
rc=0
ecryptfsd -f 2>err || rc=$?
rig_expect_eq "our daemon next to Debian's (same euid)" 3 "$rc"
grep -q "another ecryptfsd already serves user 0" err || rig_fail "unclear message: $(cat err)"
# Our token names our key module; Debian's daemon cannot use it and must say so.
mnt
t0=$(now_ms)
if ( echo x > upper/deb ) 2>err; then rig_fail "Debian's daemon wrapped a key for our key module"; fi
dt=$(( $(now_ms) - t0 ))
rig_log "create answered by Debian's daemon with an error in $dt ms: $(cat err)"
[ "$dt" -lt 10000 ] || rig_fail "Debian's daemon did not answer (took $dt ms, timeout 20 s)"
[ -e lower/deb ] && rig_fail "failed create left a lower file"
kill -TERM "$dpid"
wait "$dpid" || true
umount upper

# 3 and 4, on TRANSPORT with N files and directories named PREFIX*:
# N parallel creates, more than the context pool, all readable after a
# remount; then the daemon killed in the middle of N parallel creates.
# One directory each: the VFS holds the upper directory locked during a
# create, so creates in one directory take turns whatever the module
# does.  The writers are subshells (no exec); one process reads
# everything back.
parallel_pass() {	# parallel_pass TRANSPORT N PREFIX
	local tr=$1 n=$2 p=$3 i j t0 fails dpid tk tdone failed worst rc ts te from nlower
	start_daemon "$tr"
	mnt
	(cd upper && mkdir $(printf "${p}p%d " $(seq "$n")) $(printf "${p}k%d " $(seq "$n")))
	t0=$(now_ms)
	for i in $(seq "$n"); do
		printf '%s\n%s\n' "$seedtext" "$i" > "upper/${p}p$i/f" &
	done
	fails=0
	for j in $(jobs -p); do wait "$j" || fails=$((fails + 1)); done
	rig_log "$tr: $n parallel creates in $(( $(now_ms) - t0 )) ms"
	rig_expect_eq "failed parallel creates ($tr)" 0 "$fails"
	umount upper
	mnt
	# Byte for byte, by 8 readers at once (each open is an unwrap).
	python3 "$H" verify seed "upper/${p}p%d/f" "$n" || rig_fail "files of the parallel creates ($tr) do not read back"
	umount upper

	# Kill the daemon in the middle of N parallel creates.
	mnt
	rm -rf "$RIG_WORK/st"
	mkdir -p "$RIG_WORK/st"
	dpid=$(cat /run/ecryptfsd.pid)
	# Times in microseconds from bash itself (no fork, no exec per caller).
	for i in $(seq "$n"); do
		( ts=${EPOCHREALTIME/./}; rc=0
		  { printf '%s\n%s\n' "$seedtext" "$i" > "upper/${p}k$i/f"; } 2>/dev/null || rc=$?
		  echo "$rc $ts ${EPOCHREALTIME/./}" > "$RIG_WORK/st/$i" ) &
		# Half of them are under way when the daemon dies.
		if [ "$i" = $((n / 2)) ]; then
			kill -KILL "$dpid"
			tk=${EPOCHREALTIME/./}
		fi
	done
	for j in $(jobs -p); do wait "$j" || true; done
	tdone=${EPOCHREALTIME/./}
	# How long each failed caller waited after the daemon was gone: from
	# the kill, or from its own start if it started later.
	failed=0 worst=0
	for i in $(seq "$n"); do
		read -r rc ts te < "$RIG_WORK/st/$i"
		[ "$rc" = 0 ] && continue
		failed=$((failed + 1))
		from=$tk
		[ "$ts" -gt "$tk" ] && from=$ts
		[ $(( te - from )) -gt "$worst" ] && worst=$(( te - from ))
	done
	worst=$(( worst / 1000 ))
	rig_log "$tr: daemon killed: $failed of $n creates failed, each within $worst ms of the daemon's death (timeout 20 s); all done $(( (tdone - tk) / 1000 )) ms after the kill"
	[ "$failed" -gt 0 ] || rig_fail "killing the $tr daemon failed no create"
	[ "$worst" -lt 2500 ] || rig_fail "a caller failed $worst ms after the $tr daemon died"
	# A failed create leaves no lower file behind.
	nlower=$(find lower -mindepth 2 -path "lower/${p}k*" -type f | wc -l)
	rig_expect_eq "lower files of the k creates ($tr)" $((n - failed)) "$nlower"
	start_daemon "$tr"
	t0=$(now_ms)
	echo after > "upper/${p}after"
	rig_log "$tr: first create after the restart took $(( $(now_ms) - t0 )) ms"
	umount upper
	mnt
	# Every file that exists reads back whole: nothing half-written.
	python3 "$H" verify seed "upper/${p}k%d/f" "$n" missing-ok || rig_fail "a file of the killed $tr run reads back damaged"
	rig_expect_eq "file created after the restart ($tr)" after "$(cat "upper/${p}after")"
	umount upper
	rig_stop_daemon
}
head -c 2000 /dev/urandom > seed
seedtext=$(base64 -w0 seed)
printf '%s\n' "$seedtext" > seed
parallel_pass miscdev 200 ""
# The same over generic netlink, with fewer files (still more than the
# pool): the kernel side differs only in how requests leave and replies
# come back.
parallel_pass netlink 100 n

# 5. Forged replies: root's request is held by a client that answers late.
# (mount.ecryptfs wants a running ecryptfsd: mount first, then swap.)
start_daemon
mnt
rig_stop_daemon
id ecfsuser >/dev/null 2>&1 || useradd -M -N -g ecryptfs ecfsuser
chgrp ecryptfs /dev/ecryptfs
chmod 0660 /dev/ecryptfs
# The holder answers 12 s after taking the request (the timeout is 20 s):
# both checks below must run while it is registered and the request
# pending, and each starts a Python under TCG.
python3 "$H" holder "$RIG_WORK/req" 12 > holder.log 2>&1 &
hpid=$!
# Another user's daemon, registered before root's request is made: the
# request must reach root's holder only, and its forged replies fail.
setpriv --reuid=ecfsuser --regid=ecryptfs --clear-groups python3 "$H" forge "$RIG_WORK/req" > forge.log 2>&1 &
fpid=$!
for _ in $(seq 300); do ls -l /proc/$hpid/fd 2>/dev/null | grep -q /dev/ecryptfs && break; sleep 0.1; done
for _ in $(seq 300); do grep -q registered forge.log && break; sleep 0.1; done
grep -q registered forge.log || { cat forge.log; rig_fail "the other user's client did not register"; }
# (the refusal is expected: "|| exit" keeps the case's ERR trap out of it)
( echo forged > upper/forged || exit 1 ) 2> forged.err &
cpid=$!
for _ in $(seq 300); do [ -s "$RIG_WORK/req" ] && break; sleep 0.1; done
[ -s "$RIG_WORK/req" ] || { cat holder.log; rig_fail "holder saw no request"; }
# A second opener with root's euid is refused as upstream does it.
python3 "$H" second-open || rig_fail "second open by the same euid was not refused with EINVAL"
# Another user's daemon saw nothing and cannot answer root's request,
# whatever it guesses.
wait "$fpid" || { cat forge.log; rig_fail "the other user's daemon received root's request or a forged reply was accepted"; }
cat forge.log
wait "$cpid" && rig_fail "create succeeded: the holder only sends an error reply"
cat forged.err
wait "$hpid" || { cat holder.log; rig_fail "holder: $(tail -n1 holder.log)"; }
cat holder.log
[ -e lower/forged ] && rig_fail "refused create left a lower file"
umount upper

# 6. A hostile client (another user) writes malformed frames for 8 s while
# root's daemon serves creates.
start_daemon
mnt
setpriv --reuid=ecfsuser --regid=ecryptfs --clear-groups python3 "$H" hostile 8 > hostile.log 2>&1 &
xpid=$!
n=0
t0=$(now_ms)
while [ $(( $(now_ms) - t0 )) -lt 8000 ]; do
	n=$((n + 1))
	echo "$n" > "upper/h$n" || rig_fail "create $n failed during the hostile client's run"
done
wait "$xpid" || { cat hostile.log; rig_fail "hostile client: a bad frame was accepted"; }
cat hostile.log
rig_log "$n creates served during the hostile run"
umount upper
mnt
rig_expect_eq "last file during the hostile run" "$n" "$(cat "upper/h$n")"
umount upper
rig_stop_daemon
rmmod ecryptfs || rig_fail "rmmod failed after the daemon left"
rig_load_ecryptfs
