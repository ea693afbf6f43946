# rig: kernels=6.1,6.12 modules=ours
# Corrupted lower files: every open or read gives EIO (never an oops, the
# rig fails any case with a kernel splat), the log names the reason, stat
# shows upstream's sizes for them, and the module unloads cleanly.
. "$RIG_SRC/tests/vm/lib.sh"
rig_fresh_ecryptfs

sig=$(rig_add_passphrase 'kmod-corrupt')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
W=$RIG_WORK
L=$W/lower
U=$W/upper
mkdir -p "$L" "$U"
mount -t tmpfs tmpfs "$L"

mount -i -t ecryptfs -o "$opts" "$L" "$U"
cases="marker short-header huge-size small-header lone-tag11 bad-len bad-version
	bad-cipher no-packets short-data tag3-no-tag11 not-encrypted"
for c in $cases; do head -c 12000 /dev/urandom > "$U/$c"; done
head -c 12000 /dev/urandom > "$U/good"
head -c 12000 /dev/urandom > "$U/good2"
umount "$U"

poke() { # poke FILE OFFSET HEXBYTES
	printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
poke "$L/marker" 8 00000000
truncate -s 10 "$L/short-header"
poke "$L/huge-size" 0 7fffffffffffff00
poke "$L/small-header" 24 0001
poke "$L/lone-tag11" 26 ed16
poke "$L/bad-len" 26 8cff
poke "$L/bad-version" 28 05
poke "$L/bad-cipher" 29 05
poke "$L/no-packets" 26 00
truncate -s $((8192 + 4096)) "$L/short-data"
poke "$L/tag3-no-tag11" 57 00
poke "$L/not-encrypted" 19 00

# Sizes, read on first need: a header whose front checks gives its size
# (whatever is wrong further on, as upstream), else the lower size shows.
stat_sizes() { # stat_sizes WHEN
	local c want
	for c in $cases good; do
		case $c in
		marker) want=20480 ;;
		short-header) want=10 ;;
		huge-size) continue ;;
		*) want=12000 ;;
		esac
		rig_expect_eq "$1: size of $c" "$want" "$(stat -c %s "$U/$c")"
	done
}
mount -i -t ecryptfs -o "$opts" "$L" "$U"
stat_sizes "after lookup only"
umount "$U"
mount -i -t ecryptfs -o "$opts" "$L" "$U"
for c in $cases; do
	# head bounds the read should a huge size be believed.
	if err=$(head -c 100000 "$U/$c" 2>&1 >/dev/null); then
		rig_fail "$c: read succeeded"
	fi
	case $err in
	*"Input/output error"*) ;;
	*) rig_fail "$c: expected EIO, got: $err" ;;
	esac
done
head -c 100 "$U/good" > /dev/null || rig_fail "the intact file is unreadable"
stat_sizes "after opens"
dmesg > "$W/dmesg"; grep -q "corrupt or unsupported header" "$W/dmesg" || rig_fail "no log line for corrupt headers"

# Extents lost under an open file: the read fails, the log says why.
exec 3< "$U/good"
truncate -s $((8192 + 4096)) "$L/good"
echo 3 > /proc/sys/vm/drop_caches
if cat <&3 > /dev/null 2>&1; then rig_fail "read of lost extents succeeded"; fi
exec 3<&-
dmesg > "$W/dmesg"; grep -q "lower file too short" "$W/dmesg" || rig_fail "no log line for the short data"

# A file whose key is not available gives EIO too.
umount "$U"
keyctl unlink "$(keyctl search @u user "$sig")" @u > /dev/null
sig2=$(rig_add_passphrase 'kmod-corrupt-other')
mount -i -t ecryptfs -o "ecryptfs_sig=$sig2,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" "$L" "$U"
if cat "$U/marker" > /dev/null 2>&1; then rig_fail "read of a corrupt file"; fi
rig_expect_eq "size of a file without its key" 12000 "$(stat -c %s "$U/good2")"
head -c 12000 /dev/urandom > "$W/plain"
cp "$W/plain" "$U/other-key"
umount "$U"
mount -i -t ecryptfs -o "$opts" "$L" "$U" 2>/dev/null &&
	rig_fail "mount with a key that is no longer in the keyring"
mount -i -t ecryptfs -o "ecryptfs_sig=$sig2,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" "$L" "$U"
cmp "$W/plain" "$U/other-key" || rig_fail "file of the second key"
head -c 10 "$U/good2" > /dev/null 2>&1 && rig_fail "read without the file's key"
umount "$U"
umount "$L"
rmmod ecryptfs || rig_fail "rmmod failed"
dmesg > "$W/dmesg"
if grep -q "still has objects" "$W/dmesg"; then rig_fail "objects leaked"; fi
rig_log "ok: $(echo $cases | wc -w) corruptions, each EIO"
