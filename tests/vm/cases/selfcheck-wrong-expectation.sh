# rig: manual
# Deliberately broken: expects a wrong value. The suite's rig self-check runs
# it and passes only if the rig reports this case as failed.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
rig_expect_eq "ecryptfs version bits (deliberately wrong)" 1 "$(cat /sys/fs/ecryptfs/version)"
