#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2154  # programs are set by tt_prog (tests/tools/lib.sh)
#
# ecryptfs-rekey and the recovery key on the host, over a lower tree made of
# files written by upstream's kernel (tests/data/golden: several ciphers,
# sparse and rewritten files, two-key files, xattr metadata) and by
# ecfs-mklower (up to 1 MiB), with a hard link:
#  - rotation A -> B: B opens every file with the same plaintext, A none,
#    and no byte after the first header extent changed (nor the data of
#    xattr-metadata files);
#  - crashes: the rekey is stopped after N durable writes (several seeds),
#    with a torn header write (power loss), and by a real SIGKILL; right
#    after each stop every file opens with A or B (after a torn write: once
#    the journal was replayed), and running the command again finishes;
#  - recovery key: a tree given the recovery key's public half is decrypted
#    with the private half alone, also when restored from the printed copy;
#  - encrypted home: wrapped-passphrase and Private.sig follow the new key.
#
# Environment: TOP_SRCDIR (set by make check), ED_BINDIR (default: the
# current directory, the top build directory under make check).

set -u

# shellcheck disable=SC2034 source=tests/tools/lib.sh
tt_name=rekey
. "${TOP_SRCDIR:?TOP_SRCDIR must point at the source tree}/tests/tools/lib.sh"
tt_prog dec ecryptfs-decrypt
tt_prog rekey ecryptfs-rekey
tt_prog rkey ecryptfs-recovery-key
tt_prog mklower tests/bench/ecfs-mklower
tt_prog wrap ecryptfs-wrap-passphrase
tt_prog unwrap ecryptfs-unwrap-passphrase

printf 'foo\n' > "$tmp/A"
printf 'bar\n' > "$tmp/B"
printf 'new passphrase for rotation\n' > "$tmp/C"
printf 'login words\n' > "$tmp/login"

# ---- the tree (keys: A = "foo"; the two-key files also have "bar") ----
mk_tree() { # DIR
	d=$1
	mkdir -p "$d/up" "$d/own/deep"
	for s in aes-16 aes-32 blowfish-16 des3_ede-24 twofish-32 cast6-16 history twokeys; do
		cp -r "$golden/$s" "$d/up/$s"
	done
	if [ "$xattr_ok" = 1 ]; then
		cp -r "$golden/xattr" "$d/up/xattr"
		python3 - "$top/tests/data/golden-xattrs/xattr" "$d/up/xattr" <<'PYEOF'
import os, sys
for f in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], f), "rb") as v:
        os.setxattr(os.path.join(sys.argv[2], f), "user.ecryptfs", v.read())
PYEOF
	fi
	for n in 0 1 4095 4096 4097 70000 1048576; do
		"$mklower" --passphrase-file "$tmp/A" "$tmp/plain-$n" "$d/own/f-$n" >/dev/null
	done
	# Many small files: copies of one lower file (a rotation treats each
	# on its own; their FEKs being equal changes nothing for it).
	i=0
	while [ $i -lt 12 ]; do
		cp "$d/own/f-4097" "$d/own/deep/g-$i"
		i=$((i + 1))
	done
	ln "$d/own/f-70000" "$d/own/hardlink"
	printf 'not encrypted\n' > "$d/own/plainfile"
}

xattr_ok=0
if command -v python3 >/dev/null 2>&1 &&
   python3 -c 'import os,sys; open(sys.argv[1],"w").close(); os.setxattr(sys.argv[1],"user.t",b"1")' "$tmp/xt" 2>/dev/null; then
	xattr_ok=1
else
	echo "SKIP: no user xattrs here; the xattr-metadata files are left out"
fi
for n in 0 1 4095 4096 4097 70000 1048576; do
	head -c "$n" /dev/urandom > "$tmp/plain-$n"
done
mk_tree "$tmp/orig"
# The plain file is not eCryptfs: decrypt reports it; leave it out of the sums.
"$dec" --passphrase-file "$tmp/A" "$tmp/orig" "$tmp/want" > /dev/null 2>&1
(cd "$tmp/want" && find . -type f ! -name plainfile -exec sha256sum {} + | sort -k2) > "$tmp/want.sums"
nfiles=$(wc -l < "$tmp/want.sums")
[ "$nfiles" -ge 40 ] && ok || fail "tree too small ($nfiles files)"

