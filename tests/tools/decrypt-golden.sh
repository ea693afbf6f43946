#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154  # programs are set by tt_prog (tests/tools/lib.sh)
#
# ecryptfs-decrypt and ecryptfs-stat against the golden vectors written by
# the upstream kernel (tests/data/golden): every output byte must match the
# MANIFEST's size and SHA-256, names, symlink targets and directories must
# come back, both keys of a two-key file must work alone, and bad input
# (wrong key, corrupt marker, truncated file, garbage) must be reported per
# file with a non-zero exit, no sanitizer report and no partial output.
#
# The xattr set's metadata is put back on copies with setfattr(1) (package
# attr) or Python's os.setxattr; without either that set is skipped.
#
# Environment: TOP_SRCDIR (set by make check), ED_BINDIR (default: the
# current directory, the top build directory under make check).

set -u

# shellcheck disable=SC2034 source=tests/tools/lib.sh
tt_name=decrypt-golden
. "${TOP_SRCDIR:?TOP_SRCDIR must point at the source tree}/tests/tools/lib.sh"
tt_prog dec ecryptfs-decrypt
tt_prog est ecryptfs-stat
tt_prog mklower tests/bench/ecfs-mklower
manifest="$golden/MANIFEST"

set_xattr() { # FILE HEXVALUE
	if command -v setfattr >/dev/null 2>&1; then
		setfattr -n user.ecryptfs -v "0x$2" "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.ecryptfs", bytes.fromhex(sys.argv[2]))' "$1" "$2"
	else
		return 1
	fi
}

hexof() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

printf 'foo\n' > "$tmp/foo"
printf 'bar\n' > "$tmp/bar"
printf 'baz\n' > "$tmp/baz"
printf 'wrapping pass\n' > "$tmp/login"
printf 'This is the mount passphrase\n' > "$tmp/mountpass"

# --- 1. The whole golden tree (but the wrapped-passphrase file) ----------
mkdir "$tmp/lower"
for d in "$golden"/*/; do
	set=$(basename "$d")
	[ "$set" = wrapped ] && continue
	cp -a "$d" "$tmp/lower/$set"
done
skip_xattr=0
for f in "$top"/tests/data/golden-xattrs/*/*; do
	rel=${f#"$top"/tests/data/golden-xattrs/}
	if ! set_xattr "$tmp/lower/$rel" "$(hexof "$f")" 2>/dev/null; then
		skip_xattr=1
	fi
done
if [ "$skip_xattr" = 1 ]; then
	echo "SKIP: cannot set user.ecryptfs here (no setfattr/python3 or no user xattrs);"
	echo "      the xattr set is left out (test_golden_vectors covers it in-process)"
	rm -rf "$tmp/lower/xattr"
fi

"$dec" --passphrase-file "$tmp/foo" --fnek --jobs 3 "$tmp/lower" "$tmp/out" \
	> "$tmp/out.log" 2> "$tmp/out.err"
rc=$?
no_sanitizer "$tmp/out.err"
[ $rc -eq 0 ] || { fail "golden tree: exit $rc"; cat "$tmp/out.err"; }

# Expected count: files and symlinks of the manifest, less skipped sets.
want=0
tab=$(printf '\t')
while IFS= read -r line; do
	case "$line" in '#'*|'') continue ;; esac
	get() { printf '%s\n' "$line" | tr "$tab" '\n' | sed -n "s/^$1=//p"; }
	set=$(get set); type=$(get type); name=$(get name)
	[ "$set" = wrapped ] && continue
	[ "$set" = xattr ] && [ "$skip_xattr" = 1 ] && continue
	out="$tmp/out/$set/$name"
	case "$type" in
	file)
		want=$((want + 1))
		size=$(get size); sha=$(get sha256)
		if [ ! -f "$out" ]; then
			fail "$set/$name: no output"
			continue
		fi
		got_size=$(stat -c %s "$out")
		got_sha=$(sha256sum < "$out" | cut -d' ' -f1)
		[ "$got_size" = "$size" ] || fail "$set/$name: size $got_size, want $size"
		[ "$got_sha" = "$sha" ] || fail "$set/$name: sha256 $got_sha, want $sha"
		ok
		;;
	symlink)
		want=$((want + 1))
		target=$(get target)
		got=$(readlink "$out")
		[ "$got" = "$target" ] || fail "$set/$name: target '$got', want '$target'"
		ok
		;;
	dir)
		[ -d "$out" ] || fail "$set/$name: not a directory"
		ok
		;;
	esac
