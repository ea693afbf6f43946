# rig: kernels=6.1,6.12 modules=ours
# Filename encryption both ways in one boot (modules swapped): the same
# plaintext names give the same lower names under both modules (the FNEK
# scheme is deterministic), each module lists, opens and readlinks the
# other's tree, lost+found is hidden, and 143 bytes is the name limit.
. "$RIG_SRC/tests/vm/lib.sh"

W=$RIG_WORK
load() { rig_switch_module "$1"; }

sigs=$(rig_add_passphrase 'kmod-fname' --fnek)
fsig=$(echo "$sigs" | sed -n 1p)
nsig=$(echo "$sigs" | sed -n 2p)
[ -n "$fsig" ] && [ -n "$nsig" ] || rig_fail "no signatures from --fnek"
opts="ecryptfs_sig=$fsig,ecryptfs_fnek_sig=$nsig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
opts="$opts,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=16"

n143=$(printf 'n%.0s' $(seq 143))
names="a bb file.txt $(printf 'x%.0s' $(seq 100)) $n143"

make_tree() { # in $W/upper
	local u=$W/upper n
	for n in $names; do printf '%s' "content of $n" > "$u/$n"; done
	mkdir "$u/dir"
	printf 'nested' > "$u/dir/inner"
	ln -s dir/inner "$u/link"
	if touch "$u/${n143}y" 2>/dev/null; then rig_fail "a 144-byte name was accepted"; fi
}

check_tree() { # check_tree WHAT
	local u=$W/upper n
	rig_expect_eq "$1: names" "$(printf '%s\n' $names dir link | sort | tr '\n' ' ')" \
		"$(ls "$u" | sort | tr '\n' ' ')"
	for n in $names; do
		rig_expect_eq "$1: content of ${n:0:10}..." "content of $n" "$(cat "$u/$n")"
	done
	rig_expect_eq "$1: nested" nested "$(cat "$u/dir/inner")"
	rig_expect_eq "$1: readlink" dir/inner "$(readlink "$u/link")"
	rig_expect_eq "$1: symlink size" 9 "$(stat -c %s "$u/link")"
	rig_expect_eq "$1: name limit" 143 "$(stat -f -c %l "$u")"
}

mkdir -p "$W/upper"
rig_ext4 "$W/la" 32
rig_ext4 "$W/lb" 32

load upstream
mount -i -t ecryptfs -o "$opts" "$W/la" "$W/upper"
make_tree
check_tree "upstream self-check"
umount "$W/upper"

load ours
mount -i -t ecryptfs -o "$opts" "$W/la" "$W/upper"
check_tree "ours reading upstream's tree"
umount "$W/upper"
mount -i -t ecryptfs -o "$opts" "$W/lb" "$W/upper"
make_tree
check_tree "ours self-check"
mv "$W/upper/a" "$W/upper/renamed"
mv "$W/upper/renamed" "$W/upper/a"
umount "$W/upper"
rig_expect_eq "identical lower names" "$(ls "$W/la" | sort)" "$(ls "$W/lb" | sort)"
rig_expect_eq "identical lower symlink target" \
	"$(find "$W/la" -maxdepth 1 -type l -exec readlink {} \;)" \
	"$(find "$W/lb" -maxdepth 1 -type l -exec readlink {} \;)"
for f in "$W"/la/ECRYPTFS_FNEK_ENCRYPTED.* "$W"/lb/ECRYPTFS_FNEK_ENCRYPTED.*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	rig_expect_eq "header flags of $(basename "$f" | cut -c1-40)" 10 \
		"$(od -An -tu1 -j19 -N1 "$f" | tr -d ' ')"
done
rmmod ecryptfs
dmesg > "$W/dmesg"
if grep -q "still has objects" "$W/dmesg"; then rig_fail "objects leaked"; fi

load upstream
mount -i -t ecryptfs -o "$opts" "$W/lb" "$W/upper"
check_tree "upstream reading our tree"
umount "$W/upper"
rmmod ecryptfs
rig_log "ok: $(echo $names | wc -w) names up to 143 bytes, a directory and a symlink, both ways"
