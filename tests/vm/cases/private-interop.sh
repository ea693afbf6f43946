# rig: kernels=6.1,6.12 modules=upstream,ours
# Interop with Debian's ecryptfs-utils 111, both ways, logging in through
# the real PAM stack (Debian's profile order):
#  - a ~/Private set up by Debian's ecryptfs-setup-private is mounted at
#    login by our PAM module and helper, and ours by Debian's; each helper's
#    umount.ecryptfs_private unmounts the other's mount (it matches the
#    source and mount point in /proc/mounts);
#  - whole homes (-b), made by ecryptfs-migrate-home (which runs
#    ecryptfs-setup-private -b) from a populated home: ours mounted at login
#    by Debian's stack and by ours, Debian's by ours, tree and contents
#    verified; a failed migration puts the original home back exactly.
# (Our setup read by our own login, and the password changes: private-login.)
. "$RIG_SRC/tests/vm/lib.sh"
. "$RIG_SRC/tests/vm/private-lib.sh"
rig_load_ecryptfs
priv_setup_guest

pw='Interop-Pass-1x'
deb_setup=$(rig_debian ecryptfs-setup-private)
deb_migrate=$(rig_debian ecryptfs-migrate-home)
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
# session_in SERVICE USER DIR: log in; DIR is mounted from ~/.Private; the
# test data are written there, or compared if an earlier login wrote them.
session_in() {
	priv_login "$1" "$2" "$pw"
	priv_mounted "$3" || rig_fail "$1 login of $2 did not mount $3"
	rig_expect_eq "source of the $1 mount" "/home/$2/.Private" \
		"$(awk -v d="$3" '$2 == d && $3 == "ecryptfs" { print $1 }' /proc/mounts)"
	if [ -f "$3/data.bin" ]; then
		cmp data "$3/data.bin" || rig_fail "$2's data differ through $1"
	else
		priv_as "$2" cp "$RIG_WORK/data" "$3/data.bin"
	fi
}
# session_out SERVICE USER DIR: log out; DIR unmounted, keys gone.
session_out() {
	priv_logout "$1" "$2"
	if priv_mounted "$3"; then rig_fail "$1 logout of $2 left $3 mounted"; fi
	rig_expect_eq "$2's keys after $1 logout" 0 "$(priv_nkeys "$2")"
}

# ~/Private by Debian's setup, mounted at login by ours.
priv_useradd bob "$pw"
priv_as bob keyctl session - env PATH="$debpath" "$deb_setup" -l "$pw" > deb-setup.log 2>&1 ||
	{ cat deb-setup.log; rig_fail "Debian's ecryptfs-setup-private failed"; }
priv_check_layout bob /home/bob/Private 2
rig_expect_eq "keys after Debian's setup" 0 "$(priv_nkeys bob)"
session_in ecfs-ours bob /home/bob/Private
rig_log "Debian's ~/Private setup: ours logs in"

# The helpers unmount each other's mounts: ours shows upstream's source
# string, so Debian's finds its exact source/mount point/signature line.
# (priv_keys keeps the keys of this login to put them back below.)
priv_keys bob "$pw"
debian_helper_on
priv_as bob /usr/sbin/umount.ecryptfs_private > umount.log 2>&1 ||
	{ cat umount.log; rig_fail "Debian's umount.ecryptfs_private refused our mount"; }
if priv_mounted /home/bob/Private; then rig_fail "Debian's umount left our mount"; fi
rig_expect_eq "bob's keys after Debian's umount" 0 "$(priv_nkeys bob)"
priv_keys bob "$pw"
priv_as bob /usr/sbin/mount.ecryptfs_private
debian_helper_off
priv_mounted /home/bob/Private || rig_fail "Debian's helper did not mount"
cmp data /home/bob/Private/data.bin || rig_fail "bob's data differ through Debian's helper"
priv_as bob /usr/sbin/umount.ecryptfs_private > umount.log 2>&1 ||
	{ cat umount.log; rig_fail "our umount.ecryptfs_private refused Debian's mount"; }
