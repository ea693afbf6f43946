#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every installed command answers --help: exit status 0, a usage naming
# the command on standard output, nothing on standard error, at once (no
# prompt, nothing read from stdin).  Each --long-option the usage names
# is documented in the command's manual page, so the two do not drift.
# Run by make check from the build directory: man/programs.list and
# man/scripts.list come from the Makefile; TOP_SRCDIR is the source tree.
set -u
src=${TOP_SRCDIR:-.}
fail=0
n=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in man/programs.list man/scripts.list; do
	[ -s "$f" ] || { echo "missing $f (run through make check)"; exit 1; }
done
for prog in $(cat man/programs.list man/scripts.list); do
	name=${prog##*/}
	n=$((n + 1))
	# HOME: a command that would read ~/.ecryptfsrc or prompt must not
	# reach that far for --help.
	rc=0
	HOME=$tmp timeout 20 "./$prog" --help < /dev/null > "$tmp/out" 2> "$tmp/err" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "FAIL: $name --help: exit status $rc ($(head -n1 "$tmp/err"))"
		fail=1
		continue
	fi
	[ -s "$tmp/err" ] && { echo "FAIL: $name --help wrote to stderr: $(head -n1 "$tmp/err")"; fail=1; }
	grep -qF "$name" "$tmp/out" ||
		{ echo "FAIL: $name --help: the usage on stdout does not name $name"; fail=1; }
	page=
	for p in "$src/man/$name.1" "$src/man/$name.8"; do
		[ -f "$p" ] && page=$p
	done
	[ -n "$page" ] || { echo "FAIL: $name has no manual page"; fail=1; continue; }
	# Options in the page, with roff's escapes taken out.
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$page" > "$tmp/page"
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/out" | sort -u); do
		grep -qe "$opt" "$tmp/page" ||
			{ echo "FAIL: $name --help names $opt, ${page##*/} does not"; fail=1; }
	done
done
[ "$n" -gt 0 ] || { echo "no commands listed"; exit 1; }
[ "$fail" = 0 ] && echo "$n commands answer --help, matching their manual pages"
exit $fail
