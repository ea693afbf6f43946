# rig: kernels=6.1,6.12 modules=ours
# key=tspi with a TPM 1.2 emulated by swtpm in the guest, tcsd talking to it
# over TCP (private-dir-and-tokens.md §5): ownership taken through tcsd with
# the well-known secrets, keys made by our ecryptfs-generate-tpm-key (one
# bound to PCRs 0 and 7) and by Debian's; mount, write, remount, read through our
# ecryptfsd; no secret and only the UUID in the keyring payload; an unknown
# UUID and a stopped tcsd refused with clear messages, nothing mounted or
# kept; a hung tcsd (SIGSTOP) fails an open within ECFS_TSPI_TIMEOUT, not
# forever, and once it runs again the file reads without a remount; then
# Debian's ecryptfsd, mount.ecryptfs and libecryptfs_key_mod_tspi.so read
# our files and write files ours read, byte for byte, with the same key
# signature.
. "$RIG_SRC/tests/vm/lib.sh"
# Under TCG an unseal (swtpm RSA-2048 in the guest, plus a helper process)
# may take longer than the kernel's default 3 s.
rig_reload_ecryptfs ecryptfs_message_wait_timeout=30
export ECFS_TSPI_TIMEOUT=30	# ecryptfsd cannot read the kernel's value
export HOME=/root
now_ms() { date +%s%3N; }
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
mounted() { grep -q " $RIG_WORK/$1 ecryptfs " /proc/mounts; }
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"

# 1. The TPM: swtpm (TPM 1.2 is its default) and tcsd on its default port.
ip link set lo up
S=$RIG_WORK/tpm
mkdir -p "$S/state" "$S/tcsd"
chown tss:tss "$S/tcsd"
t0=$(now_ms)
swtpm_setup --tpmstate "$S/state" --createek --runas root > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "swtpm_setup failed"; }
swtpm socket --tpmstate dir="$S/state" --server type=tcp,port=2321,bindaddr=127.0.0.1 \
	--ctrl type=tcp,port=2322,bindaddr=127.0.0.1 --flags not-need-init > swtpm.log 2>&1 &
