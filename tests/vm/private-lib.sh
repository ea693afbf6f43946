# Helpers for the encrypted Private/home cases (private-*.sh), after lib.sh.
# shellcheck shell=bash
# BENCH_PRIV_TRACE=1 (tests/vm/run passes BENCH_* on) traces every command
# with a timestamp, to see where a case's time goes.
if [ "${BENCH_PRIV_TRACE:-0}" = 1 ]; then
	PS4='+@${EPOCHREALTIME} ${BASH_SOURCE[0]##*/}:${LINENO} '
	set -x
fi

PRIV_DEB_PAM=$RIG_DEBIAN/usr/lib/x86_64-linux-gnu/security/pam_ecryptfs.so

# The PAM stack Debian's pam-auth-update profile generates (common-auth,
# -account, -session-noninteractive, -password), with MODULE as pam_ecryptfs.
# priv_pam_file FILE MODULE
priv_pam_file() {
	cat > "$1" <<EOF
auth	[success=1 default=ignore]	pam_unix.so nullok
auth	requisite			pam_deny.so
auth	required			pam_permit.so
auth	required	$2 unwrap
account	[success=1 new_authtok_reqd=done default=ignore]	pam_unix.so
account	requisite			pam_deny.so
account	required			pam_permit.so
session	[default=1]			pam_permit.so
session	requisite			pam_deny.so
session	required			pam_permit.so
session	required	pam_unix.so
session	optional	$2 unwrap
password	[success=1 default=ignore]	pam_unix.so obscure yescrypt
password	requisite			pam_deny.so
password	required			pam_permit.so
password	optional	$2
EOF
}

# A PAM service NAME using our module (e.g. passwd, for passwd(1)).
priv_pam_service() {
	priv_pam_file "/etc/pam.d/$1" pam_ecryptfs.so
}

# /home on tmpfs (the guest's is the host's, read-only), /dev/shm, the PAM
# services ecfs-ours and ecfs-debian, and our setuid helper in place.
priv_setup_guest() {
	grep -q ' /home tmpfs ' /proc/mounts || mount -t tmpfs -o mode=0755 tmpfs /home
	# Session counters of an earlier case's users (uids are reused).
	rm -rf /run/ecryptfs
	rm -f /dev/shm/ecryptfs-* /dev/shm/.ecryptfs-*
	mkdir -p /dev/shm
	grep -q ' /dev/shm ' /proc/mounts || mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	priv_pam_file /etc/pam.d/ecfs-ours pam_ecryptfs.so
	[ -f "$PRIV_DEB_PAM" ] || rig_fail "Debian's pam_ecryptfs.so is not at $PRIV_DEB_PAM"
	priv_pam_file /etc/pam.d/ecfs-debian "$PRIV_DEB_PAM"
	rig_expect_eq "our helper is setuid root" "root 4755" \
		"$(stat -c '%U %a' /usr/sbin/mount.ecryptfs_private)"
	cmp -s /usr/sbin/mount.ecryptfs_private "$RIG_DEBIAN/usr/sbin/mount.ecryptfs_private" &&
		rig_fail "/usr/sbin/mount.ecryptfs_private is Debian's, not ours (no staged install?)"
	command -v pamtester >/dev/null || rig_fail "pamtester is not installed (scripts/deps.sh vm)"
}

# priv_useradd NAME PASSWORD [empty]: a user in the ecryptfs group with a
# password (replacing one left by an earlier case); "empty" leaves the home
# without /etc/skel's files, as adduser has it when it calls setup -b.
priv_useradd() {
	if getent passwd "$1" > /dev/null; then
		# A failed earlier case may have left this user's processes running.
		pkill -KILL -u "$1" 2>/dev/null && sleep 1
		userdel -f "$1" 2>/dev/null || true
	fi
	rm -rf "/home/${1:?}" "/home/.ecryptfs/${1:?}"
	useradd -m -G ecryptfs -s /bin/bash "$1"
	[ "${3:-}" = empty ] && find "/home/$1" -mindepth 1 -delete
	# SHA-512 with few rounds: yescrypt costs seconds per login under TCG.
	printf '%s:%s\n' "$1" "$2" | chpasswd -c SHA512 -s 1000
}

# priv_as USER CMD...: run as USER (groups too), with USER's environment.
priv_as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$u" --init-groups --reset-env -- "$@"
}

# Number of keys in USER's user keyring.
priv_nkeys() {
	local out
	local -a ids=()
	out=$(priv_as "$1" keyctl rlist @u 2>/dev/null) || out=
	read -ra ids <<< "$out"
	echo "${#ids[@]}"
}

