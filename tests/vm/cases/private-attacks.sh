# rig: kernels=6.1,6.12 modules=upstream,ours
# Attacks on the setuid mount.ecryptfs_private (the classes of
# CVE-2011-1831..1837, CVE-2012-3409, CVE-2016-1572): each is refused with a
# reason and leaves nothing mounted. Then ecryptfs-recover-private on a copy
# of a .Private with each kind of passphrase.
. "$RIG_SRC/tests/vm/lib.sh"
. "$RIG_SRC/tests/vm/private-lib.sh"
rig_load_ecryptfs
priv_setup_guest

pw='Attack-Pass-1x'
priv_useradd alice "$pw"
priv_useradd mallory 'Mallory-Pass-2y'
h=/home/alice
uid=$(id -u alice)
helper=/usr/sbin/mount.ecryptfs_private
# A known mount passphrase (for recover-private below) instead of a random one.
mp=0f1e2d3c4b5a69788796a5b4c3d2e1f0
printf '%s\n%s\n' "$pw" "$mp" | ecryptfs-setup-private -u alice -l - -m - > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "ecryptfs-setup-private failed"; }

# Every attack runs as alice with her keys in her keyring.
keys() { priv_keys alice "$pw"; }
# refused WHY CMD...: CMD fails, says WHY, and nothing is mounted.
refused() {
	local why=$1
	shift
	if "$@" > out.log 2>&1; then
		cat out.log
		rig_fail "not refused (expected: $why)"
	fi
	[[ $(< out.log) == *"$why"* ]] || rig_fail "refusal without the reason '$why': $(< out.log)"
	rig_expect_eq "mounts after a refused attack ($why)" 0 "$(priv_nmounts)"
}
keys

# The helper really is what mounts: a plain mount and unmount work.
priv_as alice "$helper"
priv_mounted "$h/Private" || rig_fail "the helper did not mount ~/Private"
priv_as alice /usr/sbin/umount.ecryptfs_private
rig_expect_eq "mounts after umount" 0 "$(priv_nmounts)"
keys

# Mount point: a symlink (to a directory alice owns) is not followed.
mkdir /tmp/alice-elsewhere && chown alice: /tmp/alice-elsewhere
mv "$h/Private" "$h/Private.real"
ln -s /tmp/alice-elsewhere "$h/Private"
refused "symbolic link is not followed" priv_as alice "$helper"
rm "$h/Private" && mv "$h/Private.real" "$h/Private"

# Paths swapped while the helper runs, timed exactly rather than by a busy
# racer (which on a guest's few CPUs rarely landed in the window): ~/.Private
# becomes a symlink through a FUSE file system (priv-race-fuse.py) whose
# process answers each lookup of it as it happens, as race.ctl says, and can
# act at that moment. The helper opens the mount point, then the source;
# the kernel looks the source up again when it creates the mount. The
# decoy is a directory alice owns on ramfs, which the kernel takes as a
# lower directory (ecryptfs_check_dev_ruid passes) but the helper refuses
# as a source (not a file system users keep files on).
grep -qw fuse /proc/filesystems || modprobe fuse
mkdir -p /srv/decoy /mnt/race
mount -t ramfs -o mode=0700 ramfs /srv/decoy && chown alice: /srv/decoy
mv "$h/.Private" "$h/.Private.real"
ln -s /mnt/race/lnk "$h/.Private" && chown -h alice: "$h/.Private"
echo "real $h/.Private.real /srv/decoy $h" > race.ctl
python3 "$RIG_SRC/tests/vm/priv-race-fuse.py" /mnt/race race.ctl race.trace
# race MODE: one run of the helper with lookups answered as MODE says (see
# priv-race-fuse.py); its messages in race.log, the lookups in race.trace.
race() {
	race_mode=$1
	echo "$1 $h/.Private.real /srv/decoy $h" > race.ctl
	: > race.trace
	priv_as alice "$helper" > race.log 2>&1
}
# walks N TARGET: the helper's run had N lookups of the source, the last
# one answered TARGET (so the swap fell between the helper's and the
# kernel's lookups).
walks() {
	local -a t=()
	mapfile -t t < race.trace
	rig_expect_eq "lookups of the source in one mount ($race_mode)" "$1" "${#t[@]}"
	rig_expect_eq "target of the last lookup ($race_mode)" "$2" "${t[-1]##* }"
}
# Unraced, the source through FUSE mounts (the checked lower: ramfs has no
# blocks, the home's tmpfs has).
race real || { cat race.log; rig_fail "the helper did not mount through the FUSE symlink"; }
walks 2 "$h/.Private.real"
[ "$(stat -f -c %b "$h/Private")" != 0 ] || rig_fail "not the checked lower: $(grep ecryptfs /proc/mounts)"
priv_as alice /usr/sbin/umount.ecryptfs_private
keys
# The mount point swapped for a symlink to /etc after the helper opened it:
# the mount lands on the directory it checked (now named real.tmp), never
# on /etc.
race mnt || { cat race.log; rig_fail "the helper failed when the mount point was swapped"; }
walks 2 "$h/.Private.real"
[ -L "$h/Private" ] || rig_fail "the mount point was not swapped: $(ls -la "$h")"
if grep -q ' /etc ecryptfs ' /proc/mounts; then rig_fail "/etc was mounted over"; fi
priv_mounted "$h/real.tmp" || rig_fail "the mount is not on the checked directory: $(grep ecryptfs /proc/mounts)"
umount "$h/real.tmp"
rm "$h/Private" && mv "$h/real.tmp" "$h/Private"
rm -f "/run/ecryptfs/$uid-Private"
# The source swapped before the helper's own lookup (refused by its check)
# and between its check and the kernel's lookup (caught by comparing the
# detached mount with the checked directory): counted from the messages.
n_check=0 n_detached=0
for mode in early late early late; do
	if race "$mode"; then
		cat race.log
		rig_fail "a mount was made with the source swapped ($mode)"
	fi
	rig_expect_eq "mounts after a source swap ($mode)" 0 "$(priv_nmounts)"
	if grep -q "refusing the encrypted directory.*cannot hold one" race.log; then
		walks 1 /srv/decoy
		n_check=$((n_check + 1))
	elif grep -q "changed while it was being mounted" race.log; then
		walks 2 /srv/decoy
		n_detached=$((n_detached + 1))
	else
		rig_fail "source swap ($mode) refused for another reason: $(cat race.log)"
	fi
	[ "$(priv_nkeys alice)" -ge 2 ] || keys
