# rig: manual modules=ours
# Benchmark (measured, never asserted): sequential write and cold read of
# BENCH_MB MiB (default 128) and a tree of small files (untar, cold ls -lR,
# cold read of every file, rm -rf) on the plain lower fs (ext4 on a loop
# file), through upstream's module and through ours, in one boot, in both
# orders (upstream then ours, ours then upstream), each module loaded the
# same way with no parameters.  Prints seconds per step and the throughput
# ratios ours/upstream and ours/plain per step and order; leaves bench.txt,
# bench.dat and, with gnuplot, bench.svg and bench.png in $RIG_OUT.
#
# Run it without the debug allocator, which the rig otherwise turns on for
# our module's runs (it is kernel-wide: both modules would pay for it):
#   RIG_CASE_TIMEOUT=3000 tests/vm/run -m ours -n -c 2 -t 3600 kmod-bench
# (-c 1 for one vCPU; under TCG a run takes several minutes, more on a
# loaded machine).
. "$RIG_SRC/tests/vm/lib.sh"

MB=${BENCH_MB:-128}
W=$RIG_WORK
STEPS="write read untar ls-lR cat rm-rf"
sig=$(rig_add_passphrase 'kmod-bench')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
rig_ext4 "$W/lower" $((MB * 2 + 256))

# A source tree of small files: 2000 files of 1-8 KiB in 40 directories.
python3 - "$W/src" <<'EOF'
import os, sys
for i in range(40):
    d = os.path.join(sys.argv[1], "d%d" % i)
    os.makedirs(d)
    for j in range(50):
        with open(os.path.join(d, "f%d" % j), "wb") as f:
            f.write(os.urandom((i * 50 + j) % 8 * 1024 + 1000))
EOF
tar -C "$W/src" -cf "$W/tree.tar" .
rm -rf "$W/src"

now() { date +%s.%N; }
cold() { sync; echo 3 > /proc/sys/vm/drop_caches; }

# bench DIR LABEL: prints "LABEL" and the seconds of each step of $STEPS.
bench() {
	local d=$1 t0 t1 t2 t3 t4 t5 t6 t7
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
	echo "$2 $(echo "$t1 - $t0; $t3 - $t2; $t5 - $t4; $t7 - $t6; $t9 - $t8; $t11 - $t10" |
		bc | tr '\n' ' ')"
}

# through MODULE: one pass through the module, on a fresh lower directory.
through() {
	local lower=$W/lower/$1-$2
	rig_switch_module "$1" > /dev/null
	mkdir -p "$lower" "$W/upper"
	mount -i -t ecryptfs -o "$opts" "$lower" "$W/upper"
	bench "$W/upper" "$1"
	umount "$W/upper"
	rm -rf "$lower"
	rmmod ecryptfs
}

mkdir -p "$W/lower/plain"
res_plain=$(bench "$W/lower/plain" plain)
rm -rf "$W/lower/plain"
# Order 1: upstream, then ours; order 2: ours, then upstream.
res_up1=$(through upstream 1)
res_ours1=$(through ours 1)
res_ours2=$(through ours 2)
res_up2=$(through upstream 2)

# ratio A B: throughput of B relative to A (time A / time B).
ratio() { echo "scale=2; $1 / $2" | bc; }
ratios() {	# ratios BASE OURS: one ratio per step
	local -a b o
	read -r -a b <<< "$1"
	read -r -a o <<< "$2"
	local i out=
	for i in 1 2 3 4 5 6; do
		out="$out $(ratio "${b[$i]}" "${o[$i]}")"
	done
	echo "$out"
}
mean() {	# mean RES1 RES2: step by step
	echo "$1 $2" | awk '{ n = NF / 2; printf "%s", $1
		for (i = 2; i <= n; i++) printf " %.3f", ($i + $(i + n)) / 2; print "" }'
}
debug=$(grep -o 'slub_debug[^ ]*' /proc/cmdline || echo "no slub_debug")
{
	echo "kmod-bench: kernel $(uname -r), $(nproc) vCPU(s), $debug, $MB MiB, tree of 2000 files"
	printf '%-9s' seconds
	printf ' %8s' $STEPS
	echo
	for r in "$res_plain" "$res_up1" "$res_ours1" "$res_ours2" "$res_up2"; do
		set -- $r
		printf '%-9s' "$1"
		shift
		printf ' %8.3f' "$@"
		echo
	done
	printf '%-26s' "throughput ratio"
	printf ' %8s' $STEPS
	echo
	printf '%-26s' "ours/upstream (up first)"
	printf ' %8s' $(ratios "$res_up1" "$res_ours1")
	echo
	printf '%-26s' "ours/upstream (ours first)"
	printf ' %8s' $(ratios "$res_up2" "$res_ours2")
	echo
	printf '%-26s' "ours/plain (up first)"
	printf ' %8s' $(ratios "$res_plain" "$res_ours1")
	echo
	printf '%-26s' "ours/plain (ours first)"
	printf ' %8s' $(ratios "$res_plain" "$res_ours2")
	echo
	printf '%-26s' "upstream/plain (mean)"
	printf ' %8s' $(ratios "$res_plain" "$(mean "$res_up1" "$res_up2")")
	echo
} | tee "$RIG_OUT/bench.txt"

# One line per step: ours/upstream and ours/plain in each order.
{
	echo "# step ours/up(up-first) ours/up(ours-first) ours/plain(up-first) ours/plain(ours-first)"
	a=($(ratios "$res_up1" "$res_ours1"))
	b=($(ratios "$res_up2" "$res_ours2"))
	c=($(ratios "$res_plain" "$res_ours1"))
	d=($(ratios "$res_plain" "$res_ours2"))
	i=0
	for s in $STEPS; do
		echo "$s ${a[$i]} ${b[$i]} ${c[$i]} ${d[$i]}"
		i=$((i + 1))
	done
} > "$RIG_OUT/bench.dat"

if ! command -v gnuplot > /dev/null; then
	rig_log "no gnuplot: no chart (scripts/deps.sh vm installs gnuplot-nox)"
	exit 0
fi
title="kmod-bench, $(uname -r), $(nproc) vCPU(s), $debug"
for term in "svg size 800,450 dynamic" "png size 800,450"; do
	ext=${term%% *}
	gnuplot <<GNUPLOT || rig_log "gnuplot could not draw bench.$ext"
set terminal $term
set output "$RIG_OUT/bench.$ext"
set title "$title" noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "throughput ratio (higher: ours faster)"
set yrange [0:*]
set key top left
set grid ytics
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2
plot "$RIG_OUT/bench.dat" using 2:xtic(1) title "ours/upstream, upstream first", \
     "" using 3 title "ours/upstream, ours first", \
     "" using 4 title "ours/plain, upstream first", \
     "" using 5 title "ours/plain, ours first"
GNUPLOT
done
rig_log "chart: bench.svg, bench.png"
