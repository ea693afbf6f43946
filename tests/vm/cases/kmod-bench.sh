# rig: manual modules=ours
# Benchmark (measured, never asserted): sequential write and cold read of
# BENCH_MB MiB (default 16) and a tree of BENCH_FILES small files (default
# 400: untar, cold ls -lR, cold read of every file, rm -rf) on the plain
# lower fs (ext4 on a loop file), through upstream's module and through
# ours, in one boot, in both orders (upstream then ours, ours then
# upstream), each module loaded the same way with no parameters.  All of it
# is repeated BENCH_RUNS times (default 3) in the same boot.
#
# Prints the seconds of every step of every pass, then per step the median
# and the min-max spread over the runs of the throughput ratios
# ours/upstream and ours/plain (each order), and upstream/plain.  Leaves
# bench.txt, bench-runs.dat (every ratio of every run), bench.dat (median,
# min, max) and, with gnuplot (scripts/deps.sh vm), bench.svg and bench.png
# in $RIG_OUT.
#
# Run it without the debug allocator, which the rig otherwise turns on for
# our module's runs (it is kernel-wide, but it is not what is measured):
#   RIG_CASE_TIMEOUT=3000 tests/vm/run -m ours -n -c 2 -T multi -t 3600 kmod-bench
# (-c 1 for one vCPU).  With the defaults (3 runs) the case took 12 min
# with 1 vCPU and 20 min with 2 (-T multi) under TCG on a 2-core host
# shared with four other engineers' VMs (load 8-15), see docs/bench/; a
# quiet host takes far less, and larger sizes (BENCH_MB=64
# BENCH_FILES=2000) then give steadier figures.
. "$RIG_SRC/tests/vm/lib.sh"

MB=${BENCH_MB:-16}
RUNS=${BENCH_RUNS:-3}
FILES=${BENCH_FILES:-400}
case "$MB$RUNS$FILES" in *[!0-9]*) rig_fail "BENCH_MB, BENCH_RUNS and BENCH_FILES take numbers" ;; esac
[ "$RUNS" -ge 1 ] && [ "$MB" -ge 1 ] && [ "$FILES" -ge 40 ] ||
	rig_fail "need BENCH_RUNS >= 1, BENCH_MB >= 1, BENCH_FILES >= 40"
W=$RIG_WORK
STEPS="write read untar ls-lR cat rm-rf"
sig=$(rig_add_passphrase 'kmod-bench')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
rig_ext4 "$W/lower" $((MB * 2 + FILES / 4 + 256))

# A source tree of small files of 1-8 KiB in 40 directories.
python3 - "$W/src" "$FILES" <<'EOF'
import os, sys
per = int(sys.argv[2]) // 40
for i in range(40):
    d = os.path.join(sys.argv[1], "d%d" % i)
    os.makedirs(d)
    for j in range(per):
        with open(os.path.join(d, "f%d" % j), "wb") as f:
            f.write(os.urandom((i * per + j) % 8 * 1024 + 1000))
EOF
FILES=$(find "$W/src" -type f | wc -l)
tar -C "$W/src" -cf "$W/tree.tar" .
rm -rf "$W/src"

now() { date +%s.%N; }
cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# bench DIR: prints the seconds of each step of $STEPS.
bench() {
	local d=$1 t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11
	cold
	t0=$(now)
	dd if=/dev/zero of="$d/big" bs=1M count="$MB" conv=fsync status=none
	t1=$(now)
	cold
	t2=$(now)
	dd if="$d/big" of=/dev/null bs=1M status=none
	t3=$(now)
	rm -f "$d/big"
	mkdir "$d/tree"
	cold
	t4=$(now)
	tar -C "$d/tree" -xf "$W/tree.tar"
	sync
	t5=$(now)
	cold
	t6=$(now)
	ls -lR "$d/tree" > /dev/null
	t7=$(now)
	cold
	t8=$(now)
	find "$d/tree" -type f -exec cat {} + > /dev/null
	t9=$(now)
	cold
	t10=$(now)
	rm -rf "$d/tree"
	sync
	t11=$(now)
	echo "$t1 - $t0; $t3 - $t2; $t5 - $t4; $t7 - $t6; $t9 - $t8; $t11 - $t10" |
		bc | awk '{ printf " %.3f", $1 } END { print "" }'
}

# The module's parameters as loaded (none are given to either module).
params() {
	local p out=
	for p in /sys/module/ecryptfs/parameters/*; do
		[ -r "$p" ] && out="$out ${p##*/}=$(cat "$p")"
	done
	echo "${out# }"
}

# through MODULE TAG: one pass through the module, on a fresh lower directory.
through() {
	local lower=$W/lower/$1-$2 r
	rig_switch_module "$1" > /dev/null
	echo "$1 $(params)" >> "$W/params"
	mkdir -p "$lower" "$W/upper"
	mount -i -t ecryptfs -o "$opts" "$lower" "$W/upper"
	r=$(bench "$W/upper")
	umount "$W/upper"
	rm -rf "$lower"
	rmmod ecryptfs
	echo "$r"
}