# Decrypt LOWER with the given key options; compare with the sums.
check_tree() { # LABEL LOWER OPTIONS...
	label=$1 lower=$2
	shift 2
	rm -rf "$tmp/chk"
	"$dec" "$@" "$lower" "$tmp/chk" > "$tmp/chk.log" 2> "$tmp/chk.err"
	no_sanitizer "$tmp/chk.err"
	(cd "$tmp/chk" && find . -type f ! -name plainfile -exec sha256sum {} + | sort -k2) > "$tmp/chk.sums"
	if cmp -s "$tmp/want.sums" "$tmp/chk.sums"; then
		ok
	else
		fail "$label: not every file decrypts to its plaintext"
		diff "$tmp/want.sums" "$tmp/chk.sums" | head -5
		head -5 "$tmp/chk.err"
	fi
}

# Bytes after the first header extent of each file (the whole file when
# the metadata is in the xattr): what rekeying must never change.
data_sums() { # LOWER
	python3 - "$1" <<'PYEOF'
import hashlib, os, sys
root = sys.argv[1]
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        p = os.path.join(d, f)
        data = open(p, "rb").read()
        try:
            os.getxattr(p, "user.ecryptfs")
        except OSError:
            data = data[4096:]
        print(os.path.relpath(p, root), hashlib.sha256(data).hexdigest())
PYEOF
}

# ---- 1. rotation A -> B ----
cp -a "$tmp/orig" "$tmp/r1"
data_sums "$tmp/r1" > "$tmp/data.before"
t0=$(date +%s%N)
"$rekey" --passphrase-file "$tmp/A" --add-passphrase-file "$tmp/B" \
	--remove-passphrase-file "$tmp/A" "$tmp/r1" > "$tmp/r1.log" 2> "$tmp/r1.err"
rc=$?
run_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
no_sanitizer "$tmp/r1.err"
# The two-key files had B already: they only lose A.
if [ $rc = 0 ] && grep -q " 0 failed" "$tmp/r1.log" && grep -q "1 not encrypted" "$tmp/r1.log"; then
	ok
else
	fail "rotation: exit $rc: $(cat "$tmp/r1.log" "$tmp/r1.err" | head -5)"
fi
check_tree "rotation, key B" "$tmp/r1" --passphrase-file "$tmp/B"
rm -rf "$tmp/chkA"
"$dec" --passphrase-file "$tmp/A" "$tmp/r1" "$tmp/chkA" > "$tmp/chkA.log" 2>&1
if grep -q "^0 files decrypted" "$tmp/chkA.log"; then ok; else
	fail "rotation: the old key still opens files: $(tail -1 "$tmp/chkA.log")"; fi
data_sums "$tmp/r1" > "$tmp/data.after"
if cmp -s "$tmp/data.before" "$tmp/data.after"; then ok; else
	fail "rotation changed bytes outside the key packets"
	diff "$tmp/data.before" "$tmp/data.after" | head -5
fi
[ "$(stat -c %h "$tmp/r1/own/hardlink")" = 2 ] && ok || fail "rotation broke the hard link"
# Idempotent: a second run finds nothing to do.
"$rekey" --passphrase-file "$tmp/B" --add-passphrase-file "$tmp/B" --remove-passphrase-file \
	"$tmp/A" "$tmp/r1" > "$tmp/r1b.log" 2>&1 || true
if grep -q "^0 files rekeyed" "$tmp/r1b.log"; then ok; else
	fail "second run rekeyed again: $(cat "$tmp/r1b.log")"; fi
# No journal is left beside a finished tree.
[ ! -e "$tmp/.r1.ecryptfs-rekey" ] && ok || fail "journal left after a complete run"
# Removing the only key is refused per file, and nothing is written.
cp -a "$tmp/r1" "$tmp/r1c"
"$rekey" --passphrase-file "$tmp/B" --remove-passphrase-file "$tmp/B" --remove-passphrase-file \
	"$tmp/A" "$tmp/r1c" > "$tmp/r1c.log" 2> "$tmp/r1c.err"
rc=$?
if [ $rc = 1 ] && grep -q "no key" "$tmp/r1c.err"; then ok; else
	fail "removing every key: exit $rc, $(head -2 "$tmp/r1c.err")"; fi
