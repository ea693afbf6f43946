# rig: kernels=6.1,6.12 modules=upstream
# Interop with Debian's ecryptfs-utils 111, both ways: a ~/Private set up
# by Debian's ecryptfs-setup-private is mounted at login by our PAM module
# and helper, and ours by Debian's; the same for whole-home (-b) setups
# (ecryptfs-migrate-home: private-migrate). Debian's umount.ecryptfs_private
# unmounts a mount made by our helper (it matches the source and mount
# point in /proc/mounts), and ours one made by Debian's.
. "$RIG_SRC/tests/vm/lib.sh"
. "$RIG_SRC/tests/vm/private-lib.sh"
rig_load_ecryptfs
priv_setup_guest

pw='Interop-Pass-1x'
deb_setup=$(rig_debian ecryptfs-setup-private)
debpath=$RIG_DEBIAN/usr/bin:$RIG_DEBIAN/usr/sbin:/usr/bin:/usr/sbin:/bin:/sbin
head -c 40000 /dev/urandom > data

# Debian's stack: its PAM module (service ecfs-debian), which runs
# /sbin/mount.ecryptfs_private, and there Debian's helper, bound over ours.
debian_helper_on() {
	mount --bind "$RIG_DEBIAN/usr/sbin/mount.ecryptfs_private" /usr/sbin/mount.ecryptfs_private
}
debian_helper_off() {
	umount /usr/sbin/mount.ecryptfs_private
}
# roundtrip SERVICE USER DIR: log in, check/write data, log out, all clean.
roundtrip() {
	priv_login "$1" "$2" "$pw"
	priv_mounted "$3" || rig_fail "$1 login of $2 did not mount $3"
	rig_expect_eq "source of the $1 mount" "/home/$2/.Private" \
		"$(awk -v d="$3" '$2 == d && $3 == "ecryptfs" { print $1 }' /proc/mounts)"
	if [ -f "$3/data.bin" ]; then
		cmp data "$3/data.bin" || rig_fail "$2's data differ through $1"
	else
		priv_as "$2" cp "$RIG_WORK/data" "$3/data.bin"
	fi
	priv_logout "$1" "$2"
	if priv_mounted "$3"; then rig_fail "$1 logout of $2 left $3 mounted"; fi
	rig_expect_eq "$2's keys after $1 logout" 0 "$(priv_nkeys "$2")"
}

# ~/Private by Debian's setup, logins through ours, then Debian's again.
priv_useradd bob "$pw"
priv_as bob keyctl session - env PATH="$debpath" "$deb_setup" -l "$pw" > deb-setup.log 2>&1 ||
	{ cat deb-setup.log; rig_fail "Debian's ecryptfs-setup-private failed"; }
priv_check_layout bob /home/bob/Private 2
rig_expect_eq "keys after Debian's setup" 0 "$(priv_nkeys bob)"
roundtrip ecfs-ours bob /home/bob/Private
debian_helper_on
roundtrip ecfs-debian bob /home/bob/Private
debian_helper_off

rig_log "Debian's ~/Private setup: ours logs in; Debian's too"

# The helpers unmount each other's mounts: ours shows upstream's source
# string, so Debian's finds its exact source/mount point/signature line.
bob_keys() { priv_keys bob "$pw"; }
bob_keys
priv_as bob /usr/sbin/mount.ecryptfs_private
rig_expect_eq "source of our helper's mount" /home/bob/.Private \
	"$(awk '$2 == "/home/bob/Private" && $3 == "ecryptfs" { print $1 }' /proc/mounts)"
debian_helper_on
priv_as bob /usr/sbin/umount.ecryptfs_private > umount.log 2>&1 ||
	{ cat umount.log; rig_fail "Debian's umount.ecryptfs_private refused our mount"; }
if priv_mounted /home/bob/Private; then rig_fail "Debian's umount left our mount"; fi
rig_expect_eq "bob's keys after Debian's umount" 0 "$(priv_nkeys bob)"
bob_keys
priv_as bob /usr/sbin/mount.ecryptfs_private
debian_helper_off
priv_mounted /home/bob/Private || rig_fail "Debian's helper did not mount"
priv_as bob /usr/sbin/umount.ecryptfs_private > umount.log 2>&1 ||
	{ cat umount.log; rig_fail "our umount.ecryptfs_private refused Debian's mount"; }
if priv_mounted /home/bob/Private; then rig_fail "our umount left Debian's mount"; fi
rig_expect_eq "bob's keys after our umount" 0 "$(priv_nkeys bob)"
rm -f /dev/shm/ecryptfs-bob-Private*
rig_log "each helper unmounts the other's mount"
# ~/Private by ours, logins through Debian's, then ours again.
priv_useradd alice "$pw"
printf '%s\n' "$pw" | ecryptfs-setup-private -u alice -l - > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "our ecryptfs-setup-private failed"; }
debian_helper_on
roundtrip ecfs-debian alice /home/alice/Private
debian_helper_off
roundtrip ecfs-ours alice /home/alice/Private

rig_log "our ~/Private setup: Debian's logs in; ours too"
# Whole home (-b): ours read by Debian's stack, Debian's by ours.
priv_useradd carol "$pw" empty
printf '%s\n' "$pw" | ecryptfs-setup-private -b -u carol -l - > setup-b.log 2>&1 ||
	{ cat setup-b.log; rig_fail "our ecryptfs-setup-private -b failed"; }
priv_mounted /home/carol || rig_fail "-b did not leave the home mounted"
priv_check_layout carol /home/carol 2
rig_expect_eq "-b data dir" /home/.ecryptfs/carol/.Private "$(readlink /home/carol/.Private)"
umount /home/carol
keyctl clear @u
debian_helper_on
roundtrip ecfs-debian carol /home/carol
debian_helper_off
roundtrip ecfs-ours carol /home/carol

rig_log "our -b home: both log in"
priv_useradd dave "$pw" empty
env PATH="$debpath" "$deb_setup" -b -u dave -l "$pw" > deb-setup-b.log 2>&1 ||
	{ cat deb-setup-b.log; rig_fail "Debian's ecryptfs-setup-private -b failed"; }
umount /home/dave
keyctl clear @u
roundtrip ecfs-ours dave /home/dave

rig_log "Debian's -b home: ours logs in"
priv_cleanup
rig_log "Debian <-> ours: ~/Private and -b homes: ok"