# $W/res: one line per pass, "RUN PASS SECONDS...", PASS one of plain,
# up1 and ours1 (order 1: upstream first), ours2 and up2 (order 2).
: > "$W/res"
: > "$W/params"
for run in $(seq 1 "$RUNS"); do
	mkdir -p "$W/lower/plain"
	echo "$run plain $(bench "$W/lower/plain")" >> "$W/res"
	rm -rf "$W/lower/plain"
	echo "$run up1 $(through upstream 1)" >> "$W/res"
	echo "$run ours1 $(through ours 1)" >> "$W/res"
	echo "$run ours2 $(through ours 2)" >> "$W/res"
	echo "$run up2 $(through upstream 2)" >> "$W/res"
	rig_log "run $run of $RUNS done"
done

# Throughput ratios per run and step: time of the base / time of the other.
# bench-runs.dat: "RATIO STEP RUN VALUE".
awk -v steps="$STEPS" '
	{ for (i = 3; i <= NF; i++) t[$1, $2, i - 2] = $i; if ($1 > runs) runs = $1 }
	function out(name, base, other,   r, s) {
		for (r = 1; r <= runs; r++)
			for (s = 1; s <= ns; s++)
				printf "%s %s %d %.3f\n", name, st[s], r, t[r, base, s] / t[r, other, s]
	}
	END {
		ns = split(steps, st, " ")
		out("ours/up:up-first", "up1", "ours1")
		out("ours/up:ours-first", "up2", "ours2")
		out("ours/plain:up-first", "plain", "ours1")
		out("ours/plain:ours-first", "plain", "ours2")
		out("up/plain:up-first", "plain", "up1")
		out("up/plain:ours-first", "plain", "up2")
	}' "$W/res" > "$RIG_OUT/bench-runs.dat"

# bench.dat: per step, median min max of each ratio, in the order above.
awk -v steps="$STEPS" '
	{ k = $1 SUBSEP $2; n[k]++; v[k, n[k]] = $4
	  if (!($1 in seen)) { seen[$1] = 1; names[++nn] = $1 } }
	function stat(k,   i, j, m, x, a) {
		m = n[k]
		for (i = 1; i <= m; i++) a[i] = v[k, i]
		for (i = 2; i <= m; i++) {
			x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x
		}
		x = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		return sprintf(" %.2f %.2f %.2f", x, a[1], a[m])
	}
	END {
		ns = split(steps, st, " ")
		printf "# step"
		for (i = 1; i <= nn; i++) printf " %s(median min max)", names[i]
		print ""
		for (s = 1; s <= ns; s++) {
			printf "%s", st[s]
			for (i = 1; i <= nn; i++) printf "%s", stat(names[i] SUBSEP st[s])
			print ""
		}
	}' "$RIG_OUT/bench-runs.dat" > "$RIG_OUT/bench.dat"

debug=$(grep -o 'slub_debug[^ ]*' /proc/cmdline || echo "no slub_debug")
tcg=${RIG_TCG_THREAD:+, TCG $RIG_TCG_THREAD}
{
	echo "kmod-bench: kernel $(uname -r), $(nproc) vCPU(s)$tcg, $debug, $MB MiB, tree of $FILES files, $RUNS run(s)"
	sort -u "$W/params" | sed 's/^/module parameters: /'
	printf '%-11s' "seconds"
	printf ' %8s' $STEPS
	echo
	awk '{ printf "%-11s", "r" $1 " " $2; for (i = 3; i <= NF; i++) printf " %8.3f", $i; print "" }' "$W/res"
	echo "throughput ratio per step: median [min-max] over $RUNS run(s)"
	printf '%-22s' ""
	printf ' %-16s' $STEPS
	echo
	awk 'NR == 1 { next }
		{ for (i = 0; 3 * i + 2 <= NF; i++)
			row[i] = row[i] sprintf(" %-16s", sprintf("%.2f [%.2f-%.2f]", $(3 * i + 2), $(3 * i + 3), $(3 * i + 4))) }
		END {
			split("ours/up, up first:ours/up, ours first:ours/plain, up first:ours/plain, ours first:up/plain, up first:up/plain, ours first", lab, ":")
			for (i = 0; i in row; i++) printf "%-22s%s\n", lab[i + 1], row[i]
		}' "$RIG_OUT/bench.dat"
} | tee "$RIG_OUT/bench.txt"

if ! command -v gnuplot > /dev/null; then
	rig_log "no gnuplot: no chart (scripts/deps.sh vm installs gnuplot-nox)"
	exit 0
fi
title="kmod-bench: $(uname -r), $(nproc) vCPU(s)$tcg, $debug\\n$MB MiB, $FILES files; bars: median, whiskers: min-max of $RUNS run(s)"
for term in "svg size 900,560 dynamic" "png size 900,560"; do
	ext=${term%% *}
	gnuplot <<GNUPLOT || rig_log "gnuplot could not draw bench.$ext"
set terminal $term
set output "$RIG_OUT/bench.$ext"
set title "$title" noenhanced
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set ylabel "throughput ratio (higher: ours faster)"
set yrange [0:*]
set key below horizontal
set grid ytics
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2
plot "$RIG_OUT/bench.dat" using 2:3:4:xtic(1) title "ours/upstream, upstream first", \
     "" using 5:6:7 title "ours/upstream, ours first", \
     "" using 8:9:10 title "ours/plain, upstream first", \
     "" using 11:12:13 title "ours/plain, ours first"
GNUPLOT
done
rig_log "chart: bench.svg, bench.png"
