# rig: kernels=6.1,6.12 modules=ours
# Compatibility both ways in one boot, by swapping modules:
#   1. Debian's (upstream) module writes a tree per cipher/key size, plus a
#      tree whose files carry two keys;
#   2. our module reads every tree back byte for byte (the two-key tree
#      with either key alone), writes the same trees itself, and unloads
#      with no leaked objects;
#   3. upstream's module reads our trees back.
. "$RIG_SRC/tests/vm/lib.sh"

W=$RIG_WORK
CONFIGS="aes:16 aes:24 aes:32 blowfish:16 des3_ede:24 cast5:16 twofish:32 cast6:32"

load() { rig_switch_module "$1"; }

sig1=$(rig_add_passphrase compat-one)
sig2=$(rig_add_passphrase compat-two)
[ -n "$sig1" ] && [ -n "$sig2" ] || rig_fail "no signatures"

mnt() { # mnt LOWER CIPHER KEYBYTES SIG...
	local lower=$1 cipher=$2 kb=$3 o
	shift 3
	o="ecryptfs_cipher=$cipher,ecryptfs_key_bytes=$kb"
	for s in "$@"; do o="$o,ecryptfs_sig=$s"; done
	mkdir -p "$W/upper"
	mount -i -t ecryptfs -o "$o" "$lower" "$W/upper" ||
		rig_fail "mount of $lower ($cipher/$kb) failed"
}

# The reference plaintexts, made once.
R=$W/ref
mkdir -p "$R"
for n in 0 1 4095 4096 4097 300005; do head -c "$n" /dev/urandom > "$R/s$n"; done
head -c 20000 /dev/urandom > "$R/trunc.src"
head -c 5000 "$R/trunc.src" > "$R/trunc"
head -c 50000 /dev/urandom > "$R/mid"
head -c 3000 /dev/urandom > "$R/patch"
dd if="$R/patch" of="$R/mid" bs=1 seek=7000 conv=notrunc status=none
{ head -c 50000 /dev/zero; printf 'sparse-end'; } > "$R/sparse"

write_tree() { # in $W/upper
	local u=$W/upper n
	for n in 0 1 4095 4096 4097 300005; do cp "$R/s$n" "$u/s$n"; done
	cp "$R/trunc.src" "$u/trunc"
	truncate -s 5000 "$u/trunc"
	head -c 50000 "$R/mid" > "$u/mid"
	head -c 3000 /dev/urandom | dd of="$u/mid" bs=1 seek=7000 conv=notrunc status=none
	dd if="$R/patch" of="$u/mid" bs=1 seek=7000 conv=notrunc status=none
	printf 'sparse-end' | dd of="$u/sparse" bs=1 seek=50000 status=none
	mkdir "$u/dir"
	cp "$R/s4097" "$u/dir/nested"
}

check_tree() { # check_tree WHAT
	local u=$W/upper f
	for f in s0 s1 s4095 s4096 s4097 s300005 trunc mid sparse; do
		cmp "$R/$f" "$u/$f" || rig_fail "$1: $f differs"
	done
	cmp "$R/s4097" "$u/dir/nested" || rig_fail "$1: dir/nested differs"
}

# 1. upstream writes.
load upstream
for c in $CONFIGS; do
	mkdir -p "$W/up-${c%:*}-${c#*:}"
	mnt "$W/up-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	write_tree
	check_tree "upstream self-check $c"
	umount "$W/upper"
done
mkdir -p "$W/up-two"
mnt "$W/up-two" aes 16 "$sig1" "$sig2"
write_tree
umount "$W/upper"

# 2. ours reads, then writes.
load ours
for c in $CONFIGS; do
	mnt "$W/up-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	check_tree "ours reading upstream's $c tree"
	umount "$W/upper"
	rig_log "ours read upstream's $c tree"
done
mnt "$W/up-two" aes 16 "$sig2"
check_tree "ours reading upstream's two-key tree with the second key"
umount "$W/upper"
mnt "$W/up-two" aes 16 "$sig1"
check_tree "ours reading upstream's two-key tree with the first key"
umount "$W/upper"

for c in $CONFIGS; do
	mkdir -p "$W/ours-${c%:*}-${c#*:}"
	mnt "$W/ours-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	write_tree
	check_tree "ours self-check $c"
	umount "$W/upper"
done
mkdir -p "$W/ours-two"
mnt "$W/ours-two" aes 16 "$sig1" "$sig2"
write_tree
umount "$W/upper"
# Same lower layout as upstream: header 8192 + whole extents.
for n in 0 1 4095 4096 4097 300005; do
	rig_expect_eq "lower size of s$n" \
		"$(stat -c %s "$W/up-aes-16/s$n")" "$(stat -c %s "$W/ours-aes-16/s$n")"
done
rig_expect_eq "two-key header: packets end at" 0 \
	"$(od -An -tu1 -j $((26 + 31 + 24 + 31 + 24)) -N1 "$W/ours-two/s1" | tr -d ' ')"
rmmod ecryptfs || rig_fail "rmmod of our module failed"
dmesg > "$W/dmesg"
if grep -q "still has objects" "$W/dmesg"; then
	grep -B2 -A5 "still has objects" "$W/dmesg"
	rig_fail "our module leaked objects"
fi

# 3. upstream reads ours.
load upstream
for c in $CONFIGS; do
	mnt "$W/ours-${c%:*}-${c#*:}" "${c%:*}" "${c#*:}" "$sig1"
	check_tree "upstream reading our $c tree"
	umount "$W/upper"
	rig_log "upstream read our $c tree"
done
mnt "$W/ours-two" aes 16 "$sig2"
check_tree "upstream reading our two-key tree with the second key"
umount "$W/upper"
rmmod ecryptfs
rig_log "ok: $(echo "$CONFIGS" | wc -w) cipher configurations and a two-key tree, both ways"
