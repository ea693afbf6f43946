#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# decrypt-bench.sh [BUILDDIR]: throughput of ecryptfs-decrypt, printed next
# to the single-core AES-128-CBC decryption rate of this machine as
# `openssl speed -evp aes-128-cbc -decrypt` reports it (per user-CPU
# second, its default), and the scaling of --jobs on a tree of many files.
# Prints figures; it is not a pass/fail test and is not part of make check.
#
# The lower files are made on the host by tests/bench/ecfs-mklower (built
# by `make`), which lays them out with libecfs exactly as the kernel does
# (8192-byte header, tag 3 + tag 11, 4096-byte CBC extents); the golden
# tests prove that layout decrypts like the kernel's.  Work files go to
# $BENCH_DIR (default /dev/shm, else $TMPDIR or /tmp) so that the disk does
# not set the pace; the input is read once first to be in the page cache.
#
# CPU time comes from perf stat when it is installed (task-clock is exact;
# its user/sys split, like GNU time's, is sampled at the kernel's tick),
# else from GNU time (10 ms steps).  Every figure is given as best and
# worst of BENCH_RUNS runs, with the load average before and after: on a
# shared machine the wall times say more about the neighbours than about
# us, CPU times much less so.
#
# Environment: BENCH_MB (size of the big file, default 512), BENCH_FILES
# and BENCH_FILE_KB (the tree, default 1024 files of 256 KiB), BENCH_RUNS
# (default 3), BENCH_JOBS (the parallel run, default 2).

set -eu

bindir=${1:-.}
dec="$bindir/ecryptfs-decrypt"
mklower="$bindir/tests/bench/ecfs-mklower"
mb=${BENCH_MB:-512}
nfiles=${BENCH_FILES:-1024}
filekb=${BENCH_FILE_KB:-256}
runs=${BENCH_RUNS:-3}
jobs=${BENCH_JOBS:-2}

for f in "$dec" "$mklower"; do
	[ -x "$f" ] || { echo "missing $f: run make first (pass the build directory)" >&2; exit 2; }
done
# In a build tree the programs are libtool wrapper scripts: time the real
# binary, or the shell that runs the wrapper is counted as our CPU time.
if [ -x "$bindir/.libs/ecryptfs-decrypt" ] && [ -d "$bindir/proto/.libs" ]; then
	dec="$bindir/.libs/ecryptfs-decrypt"
	LD_LIBRARY_PATH="$bindir/proto/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
command -v openssl >/dev/null || { echo "openssl(1) is needed" >&2; exit 2; }
use_perf=""
if command -v perf >/dev/null && perf stat -x, -e task-clock true >/dev/null 2>&1; then
	use_perf=1
elif [ ! -x /usr/bin/time ]; then
	echo "perf or GNU time (/usr/bin/time) is needed for CPU times" >&2
	exit 2
fi

