# rig: manual modules=upstream
# Golden vectors from the real thing: lower files written through Debian's
# eCryptfs module with Debian's ecryptfs-utils, handed back through the
# output share with their plaintext checksums. Run by tests/make-golden-vectors.
. "$RIG_SRC/tests/vm/lib.sh"
[ "$RIG_MODULE" = upstream ] || rig_fail "golden vectors come from the upstream module only"
rig_load_ecryptfs

add=$(rig_debian ecryptfs-add-passphrase)
wrap=$(rig_debian ecryptfs-wrap-passphrase)

addkey() { # addkey PASS [--fnek] -> prints the signature(s)
	printf '%s' "$1" | "$add" ${2:-} - | sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p'
}
sig_foo=$(addkey foo)
rig_expect_eq "sig of foo" 253ca7e88811d184 "$sig_foo"
sig_bar=$(addkey bar)
fnek_sigs=$(addkey foo --fnek | tr '\n' ' ')
set -- $fnek_sigs
rig_expect_eq "FEKEK sig with --fnek" 253ca7e88811d184 "$1"
sig_fnek=$2
rig_expect_eq "FNEK sig of foo (ASCII salt quirk)" 6967d0c28476ffa1 "$sig_fnek"

root=$RIG_WORK/golden
mkdir -p "$root" upper
manifest=$root/MANIFEST
{
	echo "# Golden vectors written by $(uname -r)'s upstream eCryptfs module and"
	echo "# Debian's ecryptfs-utils $(dpkg-query -W -f='${Version}' ecryptfs-utils 2>/dev/null)."
	echo "# Keys: passphrase 'foo' sig $sig_foo, 'bar' sig $sig_bar (salt 0011223344556677);"
	echo "# FNEK: 'foo' via ecryptfs-add-passphrase --fnek, sig $sig_fnek."
	echo "# One line per lower file, tab-separated key=value fields:"
	echo "# set, path (lower, relative to the set), name (plaintext name), type (file, symlink, dir),"
	echo "# cipher, key_bytes, sigs, fnek_sig, xattr (metadata in user.ecryptfs), size, sha256, target, note"
} > "$manifest"

# gen SIZE -> deterministic-looking but unpredictable plaintext on stdout
gen() { head -c "$1" /dev/urandom; }

# record SET UPPERPATH NAME NOTE: find the lower file of UPPERPATH by inode
record() {
	local set=$1 up=$2 name=$3 note=$4 ino lowerpath type size sum target=
	ino=$(stat -c %i "upper/$up")
	lowerpath=$(cd "$root/$set" && find . -inum "$ino" | head -n1 | sed 's#^\./##')
	[ -n "$lowerpath" ] || rig_fail "no lower file for $up"
	if [ -L "upper/$up" ]; then
		type=symlink; size=0; sum=-; target=$(readlink "upper/$up")
	elif [ -d "upper/$up" ]; then
		type=dir; size=0; sum=-
	else
		type=file; size=$(stat -c %s "upper/$up"); sum=$(sha256sum < "upper/$up" | cut -d' ' -f1)
	fi
	printf 'set=%s\tpath=%s\tname=%s\ttype=%s\tcipher=%s\tkey_bytes=%s\tsigs=%s\tfnek_sig=%s\txattr=%s\tsize=%s\tsha256=%s\ttarget=%s\tnote=%s\n' \
		"$set" "$lowerpath" "$name" "$type" "$cipher" "$kb" "$sigs" "${fnek:--}" "$xattr" \
		"$size" "$sum" "${target:--}" "$note" >> "$manifest"
}

