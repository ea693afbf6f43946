#!/bin/sh
# Check the generated units with systemd-analyze verify (skip without it).
# ecryptfsd itself need not be installed: the check that ExecStart exists
# is pointed at the build tree's binary through a copy with that path.
set -eu
command -v systemd-analyze >/dev/null 2>&1 || { echo "no systemd-analyze"; exit 77; }
b=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for u in dist/ecryptfsd.service dist/user/ecryptfsd.service; do
	[ -f "$u" ] || { echo "missing $u"; exit 1; }
done
# A user's daemon can only lock its keys in memory with a raised limit.
grep -q '^LimitMEMLOCK=infinity$' dist/user/ecryptfsd.service ||
	{ echo "dist/user/ecryptfsd.service does not raise LimitMEMLOCK"; exit 1; }
sed "s|^ExecStart=[^ ]*ecryptfsd|ExecStart=$b/ecryptfsd|" dist/ecryptfsd.service > "$tmp/ecryptfsd.service"
mkdir "$tmp/user"
sed "s|^ExecStart=[^ ]*ecryptfsd|ExecStart=$b/ecryptfsd|" dist/user/ecryptfsd.service > "$tmp/user/ecryptfsd.service"
out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "$tmp/ecryptfsd.service" 2>&1) || { echo "$out"; exit 1; }
# Anything printed is a finding (unknown setting, bad value).
[ -z "$out" ] || { echo "$out"; exit 1; }
mkdir "$tmp/run"
out=$(XDG_RUNTIME_DIR="$tmp/run" SYSTEMD_LOG_LEVEL=warning systemd-analyze --user verify "$tmp/user/ecryptfsd.service" 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v -e 'Failed to .*bus' -e 'XDG_RUNTIME_DIR' -e '^$' && exit 1
echo "units verified"
