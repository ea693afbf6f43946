# rig: manual kernels=6.1,6.12 modules=upstream init=systemd
# Manual for now (tests/vm/run -k 6.1 -s build/stage pkg-apt, after the
# suite's pkg phase): dpkg over the host's database and a DKMS build under
# TCG cost minutes per lane, more than the CI budget has left.
# Our Debian packages on a machine that has Debian's ecryptfs-utils: the
# host's root (where Debian's package is installed, the oracle) gets a
# fresh overlay with a tmpfs on top, and apt and dpkg run in it through
# chroot (the guest has no network; the suite's pkg phase leaves our .debs
# and Debian's in build/pkg). The staged install of the rest of the boot is
# not in that root, so only the packages' own files are there.
# Checks:
#  - `apt-get install ./*.deb` replaces ecryptfs-utils (Conflicts/Replaces);
#  - DKMS builds the module for the running kernel (each lane its own: one
#    build per lane; the other kernel's headers are hidden, which checks
#    the "no headers" path); a kernel whose build fails gets nothing and
#    the reason is printed;
#    modinfo and the loaded module show our version;
#  - a passphrase mount and a key=openssl mount through the installed
#    mount.ecryptfs, with ecryptfsd started from its unit file's ExecStart=;
#  - `apt-get remove` takes the module away (modprobe finds the kernel's
#    own again), `apt-get purge` the configuration; reinstalling Debian's
#    .debs leaves the root as it was before: every path in the overlay's
#    upper layer is compared with the host's (new, changed, removed).
. "$RIG_SRC/tests/vm/lib.sh"
pk=$RIG_SRC/build/pkg
export LC_ALL=C

ours=(ecryptfs-ecfs-utils ecryptfs-ecfs-dkms libecfs0 libecfs-crypto0 libpam-ecryptfs-ecfs)
for p in "${ours[@]}"; do
	compgen -G "$pk/${p}_*.deb" >/dev/null ||
		rig_fail "no $p package in $pk: build them first (SUITE_PHASES=pkg tests/run-suite)"
done
compgen -G "$pk/debian-orig/ecryptfs-utils_*.deb" >/dev/null ||
	rig_fail "no Debian ecryptfs-utils .deb in $pk/debian-orig (the suite's pkg phase keeps it)"
dver=$(dpkg-deb -f "$(compgen -G "$pk/ecryptfs-ecfs-dkms_*.deb" | head -n1)" Version)
ver=${dver%-*}

# The root: the host's, untouched, plus a tmpfs upper layer.
lower=/run/rig/host
[ -d "$lower/usr/bin" ] || rig_fail "the host root is not at $lower (init=systemd boot?)"
rw=/run/pkgapt
R=$rw/root
mkdir -p "$rw"
mount -t tmpfs -o mode=0755 tmpfs "$rw"
mkdir -p "$rw/upper" "$rw/work" "$R"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$rw/upper,workdir=$rw/work" "$R"
mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=0755 tmpfs "$R/run"
mount -t tmpfs tmpfs "$R/tmp"
in_root() {
	chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		DEBIAN_FRONTEND=noninteractive "$@"
}
# A package's state: ii installed, rc configuration left, - gone.
st() {
	local s
	s=$(in_root dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true)
	case $s in ''|un|pn) echo - ;; *) echo "$s" ;; esac
}
rig_expect_eq "Debian's ecryptfs-utils installed before" ii "$(st ecryptfs-utils)"
mkdir -p "$R/tmp/ours" "$R/tmp/debian"
for p in "${ours[@]}"; do cp "$pk/${p}"_*.deb "$R/tmp/ours/"; done
cp "$pk"/debian-orig/*.deb "$R/tmp/debian/"
ours_debs=("$R"/tmp/ours/*.deb) debian_debs=("$R"/tmp/debian/*.deb)
ours_debs=("${ours_debs[@]#"$R"}") debian_debs=("${debian_debs[@]#"$R"}")

# Kernels: the running one, whose module the case loads. Under TCG a DKMS
# build takes minutes, so each lane builds for its own kernel only and the
# other installed kernels lose their headers link, as on a machine without
# them (the "no headers" path); one more kernel's headers fail to build, so
# the install loops over a good, a missing and a failing kernel.
kernels=("$RIG_KVER")
hidden=()
for d in "$R"/lib/modules/*; do
	k=${d##*/}
	[ "$k" != "$RIG_KVER" ] && [ -L "$d/build" ] || continue
	hidden+=("$k")
	readlink "$d/build" > "$rw/link-$k"
	rm "$d/build"