check_tree "after a refused removal" "$tmp/r1c" --passphrase-file "$tmp/B"

# ---- 2. crashes ----
# Every file opens with A or B right after a stop.
crash_case() { # LABEL DIR FAULT
	label=$1 d=$2 fault=$3
	rm -rf "$d"
	cp -a "$tmp/orig" "$d"
	ECRYPTFS_REKEY_FAULT_AFTER=$fault "$rekey" --passphrase-file "$tmp/A" \
		--add-passphrase-file "$tmp/B" --remove-passphrase-file "$tmp/A" "$d" \
		> "$d.log" 2> "$d.err"
	rc=$?
	no_sanitizer "$d.err"
	[ $rc = 75 ] && ok || fail "$label: fault $fault did not stop the run (exit $rc)"
	case $fault in
	*tear) ;;
	*) check_tree "$label, right after the stop" "$d" --passphrase-file "$tmp/A" \
		--passphrase-file "$tmp/B" ;;
	esac
	"$rekey" --passphrase-file "$tmp/A" --add-passphrase-file "$tmp/B" \
		--remove-passphrase-file "$tmp/A" "$d" > "$d.log2" 2> "$d.err2"
	rc=$?
	no_sanitizer "$d.err2"
	[ $rc = 0 ] && ok || fail "$label: resume failed (exit $rc): $(head -3 "$d.err2")"
	# The journal names the file in flight, whether its first sector held
	# the whole change (already new) or not (completed).
	case $fault in
	*tear) grep -q -e "completed" -e "already has its new keys" "$d.err2" && ok ||
		fail "$label: the journal was not replayed: $(head -2 "$d.err2")" ;;
	esac
	check_tree "$label, resumed, key B" "$d" --passphrase-file "$tmp/B"
	rm -rf "$tmp/chkA"
	"$dec" --passphrase-file "$tmp/A" "$d" "$tmp/chkA" > "$tmp/chkA.log" 2>&1
	grep -q "^0 files decrypted" "$tmp/chkA.log" && ok ||
		fail "$label: after resume the old key still opens files"
	rm -rf "$d"
}

# Two durable writes per file (journal, header): odd N stops between them.
for seed in 1 2 3 4; do
	n=$(awk -v s="$seed" -v m="$((nfiles * 2))" 'BEGIN { srand(s); print int(rand() * m) + 1 }')
	crash_case "crash seed $seed (after $n writes)" "$tmp/c$seed" "$n"
done
for seed in 7 8; do
	n=$(awk -v s="$seed" -v m="$nfiles" 'BEGIN { srand(s); print 2 * (int(rand() * m) + 1) }')
	crash_case "torn header seed $seed (write $n)" "$tmp/c$seed" "$n,tear"
done

# A real SIGKILL at a random moment of the run: a random fraction of the
# time the first rotation took (so it lands on a quiet or a loaded machine
# alike; a run that still ends first is said, the checks hold either way).
for seed in 1 2; do
	d="$tmp/k$seed"
	rm -rf "$d"
	cp -a "$tmp/orig" "$d"
	"$rekey" --passphrase-file "$tmp/A" --add-passphrase-file "$tmp/B" \
		--remove-passphrase-file "$tmp/A" "$d" > /dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v s="$seed" -v t="$run_ms" 'BEGIN { srand(s * 7); printf "%.3f", t * (0.05 + rand() * 0.45) / 1000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	[ $? = 137 ] || echo "note: SIGKILL seed $seed came after the run had ended"
	check_tree "SIGKILL seed $seed, right after" "$d" --passphrase-file "$tmp/A" \
		--passphrase-file "$tmp/B"
	"$rekey" --passphrase-file "$tmp/A" --add-passphrase-file "$tmp/B" \
		--remove-passphrase-file "$tmp/A" "$d" > /dev/null 2> "$d.err"
	[ $? = 0 ] && ok || fail "SIGKILL seed $seed: resume failed: $(head -3 "$d.err")"
	check_tree "SIGKILL seed $seed, resumed" "$d" --passphrase-file "$tmp/B"
	rm -rf "$d"
done

