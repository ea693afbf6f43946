# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the host tests in tests/tools/ after setting t_name (the
# scratch directory's prefix): the source and build trees, a scratch
# directory removed on exit, and the check counters.
#
# Environment: TOP_SRCDIR (set by make check), ED_BINDIR (default: the
# current directory, the top build directory under make check).

top=${TOP_SRCDIR:?TOP_SRCDIR must point at the source tree}
bindir=${ED_BINDIR:-.}
mklower="$bindir/tests/bench/ecfs-mklower"
golden="$top/tests/data/golden"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/${t_name:?set t_name before sourcing lib.sh}.XXXXXX") || exit 99
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

# Fail on any sanitizer report in a log.
no_sanitizer() {
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$1"; then
		fail "sanitizer report in $1:"
		sed -n '1,40p' "$1"
	else
		ok
	fi
}
