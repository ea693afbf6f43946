#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# decrypt-bench.sh [BUILDDIR]: throughput of ecryptfs-decrypt, printed next
# to the single-core AES-128-CBC decryption limit of this machine as
# `openssl speed -evp aes-128-cbc -decrypt` reports it, and the scaling of
# --jobs on a tree of many files.  Prints figures; it is not a pass/fail
# test and is not part of make check.
#
# The lower files are made on the host by tests/bench/ecfs-mklower (built
# by `make`), which lays them out with libecfs exactly as the kernel does
# (8192-byte header, tag 3 + tag 11, 4096-byte CBC extents); the golden
# tests prove that layout decrypts like the kernel's.  Work files go to
# $BENCH_DIR (default /dev/shm, else $TMPDIR or /tmp) so that the disk does
# not set the pace; the input is read once first to be in the page cache.
#
# Environment: BENCH_MB (size of the big file, default 512), BENCH_FILES
# and BENCH_FILE_KB (the tree, default 1024 files of 256 KiB), BENCH_RUNS
# (best of N, default 3), BENCH_JOBS (the parallel run, default 2).

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

if [ -z "${BENCH_DIR:-}" ]; then
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then BENCH_DIR=/dev/shm; else BENCH_DIR=${TMPDIR:-/tmp}; fi
fi
work=$(mktemp -d "$BENCH_DIR/decrypt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
# best_of CMD...: the shortest and the longest wall time of $runs runs, in
# seconds (the machine may be shared: the spread says how much).
best_of() {
	best="" worst=""
	i=0
	while [ $i -lt "$runs" ]; do
		rm -rf "$work/out"
		t0=$(now)
		"$@" > /dev/null
		t1=$(now)
		best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
			'BEGIN { d = b - a; if (best == "" || d < best) best = d; printf "%.4f", best }')
		worst=$(awk -v a="$t0" -v b="$t1" -v w="$worst" \
			'BEGIN { d = b - a; if (w == "" || d > w) w = d; printf "%.4f", w }')
		i=$((i + 1))
	done
	echo "$best $worst"
}

printf 'bench\n' > "$work/pass"
echo "== machine: $(nproc) CPUs, $(uname -m), $(openssl version)"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true

# --- one big AES-128 file ---------------------------------------------------
echo "== making a ${mb} MiB AES-128 lower file with ecfs-mklower"
mkdir "$work/lower"
head -c $((mb * 1048576)) /dev/urandom > "$work/plain"
"$mklower" --passphrase-file "$work/pass" --cipher aes --key-bytes 16 \
	"$work/plain" "$work/lower/big"
cat "$work/lower/big" > /dev/null
secs=$(best_of "$dec" --passphrase-file "$work/pass" "$work/lower/big" "$work/out" | cut -d' ' -f1)
"$dec" --passphrase-file "$work/pass" "$work/lower/big" "$work/out" > /dev/null
cmp -s "$work/plain" "$work/out" || { echo "decrypted output differs!" >&2; exit 1; }
bytes=$((mb * 1048576))
dec_mbs=$(awk -v b=$bytes -v s="$secs" 'BEGIN { printf "%.0f", b / s / 1e6 }')
# CPU time of $runs runs (user: crypto and copies in our code, plus the
# fixed cost of the passphrase's key derivation; sys: the kernel's
# page-cache copies), when GNU time is there.
cpu=""
if [ -x /usr/bin/time ]; then
	i=0
	while [ $i -lt "$runs" ]; do
		rm -f "$work/out"
		cpu="$cpu$(/usr/bin/time -f '%U %S' "$dec" --passphrase-file "$work/pass" \
			"$work/lower/big" "$work/out" 2>&1 > /dev/null | tail -1)
"
		i=$((i + 1))
	done
fi
# The I/O ceiling: copying the lower file to the same place, no crypto.
rm -f "$work/out"
csecs=$(best_of dd if="$work/lower/big" of="$work/out" bs=256K status=none | cut -d' ' -f1)
copy_mbs=$(awk -v b=$bytes -v s="$csecs" 'BEGIN { printf "%.0f", b / s / 1e6 }')

