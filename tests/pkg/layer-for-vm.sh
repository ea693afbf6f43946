#!/bin/bash
# Make an overlayfs upper layer made over LOWER (the host's root) usable as
# a lower layer in the VM, whose 9p shares (qemu, security_model=none) do
# not pass trusted.* xattrs: whiteouts (character devices 0:0) go through,
# opaque-directory marks do not. Each opaque directory is rewritten as
# whiteouts, one for every LOWER entry the layer hides, which is the same
# merged tree over the same LOWER, and its mark is removed. A layer that
# needs other overlayfs xattrs (a renamed directory's redirect, metacopy)
# cannot be carried and is refused.
#
#   tests/pkg/layer-for-vm.sh LAYER LOWER LIST
#
# LIST gets the layer's whiteouts ("whiteout /path", sorted), the list the
# VM case pkg-apt compares with what the guest sees.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 LAYER LOWER LIST" >&2; exit 2; }
layer=$1 lower=${2%/} list=$3

xattrs() { (cd "$layer" && getfattr -R -P -m "$1" -d . 2>/dev/null) || true; }
other=$(xattrs '^trusted\.overlay\.(redirect|metacopy)$' | grep '^trusted' || true)
if [ -n "$other" ]; then
	echo "layer-for-vm: $layer has redirect or metacopy xattrs, which the VM's 9p cannot carry" >&2
	exit 1
fi
n=0
while IFS= read -r d; do
	if [ -d "$lower/$d" ]; then
		for e in "$lower/$d"/* "$lower/$d"/.[!.]* "$lower/$d"/..?*; do
			{ [ -e "$e" ] || [ -L "$e" ]; } || continue
			t=$layer/$d/${e##*/}
			{ [ -e "$t" ] || [ -L "$t" ]; } || { mknod "$t" c 0 0; n=$((n + 1)); }
		done
	fi
	setfattr -x trusted.overlay.opaque "$layer/$d"
done < <(xattrs '^trusted\.overlay\.opaque$' |
	awk '/^# file: /{f=substr($0, 9); sub(/^\.\//, "", f)} /^trusted\.overlay\.opaque="y"$/{print f}')
(cd "$layer" && find . -type c -exec stat -c '%n %t:%T' {} + |
	sed -n 's|^\.\(/.*\) 0:0$|whiteout \1|p' | sort) > "$list"
echo "layer-for-vm: $(wc -l < "$list") whiteouts, $n of them for opaque directories"
