# rig: kernels=6.1,6.12 modules=ours
# ecryptfs_xattr_metadata both ways in one boot (modules swapped): the
# metadata lives in user.ecryptfs (81 bytes for one AES-128 key), lower
# files hold only extents, sizes follow writes and truncates, and each
# module reads the other's files.
. "$RIG_SRC/tests/vm/lib.sh"

W=$RIG_WORK
load() { rig_switch_module "$1"; }

sig=$(rig_add_passphrase 'kmod-xattr')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_xattr_metadata"
R=$W/ref
mkdir -p "$R" "$W/upper"
for n in 0 1 4096 5000 70000; do head -c "$n" /dev/urandom > "$R/s$n"; done
head -c 3000 "$R/s70000" > "$R/trunc"

xlen() { getfattr --only-values -n user.ecryptfs "$1" | wc -c; }

write_tree() {
	local n
	for n in 0 1 4096 5000 70000; do cp "$R/s$n" "$W/upper/s$n"; done
	cp "$R/s70000" "$W/upper/trunc"
	truncate -s 3000 "$W/upper/trunc"
}
check_tree() {
	local n
	for n in s0 s1 s4096 s5000 s70000 trunc; do
		cmp "$R/$n" "$W/upper/$n" || rig_fail "$1: $n differs"
	done
}
check_lower() { # check_lower DIR WHAT
	local n
	for n in 0 1 4096 5000 70000; do
		rig_expect_eq "$2: lower size of s$n" $(( (n + 4095) / 4096 * 4096 )) \
			"$(stat -c %s "$1/s$n")"
		rig_expect_eq "$2: xattr size of s$n" "$n" \
			"$(getfattr --only-values -n user.ecryptfs "$1/s$n" | head -c 8 | od -An -tu8 --endian=big | tr -d ' ')"
	done
	rig_expect_eq "$2: xattr length" 81 "$(xlen "$1/s1")"
	rig_expect_eq "$2: flags in the xattr" 6 \
		"$(getfattr --only-values -n user.ecryptfs "$1/s1" | od -An -tu1 -j19 -N1 | tr -d ' ')"
	rig_expect_eq "$2: lower size after truncate" 4096 "$(stat -c %s "$1/trunc")"
}

rig_ext4 "$W/la" 32
rig_ext4 "$W/lb" 32

load upstream
mount -i -t ecryptfs -o "$opts" "$W/la" "$W/upper"
write_tree
umount "$W/upper"
check_lower "$W/la" "upstream"

load ours
mount -i -t ecryptfs -o "$opts" "$W/la" "$W/upper"
check_tree "ours reading upstream's tree"
umount "$W/upper"
mount -i -t ecryptfs -o "$opts" "$W/lb" "$W/upper"
write_tree
check_tree "ours self-check"
umount "$W/upper"
check_lower "$W/lb" "ours"
rig_expect_eq "xattr bytes 16-25 (flags, extent size, extents)" \
	"$(getfattr --only-values -n user.ecryptfs "$W/la/s1" | od -An -tx1 -j16 -N10)" \
	"$(getfattr --only-values -n user.ecryptfs "$W/lb/s1" | od -An -tx1 -j16 -N10)"
# The encrypted view: read-only, the header made from the xattr.
view() { # view TAG
	mount -i -t ecryptfs -o "$opts,ecryptfs_encrypted_view" "$W/lb" "$W/upper"
	if touch "$W/upper/new" 2>/dev/null; then rig_fail "$1: the encrypted view is writable"; fi
	for n in 0 5000 70000; do
		# Upstream sizes the view before it knows the metadata is in
		# the xattr, so its view stops 8192 bytes short; ours does not.
		exp=$(stat -c %s "$W/lb/s$n")
		[ "$1" = ours ] && exp=$((exp + 8192))
		rig_expect_eq "$1: view size of s$n" "$exp" "$(stat -c %s "$W/upper/s$n")"
		cat "$W/upper/s$n" > "$W/view-$1-s$n"
	done
	umount "$W/upper"
}
view ours
# Without the option, xattr-only files are refused.
mount -i -t ecryptfs -o "${opts%,ecryptfs_xattr_metadata}" "$W/lb" "$W/upper"
if cat "$W/upper/s1" > /dev/null 2>&1; then rig_fail "xattr file read without the option"; fi
umount "$W/upper"
rmmod ecryptfs
dmesg > "$W/dmesg"
if grep -q "still has objects" "$W/dmesg"; then rig_fail "objects leaked"; fi

load upstream
mount -i -t ecryptfs -o "$opts" "$W/lb" "$W/upper"
check_tree "upstream reading our tree"
umount "$W/upper"
view upstream
for n in 0 5000 70000; do
	cmp -n "$(stat -c %s "$W/view-upstream-s$n")" "$W/view-upstream-s$n" "$W/view-ours-s$n" ||
		rig_fail "encrypted view of s$n differs"
done
rmmod ecryptfs
rig_log "ok"