if [ -z "${BENCH_DIR:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm; else BENCH_DIR=${TMPDIR:-/tmp}; fi
fi
work=$(mktemp -d "$BENCH_DIR/decrypt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# measure OUT CMD...: run CMD (stdout dropped) after removing OUT; prints
# "wall cpu user sys" in seconds (cpu: all CPU time of the process).
measure() {
	out=$1
	shift
	rm -rf "$out"
	t0=$(now)
	if [ -n "$use_perf" ]; then
		perf stat -x, -o "$work/stat" -e task-clock,user_time,system_time "$@" > /dev/null
	else
		/usr/bin/time -o "$work/stat" -f '%U %S' "$@" > /dev/null
	fi
	t1=$(now)
	if [ -n "$use_perf" ]; then
		awk -F, -v a="$t0" -v b="$t1" '
			$3 ~ /^task-clock/ { c = $1 / 1e3 }
			$3 == "user_time" { u = $1 / 1e9 }
			$3 == "system_time" { s = $1 / 1e9 }
			END { printf "%.4f %.4f %.4f %.4f\n", b - a, c, u, s }' "$work/stat"
	else
		tail -1 "$work/stat" | awk -v a="$t0" -v b="$t1" \
			'{ printf "%.4f %.4f %.4f %.4f\n", b - a, $1 + $2, $1, $2 }'
	fi
}

# repeat OUT CMD...: $runs lines of measure.
repeat() {
	i=0
	while [ $i -lt "$runs" ]; do
		measure "$@"
		i=$((i + 1))
	done
}

# spread FIELD BYTES: "best worst" rate in MB/s over the lines on stdin,
# from column FIELD (1 wall, 2 cpu, 3 user, 4 sys), less $fixed seconds.
spread() {
	awk -v f="$1" -v b="$2" -v fx="${fixed:-0}" '
	{ t = $f - fx; if (t <= 0) next; r = b / t / 1e6
	  if (n == 0 || r > hi) hi = r; if (n == 0 || r < lo) lo = r; n++ }
	END { if (n) printf "%.0f %.0f\n", hi, lo; else print "- -" }'
}

printf 'bench\n' > "$work/pass"
echo "== machine: $(nproc) CPUs, $(uname -m), $(openssl version)"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
echo "== load average at the start: $(load) (a shared machine shows it here)"

# --- openssl's own rate ------------------------------------------------------
# The last line: cipher name, then kB/s (1000 bytes) for 16 .. 16384-byte
# blocks, per user-CPU second.
i=0
: > "$work/ossl"
while [ $i -lt "$runs" ]; do
	openssl speed -evp aes-128-cbc -decrypt -seconds 1 2> /dev/null |
		grep -i '^aes-128-cbc' | tail -1 |
		awk '{ v = $NF; sub("k", "", v); printf "%.0f\n", v * 1000 / 1e6 }' >> "$work/ossl"
	i=$((i + 1))
done
ossl_best=$(sort -n "$work/ossl" | tail -1)
ossl_worst=$(sort -n "$work/ossl" | head -1)
# Ratios use openssl's best run: the harder bar.
ossl=$ossl_best

# --- one big AES-128 file ----------------------------------------------------
echo "== making a ${mb} MiB AES-128 lower file with ecfs-mklower"
mkdir "$work/lower"
head -c $((mb * 1048576)) /dev/urandom > "$work/plain"
"$mklower" --passphrase-file "$work/pass" --cipher aes --key-bytes 16 \
	"$work/plain" "$work/lower/big"
"$dec" --passphrase-file "$work/pass" "$work/lower/big" "$work/out" > /dev/null
cmp -s "$work/plain" "$work/out" || { echo "decrypted output differs!" >&2; exit 1; }
rm -f "$work/plain" "$work/out"
# The fixed cost of a run: start-up and the passphrase's key derivation
# (65536 SHA-512 rounds), measured on a one-extent file.
head -c 4096 /dev/urandom > "$work/tinyplain"
"$mklower" --passphrase-file "$work/pass" "$work/tinyplain" "$work/lower/tiny"
cat "$work/lower/big" > /dev/null
echo "== load before the big-file runs: $(load)"
repeat "$work/out" "$dec" --passphrase-file "$work/pass" "$work/lower/tiny" "$work/out" \
	> "$work/tiny.runs"
repeat "$work/out" "$dec" --passphrase-file "$work/pass" "$work/lower/big" "$work/out" \
	> "$work/big.runs"
echo "== load after: $(load)"
# The I/O ceiling: copying the lower file to the same place, no crypto.
repeat "$work/out" dd if="$work/lower/big" of="$work/out" bs=1M status=none > "$work/dd.runs"
rm -f "$work/out"
bytes=$((mb * 1048576))
fixed=$(sort -n -k2 "$work/tiny.runs" | head -1 | cut -d' ' -f2)
fixed_cost=$fixed

echo
echo "Figures are best / worst of $runs runs, in MB/s (10^6 bytes)."
printf '%-58s %6s / %-6s\n' "openssl aes-128-cbc decrypt, 16 KiB blocks, per user-CPU s:" \
	"$ossl_best" "$ossl_worst"
row() {	# row LABEL "best worst" [plain]: with the share of openssl's rate unless plain
	# shellcheck disable=SC2086 # "best worst": two words on purpose
	set -- "$1" $2 "${3:-}"
	awk -v l="$1" -v h="$2" -v lo="$3" -v o="$ossl" -v plain="$4" 'BEGIN {
		if (h == "-") { printf "%-58s      -\n", l; exit }
		printf "%-58s %6.0f / %-6.0f", l, h, lo
		if (plain == "") printf " (%3.0f %% / %3.0f %% of openssl)", 100 * h / o, 100 * lo / o
		printf "\n" }'
}
row "ecryptfs-decrypt ${mb} MiB, wall time, 1 job:" "$(fixed=0 spread 1 $bytes < "$work/big.runs")" plain
row "ecryptfs-decrypt per user-CPU second:" "$(fixed=0 spread 3 $bytes < "$work/big.runs")"
row "ecryptfs-decrypt per CPU second (user+sys):" "$(fixed=0 spread 2 $bytes < "$work/big.runs")"
row "  the same less the fixed cost of a run (below):" "$(spread 2 $bytes < "$work/big.runs")"
row "I/O ceiling: dd copy of the lower file, per CPU second:" \
	"$(fixed=0 spread 2 $bytes < "$work/dd.runs")"
printf '%-58s %s s\n' "fixed cost of a run (start, key derivation), CPU:" \
	"$(awk '{ printf "%s%.3f", (NR > 1 ? ", " : ""), $2 }' "$work/tiny.runs")"
echo "CPU seconds of each ${mb} MiB run (all = user + sys; the split is sampled):"
awk '{ printf "   wall %.3f s, CPU %.3f s (user %.3f, sys %.3f)\n", $1, $2, $3, $4 }' \
	"$work/big.runs"

# --- a tree of many files ------------------------------------------------------
echo
echo "== making a tree of $nfiles files of $filekb KiB"
rm -f "$work/lower/big" "$work/lower/tiny"
head -c $((filekb * 1024)) /dev/urandom > "$work/small"
mkdir "$work/tree"
i=0
set --
while [ $i -lt "$nfiles" ]; do
	set -- "$@" "$work/tree/f$i"
	i=$((i + 1))
done
"$mklower" --passphrase-file "$work/pass" "$work/small" "$@"
cat "$work"/tree/* > /dev/null
tbytes=$((nfiles * filekb * 1024))
echo "== load before the tree runs: $(load)"
# Interleaved, so that a change of load hits both job counts alike.
i=0
: > "$work/t1.runs"
: > "$work/tn.runs"
while [ $i -lt "$runs" ]; do
	measure "$work/out" "$dec" --passphrase-file "$work/pass" --jobs 1 "$work/tree" \
		"$work/out" >> "$work/t1.runs"
	measure "$work/out" "$dec" --passphrase-file "$work/pass" --jobs "$jobs" "$work/tree" \
		"$work/out" >> "$work/tn.runs"
	i=$((i + 1))
done
echo "== load after: $(load)"
fixed=0
row "tree, --jobs 1, wall time:" "$(spread 1 $tbytes < "$work/t1.runs")" plain
row "tree, --jobs $jobs, wall time:" "$(spread 1 $tbytes < "$work/tn.runs")" plain
paste -d' ' "$work/t1.runs" "$work/tn.runs" | awk -v j="$jobs" -v f="$fixed_cost" '
	{ s = $1 / $5; r = r sprintf("%s%.2f", NR > 1 ? ", " : "", s)
	  if (NR == 1 || s > hi) hi = s; if (NR == 1 || s < lo) lo = s
	  c1 += $2; cn += $6 }
	END { printf "%-58s %.2f / %.2f x (ideal %d; run by run: %s)\n", \
		"scaling, wall --jobs 1 / --jobs " j ":", hi, lo, j, r
	      printf "%-58s %.3f s / %.3f s (same work: should be close)\n", \
		"CPU per tree run, --jobs 1 / --jobs " j " (mean):", c1 / NR, cn / NR
	      # Amdahl: the fixed cost of a run (start-up, key derivation) is
	      # serial; the rest spreads over the jobs on idle cores.
	      t = c1 / NR
	      if (t > f) printf "%-58s %.2f x\n", \
		"bound on " j " idle cores, from CPU times and fixed cost:", t / (f + (t - f) / j) }'
