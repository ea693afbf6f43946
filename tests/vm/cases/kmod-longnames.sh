# rig: kernels=6.1,6.12 modules=ours
# Long names (ecryptfs_long_names, ours only): names of 144..255 bytes
# under filename encryption through every name operation, a taken digest
# slot, an entry whose record was lost; then upstream's module on the same
# lower tree sees the short names intact and the long ones not at all (a
# listing does not stop at them), and ours reads everything afterwards;
# ecryptfs-decrypt and ecryptfs-migrate recover the long names offline.
. "$RIG_SRC/tests/vm/lib.sh"

W=$RIG_WORK
U=$W/upper
L=$W/lower

sigs=$(rig_add_passphrase 'kmod-longnames' --fnek)
fsig=$(echo "$sigs" | sed -n 1p)
nsig=$(echo "$sigs" | sed -n 2p)
[ -n "$fsig" ] && [ -n "$nsig" ] || rig_fail "no signatures from --fnek"
base="ecryptfs_sig=$fsig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
opts="$base,ecryptfs_fnek_sig=$nsig,ecryptfs_fn_cipher=aes,ecryptfs_fn_key_bytes=16"

rep() { printf "$1%.0s" $(seq "$2"); }
n143=$(rep s 143)
n144=$(rep m 144)
n200=$(rep d 200)
n255=$(rep z 255)
nlink=$(rep k 250)
nmv=$(rep r 230)

mkdir -p "$U"
rig_ext4 "$L" 32

rig_switch_module ours
grep -q "^long names (non-upstream: ecryptfs_long_names)$" /sys/fs/ecryptfs/version_str ||
	rig_fail "version_str does not mark long names as ours: $(cat /sys/fs/ecryptfs/version_str)"
rig_expect_eq "version bits unchanged" 375 "$(cat /sys/fs/ecryptfs/version)"

# Refused without filename encryption, with a message saying what to add.
dmesg -C
if mount -i -t ecryptfs -o "$base,ecryptfs_long_names" "$L" "$U" 2>/dev/null; then
	rig_fail "ecryptfs_long_names was accepted without a FNEK"
fi
dmesg | grep -q "ecryptfs_long_names needs filename encryption: add ecryptfs_fnek_sig" ||
	rig_fail "no clear message for ecryptfs_long_names without a FNEK: $(dmesg | tail -3)"
# ... and on a lower file system without user xattrs.
mkdir -p "$W/tmpfs"
mount -t tmpfs none "$W/tmpfs"
if ! setfattr -n user.probe -v 1 "$W/tmpfs" 2>/dev/null; then
	dmesg -C
	if mount -i -t ecryptfs -o "$opts,ecryptfs_long_names" "$W/tmpfs" "$U" 2>/dev/null; then
		rig_fail "ecryptfs_long_names was accepted on a lower fs without user xattrs"
	fi
	dmesg | grep -q "needs user extended attributes" ||
		rig_fail "no clear message for a lower fs without user xattrs"
fi
umount "$W/tmpfs"

mount -i -t ecryptfs -o "$opts,ecryptfs_long_names" "$L" "$U"
grep -q "ecryptfs_long_names" /proc/mounts || rig_fail "option not shown in /proc/mounts"
rig_expect_eq "name limit" 255 "$(stat -f -c %l "$U")"

for n in short "$n143" "$n144" "$n200" "$n255"; do printf '%s' "content of $n" > "$U/$n"; done
if touch "$U/${n255}x" 2>/dev/null; then rig_fail "a 256-byte name was accepted"; fi
mkdir "$U/$n200.dir"
printf inner > "$U/$n200.dir/$n255"
mkdir "$U/other"
ln "$U/$n144" "$U/$nlink"
ln "$U/$n144" "$U/other/$nlink"          # same long name, another directory
printf old > "$U/$nmv"
mv "$U/$nmv" "$U/other/$nmv"              # long -> long, across directories
mv "$U/other/$nmv" "$U/other/moved"       # long -> short
mv "$U/other/moved" "$U/other/${nmv}2"    # short -> long
printf gone > "$U/$(rep u 180)"
rm "$U/$(rep u 180)"
mkdir "$U/$(rep v 180)"
rmdir "$U/$(rep v 180)"
(umask 0222 && : > "$U/$(rep q 170)")  # a 0444 file still gets its record
# Symlinks and special files cannot carry the record: refused, as upstream.
if ln -s short "$U/$n200.l" 2>/dev/null; then rig_fail "a long-named symlink was accepted"; fi
if mkfifo "$U/$n200.p" 2>/dev/null; then rig_fail "a long-named fifo was accepted"; fi
ln -s "$n255" "$U/slink"                  # a long target is fine

