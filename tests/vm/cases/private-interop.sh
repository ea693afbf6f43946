# rig: kernels=6.1,6.12 modules=upstream,ours
# Interop with Debian's ecryptfs-utils 111, both ways: a ~/Private set up
# by Debian's ecryptfs-setup-private is mounted at login by our PAM module
# and helper, and ours by Debian's; the same for whole-home (-b) setups and
# for homes migrated by ecryptfs-migrate-home (content verified).
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
# roundtrip SERVICE USER DIR: log in, check/write data, log out, all clean.
roundtrip() {
	priv_login "$1" "$2" "$pw"
	priv_mounted "$3" || rig_fail "$1 login of $2 did not mount $3"
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

# ~/Private by ours, logins through Debian's, then ours again.
priv_useradd alice "$pw"
printf '%s\n' "$pw" | ecryptfs-setup-private -u alice -l - > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "our ecryptfs-setup-private failed"; }
debian_helper_on
roundtrip ecfs-debian alice /home/alice/Private
debian_helper_off
roundtrip ecfs-ours alice /home/alice/Private

# Whole home (-b): ours read by Debian's stack, Debian's by ours.
priv_useradd carol "$pw"
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

priv_useradd dave "$pw"
env PATH="$debpath" "$deb_setup" -b -u dave -l "$pw" > deb-setup-b.log 2>&1 ||
	{ cat deb-setup-b.log; rig_fail "Debian's ecryptfs-setup-private -b failed"; }
umount /home/dave
keyctl clear @u
roundtrip ecfs-ours dave /home/dave

# ecryptfs-migrate-home on a populated home: ours, then Debian's.
populate() {
	priv_as "$1" bash -c "cd ~ && mkdir -p docs/deep/er && cp '$RIG_WORK/data' docs/deep/er/big &&
		echo notes > docs/notes.txt && ln -s docs/notes.txt link && chmod 640 docs/notes.txt &&
		touch -d 2020-01-02 docs/notes.txt && echo dot > .profile-x"
	(cd "/home/$1" && find . -printf '%P %y %m %U %l\n' | sort) > "tree.$1"
	cp -a "/home/$1/docs" "ref.$1"
}
# verify_home USER SERVICE: log in, compare the tree and contents, log out.
verify_home() {
	priv_login "$2" "$1" "$pw"
	priv_mounted "/home/$1" || rig_fail "migrated home of $1 not mounted by $2"
	(cd "/home/$1" && find . -path ./.ecryptfs -prune -o -path ./.Private -prune -o \
		-printf '%P %y %m %U %l\n' | sort) > "tree.$1.after"
	grep -v '^ d ' "tree.$1" > a || true
	grep -v '^ d ' "tree.$1.after" > b || true
	diff a b || rig_fail "the tree of $1's migrated home differs"
	diff -r "ref.$1" "/home/$1/docs" || rig_fail "contents of $1's migrated home differ"
	priv_logout "$2" "$1"
}
priv_useradd erin "$pw"
populate erin
printf '%s\n' "$pw" | ecryptfs-migrate-home -u erin -l - > migrate.log 2>&1 ||
	{ cat migrate.log; rig_fail "our ecryptfs-migrate-home failed"; }
if priv_mounted /home/erin; then rig_fail "migrate-home left the home mounted"; fi
ls -d /home/erin.* > /dev/null || rig_fail "the original home was not kept"
debian_helper_on
verify_home erin ecfs-debian
debian_helper_off

priv_useradd frank "$pw"
populate frank
LOGINPASS=$pw env PATH="$debpath" "$deb_migrate" -u frank > deb-migrate.log 2>&1 ||
	{ cat deb-migrate.log; rig_fail "Debian's ecryptfs-migrate-home failed"; }
keyctl clear @u
verify_home frank ecfs-ours

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
rig_log "Debian <-> ours: ~/Private, -b homes, migrate-home: ok"
