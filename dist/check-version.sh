#!/bin/sh
# One version for the whole project: configure.ac's AC_INIT (config.h's
# PACKAGE_VERSION).  debian/changelog's upstream version, the kernel
# module's (kmodule/Makefile, which modinfo and the DKMS tree get) and
# dkms.conf's (filled in from it) must all be that one.
set -eu
src=${TOP_SRCDIR:-.}
v=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' config.h)
[ -n "$v" ] || { echo "no PACKAGE_VERSION in config.h"; exit 1; }
rc=0
if [ -f "$src/debian/changelog" ]; then
	d=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$src/debian/changelog")
	du=${d%-*}
	du=${du#*:}
	[ "$du" = "$v" ] || { echo "debian/changelog says $d (upstream $du), configure.ac says $v"; rc=1; }
fi
k=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$src/kmodule" --eval 'ecfs-print-version: ; @echo $(DKMS_VERSION)' \
	ecfs-print-version 2>/dev/null || true)
[ "$k" = "$v" ] || { echo "kmodule/Makefile's DKMS_VERSION is '$k', configure.ac says $v"; rc=1; }
grep -qx 'PACKAGE_VERSION="@VERSION@"' "$src/dist/dkms.conf" ||
	{ echo "dist/dkms.conf must take PACKAGE_VERSION from the build (@VERSION@)"; rc=1; }
grep -q 'ECFS_VERSION=${PACKAGE_VERSION}' "$src/dist/dkms.conf" ||
	{ echo "dist/dkms.conf must pass ECFS_VERSION=\${PACKAGE_VERSION} to the module build"; rc=1; }
[ $rc -eq 0 ] && echo "version $v everywhere"
exit $rc
