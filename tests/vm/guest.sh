#!/bin/sh
# PID 1 inside the guest, after switch_root onto the host's read-only root.
# Sets up a writable scratch system, overlays our staged install, then runs
# the cases named in the job file. A case passed only when "PASS <name>" went
# out on the second serial port; everything else is on the console.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

# Booted with systemd (RIG_INIT=systemd, the cases' service of rig.target),
# the root is already a writable overlay with our stage in it, and
# /proc, /sys and /dev/pts are mounted.
init=${RIG_INIT:-script}
[ "$init" = systemd ] || mount -t proc proc /proc
stamp() { echo "rig: [$(cut -d' ' -f1 /proc/uptime)] $*"; }
stamp start
if [ "$init" != systemd ]; then
	mount -t sysfs sysfs /sys
	mount -t devpts devpts /dev/pts 2>/dev/null
fi
scratch="/tmp /root /var/tmp /mnt /media /srv"
[ "$init" = systemd ] || scratch="$scratch /var/log"
for d in $scratch; do
	mount -t tmpfs -o mode=0755 tmpfs "$d"
done
chmod 1777 /tmp /var/tmp
mkdir -p /run/lock /run/user /run/rig/work

set -a
. /run/rig/out/job.env
set +a

result=/dev/ttyS1
# Power off from PID 1: sysrq-o queues the power-off; PID 1 must then neither
# exit (that panics) nor exec anything (the 9p root may already be gone).
poweroff_now() {
	echo o > /proc/sysrq-trigger
	while :; do :; done
}
say() { echo "rig: $*"; }
die() {
	say "FATAL: $*"
	poweroff_now
}

stamp tmpfs
# Debian's originals stay reachable here whatever the overlay puts on top.
mkdir -p /run/rig/debian/usr /run/rig/debian/etc
orig=
[ "$init" = systemd ] && orig=/run/rig/host
mount --bind "$orig/usr" /run/rig/debian/usr || die "bind /usr"
mount --bind "$orig/etc" /run/rig/debian/etc || die "bind /etc"

# /etc gets a tmpfs upper layer so cases may add users and groups; our staged
# tree (if any) sits above the host's /usr and /etc.
mkdir -p /run/rig/ovl/etc-up /run/rig/ovl/etc-work
usr_lower=/usr
etc_lower=/etc
if [ "${RIG_STAGED:-0}" = 1 ]; then
	[ -d /run/rig/stage/usr ] && usr_lower=/run/rig/stage/usr:/usr
	[ -d /run/rig/stage/etc ] && etc_lower=/run/rig/stage/etc:/etc
fi
if [ "$init" = systemd ]; then
	# The initramfs put the stage into the root overlay (our libraries
	# are in /usr/lib, which the dynamic linker searches without a cache).
	:
else
	if [ "$usr_lower" != /usr ]; then
		mount -t overlay overlay -o "lowerdir=$usr_lower" /usr || die "overlay /usr"
	fi
	mount -t overlay overlay \
		-o "lowerdir=$etc_lower,upperdir=/run/rig/ovl/etc-up,workdir=/run/rig/ovl/etc-work" \
		/etc || die "overlay /etc"
	# Our libraries must be found by the dynamic linker.
	[ "$usr_lower" != /usr ] && ldconfig
fi

stamp overlays
# The rig's stand-in for dist/'s udev rule and sysusers entry (no udev or
# sysusers runs without systemd; with it, the cases check that they did).
[ "$init" = systemd ] || grep -q '^ecryptfs:' /etc/group || groupadd -r ecryptfs

echo 1 > /proc/sys/kernel/panic_on_warn
echo 1 > /proc/sys/kernel/panic_on_oops
dmesg -n 7 2>/dev/null

say "setup done after $(cut -d' ' -f1 /proc/uptime) s"
say "kernel $(uname -r), module under test: $RIG_MODULE, cases: $RIG_CASES"
for c in $RIG_CASES; do
	script=/run/rig/src/tests/vm/cases/$c.sh
	work=/run/rig/work/$c
	mkdir -p "$work"
	echo "=== RIG CASE BEGIN $c"
	start=$(date +%s)
	limit=${RIG_CASE_TIMEOUT:-600}
	(
		cd "$work" || exit 1
		export RIG_SRC=/run/rig/src RIG_OUT=/run/rig/out RIG_WORK="$work" RIG_CASE="$c"
		export RIG_DEBIAN=/run/rig/debian
		exec timeout -k 5 "$limit" bash "$RIG_SRC/tests/vm/case-shell" "$script"
	) </dev/null 2>&1 &
	pid=$!
	# timeout(1) waits for its child after SIGKILL, and a process stuck in
	# the kernel (D state) never dies: such a case would hold the guest
	# until the host's timeout, with nothing said about where it hung.
	# Past the limit and the kill's grace, dump the blocked tasks and stop
	# the guest; the host then fails this case and boots for the rest.
	while kill -0 "$pid" 2>/dev/null; do
		if [ $(( $(date +%s) - start )) -gt $((limit + 30)) ]; then
			say "case $c hung: still running $((limit + 30)) s after it started (limit ${limit} s), blocked tasks follow"
			echo w > /proc/sysrq-trigger
			sleep 5
			poweroff_now
		fi
		sleep 1
	done
	wait "$pid" && rc=0 || rc=$?
	# Anything a case left behind must not leak into the next one.
	grep ' ecryptfs ' /proc/mounts | cut -d' ' -f2 | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	keyctl clear @u >/dev/null 2>&1
	pkill -x ecryptfsd 2>/dev/null && sleep 1
	if [ -e /run/rig/reload-after-case ]; then
		rm -f /run/rig/reload-after-case
		rmmod ecryptfs 2>/dev/null || say "could not unload ecryptfs after case $c"
	fi
	echo "=== RIG CASE END $c rc=$rc time=$(( $(date +%s) - start ))s"
	[ "$rc" -eq 0 ] && echo "PASS $c" > "$result"
done
echo "DONE" > "$result"
sync
poweroff_now
