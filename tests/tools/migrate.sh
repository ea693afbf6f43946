#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154  # programs are set by tt_prog (tests/tools/lib.sh)
#
# ecryptfs-migrate on the host: a lower tree with every file type (files
# written by upstream's kernel with encrypted names and symlink targets,
# files from ecfs-mklower, a sparse file, a hard link, a symlink, a fifo,
# directories with their own modes, xattrs, set times) migrates with the
# same contents, modes, times, xattrs and links; a corrupted lower file is
# named and the rest migrates; an interrupted run resumes (a SIGKILL in the
# middle, and a state file missing its last lines) and skips what is done.
#
# Environment: TOP_SRCDIR (set by make check), ED_BINDIR (default: the
# current directory, the top build directory under make check).

set -u

# shellcheck disable=SC2034 source=tests/tools/lib.sh
tt_name=migrate
. "${TOP_SRCDIR:?TOP_SRCDIR must point at the source tree}/tests/tools/lib.sh"
tt_prog mig ecryptfs-migrate
tt_prog mklower tests/bench/ecfs-mklower

xattrs=1
python3 -c 'import os,sys; open(sys.argv[1],"w").close(); os.setxattr(sys.argv[1],"user.t",b"1")' \
	"$tmp/xt" 2>/dev/null || xattrs=0

printf 'foo\n' > "$tmp/A"
L="$tmp/lower"
mkdir -p "$L/docs/private" "$L/names"
cp -a "$golden/fnek/." "$L/names/"
head -c 300000 /dev/urandom > "$tmp/p-big"
printf 'hello\n' > "$tmp/p-small"
# A sparse plaintext: 64 KiB of zeros between two written blocks.
{ printf 'head'; head -c 65536 /dev/zero; printf 'tail'; } > "$tmp/p-sparse"
"$mklower" --passphrase-file "$tmp/A" "$tmp/p-big" "$L/docs/big" > /dev/null
"$mklower" --passphrase-file "$tmp/A" "$tmp/p-small" "$L/docs/private/note" > /dev/null
"$mklower" --passphrase-file "$tmp/A" "$tmp/p-sparse" "$L/docs/sparse" > /dev/null
# Many small files: copies of one lower file, each migrated on its own.
i=0
while [ $i -lt 30 ]; do
	cp "$L/docs/private/note" "$L/docs/many-$i"
	i=$((i + 1))
done
ln "$L/docs/big" "$L/docs/big-link"
ln -s docs/private/note "$L/plain-symlink"
mkfifo "$L/fifo"
chmod 0640 "$L/docs/private/note"
chmod 0750 "$L/docs/private"
touch -d '2001-02-03 04:05:06' "$L/docs/big"
touch -h -d '2002-03-04 05:06:07' "$L/plain-symlink"
touch -d '2003-04-05 06:07:08' "$L/docs/private"
if [ $xattrs = 1 ]; then
	python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.comment", b"kept")' "$L/docs/big"
fi
# Upper names are encrypted in names/: the top of the tree is plain.
opts="--passphrase-file $tmp/A --fnek"

# ---- 1. full migration ----
t0=$(date +%s%N)
# shellcheck disable=SC2086
"$mig" $opts --to "$tmp/out" "$L" > "$tmp/m1.log" 2> "$tmp/m1.err"
rc=$?
run_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
no_sanitizer "$tmp/m1.err"
[ $rc = 0 ] && ok || fail "migration: exit $rc: $(head -3 "$tmp/m1.err")"
grep -q " 0 failed" "$tmp/m1.log" && grep -q "1 hard links" "$tmp/m1.log" && ok ||
	fail "summary: $(cat "$tmp/m1.log")"
cmp -s "$tmp/out/docs/big" "$tmp/p-big" && cmp -s "$tmp/out/docs/private/note" "$tmp/p-small" &&
	cmp -s "$tmp/out/docs/sparse" "$tmp/p-sparse" && ok || fail "contents differ"
# Upstream-written files with encrypted names: their plaintext from the MANIFEST.
for name in secret.txt dir/inner; do
	want=$(grep "set=fnek.*	name=$name	" "$golden/MANIFEST" | sed 's/.*sha256=\([0-9a-f]*\).*/\1/')
	got=$(sha256sum < "$tmp/out/names/$name" 2>/dev/null | cut -d' ' -f1)
	[ -n "$want" ] && [ "$want" = "$got" ] && ok || fail "names/$name: sha256 $got, want $want"
done
[ "$(readlink "$tmp/out/names/link")" = secret.txt ] && ok || fail "encrypted symlink target"
[ "$(readlink "$tmp/out/plain-symlink")" = docs/private/note ] && ok || fail "symlink target"
[ "$(stat -c %i "$tmp/out/docs/big")" = "$(stat -c %i "$tmp/out/docs/big-link")" ] && ok ||
	fail "hard link not kept"
[ -p "$tmp/out/fifo" ] && ok || fail "fifo not kept"
[ "$(stat -c %a "$tmp/out/docs/private/note")" = 640 ] && ok || fail "file mode not kept"
[ "$(stat -c %a "$tmp/out/docs/private")" = 750 ] && ok || fail "directory mode not kept"
[ "$(stat -c %Y "$tmp/out/docs/big")" = "$(stat -c %Y "$L/docs/big")" ] && ok ||
	fail "file mtime not kept"
