# Boot check: the module under test loads, advertises its version and /dev/ecryptfs.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
v=$(cat /sys/fs/ecryptfs/version)
rig_log "kernel $(uname -r), ecryptfs version bits $v"
[ "$v" -gt 0 ] || rig_fail "bad version $v"
ls -l /dev/ecryptfs