swtpm_pid=$!
start_tcsd() {
	TCSD_TCP_DEVICE_HOSTNAME=127.0.0.1 TCSD_TCP_DEVICE_PORT=2321 tcsd -f -e -c "$S/tcsd.conf" \
		>> tcsd.log 2>&1 &
	tcsd_pid=$!
	for _ in $(seq 100); do tpm_version > /dev/null 2>&1 && return 0; sleep 0.2; done
	cat tcsd.log
	rig_fail "tcsd did not come up"
}
cleanup() {
	kill "${tcsd_pid:-}" "$swtpm_pid" 2>/dev/null || true
	kill -CONT "${tcsd_pid:-}" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do swtpm_bios --tcp 127.0.0.1:2321 -c -cs > bios.log 2>&1 && break; sleep 0.2; done
printf 'port = 30003\nsystem_ps_file = %s/tcsd/system.data\n' "$S" > "$S/tcsd.conf"
chown root:tss "$S/tcsd.conf"
chmod 640 "$S/tcsd.conf"
start_tcsd
tpm_takeownership -y -z || rig_fail "tpm_takeownership -y -z failed"
rig_log "swtpm set up and owned in $(( $(now_ms) - t0 )) ms"

# 2. Keys from our generator, in root's user storage (ecryptfsd runs as root).
t0=$(now_ms)
uuid=$(ecryptfs-generate-tpm-key -q) || rig_fail "ecryptfs-generate-tpm-key failed"
rig_log "key generated in $(( $(now_ms) - t0 )) ms"
[[ $uuid =~ ^[0-9a-f]{32}$ ]] || rig_fail "not a UUID: '$uuid'"
ecryptfs-generate-tpm-key -p 0 -p 7 > gen.out || rig_fail "PCR-bound key"
grep -q '^Bound to PCR 7: [0-9a-f]\{40\}$' gen.out || { cat gen.out; rig_fail "PCR 7 not reported"; }
uuid_pcr=$(sed -n 's/^tspi_uuid=//p' gen.out)
sig_pcr=$(sed -n 's/^Key signature: //p' gen.out)
[ -s /root/.trousers/user.data ] || rig_fail "no user storage in /root/.trousers"
ecryptfs-manager list-tpm-keys > keys.out || rig_fail "ecryptfs-manager list-tpm-keys"
grep -qx "$uuid_pcr	$sig_pcr" keys.out || { cat keys.out; rig_fail "list-tpm-keys lacks the PCR-bound key"; }
grep -q "^$uuid	" keys.out || { cat keys.out; rig_fail "list-tpm-keys lacks the first key"; }
if ecryptfs-generate-tpm-key -p 99 2> err; then rig_fail "PCR 99 accepted"; fi
grep -q "a PCR is a number from 0 to 23" err || rig_fail "unclear PCR message: $(cat err)"

start_daemon() {
	rm -f /run/ecryptfsd.pid
	ecryptfsd -f -p /run/ecryptfsd.pid 2>> dlog &
	for _ in $(seq 100); do [ -s /run/ecryptfsd.pid ] && return 0; sleep 0.1; done
	cat dlog
	rig_fail "ecryptfsd did not start"
}
stop_daemon() {
	local pid
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not exit"
}
# tmount UUID [LOWER]
tmount() { mount -t ecryptfs "${2:-lower}" upper -o "key=tspi:tspi_uuid=$1,$opts" </dev/null; }
mkdir lower lower2 upper
mount -t tmpfs tmpfs lower
mount -t tmpfs tmpfs lower2
start_daemon

# 3. Mount, write, remount, read; the payload holds the UUID and nothing else.
t0=$(now_ms)
tmount "$uuid" > mout 2>&1 || { cat mout dlog; rig_fail "tspi mount failed"; }
rig_log "mount (key check through the helper): $(( $(now_ms) - t0 )) ms"
sig=$(sed -n 's/.*ecryptfs_sig=\([0-9a-f]\{16\}\).*/\1/p' /proc/mounts | head -n1)
[ ${#sig} -eq 16 ] || rig_fail "no signature on the mount"
kid=$(keyctl search @u user "$sig") || rig_fail "no key $sig in the keyring"
keyctl pipe "$kid" > payload
od -An -tx1 -v payload | tr -d ' \n' | grep -q "$uuid" || rig_fail "the UUID is not in the token"
grep -qa "tspi" payload || rig_fail "the token does not name the tspi module"
{ echo "sealed by the TPM"; head -c 30000 /dev/urandom | base64; } > plain
t0=$(now_ms)
cp plain upper/ours
rig_log "first create (seal): $(( $(now_ms) - t0 )) ms"
umount upper
rig_expect_eq "keys after umount" 0 "$(nkeys)"
rig_expect_eq "first key packet (tag 1)" 01 "$(od -An -tx1 -j26 -N1 lower/ours | tr -d ' ')"
grep -q "sealed by the TPM" lower/ours && rig_fail "plaintext in the lower file"
tmount "$uuid" > mout 2>&1 || { cat mout; rig_fail "remount"; }
t0=$(now_ms)
cmp plain upper/ours || { tail dlog; rig_fail "read back after remount"; }
rig_log "first open (unseal): $(( $(now_ms) - t0 )) ms"
umount upper
# A PCR-bound key works while the PCRs hold their values (own lower
# directory: the mount helper refuses a key that opens none of its files).
tmount "$uuid_pcr" lower2 > mout 2>&1 || { cat mout; rig_fail "mount with the PCR-bound key"; }
rig_expect_eq "signature of the PCR-bound key" "$sig_pcr" \
	"$(sed -n 's/.*ecryptfs_sig=\([0-9a-f]\{16\}\).*/\1/p' /proc/mounts | head -n1)"
cp plain upper/pcr
umount upper
tmount "$uuid_pcr" lower2 > /dev/null 2>&1 || rig_fail "remount with the PCR-bound key"
cmp plain upper/pcr || rig_fail "PCR-bound file"
umount upper

# A key made by Debian's (upstream's) generator serves our module as well.
"$(rig_debian ecryptfs-generate-tpm-key)" > deb-gen.out 2>&1 || { cat deb-gen.out; rig_fail "Debian's generator"; }
uuid_deb=$(sed -n 's/.*(tspi_uuid parameter): \([0-9a-f]\{32\}\)$/\1/p' deb-gen.out)
[ ${#uuid_deb} -eq 32 ] || { cat deb-gen.out; rig_fail "no UUID from Debian's generator"; }
mkdir lower3
mount -t tmpfs tmpfs lower3
tmount "$uuid_deb" lower3 > mout 2>&1 || { cat mout; rig_fail "mount with Debian's key"; }
cp plain upper/debkey
umount upper
tmount "$uuid_deb" lower3 > /dev/null 2>&1 || rig_fail "remount with Debian's key"
cmp plain upper/debkey || rig_fail "file under Debian's key"
umount upper

# 4. Refusals: an unknown UUID, tcsd not running; nothing mounted or kept.
if tmount 00112233445566778899aabbccddeeff > mout 2>&1; then rig_fail "unknown UUID mounted"; fi
grep -q "no TPM key 00112233445566778899aabbccddeeff in the TrouSerS user storage" mout ||
	{ cat mout; rig_fail "unknown UUID: unclear message"; }
if tmount 0123 > mout 2>&1; then rig_fail "short UUID mounted"; fi
grep -q "not 32 hex digits" mout || { cat mout; rig_fail "short UUID: unclear message"; }
kill "$tcsd_pid"
wait "$tcsd_pid" 2>/dev/null || true
if tmount "$uuid" > mout 2>&1; then rig_fail "mounted without tcsd"; fi
grep -q "cannot reach tcsd at localhost:30003" mout || { cat mout; rig_fail "no tcsd: unclear message"; }
mounted upper && rig_fail "something mounted after the refusals"
rig_expect_eq "keys after the refusals" 0 "$(nkeys)"
start_tcsd

# 5. A hung tcsd: the open fails within ECFS_TSPI_TIMEOUT, the daemon lives.
stop_daemon
ECFS_TSPI_TIMEOUT=4 start_daemon
dpid=$(cat /run/ecryptfsd.pid)
tmount "$uuid" > mout 2>&1 || { cat mout; rig_fail "mount before the hang"; }
echo 3 > /proc/sys/vm/drop_caches
kill -STOP "$tcsd_pid"
t0=$(now_ms)
if cat upper/ours > /dev/null 2> err; then rig_fail "read with tcsd stopped"; fi
dt=$(( $(now_ms) - t0 ))
rig_log "open with a hung tcsd failed after $dt ms (helper timeout 4 s, kernel 30 s): $(cat err)"
[ "$dt" -lt 25000 ] || rig_fail "the open waited $dt ms: the hang was not bounded by the helper"
grep -q "no answer from tcsd within 4000 ms" dlog || { tail dlog; rig_fail "daemon log does not say tcsd hung"; }
kill -0 "$dpid" || rig_fail "ecryptfsd died"
kill -CONT "$tcsd_pid"
echo 3 > /proc/sys/vm/drop_caches
cmp plain upper/ours || { tail dlog; rig_fail "read after tcsd came back"; }
umount upper
stop_daemon

# 6. Debian's daemon, mount helper and tspi module read ours and write theirs.
deb_mount=$(rig_debian mount.ecryptfs)
deb_daemon=$(rig_debian ecryptfsd)
ls /usr/lib/x86_64-linux-gnu/ecryptfs/libecryptfs_key_mod_tspi.so > /dev/null ||
	rig_fail "Debian's tspi key module is not installed"
"$deb_daemon" -f > deb.log 2>&1 &
deb_pid=$!
for _ in $(seq 50); do find "/proc/$deb_pid/fd" -lname /dev/ecryptfs 2>/dev/null | grep -q . && break; sleep 0.1; done
"$deb_mount" "$RIG_WORK/lower" "$RIG_WORK/upper" -o "key=tspi:tspi_uuid=$uuid,$opts,verbosity=0" \
	</dev/null > mout 2>&1 || { cat mout; rig_fail "Debian's mount.ecryptfs with key=tspi"; }
rig_expect_eq "key signature (Debian's module vs ours)" "$sig" \
	"$(sed -n 's/.*ecryptfs_sig=\([0-9a-f]\{16\}\).*/\1/p' /proc/mounts | head -n1)"
cmp plain upper/ours || { cat deb.log; rig_fail "Debian's tspi module reads our file differently"; }
cp plain upper/theirs || { cat deb.log; rig_fail "Debian's tspi module cannot write"; }
umount upper
kill -TERM "$deb_pid"
wait "$deb_pid" 2>/dev/null || true
rig_expect_eq "keys after Debian's mount" 0 "$(nkeys)"
start_daemon
tmount "$uuid" > mout 2>&1 || { cat mout; rig_fail "remount through ours"; }
cmp plain upper/theirs || { tail dlog; rig_fail "our tspi module reads Debian's file differently"; }
umount upper
stop_daemon
rig_expect_eq "keys left" 0 "$(nkeys)"
