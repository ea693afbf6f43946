# rig: manual
# Deliberately broken: makes the kernel WARN (panic_on_warn turns it into a
# panic). The suite's rig self-check passes only if the rig reports it failed.
. "$RIG_SRC/tests/vm/lib.sh"
[ -f "$RIG_TESTMOD" ] || rig_fail "the rig's test module was not built"
insmod "$RIG_TESTMOD" fire=1
rig_log "still alive after a WARN: panic_on_warn did not work"
