# rig: kernels=6.1,6.12 modules=ours
# ecryptfs-migrate-home on populated homes, both ways: a home migrated by
# ours is mounted at login by Debian's PAM module and helper, one migrated
# by Debian's by ours (tree and contents verified); a failed migration puts
# the original home back exactly.
. "$RIG_SRC/tests/vm/lib.sh"
. "$RIG_SRC/tests/vm/private-lib.sh"
rig_load_ecryptfs
priv_setup_guest

pw='Migrate-Pass-1x'
deb_migrate=$(rig_debian ecryptfs-migrate-home)
debpath=$RIG_DEBIAN/usr/bin:$RIG_DEBIAN/usr/sbin:/usr/bin:/usr/sbin:/bin:/sbin
head -c 40000 /dev/urandom > data
debian_helper_on() {
	mount --bind "$RIG_DEBIAN/usr/sbin/mount.ecryptfs_private" /usr/sbin/mount.ecryptfs_private
}
debian_helper_off() {
	umount /usr/sbin/mount.ecryptfs_private
}

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

rig_log "our migrate-home: Debian's logs in, tree verified"
priv_useradd frank "$pw"
populate frank
LOGINPASS=$pw env PATH="$debpath" "$deb_migrate" -u frank > deb-migrate.log 2>&1 ||
	{ cat deb-migrate.log; rig_fail "Debian's ecryptfs-migrate-home failed"; }
keyctl clear @u
verify_home frank ecfs-ours

rig_log "Debian's migrate-home: ours logs in, tree verified"
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
rig_log "migrate-home both ways, and a failed migration restored: ok"