done
[ -e "$R/lib/modules/$RIG_KVER/build/Makefile" ] || rig_fail "no headers for the running kernel $RIG_KVER"
broken=0.0.0-ecfs-broken
mkdir -p "$R/lib/modules/$broken/build/include"
printf '%s\n' 'modules:' '	@echo "ecfs-broken.c:1:1: error: these headers cannot build anything" >&2; exit 2' \
	'clean:' '	@:' > "$R/lib/modules/$broken/build/Makefile"
: > "$R/lib/modules/$broken/build/.config"
before_broken=$(cd "$R/lib/modules/$broken" && find . | sort)

# man-db's trigger re-indexes every manual page of the host's root, minutes
# under TCG (the suite's pkg phase checks the pages are in the packages);
# Debian turns it off the same way (man-db/auto-update).
auto_update=$R/var/lib/man-db/auto-update
had_auto_update=0
[ -e "$auto_update" ] && had_auto_update=1 && rm "$auto_update"

# 1. Install ours over Debian's.
t=$(date +%s)
if ! in_root apt-get install -y --no-install-recommends "${ours_debs[@]}" > install.log 2>&1; then
	tail -n 40 install.log
	rig_fail "apt-get install of our packages failed"
fi
rig_log "apt-get install: $(( $(date +%s) - t )) s (DKMS for: ${kernels[*]} $broken)"
rig_expect_eq "ecryptfs-utils after installing ours (removed)" rc "$(st ecryptfs-utils)"
for p in "${ours[@]}"; do rig_expect_eq "$p installed" ii "$(st "$p")"; done
rig_expect_eq "owner of mount.ecryptfs" "ecryptfs-ecfs-utils: /usr/sbin/mount.ecryptfs" \
	"$(in_root dpkg -S /usr/sbin/mount.ecryptfs)"
in_root getent group ecryptfs >/dev/null || rig_fail "the package did not create group ecryptfs"

# 2. DKMS.
# dkms compresses the module as the kernel's own are (6.12: .ko.xz).
dkms_ko() { compgen -G "$R/lib/modules/$1/updates/dkms/ecryptfs.ko*" | head -n1 || true; }
for k in "${kernels[@]}"; do
	ko=$(dkms_ko "$k")
	[ -n "$ko" ] || { tail -n 30 install.log; rig_fail "DKMS did not install the module for $k"; }
	rig_expect_eq "modinfo version for $k" "$ver" "$(modinfo -F version "$ko")"
	rig_expect_eq "modinfo vermagic kernel for $k" "$k" "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"
	grep -q "module $ver installed for kernel $k" install.log || rig_fail "no install message for $k"
done
for k in "${hidden[@]}"; do
	grep -q "no headers for kernel $k" install.log || rig_fail "no 'no headers' message for $k"
	[ ! -e "$R/lib/modules/$k/updates" ] || rig_fail "something was installed for $k without headers"
done
grep -q "building the module for kernel $broken failed" install.log ||
	{ cat install.log; rig_fail "the failed build for $broken was not reported"; }
grep -q "these headers cannot build anything" install.log ||
	{ cat install.log; rig_fail "the failed build's reason (make's error) was not shown"; }
rig_expect_eq "files of the kernel whose build failed" "$before_broken" \
	"$(cd "$R/lib/modules/$broken" && find . | sort)"