echo "== openssl speed -evp aes-128-cbc -decrypt (single core)"
openssl speed -evp aes-128-cbc -decrypt -seconds 2 2> /dev/null > "$work/speed"
# The last line: cipher name, then kB/s (1000 bytes) for 16 .. 16384-byte blocks.
line=$(grep -i '^aes-128-cbc' "$work/speed" | tail -1)
ossl16k=$(echo "$line" | awk '{ v = $NF; sub("k", "", v); printf "%.0f", v * 1000 / 1e6 }')
ossl8k=$(echo "$line" | awk '{ v = $(NF-1); sub("k", "", v); printf "%.0f", v * 1000 / 1e6 }')

echo
printf '%-52s %8s MB/s\n' "ecryptfs-decrypt, ${mb} MiB AES-128 file, 1 job:" "$dec_mbs"
printf '%-52s %8s MB/s\n' "openssl aes-128-cbc decrypt, 16 KiB blocks, 1 core:" "$ossl16k"
printf '%-52s %8s MB/s\n' "openssl aes-128-cbc decrypt,  8 KiB blocks, 1 core:" "$ossl8k"
awk -v a="$dec_mbs" -v b="$ossl16k" \
	'BEGIN { printf "%-52s %8.0f %%\n", "ecryptfs-decrypt / openssl (16 KiB):", 100 * a / b }'
printf '%-52s %8s MB/s\n' "I/O ceiling: dd copy of the lower file, same dirs:" "$copy_mbs"
if [ -n "$cpu" ]; then
	# Best, worst of the runs; GNU time counts in 10 ms steps.
	printf '%s' "$cpu" | awk -v b=$bytes -v o="$ossl16k" '
	NF == 2 {
		u = $1 + 0; t = $1 + $2
		if (n == 0 || u < umin) umin = u; if (u > umax) umax = u
		if (n == 0 || t < tmin) tmin = t; if (t > tmax) tmax = t
		runs = runs sprintf(" %.2f+%.2f", $1, $2); n++
	}
	END {
		if (!n || umin <= 0) exit
		printf "%-52s %8.0f MB/s (%.0f %% of openssl; worst run %.0f %%)\n", \
			"ecryptfs-decrypt per user-CPU second:", b / umin / 1e6, \
			100 * b / umin / 1e6 / o, 100 * b / umax / 1e6 / o
		printf "%-52s %8.0f MB/s (%.0f %% of openssl; worst run %.0f %%)\n", \
			"ecryptfs-decrypt per user+sys CPU second:", b / tmin / 1e6, \
			100 * b / tmin / 1e6 / o, 100 * b / tmax / 1e6 / o
		printf "%-52s %s\n", "CPU seconds (user+sys) of each run:", runs }'
fi
echo "   (wall time of the whole run, best of $runs: key derivation, reading,"
echo "    per-extent MD5 IVs, writing and fsync of the output included)"

# --- a tree of many files ------------------------------------------------------
echo
echo "== making a tree of $nfiles files of $filekb KiB"
rm -f "$work/lower/big" "$work/plain" "$work/out"
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
echo "== load before the tree runs: $(cat /proc/loadavg)"
t1=$(best_of "$dec" --passphrase-file "$work/pass" --jobs 1 "$work/tree" "$work/out")
tn=$(best_of "$dec" --passphrase-file "$work/pass" --jobs "$jobs" "$work/tree" "$work/out")
tbytes=$((nfiles * filekb * 1024))
echo "== load after: $(cat /proc/loadavg)"
awk -v b=$tbytes -v t1="$t1" -v tn="$tn" -v j="$jobs" 'BEGIN {
	split(t1, a, " "); split(tn, c, " ")
	printf "%-52s %8.0f MB/s (%.3f s, worst %.3f s)\n", "tree, --jobs 1:", b / a[1] / 1e6, a[1], a[2]
	printf "%-52s %8.0f MB/s (%.3f s, worst %.3f s)\n", "tree, --jobs " j ":", b / c[1] / 1e6, c[1], c[2]
	printf "%-52s %8.2f x (best/best; worst/worst %.2f x; ideal %d)\n", \
		"scaling --jobs " j " / --jobs 1:", a[1] / c[1], a[2] / c[2], j
}'
