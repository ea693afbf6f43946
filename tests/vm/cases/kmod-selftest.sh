# rig: manual modules=ours
# In-module self-tests (packet lengths, tag 3, key wrap, IV derivation, one
# known-answer extent).  Needs a DEBUG build of the module; the rig's make
# sees the environment, so run it as:
#   ECFS_DEBUG=y tests/vm/run -k 6.1 -m ours kmod-selftest
. "$RIG_SRC/tests/vm/lib.sh"
# Start from a clean slate: a module left loaded by an earlier case may not
# be the one under test.
if grep -q '^ecryptfs ' /proc/modules; then rmmod ecryptfs 2>/dev/null || true; fi
rig_load_ecryptfs
if [ "$RIG_MODULE" = ours ] && [ ! -e /sys/module/ecryptfs/parameters/force_async ]; then
	rig_fail "the module loaded is not ours"
fi
dmesg > "$RIG_WORK/dmesg"
for area in "packet length" "tag 3" "key wrap" "IV" "extent"; do
	grep -q "ecryptfs: $area self-tests: pass" "$RIG_WORK/dmesg" ||
		rig_fail "no '$area self-tests: pass' line (not a DEBUG build?)"
done
if grep -q "self-test failed" "$RIG_WORK/dmesg"; then rig_fail "a self-test failed"; fi
rmmod ecryptfs || rig_fail "rmmod failed"
rig_log "ok: 5 self-test areas passed"