done
rig_expect_eq "swaps before the helper's lookup refused by its check" 2 "$n_check"
rig_expect_eq "swaps after it caught at the detached mount" 2 "$n_detached"
umount /mnt/race
umount /srv/decoy
rm "$h/.Private" && mv "$h/.Private.real" "$h/.Private"
rm -f "/run/ecryptfs/$uid-Private"
rig_log "races: mount point swap followed the checked directory; source swaps: $n_check refused by the check, $n_detached caught at the detached mount"

# Mount point owned by someone else, and procfs (CVE-2016-1572).
mkdir /home/mallory/target
chown mallory: /home/mallory/target && chmod 755 /home/mallory
cp "$h/.ecryptfs/Private.mnt" mnt.saved
echo /home/mallory/target > "$h/.ecryptfs/Private.mnt"
refused "you do not own the mount point" priv_as alice "$helper"
setpriv --reuid=alice --regid=alice --init-groups -- sleep 300 &
sleeper=$!
# /proc/PID turns alice's once the process has exec'd (non-dumpable before).
for _ in $(seq 300); do
	[ "$(stat -c %U "/proc/$sleeper")" = alice ] && break
	sleep 0.1
done
rig_expect_eq "owner of /proc/$sleeper" alice "$(stat -c %U "/proc/$sleeper")"
echo "/proc/$sleeper" > "$h/.ecryptfs/Private.mnt"
refused "file system type 0x9fa0" priv_as alice "$helper"
kill "$sleeper"
cp mnt.saved "$h/.ecryptfs/Private.mnt"

# Source not owned by the caller (upstream never checks it).
mv "$h/.Private" "$h/.Private.real"
mkdir -p /srv/mallory && chown mallory: /srv/mallory
ln -s /srv/mallory "$h/.Private"
refused "you do not own the encrypted directory" priv_as alice "$helper"
rm "$h/.Private"
mkdir "$h/.Private"		# root-owned
refused "you do not own the encrypted directory" priv_as alice "$helper"
rmdir "$h/.Private" && mv "$h/.Private.real" "$h/.Private"

# Aliases: "..", a config not owned by the caller, mount options.
refused 'contains ".."' priv_as alice "$helper" ../../../tmp/x
refused "contains '/'" priv_as alice "$helper" sub/x
printf '%s %s ecryptfs\n' "$h/.Private" "$h/Private" > "$h/.ecryptfs/rootconf.conf"
cp "$h/.ecryptfs/Private.sig" "$h/.ecryptfs/rootconf.sig"
refused "not a regular file owned by you" priv_as alice "$helper" rootconf
printf '%s %s ecryptfs suid,dev\n' "$h/.Private" "$h/Private" > "$h/.ecryptfs/opts.conf"
cp "$h/.ecryptfs/Private.sig" "$h/.ecryptfs/opts.sig"
chown alice: "$h/.ecryptfs/opts.conf" "$h/.ecryptfs/opts.sig"
refused "gives mount options" priv_as alice "$helper" opts
# A good alias works (and has its own counter).
printf '%s %s ecryptfs none 0 0\n' "$h/.Private" "$h/Private" > "$h/.ecryptfs/alt.conf"
cp "$h/.ecryptfs/Private.sig" "$h/.ecryptfs/alt.sig"
chown alice: "$h/.ecryptfs/alt.conf" "$h/.ecryptfs/alt.sig"
priv_as alice "$helper" alt
priv_mounted "$h/Private" || rig_fail "alias alt did not mount"
priv_as alice /usr/sbin/umount.ecryptfs_private alt
rig_expect_eq "mounts after alias umount" 0 "$(priv_nmounts)"
keys

