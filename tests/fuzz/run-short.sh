#!/bin/sh
# run-short.sh - run each libFuzzer target for a few seconds.
#
# Usage: run-short.sh [-t SECONDS] [TARGET...]
#   SECONDS: per target; default $FUZZ_SECONDS, else 10.
#   TARGET:  program names (fuzz_tag3 ...); default: every executable in
#            $FUZZ_BIN_DIR (default ./tests/fuzz, the build tree when make
#            check runs us from the top build directory), scripts excepted.
# Seeds come from corpus/<target>/ or corpus/<target minus "fuzz_">/ next
# to this script; they are copied to
# a scratch directory so the source tree is never written to.  Crash inputs
# are kept in $FUZZ_BIN_DIR/artifacts/.  Exit status: 0 all clean, 1 any
# target crashed or failed to run, 77 (skip) no target built.
set -u

secs=${FUZZ_SECONDS:-10}
if [ "${1:-}" = "-t" ]; then
	secs=${2:?missing seconds}
	shift 2
fi
case $secs in
''|*[!0-9]*) echo "run-short.sh: bad seconds: $secs" >&2; exit 1 ;;
esac

srcdir=$(cd "$(dirname "$0")" && pwd)
bindir=${FUZZ_BIN_DIR:-tests/fuzz}
[ -d "$bindir" ] || { echo "run-short.sh: no $bindir" >&2; exit 77; }

if [ $# -eq 0 ]; then
	for p in "$bindir"/*; do
		case $p in *.sh) continue ;; esac
		[ -f "$p" ] && [ -x "$p" ] && set -- "$@" "$(basename "$p")"
	done
fi
[ $# -gt 0 ] || { echo "run-short.sh: no fuzz targets built" >&2; exit 77; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ecfs-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$bindir/artifacts" || exit 1

failed=0
for t in "$@"; do
	prog=$bindir/$t
	if [ ! -x "$prog" ]; then
		echo "FAIL: $t: not built" >&2
		failed=1
		continue
	fi
	corpus=$scratch/$t
	mkdir -p "$corpus"
	for seeds in "$srcdir/corpus/$t" "$srcdir/corpus/${t#fuzz_}"; do
		[ -d "$seeds" ] && cp "$seeds"/* "$corpus"/ 2>/dev/null
	done
	log=$scratch/$t.log
	"$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$bindir/artifacts/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $t (exit $rc); last lines of its log:" >&2
		tail -n 40 "$log" >&2
		failed=1
	else
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
		echo "ok: $t (${runs:-?} runs in ${secs}s)"
	fi
done
exit $failed
