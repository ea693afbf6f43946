#!/bin/bash
# Install and remove our Debian packages on a copy of this machine, as a user
# would: the host's root (where Debian's ecryptfs-utils is installed, the
# VM's oracle) under an overlay with a tmpfs upper layer, apt and dpkg run in
# it through chroot. Natively, so DKMS builds the module for every installed
# kernel at the host's speed (under TCG in a guest it took minutes).
#
#   tests/pkg/apt-check.sh PKGDIR RESULTS
#
# PKGDIR holds our .debs (the suite's build/pkg) and Debian's ecryptfs-utils
# and libecryptfs1 in PKGDIR/debian-orig. Each check appends "PASS name" or
# "FAIL name" to RESULTS; the reasons of failures go to stdout. After a good
# install the upper layer is kept in PKGDIR/installed (opaque directories
# rewritten as whiteouts, tests/pkg/layer-for-vm.sh), with its list of
# whiteouts in PKGDIR/installed.list: the VM's init=systemd boot stacks it
# over the host's root (tests/vm/run -P) and checks, on the booted kernels,
# what a chroot cannot (the DKMS module loaded, mounts, the units).
#
# Checks, each its own result line:
#   pkg/apt/install        apt-get install ./*.deb over Debian's packages
#   pkg/apt/replaces       Debian's ecryptfs-utils removed (Conflicts/
#                          Replaces), its commands now ours
#   pkg/apt/dkms/<kver>    the module built and installed for each kernel
#                          with headers; modinfo shows our version and that
#                          kernel; modprobe (depmod) finds it
#   pkg/apt/dkms/no-headers  a kernel without headers is skipped, said so
#   pkg/apt/dkms/failure   a kernel whose build fails gets nothing, its files
#                          are unchanged and make's error is shown
#   pkg/apt/remove         the module gone from every kernel, the kernel's own
#                          found again, configuration kept
#   pkg/apt/purge          nothing of ours left in dpkg's database
#   pkg/apt/reinstall-debian  Debian's packages back and --verify clean
#   pkg/apt/root-as-before every path of the upper layer compared with the
#                          host's: nothing new, changed or removed but
#                          dpkg's/apt's state and logs
# Everything runs in a private mount namespace: whatever happens (even
# SIGKILL), no mount of it is left on the host.
set -uo pipefail

if [ "${ECFS_APT_NS:-}" != 1 ]; then
	ECFS_APT_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi

[ $# -eq 2 ] || { echo "usage: $0 PKGDIR RESULTS" >&2; exit 2; }
pk=$(cd "$1" && pwd) || exit 2
results=$2
export LC_ALL=C
log=$pk/apt-logs
rm -rf "$log" "$pk/installed" "$pk/installed.tmp" "$pk/installed.list"
mkdir -p "$log"

record() { echo "$1 $2" >> "$results"; echo "  $(printf '%-4s' "$1") $2"; }
fail() { echo "    | $*"; }
showlog() { tail -n "${2:-30}" "$1" | sed 's/^/    | /'; }

ours=(ecryptfs-ecfs-utils ecryptfs-ecfs-dkms libecfs0 libecfs-crypto0 libpam-ecryptfs-ecfs)
for p in "${ours[@]}"; do
	compgen -G "$pk/${p}_*.deb" >/dev/null ||
		{ fail "no $p package in $pk"; record FAIL pkg/apt/install; exit 1; }
done
compgen -G "$pk/debian-orig/ecryptfs-utils_*.deb" >/dev/null ||
	{ fail "no Debian ecryptfs-utils .deb in $pk/debian-orig"; record FAIL pkg/apt/install; exit 1; }
dver=$(dpkg-deb -f "$(compgen -G "$pk/ecryptfs-ecfs-dkms_*.deb" | head -n1)" Version)
ver=${dver%-*}

# The copy of this machine: its root read-only below, a tmpfs above.
rw=$(mktemp -d /tmp/ecfs-apt.XXXXXX)
R=$rw/root
lower=/
cleanup() {
	local p
	# Anything the packages' scripts left running in the root.
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$R" ] && kill -9 "${p#/proc/}" 2>/dev/null
	done
	umount -R "$R" 2>/dev/null
	umount "$rw" 2>/dev/null
	rmdir "$rw" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o mode=0755 tmpfs "$rw" || { record FAIL pkg/apt/install; exit 1; }
mkdir -p "$rw/upper" "$rw/work" "$R"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$rw/upper,workdir=$rw/work" "$R" ||
	{ fail "cannot mount the overlay over /"; record FAIL pkg/apt/install; exit 1; }
mount -t proc proc "$R/proc" && mount -t sysfs sysfs "$R/sys" &&
	mount --rbind /dev "$R/dev" && mount --make-rslave "$R/dev" &&
	mount -t tmpfs -o mode=0755 tmpfs "$R/run" && mount -t tmpfs tmpfs "$R/tmp" ||
	{ fail "cannot mount the root's /proc /sys /dev /run /tmp"; record FAIL pkg/apt/install; exit 1; }
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
dkms_ko() { compgen -G "$R/lib/modules/$1/updates/dkms/ecryptfs.ko*" | head -n1 || true; }

if [ "$(st ecryptfs-utils)" != ii ]; then
	fail "Debian's ecryptfs-utils is not installed on this machine (scripts/deps.sh vm installs it)"
	record FAIL pkg/apt/install
	exit 1
fi
mkdir -p "$R/tmp/ours" "$R/tmp/debian"
for p in "${ours[@]}"; do cp "$pk/${p}"_*.deb "$R/tmp/ours/"; done
cp "$pk"/debian-orig/*.deb "$R/tmp/debian/"
ours_debs=("$R"/tmp/ours/*.deb) debian_debs=("$R"/tmp/debian/*.deb)
ours_debs=("${ours_debs[@]#"$R"}") debian_debs=("${debian_debs[@]#"$R"}")

# The kernels: every installed one with headers, plus two made up for the
# postinst's other paths: one without headers, one whose headers fail to
# build anything.
kernels=()
for d in "$R"/lib/modules/*; do
	[ -e "$d/build/Makefile" ] && kernels+=("${d##*/}")
done
noheaders=0.0.0-ecfs-noheaders
broken=0.0.0-ecfs-broken
mkdir -p "$R/lib/modules/$noheaders/kernel" "$R/lib/modules/$broken/build/include"
printf '%s\n' 'modules:' '	@echo "ecfs-broken.c:1:1: error: these headers cannot build anything" >&2; exit 2' \
	'clean:' '	@:' > "$R/lib/modules/$broken/build/Makefile"
: > "$R/lib/modules/$broken/build/.config"
before_broken=$(cd "$R/lib/modules/$broken" && find . | sort)

# man-db's trigger re-indexes every manual page of the root (the pkg phase
# checks the pages are in the packages); Debian turns it off the same way.
auto_update=$R/var/lib/man-db/auto-update
had_auto_update=0
[ -e "$auto_update" ] && had_auto_update=1 && rm "$auto_update"

# 1. Install ours over Debian's.
t=$(date +%s)
if in_root apt-get install -y --no-install-recommends "${ours_debs[@]}" > "$log/install.log" 2>&1; then
	bad=
	for p in "${ours[@]}"; do [ "$(st "$p")" = ii ] || bad="$bad $p:$(st "$p")"; done
	if [ -z "$bad" ]; then
		record PASS pkg/apt/install
	else
		fail "not installed after apt-get install:$bad"
		record FAIL pkg/apt/install
	fi
else
	showlog "$log/install.log" 40
	record FAIL pkg/apt/install
	exit 1
fi
echo "--- apt-get install (DKMS for ${kernels[*]} $noheaders $broken): $(( $(date +%s) - t )) s"

owner=$(in_root dpkg -S /usr/sbin/mount.ecryptfs 2>&1)
if [ "$(st ecryptfs-utils)" = rc ] &&
   [ "$owner" = "ecryptfs-ecfs-utils: /usr/sbin/mount.ecryptfs" ] &&
   in_root getent group ecryptfs >/dev/null; then
	record PASS pkg/apt/replaces
else
	fail "ecryptfs-utils: $(st ecryptfs-utils) (expected rc: removed, configuration kept)"
	fail "owner of mount.ecryptfs: $owner"
	in_root getent group ecryptfs >/dev/null || fail "no group ecryptfs"
	record FAIL pkg/apt/replaces
fi

# 2. DKMS, for every kernel with headers.
for k in "${kernels[@]}"; do
	why=
	ko=$(dkms_ko "$k")
	if [ -z "$ko" ]; then
		why="DKMS installed no module for $k"
	elif [ "$(modinfo -F version "$ko")" != "$ver" ]; then
		why="modinfo version of $ko: $(modinfo -F version "$ko"), expected $ver"
	elif [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$k" ]; then
		why="modinfo vermagic of $ko: $(modinfo -F vermagic "$ko")"
	elif [ "$(in_root modinfo -k "$k" -n ecryptfs)" != "${ko#"$R"}" ]; then
		why="modprobe finds $(in_root modinfo -k "$k" -n ecryptfs), not ${ko#"$R"}"
	elif ! grep -q "module $ver installed for kernel $k" "$log/install.log"; then
		why="no install message for $k"
	fi
	if [ -z "$why" ]; then
		echo "    ${ko#"$R"}: version $ver, vermagic $k"
		record PASS "pkg/apt/dkms/$k"
	else
		fail "$why; the install's output:"
		grep -A 20 "ecryptfs-ecfs" "$log/install.log" | head -n 40 | sed 's/^/    | /'
		record FAIL "pkg/apt/dkms/$k"
	fi
done
if grep -q "no headers for kernel $noheaders" "$log/install.log" &&
   [ ! -e "$R/lib/modules/$noheaders/updates" ]; then
	record PASS pkg/apt/dkms/no-headers
else
	fail "the kernel without headers was not reported skipped, or got a module"
	record FAIL pkg/apt/dkms/no-headers
fi
if grep -q "building the module for kernel $broken failed" "$log/install.log" &&
   grep -q "these headers cannot build anything" "$log/install.log" &&
   [ "$before_broken" = "$(cd "$R/lib/modules/$broken" && find . | sort)" ]; then
	record PASS pkg/apt/dkms/failure
else
	fail "the failed build for $broken was not reported with make's error, or changed its files; the install's output:"
	showlog "$log/install.log" 40
	record FAIL pkg/apt/dkms/failure
fi

# The installed state for the VM boot: the upper layer without the made-up
# kernels and with man-db's switch back, copied with its whiteouts and
# xattrs. Kept only when everything above passed.
rm -rf "$R/lib/modules/$noheaders" "$R/lib/modules/$broken"
[ $had_auto_update = 0 ] || cp -a "$lower/var/lib/man-db/auto-update" "$auto_update"
if ! grep -q "^FAIL pkg/apt/" "$results"; then
	t=$(date +%s)
	# Opaque directories become whiteouts (the VM's 9p drops trusted.*
	# xattrs); the list of whiteouts is what pkg-apt compares.
	if cp -a "$rw/upper" "$pk/installed.tmp" &&
	   "$(dirname "$0")/layer-for-vm.sh" "$pk/installed.tmp" "$lower" "$pk/installed.list" &&
	   mv "$pk/installed.tmp" "$pk/installed"; then
		echo "--- installed layer kept in $pk/installed ($(du -sm "$pk/installed" | cut -f1) MB): $(( $(date +%s) - t )) s"
	else
		rm -rf "$pk/installed.tmp"
		fail "could not keep the installed layer in $pk/installed (see above): the VM cannot boot it"
		record FAIL pkg/apt/layer
	fi
fi

# 3. Remove, purge, reinstall Debian's.
[ $had_auto_update = 0 ] || rm "$auto_update"
t=$(date +%s)
why=
if ! in_root apt-get remove -y "${ours[@]}" > "$log/remove.log" 2>&1; then
	showlog "$log/remove.log"
	why="apt-get remove failed"
else
	for k in "${kernels[@]}"; do
		[ -z "$(dkms_ko "$k")" ] || why="$why; the module for $k is left"
		case $(in_root modinfo -k "$k" -n ecryptfs 2>&1) in
		"/lib/modules/$k/kernel/fs/ecryptfs/"*) ;;
		*) why="$why; modprobe finds for $k: $(in_root modinfo -k "$k" -n ecryptfs 2>&1)" ;;
		esac
	done
	[ "$(st ecryptfs-ecfs-utils)" = rc ] || why="$why; ecryptfs-ecfs-utils is $(st ecryptfs-ecfs-utils), not rc"
fi
[ -z "$why" ] && record PASS pkg/apt/remove || { fail "${why#; }"; record FAIL pkg/apt/remove; }
why=
if ! in_root apt-get purge -y "${ours[@]}" > "$log/purge.log" 2>&1; then
	showlog "$log/purge.log"
	why="apt-get purge failed"
else
	for p in "${ours[@]}"; do [ "$(st "$p")" = - ] || why="$why; $p is $(st "$p") after purge"; done
fi
[ -z "$why" ] && record PASS pkg/apt/purge || { fail "${why#; }"; record FAIL pkg/apt/purge; }
if in_root dpkg -i "${debian_debs[@]}" > "$log/reinstall.log" 2>&1 &&
   [ "$(st ecryptfs-utils)" = ii ] &&
   in_root dpkg --verify ecryptfs-utils libecryptfs1 > "$log/verify.log" 2>&1 &&
   [ ! -s "$log/verify.log" ]; then
	record PASS pkg/apt/reinstall-debian
else
	showlog "$log/reinstall.log" 20
	showlog "$log/verify.log" 20
	record FAIL pkg/apt/reinstall-debian
fi
echo "--- remove, purge, reinstall Debian's: $(( $(date +%s) - t )) s"

# 4. The root compared with the host's: every path in the upper layer is
# new, changed or removed. dpkg's and apt's state and logs are left out; the
# group ecryptfs stays (Debian does not remove system groups on purge) and
# must be the only change to the group files. Also left out: the shadow
# tools' backups (/etc/group- is the file before the last change, whatever
# that was) and dkms's module-signing key, which dkms makes at its first
# build and keeps for every DKMS module.
[ $had_auto_update = 0 ] || cp -a "$lower/var/lib/man-db/auto-update" "$auto_update"
up=$rw/upper
volatile='/(var/lib/dpkg|var/lib/apt|var/cache|var/log|etc/ld\.so\.cache$|etc/(passwd|group|shadow|gshadow)-$|var/lib/dkms/mok\.(key|pub)$|tmp$|proc$|sys$|dev$|run$)'
(
	cd "$up" || exit 1
	find . -mindepth 1 | sed 's/^\.//' | sort | while IFS= read -r p; do
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
) > "$log/upper-all.txt"
grep -vE "^[a-z ]+: $volatile" "$log/upper-all.txt" > "$log/upper-diff.txt"
echo "    upper layer after Debian's reinstall: $(wc -l < "$log/upper-all.txt") differences from the host, all in dpkg/apt state, logs or caches but $(wc -l < "$log/upper-diff.txt") (listing: $log/upper-all.txt)"
if [ ! -s "$log/upper-diff.txt" ]; then
	record PASS pkg/apt/root-as-before
else
	fail "the root differs from before our packages were installed:"
	sed 's/^/    | /' "$log/upper-diff.txt" | head -n 60
	record FAIL pkg/apt/root-as-before
fi
! grep -q "^FAIL pkg/apt/" "$results"
