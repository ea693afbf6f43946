#!/bin/sh
# Every installed program has a manual page, listed in man/Makemodule.am
# and present in the source tree; every listed page exists.
# Run by make check from the build directory (man/*.list come from the
# Makefile); TOP_SRCDIR is the source tree.
set -eu
src=${TOP_SRCDIR:-.}
for f in man/programs.list man/pages.list; do
	[ -s "$f" ] || { echo "missing $f (run through make check)"; exit 1; }
done
rc=0
while read -r page; do
	[ -f "$src/$page" ] || { echo "listed in man/Makemodule.am but missing: $page"; rc=1; }
done < man/pages.list
n=0
while read -r prog; do
	prog=${prog##*/}
	n=$((n + 1))
	if ! grep -qE "^man/$(printf '%s' "$prog" | sed 's/[.]/[.]/g')[.][18]\$" man/pages.list; then
		echo "installed program without a manual page: $prog (add man/$prog.1 or .8 to man/Makemodule.am)"
		rc=1
	fi
done < man/programs.list
[ "$n" -gt 0 ] || { echo "no installed programs listed"; exit 1; }
[ $rc -eq 0 ] && echo "$n programs, each with a manual page"
exit $rc