top="$n143 $n144 $n200 $n200.dir $n255 $nlink other $(rep q 170) short slink"
check_ours() { # check_ours WHAT
	rig_expect_eq "$1: top listing" "$(printf '%s\n' $top | sort | tr '\n' ' ')" \
		"$(ls "$U" | sort | tr '\n' ' ')"
	rig_expect_eq "$1: other/" "$(printf '%s\n' "${nmv}2" "$nlink" | sort | tr '\n' ' ')" \
		"$(ls "$U/other" | sort | tr '\n' ' ')"
	for n in short "$n143" "$n144" "$n200" "$n255"; do
		rig_expect_eq "$1: content of ${n:0:8}... (${#n})" "content of $n" "$(cat "$U/$n")"
	done
	rig_expect_eq "$1: nested" inner "$(cat "$U/$n200.dir/$n255")"
	rig_expect_eq "$1: hard link" "content of $n144" "$(cat "$U/other/$nlink")"
	rig_expect_eq "$1: link count" 3 "$(stat -c %h "$U/$n144")"
	rig_expect_eq "$1: renamed" old "$(cat "$U/other/${nmv}2")"
	rig_expect_eq "$1: readlink" "$n255" "$(readlink "$U/slink")"
}
check_ours "ours, fresh"
umount "$U"

