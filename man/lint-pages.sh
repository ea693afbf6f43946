#!/bin/sh
# Format every manual page as lintian does (man --warnings, groff warnings
# count as errors) and check that lexgrog finds its NAME section (what
# apropos and whatis index).  Skipped (77) without man-db.
set -eu
src=${TOP_SRCDIR:-.}
if ! command -v man >/dev/null 2>&1 || ! command -v lexgrog >/dev/null 2>&1; then
	echo "man-db is not installed"
	exit 77
fi
[ -s man/pages.list ] || { echo "missing man/pages.list (run through make check)"; exit 1; }
rc=0 n=0
while read -r page; do
	f=$src/$page
	n=$((n + 1))
	# A page that only sources another (".so man8/x.8", as for a pair of
	# commands sharing one page) is checked through its target.
	so=$(sed -n '1s/^\.so  *man[0-9]\/\(.*\)$/\1/p' "$f")
	if [ -n "$so" ] && [ "$(wc -l < "$f")" -eq 1 ]; then
		grep -qx "man/$so" man/pages.list || { echo "$page: sources $so, which is not installed"; rc=1; }
		continue
	fi
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 >/dev/null) || {
		echo "$page: man failed"; rc=1; }
	if [ -n "$out" ]; then
		echo "$page: groff warnings:"
		echo "$out" | sed 's/^/  /'
		rc=1
	fi
	lexgrog "$f" >/dev/null 2>&1 || { echo "$page: lexgrog cannot parse its NAME section"; rc=1; }
	# The section in .TH must match the file name's.
	th=$(sed -n 's/^\.TH  *[^ ]*  *\([0-9a-z]*\).*/\1/p' "$f" | head -n1)
	[ "$th" = "${page##*.}" ] || { echo "$page: .TH says section '$th'"; rc=1; }
done < man/pages.list
[ $rc -eq 0 ] && echo "$n pages format cleanly"
exit $rc
