#!/bin/sh
# Install the Debian 12 packages a job needs, only when some are missing.
# Usage: scripts/deps.sh build|test|vm|pkg|all
set -eu

build_pkgs="build-essential autoconf automake libtool pkg-config libssl-dev libbotan-2-dev
	libkeyutils-dev keyutils libnl-3-dev libnl-genl-3-dev libcmocka-dev attr python3 time
	libpkcs11-helper1-dev softhsm2 opensc libtspi-dev
	libpam0g-dev shellcheck"
fuzz_pkgs="clang libclang-rt-14-dev"
vm_pkgs="qemu-system-x86 busybox-static cpio xz-utils kmod e2fsprogs attr python3 bsdutils bc procps
	linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64
	ecryptfs-utils sparse gnuplot-nox
	pamtester rsync trousers tpm-tools swtpm swtpm-tools"
# Debian packages (debian/), man page checks, bash completion.
pkg_pkgs="debhelper dkms lintian man-db groff-base bash-completion fakeroot dpkg-dev"

case "${1:-all}" in
build)	want="$build_pkgs" ;;
test)	want="$build_pkgs $fuzz_pkgs" ;;
vm)	want="$vm_pkgs" ;;
pkg)	want="$build_pkgs $pkg_pkgs" ;;
all)	want="$build_pkgs $fuzz_pkgs $vm_pkgs $pkg_pkgs" ;;
*)	echo "usage: $0 build|test|vm|pkg|all" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Another apt run (unattended upgrades, a parallel job) may hold the lock briefly.
apt-get -o DPkg::Lock::Timeout=600 update -q
# shellcheck disable=SC2086
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends $missing
