# Boot check: the module under test loads and advertises its features; the
# daemon device exists exactly when the module says it has messaging.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
v=$(cat /sys/fs/ecryptfs/version)
rig_log "kernel $(uname -r), ecryptfs version bits $v"
[ "$v" -gt 0 ] || rig_fail "bad version $v"
[ $((v & 0x1)) -ne 0 ] || rig_fail "passphrase keys (0x1) not advertised"
if [ $((v & 0x40)) -ne 0 ]; then
	[ -c /dev/ecryptfs ] || rig_fail "messaging (0x40) advertised but no /dev/ecryptfs"
	ls -l /dev/ecryptfs
else
	[ ! -e /dev/ecryptfs ] || rig_fail "/dev/ecryptfs exists but messaging (0x40) is not advertised"
fi
grep -q '^nodev[[:space:]]*ecryptfs$' /proc/filesystems || rig_fail "fs type ecryptfs not registered"
