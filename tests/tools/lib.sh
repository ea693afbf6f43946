# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC2034,SC2154
# (variables set here are used by the scripts; tt_name is set by them)
#
# Sourced by the tests/tools scripts after they set tt_name: the source
# tree, the programs, a scratch directory removed on exit, the check
# counters and the sanitizer-report check.
#
# Environment: TOP_SRCDIR (set by make check), ED_BINDIR (default: the
# current directory, the top build directory under make check), TMPDIR.

top=${TOP_SRCDIR:?TOP_SRCDIR must point at the source tree}
bindir=${ED_BINDIR:-.}
golden="$top/tests/data/golden"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$tt_name.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
fails=0
checks=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

ok() {
	checks=$((checks + 1))
}

# Fail on any sanitizer report in a log (the suite runs these scripts
# again with an ASan/UBSan build).
no_sanitizer() {
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$1"; then
		fail "sanitizer report in $1:"
		sed -n '1,40p' "$1"
	else
		ok
	fi
}

# tt_prog VAR PROGRAM: set VAR to PROGRAM (a path under the build
# directory). A program linked with the build's shared libraries is a
# libtool wrapper script that starts a shell and several seds on every
# call: most of the CPU time of a test running programs a hundred times.
# The real binary is used instead, with the wrapper's library directories
# on LD_LIBRARY_PATH. Anything else (an installed program, a wrapper that
# would relink) is used as it is.
tt_prog() {
	tt_p=$bindir/$2
	tt_real=$(dirname "$tt_p")/.libs/$(basename "$tt_p")
	if [ -x "$tt_real" ] && sed -n 3p "$tt_p" |
	   grep -q " - temporary wrapper script for \.libs/$(basename "$tt_p")\$" &&
	   grep -q '^relink_command=""' "$tt_p"; then
		# shellcheck disable=SC2016
		tt_lib=$(sed -n 's/^ *LD_LIBRARY_PATH="\(.*\):\$LD_LIBRARY_PATH"$/\1/p' "$tt_p" | head -n1)
		case ":${LD_LIBRARY_PATH:-}:" in
		::) ;;
		*":$tt_lib:"*) tt_lib= ;;
		esac
		if [ -n "$tt_lib" ]; then
			LD_LIBRARY_PATH=$tt_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
			export LD_LIBRARY_PATH
		fi
		tt_p=$tt_real
	fi
	eval "$1=\$tt_p"
}

# tt_done: the summary line and the exit status.
tt_done() {
	echo "$tt_name: $checks checks passed, $fails failed"
	[ "$fails" = 0 ]
}