done < "$manifest"
grep -qx "$want files decrypted, 0 failed" "$tmp/out.log" ||
	fail "golden tree summary: '$(cat "$tmp/out.log")', want $want files"
ok

# The same tree with one job gives the same bytes.
"$dec" --passphrase-file "$tmp/foo" --fnek --jobs 1 "$tmp/lower" "$tmp/out1" \
	> /dev/null 2> "$tmp/out1.err" || fail "golden tree, --jobs 1: failed"
no_sanitizer "$tmp/out1.err"
diff -r "$tmp/out" "$tmp/out1" > /dev/null || fail "--jobs 1 and --jobs 3 differ"
ok

# Modes and times come back.
m1=$(stat -c '%a %Y' "$tmp/lower/history/sparse")
m2=$(stat -c '%a %Y' "$tmp/out/history/sparse")
[ "$m1" = "$m2" ] || fail "mode/mtime: lower '$m1', output '$m2'"
ok

# --- 2. Each key of a two-key file on its own -----------------------------
for k in foo bar; do
	"$dec" --passphrase-file "$tmp/$k" "$tmp/lower/twokeys" "$tmp/two-$k" \
		> "$tmp/two-$k.log" 2> "$tmp/two-$k.err"
	rc=$?
	no_sanitizer "$tmp/two-$k.err"
	[ $rc -eq 0 ] || fail "twokeys with $k: exit $rc"
	grep -qx "2 files decrypted, 0 failed" "$tmp/two-$k.log" || fail "twokeys with $k: summary"
	for n in two-1 two-4097; do
		cmp -s "$tmp/two-$k/$n" "$tmp/out/twokeys/$n" || fail "twokeys/$n with $k differs"
	done
	ok
done

# --- 3. Single files, and a wrapped passphrase -----------------------------
"$dec" --passphrase-file "$tmp/foo" "$tmp/lower/cast6-32/size-12388" "$tmp/single" \
	> /dev/null 2>&1 || fail "single file: failed"
cmp -s "$tmp/single" "$tmp/out/cast6-32/size-12388" || fail "single file differs"
ok
mkdir "$tmp/into"
name=$(cd "$tmp/lower/fnek" && ls -d ECRYPTFS_FNEK_ENCRYPTED.FWZdNx10V5PzcET11n11tYOchqBr4Vjw0axK1tZ*)
"$dec" --passphrase-file "$tmp/foo" --fnek "$tmp/lower/fnek/$name" "$tmp/into" \
	> /dev/null 2>&1 || fail "single FNEK file into a directory: failed"
cmp -s "$tmp/into/secret.txt" "$tmp/out/fnek/secret.txt" || fail "single FNEK file differs"
ok

head -c 70000 /dev/urandom > "$tmp/plain"
mkdir "$tmp/wlower"
"$mklower" --passphrase-file "$tmp/mountpass" "$tmp/plain" "$tmp/wlower/w" ||
	fail "ecfs-mklower failed"
"$dec" --wrapped-passphrase "$golden/wrapped/wrapped-passphrase" \
	--login-passphrase-file "$tmp/login" "$tmp/wlower/w" "$tmp/w.out" \
	> "$tmp/w.log" 2> "$tmp/w.err" || fail "wrapped passphrase: failed: $(cat "$tmp/w.err")"
cmp -s "$tmp/plain" "$tmp/w.out" || fail "wrapped passphrase: output differs"
"$dec" --wrapped-passphrase "$golden/wrapped/wrapped-passphrase" \
	--login-passphrase-file "$tmp/foo" "$tmp/wlower/w" "$tmp/w2.out" \
	> /dev/null 2> "$tmp/w2.err" && fail "wrong login passphrase accepted"
grep -q "wrong wrapping passphrase" "$tmp/w2.err" || fail "wrong login passphrase: message"
[ -e "$tmp/w2.out" ] && fail "wrong login passphrase: output written"
ok

# Hard links: one lower inode, two names -> one output inode.
mkdir "$tmp/hl"
cp "$tmp/wlower/w" "$tmp/hl/a"
ln "$tmp/hl/a" "$tmp/hl/b"
"$dec" --passphrase-file "$tmp/mountpass" "$tmp/hl" "$tmp/hl.out" > "$tmp/hl.log" 2>&1 ||
	fail "hard links: failed"
[ "$(stat -c %i "$tmp/hl.out/a")" = "$(stat -c %i "$tmp/hl.out/b")" ] ||
	fail "hard links: a and b are not one inode"