# Lower side: long names are digests of at most 62 bytes; short names keep
# upstream's encoding; one record per link.
for f in $(ls "$L"); do
	[ ${#f} -le 255 ] || rig_fail "lower name too long: ${#f}"
done
nlong=$(ls "$L" | grep -c '^ECRYPTFS_LONGNAME\.' || true)
rig_expect_eq "long lower entries at the top" 6 "$nlong"
for f in $(ls "$L" | grep '^ECRYPTFS_LONGNAME\.'); do
	[ ${#f} -le 62 ] || rig_fail "long lower name of ${#f} bytes"
	getfattr --absolute-names -n "user.ecryptfs_ln.${f#ECRYPTFS_LONGNAME.}" "$L/$f" >/dev/null 2>&1 ||
		rig_fail "no name record on $f"
done
rig_expect_eq "short lower entries at the top" 4 \
	"$(ls "$L" | grep -c '^ECRYPTFS_FNEK_ENCRYPTED\.' || true)"

# Remount (cold caches): lookups and listings come from the lower tree.
mount -i -t ecryptfs -o "$opts,ecryptfs_long_names" "$L" "$U"
check_ours "ours, remounted"
# A taken slot: the entry of n200 loses its record (a copy that dropped
# xattrs, or a digest collision).  It disappears from the listing, the
# rest stays, and the name can be made again in the next slot.
umount "$U"
lname=$(cd "$L" && for f in ECRYPTFS_LONGNAME.*; do
	v=$(getfattr --absolute-names --only-values -n "user.ecryptfs_ln.${f#ECRYPTFS_LONGNAME.}" "$f" 2>/dev/null) || continue
	if [ -f "$f" ] && [ "$(stat -c %h "$f")" = 1 ] && [ ${#v} = 340 ]; then echo "$f"; fi
done)
[ -n "$lname" ] || rig_fail "did not find the lower entry of the 200-byte name"
setfattr -n "user.ecryptfs_ln.${lname#ECRYPTFS_LONGNAME.}" -v "ECRYPTFS_FNEK_ENCRYPTED.bogus" "$L/$lname"
mount -i -t ecryptfs -o "$opts,ecryptfs_long_names" "$L" "$U"
if ls "$U" | grep -qx "$n200"; then rig_fail "an entry with a foreign record was listed"; fi
rig_expect_eq "listing goes on past it" "$(printf '%s\n' $top | grep -cvx "$n200")" "$(ls "$U" | wc -l)"
printf again > "$U/$n200"
[ -e "$L/$lname.1" ] || rig_fail "the name did not go to the next slot"
rig_expect_eq "next slot" again "$(cat "$U/$n200")"
rm "$U/$n200"
rm "$L/$lname"
printf 'content of %s' "$n200" > "$U/$n200"
umount "$U"
rmmod ecryptfs
if dmesg | grep -q "still has objects"; then rig_fail "objects leaked"; fi

# Upstream's module on the same lower tree: short names intact, long names
# invisible (not listed, not reachable), listings complete, nothing changed.
sum_lower() {
	{
		(cd "$L" && find . -type f -exec md5sum {} + | sort)
		(cd "$L" && getfattr -R -d -m - . 2>/dev/null || true)
	} | md5sum
}
before=$(sum_lower)
rig_switch_module upstream
mount -i -t ecryptfs -o "$opts" "$L" "$U"
rig_expect_eq "upstream: top listing" "$(printf '%s\n' "$n143" other short slink | sort | tr '\n' ' ')" \
	"$(ls "$U" | sort | tr '\n' ' ')"
rig_expect_eq "upstream: short content" "content of short" "$(cat "$U/short")"
rig_expect_eq "upstream: 143-byte content" "content of $n143" "$(cat "$U/$n143")"
rig_expect_eq "upstream: other/ is empty to it" "" "$(ls "$U/other")"
if cat "$U/$n200" 2>/dev/null; then rig_fail "upstream reached a long name"; fi
if rmdir "$U/other" 2>/dev/null; then rig_fail "upstream removed a directory holding long names"; fi
umount "$U"
rig_expect_eq "upstream changed nothing in the lower tree" "$before" "$(sum_lower)"
# Upstream writes beside them; ours then reads both.
mount -i -t ecryptfs -o "$opts" "$L" "$U"
printf fromup > "$U/fromup"
umount "$U"
rmmod ecryptfs

rig_switch_module ours
mount -i -t ecryptfs -o "$opts,ecryptfs_long_names" "$L" "$U"
top="$top fromup"
check_ours "ours after upstream"
rig_expect_eq "upstream's file" fromup "$(cat "$U/fromup")"
# Without the option our module behaves as upstream's: long names unseen.
umount "$U"
mount -i -t ecryptfs -o "$opts" "$L" "$U"
rig_expect_eq "ours without the option" 5 "$(ls "$U" | wc -l)"
umount "$U"
rmmod ecryptfs
if dmesg | grep -q "still has objects"; then rig_fail "objects leaked"; fi

# The offline tools read long names from their records.
printf '%s\n' kmod-longnames > "$W/rawpass"
mkdir "$W/dec"
ecryptfs-decrypt --passphrase-file "$W/rawpass" --fnek "$L" "$W/dec" > "$W/dec.log" 2>&1 || {
	cat "$W/dec.log"; rig_fail "ecryptfs-decrypt failed"; }
ecryptfs-migrate --passphrase-file "$W/rawpass" --fnek --to "$W/mig" "$L" > "$W/mig.log" 2>&1 || {
	cat "$W/mig.log"; rig_fail "ecryptfs-migrate failed"; }
for out in dec mig; do
	rig_expect_eq "$out: top listing" "$(printf '%s\n' $top | sort | tr '\n' ' ')" \
		"$(ls "$W/$out" | grep -vx lost+found | sort | tr '\n' ' ')"
	for n in short "$n143" "$n144" "$n200" "$n255"; do
		rig_expect_eq "$out: content of ${n:0:8}... (${#n})" "content of $n" "$(cat "$W/$out/$n")"
	done
	rig_expect_eq "$out: nested" inner "$(cat "$W/$out/$n200.dir/$n255")"
	rig_expect_eq "$out: hard link" "$(stat -c %i "$W/$out/$n144")" "$(stat -c %i "$W/$out/other/$nlink")"
	rig_expect_eq "$out: renamed" old "$(cat "$W/$out/other/${nmv}2")"
done
if getfattr -R -d -m - "$W/mig" 2>/dev/null | grep -q "ecryptfs_ln"; then
	rig_fail "ecryptfs-migrate copied long-name records"
fi
rig_log "ok: names of 144..255 bytes through create, mkdir, link, rename, unlink, rmdir; upstream sees them as absent"
