#!/bin/sh
# Build the rig's busybox initramfs for one installed Debian kernel.
# Usage: mkinitramfs.sh KVER OUTPUT.cpio.gz
#
# The module list is not hard-coded: it is the dependency closure of the
# drivers the guest needs to reach its 9p shares, read from the kernel's own
# modules.dep, minus what modules.builtin says is built in (6.12 builds
# virtio and virtio_pci in and compresses its modules with xz).
set -eu

kver=$1
out=$2
moddir=/lib/modules/$kver
[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no modules.dep for $kver" >&2; exit 1; }
busybox=$(command -v busybox) || { echo "mkinitramfs: busybox not installed" >&2; exit 1; }
case "$(file -b "$busybox" 2>/dev/null || echo static)" in
*dynamically*) echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/dev" "$work/proc" "$work/sys" "$work/newroot" "$work/mod"
cp "$busybox" "$work/bin/busybox"

# Print the path (relative to $moddir) of a module given by name, or nothing
# when it is built in.
modpath() {
	local name p
	name=$1
	if grep -Eq "/$name\.ko(\.[a-z]+)?\$" "$moddir/modules.builtin" 2>/dev/null; then
		return 0
	fi
	p=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n1 | cut -d: -f1)
	[ -n "$p" ] || { echo "mkinitramfs: module $name not found for $kver" >&2; exit 1; }
	echo "$p"
}

# Depth-first: dependencies are loaded before the modules that need them.
order=
add_mod() {
	local path deps d
	path=$1
	case " $order " in *" $path "*) return 0 ;; esac
	deps=$(grep -E "^$path:" "$moddir/modules.dep" | cut -d: -f2)
	for d in $deps; do
		add_mod "$d"
	done
	order="$order $path"
}

# overlay: the root of a systemd boot (rig.init=systemd) is an overlay.
for m in virtio_pci 9pnet_virtio 9p overlay; do
	p=$(modpath "$m")
	[ -n "$p" ] && add_mod "$p"
done

: > "$work/modules"
for p in $order; do
	base=$(basename "$p")
	case "$base" in
	*.ko.xz)  xz -dc "$moddir/$p" > "$work/mod/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$moddir/$p" > "$work/mod/${base%.zst}"; base=${base%.zst} ;;
	*.ko)     cp "$moddir/$p" "$work/mod/$base" ;;
	esac
	echo "$base" >> "$work/modules"
done

cp "$(dirname "$0")/initramfs-init" "$work/init"
chmod 755 "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