cmp -s "$tmp/hl.out/a" "$tmp/plain" || fail "hard links: content differs"
ok

# --- 4. Bad input -----------------------------------------------------------
mkdir "$tmp/bad"
src="$tmp/lower/aes-16/size-4097"
cp "$src" "$tmp/bad/good"
cp "$src" "$tmp/bad/marker"
printf '\377\377\377\377' | dd of="$tmp/bad/marker" bs=1 seek=8 conv=notrunc 2>/dev/null
head -c 12288 "$src" > "$tmp/bad/truncated"
head -c 10000 /dev/urandom > "$tmp/bad/garbage"
printf 'x' > "$tmp/bad/tiny"
"$mklower" --passphrase-file "$tmp/baz" "$tmp/plain" "$tmp/bad/wrongkey" ||
	fail "ecfs-mklower failed"
# Key packets cut: a header whose packet length runs past the set.
cp "$src" "$tmp/bad/packets"
printf '\214\377' | dd of="$tmp/bad/packets" bs=1 seek=26 conv=notrunc 2>/dev/null

"$dec" --passphrase-file "$tmp/foo" --jobs 2 "$tmp/bad" "$tmp/bad.out" \
	> "$tmp/bad.log" 2> "$tmp/bad.err"
rc=$?
no_sanitizer "$tmp/bad.err"
[ $rc -eq 1 ] || fail "bad input: exit $rc, want 1"
grep -qx "1 files decrypted, 6 failed" "$tmp/bad.log" ||
	fail "bad input: summary '$(cat "$tmp/bad.log")'"
expect_msg() { # FILE PATTERN
	grep -q "$tmp/bad/$1: .*$2" "$tmp/bad.err" || fail "bad input: no '$2' message for $1"
	ok
}
expect_msg marker "marker check failed"
expect_msg truncated "truncated"
expect_msg garbage "marker check failed"
expect_msg tiny "too short"
expect_msg wrongkey "no matching key"
expect_msg packets "corrupt metadata"
# Only the good file is in the output: no partial or temporary files.
left=$(ls -A "$tmp/bad.out" | tr '\n' ' ')
[ "$left" = "good " ] || fail "bad input: output holds '$left', want only 'good'"
cmp -s "$tmp/bad.out/good" "$tmp/out/aes-16/size-4097" || fail "bad input: good file differs"
ok

# A failed file does not replace an existing output of the same name.
printf 'keep' > "$tmp/keep"
"$dec" --passphrase-file "$tmp/foo" "$tmp/bad/truncated" "$tmp/keep" > /dev/null 2>&1 &&
	fail "truncated single file: exit 0"
[ "$(cat "$tmp/keep")" = keep ] || fail "a failed decryption clobbered its target"
ok

# --- 5. ecryptfs-stat ---------------------------------------------------------
"$est" "$tmp/lower/twokeys/two-4097" > "$tmp/stat.out" 2> "$tmp/stat.err" ||
	fail "ecryptfs-stat: failed"
no_sanitizer "$tmp/stat.err"
for pat in 'Plaintext size: *4097' 'Marker: *ok' 'Version: *3' 'ENCRYPTED' \
	'Header extent size: *4096' 'Header extents: *2' \
	'tag 3 .*cipher aes .*key size 16.*salt 0011223344556677.*sig 253ca7e88811d184' \
	'tag 3 .*sig 72c0078c0eaa7eec'; do
	grep -q "$pat" "$tmp/stat.out" || fail "ecryptfs-stat: no '$pat'"
	ok
done
if [ "$skip_xattr" = 0 ]; then
	"$est" "$tmp/lower/xattr/x-4097" > "$tmp/statx.out" 2>&1 || fail "ecryptfs-stat xattr: failed"
	grep -q 'user.ecryptfs xattr (81 bytes)' "$tmp/statx.out" || fail "ecryptfs-stat: xattr source"
	grep -q 'METADATA_IN_XATTR' "$tmp/statx.out" || fail "ecryptfs-stat: xattr flag"
	ok
fi
"$est" "$tmp/bad/marker" > "$tmp/statb.out" 2> "$tmp/statb.err" && fail "ecryptfs-stat: bad marker accepted"
no_sanitizer "$tmp/statb.err"
grep -q 'Marker: *BAD' "$tmp/statb.out" || fail "ecryptfs-stat: bad marker not shown"
ok

tt_done