# Counter: upstream's /dev/shm name planted by mallory is never touched;
# a /run/ecryptfs that is not root's is refused.
priv_as mallory ln -s /etc/shadow /dev/shm/ecryptfs-alice-Private
cp /etc/shadow shadow.before
priv_as alice "$helper"
priv_as alice /usr/sbin/umount.ecryptfs_private
cmp shadow.before /etc/shadow || rig_fail "/etc/shadow changed"
rig_expect_eq "counter owner/mode" "root 600" "$(stat -c '%U %a' "/run/ecryptfs/$uid-Private")"
keys
mv /run/ecryptfs /run/ecryptfs.saved
mkdir /run/ecryptfs && chown mallory: /run/ecryptfs
refused "refusing /run/ecryptfs" priv_as alice "$helper"
rmdir /run/ecryptfs && mv /run/ecryptfs.saved /run/ecryptfs

# Hostile environment: PATH with fake mount/umount, loader and locale
# variables, HOME pointing at mallory's home. All ignored.
mkdir -p /tmp/evil && for p in mount umount keyctl; do
	printf '#!/bin/sh\ntouch /tmp/evil/ran-%s\n' "$p" > "/tmp/evil/$p"
	chmod 755 "/tmp/evil/$p"
done
priv_as alice env PATH=/tmp/evil IFS=/ LD_PRELOAD=/tmp/evil/x.so LD_LIBRARY_PATH=/tmp/evil \
	GCONV_PATH=/tmp/evil LOCPATH=/tmp/evil LANG=xx HOME=/home/mallory "$helper"
priv_mounted "$h/Private" || rig_fail "a hostile environment stopped a good mount"
priv_as alice env PATH=/tmp/evil HOME=/home/mallory /usr/sbin/umount.ecryptfs_private
if compgen -G '/tmp/evil/ran-*' >/dev/null; then rig_fail "the helper ran a program from PATH"; fi
rig_expect_eq "mounts after hostile-env umount" 0 "$(priv_nmounts)"

# Without the keys in the keyring nothing is mounted, with a hint.
priv_as alice keyctl clear @u
refused "is not in your user keyring" priv_as alice "$helper"
# Unmounting what is not mounted fails cleanly.
refused "not an eCryptfs mount point" priv_as alice /usr/sbin/umount.ecryptfs_private

# ecryptfs-recover-private on a copy, with each kind of passphrase.
keys
priv_as alice "$helper"
head -c 30000 /dev/urandom > data
cp data "$h/Private/data.bin"
priv_as alice /usr/sbin/umount.ecryptfs_private
mkdir -p /srv/rescue
cp -a "$h/.Private" "$h/.ecryptfs" /srv/rescue/
keyctl clear @u
dir=$(printf 'y\ny\n%s\n' "$pw" | ecryptfs-recover-private /srv/rescue/.Private 2>rec.log | tail -n1) ||
	{ cat rec.log; rig_fail "recover with the login passphrase failed"; }
cmp data "$dir/data.bin" || rig_fail "recovered data differ (login passphrase)"
touch "$dir/new" 2>/dev/null && rig_fail "a default recovery mount is writable"
umount "$dir"
keyctl clear @u
rm /srv/rescue/.ecryptfs/wrapped-passphrase
dir=$(printf 'y\n%s\n' "$mp" | ecryptfs-recover-private --rw /srv/rescue/.Private 2>rec.log | tail -n1) ||
	{ cat rec.log; rig_fail "recover with the mount passphrase failed"; }
cmp data "$dir/data.bin" || rig_fail "recovered data differ (mount passphrase)"
echo rw > "$dir/new" || rig_fail "--rw recovery mount is not writable"
umount "$dir"
keyctl clear @u
if printf 'y\n%s\n' "0123456789abcdef0123456789abcdef" |
	ecryptfs-recover-private /srv/rescue/.Private > /dev/null 2>rec.log; then
	rig_fail "recover with a wrong mount passphrase succeeded"
fi
rig_expect_eq "mounts after a wrong recovery passphrase" 0 "$(priv_nmounts)"
keyctl clear @u
priv_cleanup
rig_log "attacks refused; recovery with login and mount passphrase: ok"