# mountset SET CIPHER KEYBYTES SIGS [FNEKSIG] [xattr]
mountset() {
	set_name=$1 cipher=$2 kb=$3 sigs=$4 fnek=${5:-} xattr=0
	local opts="ecryptfs_cipher=$cipher,ecryptfs_key_bytes=$kb"
	local s
	for s in ${sigs//,/ }; do opts="$opts,ecryptfs_sig=$s"; done
	[ -n "$fnek" ] && opts="$opts,ecryptfs_fnek_sig=$fnek"
	if [ "${6:-}" = xattr ]; then
		opts="$opts,ecryptfs_xattr_metadata"; xattr=1
		rig_ext4 "$root/$set_name" 64
		rm -rf "$root/$set_name/lost+found"
	else
		mkdir -p "$root/$set_name"
	fi
	mount -i -t ecryptfs -o "$opts" "$root/$set_name" upper
}

unmountset() {
	umount upper
	if [ "$xattr" = 1 ]; then
		# The guest's tmpfs (6.1) cannot hold user xattrs: this set travels
		# in its own archive, packed straight from the ext4 lower.
		tar --xattrs --xattrs-include='user.*' -C "$root" -cf "$RIG_OUT/golden-$set_name.tar" "$set_name"
		umount "$root/$set_name"
		rmdir "$root/$set_name"
	fi
}

sizes="0 1 4095 4096 4097 12388"

# 1. Every cipher and key size, the boundary sizes.
for ck in aes:16 aes:24 aes:32 blowfish:16 blowfish:56 des3_ede:24 cast5:16 twofish:16 twofish:32 cast6:16 cast6:32; do
	c=${ck%:*} k=${ck#*:}
	mountset "$c-$k" "$c" "$k" "$sig_foo"
	for n in $sizes; do
		gen "$n" > "upper/size-$n"
		record "$set_name" "size-$n" "size-$n" "written once"
	done
	unmountset
done

# 2. AES-128 file histories: truncated, rewritten in the middle, sparse, appended.
mountset history aes 16 "$sig_foo"
gen 20000 > upper/truncated-down; truncate -s 5000 upper/truncated-down
record history truncated-down truncated-down "20000 bytes written, truncated to 5000"
gen 3000 > upper/truncated-up; truncate -s 9000 upper/truncated-up
record history truncated-up truncated-up "3000 bytes written, truncated up to 9000"
gen 16384 > upper/rewritten
gen 100 | dd of=upper/rewritten bs=1 seek=5000 conv=notrunc status=none
record history rewritten rewritten "16384 bytes written, 100 bytes rewritten at 5000"
printf 'tail' | dd of=upper/sparse bs=1 seek=20000 status=none
record history sparse sparse "4 bytes written at offset 20000 of an empty file"
gen 5000 > upper/appended; gen 7000 >> upper/appended
record history appended appended "5000 bytes then 7000 appended"
unmountset

# 3. Two keys per file.
mountset twokeys aes 16 "$sig_foo,$sig_bar"
for n in 1 4097; do
	gen "$n" > "upper/two-$n"
	record twokeys "two-$n" "two-$n" "wrapped under foo and bar"
done
unmountset

# 4. Filename encryption (FNEK), incl. a directory, a symlink and a long name.
mountset fnek aes 16 "$sig_foo" "$sig_fnek"
gen 4097 > upper/secret.txt
record fnek secret.txt secret.txt "encrypted name"
mkdir upper/dir
gen 10 > upper/dir/inner
record fnek dir dir "encrypted directory name"
record fnek dir/inner dir/inner "file in an encrypted directory"
ln -s secret.txt upper/link
record fnek link link "symlink with an encrypted target"
long=$(printf 'n%.0s' $(seq 1 143))
gen 3 > "upper/$long"
record fnek "$long" "$long" "143-byte name, the longest allowed"
if gen 3 > "upper/${long}x" 2>/dev/null; then rig_fail "a 144-byte name was accepted"; fi
unmountset

# 5. Metadata in the user.ecryptfs xattr, on ext4.
mountset xattr aes 16 "$sig_foo" "" xattr
for n in 0 1 4097; do
	gen "$n" > "upper/x-$n"
	record xattr "x-$n" "x-$n" "metadata in user.ecryptfs"
done
unmountset

# 6. Wrapped passphrase (v2) made by Debian's ecryptfs-wrap-passphrase.
mkdir -p "$root/wrapped"
printf '%s\n%s' "This is the mount passphrase" "wrapping pass" | "$wrap" "$root/wrapped/wrapped-passphrase" -
printf 'set=wrapped\tpath=wrapped-passphrase\tname=-\ttype=wrapped\tcipher=aes\tkey_bytes=16\tsigs=-\tfnek_sig=-\txattr=0\tsize=28\tsha256=%s\ttarget=-\tnote=passphrase "This is the mount passphrase" wrapped with "wrapping pass"\n' \
	"$(printf 'This is the mount passphrase' | sha256sum | cut -d' ' -f1)" >> "$manifest"

tar --xattrs --xattrs-include='user.*' -C "$root" -cf "$RIG_OUT/golden.tar" .
rig_log "golden vectors: $(grep -vc '^#' "$manifest") entries, $(du -sk "$root" | cut -f1) KiB"