[ "$(stat -c %Y "$tmp/out/docs/private")" = "$(stat -c %Y "$L/docs/private")" ] && ok ||
	fail "directory mtime not kept"
[ "$(stat -c %Y "$tmp/out/plain-symlink")" = "$(stat -c %Y "$L/plain-symlink")" ] && ok ||
	fail "symlink mtime not kept"
if [ "$(id -u)" = 0 ]; then
	[ "$(stat -c %u:%g "$tmp/out/docs/big")" = "$(stat -c %u:%g "$L/docs/big")" ] && ok ||
		fail "owner not kept"
fi
if [ $xattrs = 1 ]; then
	got=$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.comment").decode())' \
		"$tmp/out/docs/big" 2>&1)
	[ "$got" = kept ] && ok || fail "xattr not kept ($got)"
fi
# Holes are kept: the sparse file takes less than its size.
[ "$(stat -c %b "$tmp/out/docs/sparse")" -lt 130 ] && ok ||
	fail "sparse file filled: $(stat -c %b "$tmp/out/docs/sparse") blocks"
# The state file lists every regular file with the SHA-256 of its plaintext.
st="$tmp/.out.ecryptfs-migrate"
want=$(sha256sum < "$tmp/p-big" | cut -d' ' -f1)
grep -q "^F $want 300000 docs/big$" "$st" && ok || fail "state file: $(head -3 "$st")"
ls -a "$tmp/out/docs" | grep -q ecryptfs-migrate && fail "temporary files left" || ok

# ---- 2. a corrupted lower file ----
cp -a "$L" "$tmp/lower2"
printf 'XXXXXXXXXXXXXXXX' | dd of="$tmp/lower2/docs/many-7" bs=1 seek=8 conv=notrunc 2>/dev/null
# shellcheck disable=SC2086
"$mig" $opts --to "$tmp/out2" "$tmp/lower2" > "$tmp/m2.log" 2> "$tmp/m2.err"
rc=$?
no_sanitizer "$tmp/m2.err"
[ $rc = 1 ] && grep -q "docs/many-7" "$tmp/m2.err" && grep -q " 1 failed" "$tmp/m2.log" && ok ||
	fail "corrupt file: exit $rc, $(head -2 "$tmp/m2.err")"
[ ! -e "$tmp/out2/docs/many-7" ] && cmp -s "$tmp/out2/docs/many-8" "$tmp/p-small" &&
	cmp -s "$tmp/out2/docs/big" "$tmp/p-big" && ok || fail "the rest did not migrate"

# Type, mode, size, mtime and content of every entry of a tree.
tree_sig() { # DIR
	(cd "$1" && find . -printf '%p %y %m %s %T@ %l\n' | sort &&
		find . -type f -exec sha256sum {} + | sort -k2)
}

# ---- 3. resume ----
# The state file lost its last lines and one file is gone: only it is redone.
head -n -3 "$st" > "$st.cut" && mv "$st.cut" "$st"
rm "$tmp/out/docs/many-3"
# shellcheck disable=SC2086
"$mig" $opts --to "$tmp/out" "$L" > "$tmp/m3.log" 2> "$tmp/m3.err"
rc=$?
[ $rc = 0 ] && cmp -s "$tmp/out/docs/many-3" "$tmp/p-small" && ok ||
	fail "resume: exit $rc, $(head -2 "$tmp/m3.err")"
grep -q "done before" "$tmp/m3.log" && ! grep -q " 0 done before" "$tmp/m3.log" && ok ||
	fail "resume redid everything: $(cat "$tmp/m3.log")"
# A SIGKILL in the middle (a random fraction of the first run's time, so
# it lands on a quiet or a loaded machine alike), then the same command.
for seed in 1 2; do
	rm -rf "$tmp/out4" "$tmp/.out4.ecryptfs-migrate"
	# shellcheck disable=SC2086
	"$mig" $opts --to "$tmp/out4" "$L" > /dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$seed" -v t="$run_ms" 'BEGIN { srand(s * 13); printf "%.3f", t * (0.05 + rand() * 0.45) / 1000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? = 137 ] || echo "note: SIGKILL seed $seed came after the run had ended"
	# shellcheck disable=SC2086
	"$mig" $opts --to "$tmp/out4" "$L" > "$tmp/m4.log" 2> "$tmp/m4.err"
	rc=$?
	tree_sig "$tmp/out" > "$tmp/sig.want"
	tree_sig "$tmp/out4" > "$tmp/sig.got"
	if [ $rc = 0 ] && cmp -s "$tmp/sig.want" "$tmp/sig.got"; then ok; else
		fail "SIGKILL seed $seed: exit $rc, trees differ: $(diff "$tmp/sig.want" "$tmp/sig.got" | head -3)"
	fi
	ls -aR "$tmp/out4" | grep -q ecryptfs-migrate && fail "seed $seed: temporary files left" || ok
done

# ---- 4. usage ----
"$mig" --to "$tmp/x" "$L" > /dev/null 2>&1
[ $? = 2 ] && ok || fail "no key accepted"
"$mig" --help | grep -q Usage && ok || fail "--help"

tt_done
