#!/bin/sh
# The private-directory scripts must be shellcheck-clean (skipped without it).
command -v shellcheck >/dev/null 2>&1 || exit 77
cd "${TOP_SRCDIR:-$(dirname "$0")/../..}/tools/private" || exit 1
exec shellcheck -s bash ecryptfs-*.in
