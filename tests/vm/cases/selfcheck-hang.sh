# rig: manual
# Deliberately broken: the case hangs in the kernel, where no signal reaches
# it (a write to a frozen file system waits uninterruptibly), so the case
# timeout's SIGKILL cannot end it.  The rig must still fail this case as
# hung, dump the blocked tasks to the console, and run the cases after it:
#   RIG_CASE_TIMEOUT=20 tests/vm/run selfcheck-hang smoke
. "$RIG_SRC/tests/vm/lib.sh"
rig_ext4 "$RIG_WORK/frozen" 16
fsfreeze -f "$RIG_WORK/frozen"
echo data > "$RIG_WORK/frozen/file"
rig_log "the write to a frozen file system returned: the case did not hang"