# priv_keys USER PASSWORD: USER's mount keys (FEKEK and FNEK) into USER's
# keyring. The first call takes the keys already there (a login's), or else
# unwraps ~/.ecryptfs/wrapped-passphrase and derives them (three 65536-round
# KDFs, seconds under TCG), and keeps their payloads and permissions in the
# case's directory; later calls put the same keys back from there. Should a
# key not be readable, every call unwraps.
priv_keys() {
	local home d id ids perm desc
	if [ -s "keys.$1" ]; then
		while read -r perm desc; do
			id=$(priv_as "$1" keyctl padd user "$desc" @u < "keys.$1.$desc")
			priv_as "$1" keyctl setperm "$id" "0x$perm"
		done < "keys.$1"
		return 0
	fi
	ids=$(priv_as "$1" keyctl rlist @u 2>/dev/null) || ids=
	if [ -z "$ids" ]; then
		home=$(getent passwd "$1" | cut -d: -f6)
		printf '%s\n' "$2" | priv_as "$1" ecryptfs-insert-wrapped-passphrase-into-keyring \
			"$home/.ecryptfs/wrapped-passphrase" - >/dev/null
		ids=$(priv_as "$1" keyctl rlist @u)
	fi
	for id in $ids; do
		d=$(priv_as "$1" keyctl rdescribe "$id")	# type;uid;gid;perm;description
		if [ "${d%%;*}" != user ] || ! priv_as "$1" keyctl pipe "$id" > "keys.$1.${d##*;}"; then
			rm -f "keys.$1"
			return 0
		fi
		printf '%s %s\n' "$(echo "$d" | cut -d';' -f4)" "${d##*;}" >> "keys.$1"
	done
}

# (These helpers run often: bash alone, no program started, which costs
# a good fraction of a second each under TCG.)
priv_nmounts() {
	local n=0 type
	while read -r _ _ type _; do
		[ "$type" = ecryptfs ] && n=$((n + 1))
	done < /proc/mounts
	echo "$n"
}

priv_mounted() {
	local dir type
	while read -r _ dir type _; do
		[ "$dir" = "$1" ] && [ "$type" = ecryptfs ] && return 0
	done < /proc/mounts
	return 1
}

# priv_login SERVICE USER PASSWORD: authenticate + open_session.
priv_login() {
	printf '%s\n' "$3" | pamtester "$1" "$2" authenticate open_session > login.log 2>&1 ||
		{ cat login.log; rig_fail "login of $2 through $1 failed"; }
}

priv_logout() {
	pamtester "$1" "$2" close_session > logout.log 2>&1 ||
		{ cat logout.log; rig_fail "close_session of $2 through $1 failed"; }
}

# priv_unwraps USER PASSWORD: 0 if PASSWORD unwraps USER's wrapped-passphrase.
priv_unwraps() {
	local home
	home=$(getent passwd "$1" | cut -d: -f6)
	printf '%s\n' "$2" | ecryptfs-unwrap-passphrase "$home/.ecryptfs/wrapped-passphrase" - \
		>/dev/null 2>&1
}

# priv_check_layout USER MOUNTPOINT NSIGS: upstream's ~/.ecryptfs layout.
priv_check_layout() {
	local home e
	home=$(getent passwd "$1" | cut -d: -f6)
	e=$home/.ecryptfs
	for f in Private.sig Private.mnt wrapped-passphrase auto-mount auto-umount; do
		[ -f "$e/$f" ] || rig_fail "$e/$f is missing"
	done
	rig_expect_eq "Private.mnt" "$2" "$(cat "$e/Private.mnt")"
	rig_expect_eq "signatures in Private.sig" "$3" "$(grep -cE '^[0-9a-f]{16}$' "$e/Private.sig")"
	rig_expect_eq "wrapped-passphrase is v2" 3a02 "$(od -An -tx1 -N2 "$e/wrapped-passphrase" | tr -d ' ')"
	rig_expect_eq "wrapped-passphrase mode" 600 "$(stat -L -c %a "$e/wrapped-passphrase")"
	rig_expect_eq "wrapped-passphrase owner" "$1" "$(stat -L -c %U "$e/wrapped-passphrase")"
	rig_expect_eq "home/.Private mode" 700 "$(stat -L -c %a "$home/.Private")"
	rig_expect_eq "home/.Private owner" "$1" "$(stat -L -c %U "$home/.Private")"
}

priv_cleanup() {
	awk '$3 == "ecryptfs" { print $2 }' /proc/mounts | sort -r | while read -r m; do
		umount -l "$m"
	done
	umount -l /home 2>/dev/null || true
	rm -f /etc/pam.d/ecfs-ours /etc/pam.d/ecfs-debian
	cp "$RIG_DEBIAN/etc/pam.d/passwd" /etc/pam.d/passwd
}