# 3. The installed module, helpers and daemon at work.
rmmod ecryptfs 2>/dev/null || true
! grep -q '^ecryptfs ' /proc/modules || rig_fail "could not unload the ecryptfs module of an earlier case"
ko=$(dkms_ko "$RIG_KVER")
rig_expect_eq "modprobe's ecryptfs" "${ko#"$R"}" "$(in_root modinfo -k "$RIG_KVER" -n ecryptfs)"
in_root modprobe ecryptfs
rig_expect_eq "loaded module's version" "$ver" "$(cat /sys/module/ecryptfs/version)"
rig_expect_eq "loaded module's srcversion" \
	"$(modinfo -F srcversion "$ko")" \
	"$(cat /sys/module/ecryptfs/srcversion)"
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
mkdir -p "$R/tmp/lower" "$R/tmp/lower2" "$R/tmp/upper"
head -c 70000 /dev/urandom > "$R/tmp/plain"
printf 'passphrase_passwd=pkg apt passphrase\n' > "$R/tmp/pw"
in_root mount -t ecryptfs /tmp/lower /tmp/upper \
	-o "key=passphrase:passphrase_passwd_file=/tmp/pw,$opts" </dev/null > mout 2>&1 ||
	{ cat mout; rig_fail "passphrase mount through the installed helper failed"; }
cp "$R/tmp/plain" "$R/tmp/upper/p"
in_root umount /tmp/upper
cmp -s "$R/tmp/plain" "$R/tmp/lower/p" && rig_fail "the lower file is not encrypted"
in_root keyctl clear @u
in_root mount -t ecryptfs /tmp/lower /tmp/upper \
	-o "key=passphrase:passphrase_passwd_file=/tmp/pw,$opts" </dev/null > mout 2>&1 ||
	{ cat mout; rig_fail "passphrase remount failed"; }
cmp "$R/tmp/plain" "$R/tmp/upper/p" || rig_fail "passphrase mount: file reads back wrong"
in_root umount /tmp/upper
in_root keyctl clear @u

unit=$R/lib/systemd/system/ecryptfsd.service
[ -f "$unit" ] || rig_fail "the package has no ecryptfsd.service in /lib/systemd/system"
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
rig_log "ecryptfsd from its unit: $cmd"
# shellcheck disable=SC2086 # the unit's command line, split as systemd does
chroot "$R" $cmd </dev/null > daemon.log 2>&1 &
dpid=$!
for _ in $(seq 100); do [ -S "$R/run/ecryptfsd.sock" ] && break; sleep 0.1; done
[ -S "$R/run/ecryptfsd.sock" ] || { cat daemon.log; rig_fail "ecryptfsd from the unit's command line did not start"; }
# Its own lower directory: mount.ecryptfs refuses a key that opens none
# of the files already there (the passphrase mount's).
in_root ecryptfs-generate-key openssl --keyfile /tmp/key.pem --bits 2048 > gen
sig=$(sed -n 's/^Key signature: //p' gen)
in_root mount -t ecryptfs /tmp/lower2 /tmp/upper -o "key=openssl:keyfile=/tmp/key.pem,$opts" </dev/null > mout 2>&1 ||
	{ cat mout daemon.log; rig_fail "key=openssl mount through the installed files failed"; }
grep " $R/tmp/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted on $sig"
cp "$R/tmp/plain" "$R/tmp/upper/k"
in_root umount /tmp/upper
in_root keyctl clear @u
in_root mount -t ecryptfs /tmp/lower2 /tmp/upper -o "key=openssl:keyfile=/tmp/key.pem,$opts" </dev/null > mout 2>&1 ||
	{ cat mout daemon.log; rig_fail "key=openssl remount failed"; }
cmp "$R/tmp/plain" "$R/tmp/upper/k" || rig_fail "key=openssl mount: file reads back wrong"
in_root umount /tmp/upper
in_root keyctl clear @u
kill -TERM "$dpid"
wait "$dpid" || rig_fail "ecryptfsd exited with status $? on SIGTERM"
rmmod ecryptfs

# 4. Remove, purge, reinstall Debian's.
t=$(date +%s)
in_root apt-get remove -y "${ours[@]}" > remove.log 2>&1 || { tail -n 30 remove.log; rig_fail "apt-get remove failed"; }
rig_log "apt-get remove: $(( $(date +%s) - t )) s"
for k in "${kernels[@]}"; do
	[ -z "$(dkms_ko "$k")" ] || rig_fail "the module for $k is left after remove"
