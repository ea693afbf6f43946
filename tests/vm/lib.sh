# Helpers for VM cases; a case starts with: . "$RIG_SRC/tests/vm/lib.sh"
# Cases run under bash (set -Eeuo pipefail, see case-shell) as root in a scratch directory ($RIG_WORK).
# shellcheck shell=sh

# Print a failure with the calling context and stop the case.
rig_fail() {
	echo "CASE FAILED: $*" >&2
	exit 1
}

rig_log() {
	echo "[$RIG_CASE] $*"
}

# rig_expect_eq WHAT EXPECTED ACTUAL
rig_expect_eq() {
	[ "$2" = "$3" ] || rig_fail "$1: expected '$2', got '$3'"
}

# Load the eCryptfs module under test: Debian's own (upstream) or ours.
# Extra module parameters come from the run (-p).
rig_load_ecryptfs() {
	if grep -q '^ecryptfs ' /proc/modules; then
		return 0
	fi
	case "$RIG_MODULE" in
	upstream)
		# shellcheck disable=SC2086
		modprobe ecryptfs ${RIG_MODPARAMS:-} || rig_fail "modprobe ecryptfs failed"
		;;
	ours)
		[ -f "$RIG_KMOD" ] || rig_fail "our module was not built: $RIG_KMOD"
		for dep in $(modinfo -F depends "$RIG_KMOD" | tr ',' ' '); do
			modprobe "$dep" || rig_fail "modprobe $dep (needed by our module) failed"
		done
		# shellcheck disable=SC2086
		insmod "$RIG_KMOD" ${RIG_MODPARAMS:-} || rig_fail "insmod $RIG_KMOD failed"
		;;
	*)
		rig_fail "unknown module under test '$RIG_MODULE'"
		;;
	esac
	# Without udev (the rig's own init) the rig stands in for our rule;
	# booted with systemd (init=systemd cases) udev must have done it.
	if [ -c /dev/ecryptfs ] && [ "${RIG_INIT:-script}" != systemd ]; then
		chgrp ecryptfs /dev/ecryptfs && chmod 0660 /dev/ecryptfs
	fi
}

# 0 when the loaded ecryptfs module is ours (it has parameters upstream's lacks).
rig_module_is_ours() {
	[ -e /sys/module/ecryptfs/parameters/force_async ]
}

# Load the module under test afresh (a module left loaded by an earlier case
# may not be the one under test) and check that it is.
rig_fresh_ecryptfs() {
	if grep -q '^ecryptfs ' /proc/modules; then
		rmmod ecryptfs 2>/dev/null || true
	fi
	rig_load_ecryptfs
	if [ "$RIG_MODULE" = ours ] && ! rig_module_is_ours; then
		rig_fail "the module loaded is not ours"
	fi
}

# Swap in one module or the other within one boot (compatibility cases):
# rig_switch_module ours|upstream
rig_switch_module() {
	if grep -q '^ecryptfs ' /proc/modules; then
		rmmod ecryptfs || rig_fail "rmmod ecryptfs failed"
	fi
	RIG_MODULE=$1 rig_load_ecryptfs
	case $1 in
	ours) rig_module_is_ours || rig_fail "our module is not the one loaded" ;;
	*) if rig_module_is_ours; then rig_fail "modprobe loaded our module"; fi ;;
	esac
	rig_log "loaded the $1 module"
}

# Add passphrase PASS to the user keyring with Debian's
# ecryptfs-add-passphrase; prints the signature (two with --fnek).
# rig_add_passphrase PASS [--fnek]
rig_add_passphrase() {
	# shellcheck disable=SC2086
	printf '%s' "$1" | "$(rig_debian ecryptfs-add-passphrase)" ${2:-} - |
		sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p'
}

# Load the module under test afresh with extra parameters, e.g. a longer
# ecryptfs_message_wait_timeout for throughput cases (TCG makes an RSA
# private-key operation slow). The rig unloads it after the case, so the
# next case gets the run's own parameters again.
rig_reload_ecryptfs() {
	if grep -q '^ecryptfs ' /proc/modules; then
		rmmod ecryptfs || rig_fail "cannot unload ecryptfs to reload it with: $*"
	fi
	: > /run/rig/reload-after-case
	RIG_MODPARAMS="${RIG_MODPARAMS:-} $*" rig_load_ecryptfs
}

# Path of one of Debian's original ecryptfs-utils programs (the oracle),
# whatever our staged install overlays on /usr.
rig_debian() {
	for d in usr/bin usr/sbin; do
		if [ -x "$RIG_DEBIAN/$d/$1" ]; then
			echo "$RIG_DEBIAN/$d/$1"
			return 0
		fi
	done
	rig_fail "Debian's $1 not found under $RIG_DEBIAN"
}

# Make an ext4 file system on a loop file in tmpfs and mount it on DIR
# (for user xattrs, which tmpfs lacks before 6.6, and realistic benchmarks).
# rig_ext4 DIR [SIZE_MB]
rig_ext4() {
	modprobe -q loop 2>/dev/null || true
	modprobe -q ext4 2>/dev/null || true
	img="$RIG_WORK/ext4-$(basename "$1").img"
	truncate -s "${2:-256}M" "$img"
	mkfs.ext4 -q -F -O ^has_journal "$img" || rig_fail "mkfs.ext4 failed"
	mkdir -p "$1"
	mount -o loop,user_xattr "$img" "$1" || rig_fail "mount of ext4 loop image failed"
}

# Read the 4 bytes at OFFSET of FILE as a big-endian unsigned integer.
rig_be32() {
	local h
	h=$(od -An -tx1 -j "$2" -N4 "$1" | tr -d ' \n')
	[ ${#h} -eq 8 ] || rig_fail "$1 is too short for 4 bytes at offset $2"
	echo $((16#$h))
}

# Read the 8 bytes at OFFSET of FILE as a big-endian unsigned integer.
rig_be64() {
	local h
	h=$(od -An -tx1 -j "$2" -N8 "$1" | tr -d ' \n')
	[ ${#h} -eq 16 ] || rig_fail "$1 is too short for 8 bytes at offset $2"
	echo $((16#$h))
}

# Stop the ecryptfsd whose pid is in PIDFILE (default /run/ecryptfsd.pid)
# with SIGTERM and wait up to 10 s for it to exit.
rig_stop_daemon() {
	local pid
	pid=$(cat "${1:-/run/ecryptfsd.pid}")
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not exit on SIGTERM"
}