if priv_mounted /home/bob/Private; then rig_fail "our umount left Debian's mount"; fi
rig_expect_eq "bob's keys after our umount" 0 "$(priv_nkeys bob)"
rm -f /dev/shm/ecryptfs-bob-Private*
rig_log "each helper unmounts the other's mount"

# ~/Private by ours, mounted at login by Debian's stack.
priv_useradd alice "$pw"
printf '%s\n' "$pw" | ecryptfs-setup-private -u alice -l - > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "our ecryptfs-setup-private failed"; }
debian_helper_on
session_in ecfs-debian alice /home/alice/Private
session_out ecfs-debian alice /home/alice/Private
debian_helper_off
rig_log "our ~/Private setup: Debian's logs in"

# ecryptfs-migrate-home on populated homes: ours, then Debian's.
populate() {
	priv_as "$1" bash -c "cd ~ && mkdir -p docs/deep/er && cp '$RIG_WORK/data' docs/deep/er/big &&
		echo notes > docs/notes.txt && ln -s docs/notes.txt link && chmod 640 docs/notes.txt &&
		touch -d 2020-01-02 docs/notes.txt && echo dot > .profile-x"
	(cd "/home/$1" && find . -printf '%P %y %m %U %l\n' | sort) > "tree.$1"
	cp -a "/home/$1/docs" "ref.$1"
}
# verify_home USER SERVICE: log in; the home is mounted from ~/.Private
# with the tree and contents it had before the migration; data written or
# compared; log out: unmounted, keys gone.
verify_home() {
	session_in "$2" "$1" "/home/$1"
	(cd "/home/$1" && find . -path ./.ecryptfs -prune -o -path ./.Private -prune -o \
		-path ./data.bin -prune -o -printf '%P %y %m %U %l\n' | sort) > "tree.$1.after"
	grep -v '^ d ' "tree.$1" > a || true
	grep -v '^ d ' "tree.$1.after" > b || true
	diff a b || rig_fail "the tree of $1's migrated home differs"
	diff -r "ref.$1" "/home/$1/docs" || rig_fail "contents of $1's migrated home differ"
	session_out "$2" "$1" "/home/$1"
}
priv_useradd erin "$pw"
populate erin
printf '%s\n' "$pw" | ecryptfs-migrate-home -u erin -l - > migrate.log 2>&1 ||
	{ cat migrate.log; rig_fail "our ecryptfs-migrate-home failed"; }
if priv_mounted /home/erin; then rig_fail "migrate-home left the home mounted"; fi
ls -d /home/erin.* > /dev/null || rig_fail "the original home was not kept"
priv_check_layout erin /home/erin 2
rig_expect_eq "-b data dir" /home/.ecryptfs/erin/.Private "$(readlink /home/erin/.Private)"
debian_helper_on
verify_home erin ecfs-debian
debian_helper_off
verify_home erin ecfs-ours
rig_log "our migrate-home (-b): Debian's logs in, and ours; tree verified"

priv_useradd frank "$pw"
populate frank
LOGINPASS=$pw env PATH="$debpath" "$deb_migrate" -u frank > deb-migrate.log 2>&1 ||
	{ cat deb-migrate.log; rig_fail "Debian's ecryptfs-migrate-home failed"; }
keyctl clear @u
verify_home frank ecfs-ours
rig_log "Debian's migrate-home (-b): ours logs in, tree verified"

# A failing migration puts the original back untouched.
priv_useradd gina "$pw"
populate gina
if printf 'not-her-password\n' | ecryptfs-migrate-home -u gina -l - > fail.log 2>&1; then
	rig_fail "migrate-home with a wrong login passphrase succeeded"
fi
grep -q "is back as it was" fail.log || rig_fail "no restore message: $(cat fail.log)"
(cd /home/gina && find . -printf '%P %y %m %U %l\n' | sort) | diff "tree.gina" - ||
	rig_fail "gina's home was not restored exactly"
[ ! -e /home/.ecryptfs/gina ] || rig_fail "a failed migration left /home/.ecryptfs/gina"
priv_cleanup
rig_log "Debian <-> ours: ~/Private, helpers, migrated -b homes, failed migration: ok"