done
case $(in_root modinfo -k "$RIG_KVER" -n ecryptfs) in
"/lib/modules/$RIG_KVER/kernel/fs/ecryptfs/"*) ;;
*) rig_fail "modprobe does not find the kernel's own module again: $(in_root modinfo -k "$RIG_KVER" -n ecryptfs)" ;;
esac
rig_expect_eq "configuration kept after remove" rc "$(st ecryptfs-ecfs-utils)"
in_root apt-get purge -y "${ours[@]}" > purge.log 2>&1 || { tail -n 30 purge.log; rig_fail "apt-get purge failed"; }
for p in "${ours[@]}"; do rig_expect_eq "$p after purge" - "$(st "$p")"; done
in_root dpkg -i "${debian_debs[@]}" > reinstall.log 2>&1 || { tail -n 30 reinstall.log; rig_fail "reinstalling Debian's packages failed"; }
rig_expect_eq "Debian's ecryptfs-utils reinstalled" ii "$(st ecryptfs-utils)"
in_root dpkg --verify ecryptfs-utils libecryptfs1 > verify.log 2>&1 || { cat verify.log; rig_fail "dpkg --verify of Debian's packages failed"; }
[ ! -s verify.log ] || { cat verify.log; rig_fail "Debian's files differ from their package"; }

# 5. The root compared with the host's: every path in the upper layer is
# new, changed or removed. Our own test scaffolding and dpkg's and apt's
# state and logs are left out; the group ecryptfs stays (Debian does not
# remove system groups on purge), and that must be the only change to
# the group files.
rm -rf "$R/lib/modules/$broken"
[ $had_auto_update = 0 ] || cp -a "$lower/var/lib/man-db/auto-update" "$auto_update"
for k in "${hidden[@]}"; do ln -s "$(cat "$rw/link-$k")" "$R/lib/modules/$k/build"; done
rm -rf "${R:?}"/tmp/* 2>/dev/null || true
up=$rw/upper
# Also left out: the shadow tools' backups (/etc/group- is the group file
# before the last change, whatever that was) and dkms's module-signing key,
# which dkms makes at its first build and keeps for every DKMS module.
volatile='^/(var/lib/dpkg|var/lib/apt|var/cache|var/log|etc/ld\.so\.cache$|etc/(passwd|group|shadow|gshadow)-$|var/lib/dkms/mok\.(key|pub)$|tmp$|proc$|sys$|dev$|run$)'
diffs=$(
	cd "$up" || exit 1
	find . -mindepth 1 | sed 's/^\.//' | sort | while IFS= read -r p; do
		[[ $p =~ $volatile ]] && continue
		u=$up$p l=$lower$p
		if [ -c "$u" ] && [ "$(stat -c %t:%T "$u")" = 0:0 ]; then
			{ [ -e "$l" ] || [ -L "$l" ]; } && echo "removed: $p"
		elif [ -L "$u" ]; then
			[ -L "$l" ] && [ "$(readlink "$u")" = "$(readlink "$l")" ] || echo "new or changed link: $p"
		elif [ -d "$u" ]; then
			if [ ! -d "$l" ]; then
				echo "new directory: $p"
			elif [ "$(getfattr --only-values -n trusted.overlay.opaque "$u" 2>/dev/null)" = y ]; then
				for e in "$l"/* "$l"/.[!.]*; do
					{ [ -e "$e" ] || [ -L "$e" ]; } || continue
					{ [ -e "$u/${e##*/}" ] || [ -L "$u/${e##*/}" ]; } || echo "removed: $p/${e##*/}"
				done
			fi
		elif [ -f "$u" ]; then
			if [ ! -f "$l" ]; then
				echo "new file: $p"
			elif ! cmp -s "$u" "$l"; then
				case $p in
				/etc/group|/etc/gshadow)
					d=$(diff "$l" "$u" | grep '^[<>]' || true)
					[ -z "$d" ] || [[ $d =~ ^\>\ ecryptfs: && $d != *$'\n'* ]] ||
						echo "changed: $p: $d" ;;
				*) echo "changed: $p" ;;
				esac
			fi
		else
			echo "new special file: $p"
		fi
	done
)
[ -z "$diffs" ] || { echo "$diffs"; rig_fail "the root differs from before our packages were installed"; }
rig_log "after install, remove, purge and reinstalling Debian's: the root is as before"
umount -R "$R"
umount "$rw"
