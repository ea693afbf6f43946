# rig: kernels=6.1,6.12 modules=ours init=systemd
# ecryptfsd as a real service: the guest boots with systemd as PID 1 on an
# overlay root holding our staged install, so our sysusers entry, udev rule
# and units run as they would on a machine with the package installed. In
# the suite the root holds our installed Debian packages instead (the pkg
# phase's layer, tests/vm/run -P; pkg-apt runs first in the same boot), and
# the module is the one DKMS built there for this kernel.
# Checks: group "ecryptfs" created by systemd-sysusers; /dev/ecryptfs made
# root:ecryptfs 0660 by our udev rule (the rig does not fix it up in this
# boot); `systemctl enable --now ecryptfsd` serves a key=openssl mount under
# the unit's sandbox; `systemctl stop` ends it cleanly (exit 0, pid file
# gone); a restart serves again and reads the file back; key=tspi through
# tcsd on localhost:30003 works under the unit's address filter, which
# stops any other address (PrivateNetwork= made tcsd unreachable); the user unit,
# started by a user's own systemd manager, serves that user's requests.
. "$RIG_SRC/tests/vm/lib.sh"
[ "$(cat /proc/1/comm)" = systemd ] || rig_fail "PID 1 is $(cat /proc/1/comm), not systemd"
export HOME=/root
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
svc_prop() { systemctl show -P "$1" ecryptfsd.service; }

if [ "${RIG_PKGROOT:-0}" = 1 ]; then
	rig_log "on the installed packages: ecryptfs-ecfs-utils $(dpkg-query -W -f='${Version}' ecryptfs-ecfs-utils), module $RIG_KMOD"
fi

case_t0=$(date +%s)

# 1. sysusers and udev, from our files only.
getent group ecryptfs >/dev/null || rig_fail "systemd-sysusers did not create group ecryptfs"
[ -f /usr/lib/udev/rules.d/60-ecryptfs.rules ] || rig_fail "our udev rule is not installed"
# A seal or unseal through tcsd (section 4) may take more than the
# default 3 s under TCG.
rig_reload_ecryptfs ecryptfs_message_wait_timeout=30
udevadm settle -t 30
rig_expect_eq "/dev/ecryptfs owner, group and mode set by udev" "root ecryptfs 660" \
	"$(stat -c '%U %G %a' /dev/ecryptfs)"

# 2. The system unit, enabled and started.
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 > gen
sig=$(sed -n 's/^Key signature: //p' gen)
systemctl enable --now ecryptfsd.service || rig_fail "systemctl enable --now ecryptfsd failed"
systemctl is-enabled -q ecryptfsd.service || rig_fail "ecryptfsd.service is not enabled"
for _ in $(seq 100); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
systemctl is-active -q ecryptfsd.service || { journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "ecryptfsd.service is not active"; }
mkdir lower upper
mount -t tmpfs tmpfs lower
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null > mout 2>&1 ||
	{ cat mout; journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "key=openssl mount with the system unit failed"; }
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted on $sig"
# Each message once: the daemon must not copy syslog to a stderr that is
# the journal already.
# Only this case's lines: pkg-apt, in the same boot, ran the unit before.
rig_expect_eq "start-up lines in the journal" 1 \
	"$(journalctl -b --since "@$case_t0" -u ecryptfsd.service -o cat | grep -c 'serving uid 0')"
head -c 100000 /dev/urandom > plain
cp plain upper/f || { journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "write through the service failed"; }
umount upper

# 3. Stop: clean exit, pid file gone; restart serves the read.
systemctl stop ecryptfsd.service
rig_expect_eq "stop result" success "$(svc_prop Result)"
rig_expect_eq "exit status after SIGTERM" 0 "$(svc_prop ExecMainStatus)"
[ ! -e /run/ecryptfsd.pid ] || rig_fail "pid file left after stop"
systemctl start ecryptfsd.service || rig_fail "restart failed"
for _ in $(seq 100); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
keyctl clear @u
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null > mout 2>&1 ||
	{ cat mout; rig_fail "remount with the restarted unit failed"; }
cmp plain upper/f || rig_fail "file read back through the restarted service differs"
umount upper
systemctl stop ecryptfsd.service
keyctl clear @u

# 4. TPM users: the unit's daemon seals and unseals through tcsd on
# localhost:30003 (key=tspi), and reaches no address off the loopback.
# swtpm + tcsd as in tpm-swtpm (private-dir-and-tokens.md §5).
ip link set lo up
S=$RIG_WORK/tpm
mkdir -p "$S/state" "$S/tcsd"
chown tss:tss "$S/tcsd"
swtpm_setup --tpmstate "$S/state" --createek --runas root > tpm.log 2>&1 ||
	{ cat tpm.log; rig_fail "swtpm_setup failed"; }
swtpm socket --tpmstate dir="$S/state" --server type=tcp,port=2321,bindaddr=127.0.0.1 \
	--ctrl type=tcp,port=2322,bindaddr=127.0.0.1 --flags not-need-init >> tpm.log 2>&1 &
