# rig: manual modules=ours
# In-module self-tests (packet lengths, tag 3, key wrap, IV derivation, one
# known-answer extent).  Needs a DEBUG build of the module; the rig's make
# sees the environment, so run it as:
#   ECFS_DEBUG=y tests/vm/run -k 6.1 -m ours kmod-selftest
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs
dmesg > "$RIG_WORK/dmesg"
for area in "packet length" "tag 3" "key wrap" "IV" "extent"; do
	grep -q "ecryptfs: $area self-tests: pass" "$RIG_WORK/dmesg" ||
		rig_fail "no '$area self-tests: pass' line (not a DEBUG build?)"
done
if grep -q "self-test failed" "$RIG_WORK/dmesg"; then rig_fail "a self-test failed"; fi
rmmod ecryptfs || rig_fail "rmmod failed"
rig_log "ok: 5 self-test areas passed"
