# rig: manual modules=ours
# Profile (a tool, not a test): where the guest's CPUs spend a streaming
# write (dd conv=fsync) and a cold read of PROF_MB MiB (default 64) through
# each module in PROF_MODS (default "ours upstream"), sampled with
# perf record -a -g (cpu-clock: TCG has no PMU).  Leaves in $RIG_OUT:
# prof.txt (wall seconds under perf, which slows TCG about tenfold: compare
# modules, not with kmod-bench), and per step (w, r) and module
# STEP-MODULE-comm.txt (top symbols by command), STEP-MODULE-sym.txt and
# STEP-MODULE-callers.txt (call chains of the page zeroing and the idle
# loop).  Needs perf on the host (Debian's linux-perf; the guest runs the
# host's binaries).  Run with -n and the vCPUs to look at, e.g.
#   tests/vm/run -m ours -n -c 2 -T multi kmod-profile
. "$RIG_SRC/tests/vm/lib.sh"
command -v perf > /dev/null || rig_fail "perf not found: apt-get install linux-perf on the host"
W=$RIG_WORK
MB=${PROF_MB:-64}
case "$MB" in '' | *[!0-9]*) rig_fail "PROF_MB takes a number of MiB" ;; esac
sig=$(rig_add_passphrase 'kmod-profile')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
rig_ext4 "$W/lower" $((MB * 3 + 100))
cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }
rec() {	# rec FILE COMMAND...: one system-wide profile of COMMAND
	local out=$1
	shift
	perf record -q -e cpu-clock -F 2000 -a -g -o "$out" -- "$@"
}
report() {	# report DATA PREFIX
	perf report -i "$1" --stdio --no-children --sort sym -g none 2>/dev/null |
		grep -E '^ +[0-9]' | awk 'NR <= 40' > "$2-sym.txt" || true
	perf report -i "$1" --stdio --no-children --sort comm,sym -g none 2>/dev/null |
		grep -E '^ +[0-9]' | awk 'NR <= 50' > "$2-comm.txt" || true
	perf report -i "$1" --stdio --no-children --sort sym -G \
		-S clear_page_erms,native_safe_halt 2>/dev/null |
		awk 'NR <= 200' > "$2-callers.txt" || true
}
: > "$RIG_OUT/prof.txt"
for m in ${PROF_MODS:-ours upstream}; do
	rig_switch_module "$m" > /dev/null
	mkdir -p "$W/lower/$m" "$W/upper"
	mount -i -t ecryptfs -o "$opts" "$W/lower/$m" "$W/upper"
	cold
	t0=$(date +%s.%N)
	rec "$W/w-$m.data" dd if=/dev/zero of="$W/upper/big" bs=1M count="$MB" conv=fsync status=none
	t1=$(date +%s.%N)
	cold
	t2=$(date +%s.%N)
	rec "$W/r-$m.data" dd if="$W/upper/big" of=/dev/null bs=1M status=none
	t3=$(date +%s.%N)
	cmp -n $((MB << 20)) "$W/upper/big" /dev/zero || rig_fail "$m: read back differs"
	echo "$m: write $(echo "$t1 - $t0" | bc) s, read $(echo "$t3 - $t2" | bc) s (under perf)" |
		tee -a "$RIG_OUT/prof.txt"
	report "$W/w-$m.data" "$RIG_OUT/w-$m"
	report "$W/r-$m.data" "$RIG_OUT/r-$m"
	rm -f "$W/upper/big" "$W/w-$m.data" "$W/r-$m.data"
	umount "$W/upper"
done
grep -h -m 3 -E 'aes|cbc' "$RIG_OUT"/w-*-sym.txt | sed 's/^/cipher symbols seen: /' | tee -a "$RIG_OUT/prof.txt"