swtpm_pid=$!
for _ in $(seq 50); do swtpm_bios --tcp 127.0.0.1:2321 -c -cs >> tpm.log 2>&1 && break; sleep 0.2; done
printf 'port = 30003\nsystem_ps_file = %s/tcsd/system.data\n' "$S" > "$S/tcsd.conf"
chown root:tss "$S/tcsd.conf"
chmod 640 "$S/tcsd.conf"
TCSD_TCP_DEVICE_HOSTNAME=127.0.0.1 TCSD_TCP_DEVICE_PORT=2321 tcsd -f -e -c "$S/tcsd.conf" >> tpm.log 2>&1 &
tcsd_pid=$!
trap 'kill "$tcsd_pid" "$swtpm_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do tpm_version > /dev/null 2>&1 && break; sleep 0.2; done
tpm_takeownership -y -z || { cat tpm.log; rig_fail "tpm_takeownership -y -z failed"; }
uuid=$(ecryptfs-generate-tpm-key -q) || rig_fail "ecryptfs-generate-tpm-key failed"
# The helper's timeout follows the kernel's, raised for TCG above.
mkdir -p /run/systemd/system/ecryptfsd.service.d
printf '[Service]\nEnvironment=ECFS_TSPI_TIMEOUT=30\n' > /run/systemd/system/ecryptfsd.service.d/rig.conf
systemctl daemon-reload
systemctl start ecryptfsd.service || rig_fail "start for the TPM check failed"
for _ in $(seq 100); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
mkdir tlower
mount -t tmpfs tmpfs tlower
tmount() { mount -t ecryptfs tlower upper -o "key=tspi:tspi_uuid=$uuid,$opts" </dev/null > mout 2>&1; }
tmount || { cat mout; rig_fail "key=tspi mount with the system unit failed"; }
cp plain upper/t || { journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "seal through the unit's daemon failed"; }
umount upper
keyctl clear @u
tmount || { cat mout; rig_fail "key=tspi remount"; }
echo 3 > /proc/sys/vm/drop_caches
cmp plain upper/t || { journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "unseal through the unit's daemon failed"; }
umount upper
keyctl clear @u
# The address filter, on a process put in the unit's cgroup: a listener on
# every address (tcsd listens on localhost only) is reached on 127.0.0.1
# and on 192.0.2.7 (an address off 127/8, on lo) from outside the unit,
# only on 127.0.0.1 from inside.
ip addr add 192.0.2.7/32 dev lo
python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 30099)); s.listen(16); time.sleep(120)' &
listener=$!
cg=/sys/fs/cgroup$(systemctl show -P ControlGroup ecryptfsd.service)
[ -d "$cg" ] || rig_fail "no cgroup $cg for ecryptfsd.service"
probe='import socket, sys; socket.create_connection((sys.argv[1], 30099), timeout=5)'
in_unit() { sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@"; }
for _ in $(seq 50); do python3 -c "$probe" 192.0.2.7 2>/dev/null && break; sleep 0.2; done
python3 -c "$probe" 192.0.2.7 || rig_fail "the listener does not answer on 192.0.2.7 (no control)"
in_unit python3 -c "$probe" 127.0.0.1 || rig_fail "the unit cannot reach 127.0.0.1"
if in_unit python3 -c "$probe" 192.0.2.7 2> conn.err; then
	rig_fail "the unit reached 192.0.2.7: IPAddressDeny= is not applied"
fi
grep -q "PermissionError\|Operation not permitted\|timed out" conn.err ||
	{ cat conn.err; rig_fail "unexpected failure off the loopback"; }
kill "$listener"
ip addr del 192.0.2.7/32 dev lo
systemctl stop ecryptfsd.service
rm -r /run/systemd/system/ecryptfsd.service.d
systemctl daemon-reload
systemctl disable -q ecryptfsd.service

# 5. The user unit, under a user's own systemd manager.
uhome=/home/ecfssvc
useradd -m -d "$uhome" -G ecryptfs ecfssvc
uid=$(id -u ecfssvc)
systemctl start "user@$uid.service" || { journalctl -b --no-pager | tail -n 30; rig_fail "the user manager did not start"; }
as_user() { setpriv --reuid=ecfssvc --regid="$(id -g ecfssvc)" --init-groups \
	env HOME="$uhome" XDG_RUNTIME_DIR="/run/user/$uid" "$@"; }
as_user systemctl --user start ecryptfsd.service ||
	{ journalctl -b --no-pager | tail -n 30; rig_fail "systemctl --user start ecryptfsd failed"; }
for _ in $(seq 100); do [ -S "/run/user/$uid/ecryptfsd.sock" ] && break; sleep 0.1; done
upid=$(pgrep -u ecfssvc -x ecryptfsd) || rig_fail "no ecryptfsd of the user"
rig_log "the user's ecryptfsd runs as pid $upid"
as_user ecryptfs-generate-key openssl --keyfile "$uhome/key.pem" --bits 2048 > ugen
usig=$(sed -n 's/^Key signature: //p' ugen)
as_user keyctl session - ecryptfs-manager add-key openssl --keyfile "$uhome/key.pem" </dev/null ||
	rig_fail "the user's daemon did not take the user's key"
# Root mounts with the user's key (the helper needs root's daemon only for
# its own check, so start it for the mount and stop it again).
systemctl start ecryptfsd.service
mkdir ulower uupper
mount -t tmpfs -o mode=0755 tmpfs ulower
chown ecfssvc: ulower
mount -t ecryptfs ulower uupper -o "key=openssl:keyfile=$uhome/key.pem,$opts" </dev/null > mout 2>&1 ||
	{ cat mout; rig_fail "mount with the user's key failed"; }
systemctl stop ecryptfsd.service
chown ecfssvc: uupper
as_user sh -c "head -c 5000 /dev/urandom > $RIG_WORK/uupper/u && cat $RIG_WORK/uupper/u > $uhome/u.copy" ||
	rig_fail "the user's file operations were not served by the user unit"
cmp "$uhome/u.copy" uupper/u || rig_fail "user's file reads back wrong"
umount uupper
as_user systemctl --user stop ecryptfsd.service
[ -n "$usig" ] || rig_fail "no signature for the user's key"
systemctl stop "user@$uid.service"
rig_log "system unit, stop/restart and user unit all served"
