#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ecryptfsd and the key modules must not load Botan (nor OpenSSL, for the
# daemon): they link only the format library libecfs.  Checked on the
# binaries as built, through the dynamic loader's view (ldd) with the
# build's own libraries first, so an indirect dependency fails too.
set -u
b=${BUILD_DIR:-.}
fail=0

real() {
	# libtool puts the real program in .libs when it links shared libraries.
	d=$(dirname "$1"); f=$(basename "$1")
	for c in "$d/.libs/$f" "$d/.libs/lt-$f" "$1"; do
		if [ -f "$c" ] && od -An -c -N4 "$c" | grep -q 'E   L   F'; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

check() {
	obj=$1; shift
	path=$(real "$b/$obj") || { echo "FAIL: $obj not built"; fail=1; return; }
	deps=$(LD_LIBRARY_PATH=$b/proto/.libs:$b/keymods/.libs ldd "$path" 2>&1) || {
		echo "FAIL: ldd $path: $deps"; fail=1; return; }
	for lib in "$@"; do
		if printf '%s\n' "$deps" | grep -qi "$lib"; then
			echo "FAIL: $obj loads $(printf '%s\n' "$deps" | grep -i "$lib" | head -n1)"
			fail=1
		fi
	done
	echo "ok: $obj does not load $*"
}

check ecryptfsd botan libcrypto libecfs-crypto
check keymods/libecfs-keymod-openssl.so botan libecfs-crypto
# The crypto library is where Botan belongs: the check must be able to see it.
check proto/libecfs-crypto.so NOTHING >/dev/null
path=$(real "$b/proto/libecfs-crypto.so") &&
	LD_LIBRARY_PATH=$b/proto/.libs ldd "$path" | grep -qi botan ||
	{ echo "FAIL: libecfs-crypto does not load Botan: the check sees nothing"; fail=1; }
exit $fail