# ---- 3. recovery key ----
"$rkey" generate --bits 2048 "$tmp/rk" > "$tmp/rk.log" 2>&1 || fail "generate: $(cat "$tmp/rk.log")"
[ "$(stat -c %a "$tmp/rk.pem")" = 600 ] && [ "$(stat -c %a "$tmp/rk.txt")" = 600 ] && ok ||
	fail "recovery key files are not 0600"
grep -q "BEGIN PUBLIC KEY" "$tmp/rk.pub.pem" && ! grep -q PRIVATE "$tmp/rk.pub.pem" && ok ||
	fail "the public half holds more than the public key"
"$rkey" generate --bits 2048 "$tmp/rk" > /dev/null 2>&1 && fail "generate overwrote a key" || ok
cp -a "$tmp/orig" "$tmp/rec"
"$rekey" --passphrase-file "$tmp/A" --add-public-key "$tmp/rk.pub.pem" "$tmp/rec" \
	> "$tmp/rec.log" 2> "$tmp/rec.err" || fail "adding the recovery key: $(head -3 "$tmp/rec.err")"
check_tree "recovery key alone" "$tmp/rec" --recovery-key "$tmp/rk.pem"
check_tree "passphrase still works" "$tmp/rec" --passphrase-file "$tmp/A"
# The printed copy, typed back (here: as printed), restores the same key.
"$rkey" restore "$tmp/rk.txt" "$tmp/rk-restored.pem" > /dev/null 2>&1 || fail "restore"
[ "$("$rkey" sig "$tmp/rk-restored.pem")" = "$("$rkey" sig "$tmp/rk.pub.pem")" ] && ok ||
	fail "restored key has another signature"
check_tree "restored recovery key" "$tmp/rec" --recovery-key "$tmp/rk-restored.pem"
# A typo is caught and named.
awk '/^005:/ { c = substr($2, 1, 1); sub(/^./, c == "0" ? "1" : "0", $2) } { print }' \
	"$tmp/rk.txt" > "$tmp/rk-typo.txt"
"$rkey" restore "$tmp/rk-typo.txt" "$tmp/rk-typo.pem" > /dev/null 2> "$tmp/typo.err"
if [ $? != 0 ] && grep -q "line 005" "$tmp/typo.err" && [ ! -e "$tmp/rk-typo.pem" ]; then ok; else
	fail "a typo in line 5 was not caught: $(cat "$tmp/typo.err")"; fi
# The public half cannot decrypt, and says so.
"$dec" --recovery-key "$tmp/rk.pub.pem" "$tmp/rec" "$tmp/recpub" > /dev/null 2> "$tmp/recpub.err"
[ $? = 2 ] && grep -q "only a public key" "$tmp/recpub.err" && ok ||
	fail "decrypt with the public half: $(cat "$tmp/recpub.err")"
# An OpenSSL-key tree (tag 1 packets only, as an OpenSSL or token mount
# writes them) with the recovery key beside: the recovery key alone opens it.
cp -a "$tmp/rec" "$tmp/rec-ossl"
"$rkey" generate --bits 2048 "$tmp/ossl" > /dev/null 2>&1 || fail "generate the OpenSSL key"
"$rekey" --passphrase-file "$tmp/A" --add-public-key "$tmp/ossl.pub.pem" \
	--remove-passphrase-file "$tmp/A" "$tmp/rec-ossl" > /dev/null 2> "$tmp/ossl.err" ||
	fail "OpenSSL-key tree: $(head -3 "$tmp/ossl.err")"
check_tree "OpenSSL key + recovery key: recovery key alone" "$tmp/rec-ossl" \
	--recovery-key "$tmp/rk.pem"
check_tree "OpenSSL key + recovery key: OpenSSL key alone" "$tmp/rec-ossl" \
	--recovery-key "$tmp/ossl.pem"
rm -rf "$tmp/rec-ossl"
# Lost passphrase: rotate to a new passphrase with the recovery key alone.
"$rekey" --recovery-key "$tmp/rk.pem" --add-passphrase-file "$tmp/C" \
	--remove-passphrase-file "$tmp/A" "$tmp/rec" > /dev/null 2> "$tmp/rec2.err" ||
	fail "rotation with the recovery key: $(head -3 "$tmp/rec2.err")"
check_tree "recovery key rotation, new passphrase" "$tmp/rec" --passphrase-file "$tmp/C"
# A passphrase-protected recovery key.
printf 'paper secret\n' > "$tmp/rkpass"
"$rkey" generate --bits 2048 --passphrase-file "$tmp/rkpass" "$tmp/rkp" > /dev/null 2>&1 ||
	fail "generate with a passphrase"
grep -q "ENCRYPTED PRIVATE KEY" "$tmp/rkp.pem" && grep -q "type: ENCRYPTED PRIVATE KEY" \
	"$tmp/rkp.txt" && ok || fail "protected recovery key is not encrypted in every copy"
"$rekey" --recovery-key "$tmp/rk.pem" --add-public-key "$tmp/rkp.pub.pem" "$tmp/rec" \
	> /dev/null 2>&1 || fail "adding the protected recovery key"
check_tree "protected recovery key" "$tmp/rec" --recovery-key "$tmp/rkp.pem" \
	--recovery-key-passphrase-file "$tmp/rkpass"
"$dec" --recovery-key "$tmp/rkp.pem" "$tmp/rec" "$tmp/recx" < /dev/null > /dev/null 2> "$tmp/rkp.err"
[ $? = 2 ] && grep -q "passphrase" "$tmp/rkp.err" && ok ||
	fail "a protected key without its passphrase: $(cat "$tmp/rkp.err")"

# ---- 4. encrypted home ----
mkdir -p "$tmp/home/.ecryptfs"
cp -a "$tmp/orig/own" "$tmp/home/.Private"
printf '%s\n%s' foo "login words" | "$wrap" "$tmp/home/.ecryptfs/wrapped-passphrase" - \
	> /dev/null 2>&1
if [ -s "$tmp/home/.ecryptfs/wrapped-passphrase" ]; then
	printf '253ca7e88811d184\n' > "$tmp/home/.ecryptfs/Private.sig"
	"$rekey" --wrapped-passphrase "$tmp/home/.ecryptfs/wrapped-passphrase" \
		--login-passphrase-file "$tmp/login" --add-passphrase-file "$tmp/C" \
		--remove-passphrase-file "$tmp/A" --home-dir "$tmp/home/.ecryptfs" \
		"$tmp/home/.Private" > "$tmp/home.log" 2> "$tmp/home.err"
	[ $? = 0 ] && ok || fail "home rotation: $(head -3 "$tmp/home.err")"
	got=$(printf 'login words' | "$unwrap" "$tmp/home/.ecryptfs/wrapped-passphrase" - 2>/dev/null)
	[ "$got" = "new passphrase for rotation" ] && ok ||
		fail "wrapped-passphrase does not hold the new passphrase (got '$got')"
	rm -rf "$tmp/chkh"
	"$dec" --passphrase-file "$tmp/C" "$tmp/home/.Private" "$tmp/chkh" > "$tmp/chkh.log" 2>&1
	grep -q " 0 failed\| 1 failed" "$tmp/chkh.log" && ok || fail "home tree after rotation"
	want_sig=$(head -1 "$tmp/home/.ecryptfs/Private.sig")
	[ "$want_sig" != 253ca7e88811d184 ] && [ ${#want_sig} = 16 ] && ok ||
		fail "Private.sig not updated ($want_sig)"
	# A home with filename encryption is refused before anything is written.
	printf '253ca7e88811d184\n6967d0c28476ffa1\n' > "$tmp/home/.ecryptfs/Private.sig"
	"$rekey" --passphrase-file "$tmp/C" --login-passphrase-file "$tmp/login" \
		--add-passphrase-file "$tmp/B" --home-dir "$tmp/home/.ecryptfs" \
		"$tmp/home/.Private" > /dev/null 2> "$tmp/homefn.err"
	[ $? = 2 ] && grep -q "filename key" "$tmp/homefn.err" && ok ||
		fail "home with a filename key: $(head -2 "$tmp/homefn.err")"
else
	echo "SKIP: could not make a wrapped-passphrase file"
fi

# ---- 5. usage errors ----
"$rekey" --passphrase-file "$tmp/A" "$tmp/orig" > /dev/null 2>&1
[ $? = 2 ] && ok || fail "nothing to change was accepted"
"$rekey" --add-passphrase-file "$tmp/B" "$tmp/orig" > /dev/null 2>&1
[ $? = 2 ] && ok || fail "no opening key was accepted"
"$rekey" --help | grep -q "Usage" && ok || fail "--help"

tt_done
