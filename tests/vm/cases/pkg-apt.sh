# rig: kernels=6.1,6.12 modules=ours init=systemd pkg
# Our Debian packages, installed, on a booted machine. The suite's pkg phase
# (tests/pkg/apt-check.sh) installs our .debs with apt over Debian's
# ecryptfs-utils in an overlay copy of the host's root, where DKMS builds the
# module for every kernel natively, then checks remove, purge and Debian's
# reinstall there. This case boots that installed state (tests/vm/run -P:
# the layer over the host's root, systemd as PID 1) and checks what a chroot
# cannot:
#  - the layer's whiteouts survived 9p: Debian's files that ours replaced
#    are gone from the booted root;
#  - modprobe finds the DKMS-built module for the running kernel, and the
#    loaded module is that file (version, srcversion, our parameters);
#  - a passphrase mount through the installed mount.ecryptfs, and a
#    key=openssl mount served by ecryptfsd started with systemctl from the
#    package's unit.
# svc-systemd then runs in the same boot on the same packaged files.
. "$RIG_SRC/tests/vm/lib.sh"
export LC_ALL=C HOME=/root
[ "${RIG_PKGROOT:-0}" = 1 ] ||
	rig_fail "no installed packages in this boot: tests/vm/run -m ours -P build/pkg/installed (the suite's pkg phase makes it)"
layer=/run/rig/pkglayer
[ -d "$layer/var/lib/dpkg" ] || rig_fail "the installed-packages layer is not at $layer"
st() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true; }
owner() { dpkg -S "$1" 2>/dev/null | cut -d: -f1; }

# 1. dpkg's view of the booted root.
for p in ecryptfs-ecfs-utils ecryptfs-ecfs-dkms libecfs0 libecfs-crypto0 libpam-ecryptfs-ecfs; do
	rig_expect_eq "$p" ii "$(st "$p")"
done
rig_expect_eq "Debian's ecryptfs-utils (removed by ours)" rc "$(st ecryptfs-utils)"
for f in /usr/sbin/mount.ecryptfs /usr/sbin/ecryptfsd /usr/bin/ecryptfs-manager; do
	rig_expect_eq "owner of $f" ecryptfs-ecfs-utils "$(owner "$f")"
done
dver=$(dpkg-query -W -f='${Version}' ecryptfs-ecfs-dkms)
ver=${dver%-*}

# 2. The layer as overlayfs made it on the host, its opaque directories
# rewritten as whiteouts (the 9p share drops trusted.* xattrs,
# tests/pkg/layer-for-vm.sh), listed there in RIG_PKG_LIST: the guest sees
# the same whiteouts, and each hides the host's file.
list=${RIG_PKG_LIST:-}
[ -f "$list" ] || rig_fail "no list of the layer's whiteouts: '$list'"
(cd "$layer" && find . -type c -exec stat -c '%n %t:%T' {} + |
	sed -n 's|^\.\(/.*\) 0:0$|whiteout \1|p' | sort) > seen.list
diff "$list" seen.list > seen.diff || { cat seen.diff; rig_fail "the layer's whiteouts over 9p are not the host's (< host, > guest)"; }
nw=0
while read -r kind p; do
	[ "$kind" = whiteout ] || continue
	nw=$((nw + 1))
	{ [ -e "/run/rig/host$p" ] || [ -L "/run/rig/host$p" ]; } || continue
	{ [ ! -e "$p" ] && [ ! -L "$p" ]; } || rig_fail "$p, removed by the install, is in the booted root"
done < "$list"
[ "$nw" -gt 0 ] || rig_fail "the layer has no whiteout: Debian's ecryptfs-utils was not replaced in it?"
[ ! -e /usr/share/doc/ecryptfs-utils/copyright ] || rig_fail "Debian's ecryptfs-utils documentation is in the booted root"
rig_log "layer: $nw whiteouts, as on the host, each hiding its file"

# 3. The module: DKMS's, for the running kernel.
ko=$(modinfo -k "$RIG_KVER" -n ecryptfs)
case $ko in
"/lib/modules/$RIG_KVER/updates/dkms/ecryptfs.ko"*) ;;
*) rig_fail "modprobe finds $ko, not the DKMS-built module" ;;
esac
[ -e "/var/lib/dkms/ecryptfs-ecfs/$ver/$RIG_KVER" ] ||
	rig_fail "dkms has no build of $ver for $RIG_KVER"
if grep -q '^ecryptfs ' /proc/modules; then rmmod ecryptfs || rig_fail "cannot unload ecryptfs"; fi
modprobe ecryptfs || rig_fail "modprobe ecryptfs failed"
rig_expect_eq "loaded module's version" "$ver" "$(cat /sys/module/ecryptfs/version)"
rig_expect_eq "loaded module's srcversion (that of $ko)" \
	"$(modinfo -F srcversion "$ko")" "$(cat /sys/module/ecryptfs/srcversion)"
rig_module_is_ours || rig_fail "the loaded module lacks our parameters"
rig_log "module $ko, version $ver, loaded"

# 4. A passphrase mount through the installed helper.
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
mkdir lower lower2 upper
mount -t tmpfs tmpfs lower
mount -t tmpfs tmpfs lower2
head -c 70000 /dev/urandom > plain
printf 'passphrase_passwd=pkg apt passphrase\n' > pw
chmod 600 pw
pmount() { mount -t ecryptfs lower upper -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pw,$opts" </dev/null > mout 2>&1; }
pmount || { cat mout; rig_fail "passphrase mount through the installed mount.ecryptfs failed"; }
cp plain upper/p
umount upper
cmp -s plain lower/p && rig_fail "the lower file is not encrypted"
keyctl clear @u
pmount || { cat mout; rig_fail "passphrase remount failed"; }
cmp plain upper/p || rig_fail "passphrase mount: the file reads back wrong"
umount upper
keyctl clear @u

# 5. key=openssl, served by ecryptfsd from the package's unit.
frag=$(systemctl show -P FragmentPath ecryptfsd.service)
rig_expect_eq "owner of the unit $frag" ecryptfs-ecfs-utils "$(owner "$frag")"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 > gen
sig=$(sed -n 's/^Key signature: //p' gen)
systemctl start ecryptfsd.service || rig_fail "systemctl start ecryptfsd failed"
for _ in $(seq 100); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
kmount() { mount -t ecryptfs lower2 upper -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null > mout 2>&1; }
kmount || { cat mout; journalctl -b -u ecryptfsd --no-pager | tail -n 20; rig_fail "key=openssl mount failed"; }
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted on $sig"
cp plain upper/k
umount upper
keyctl clear @u
kmount || { cat mout; rig_fail "key=openssl remount failed"; }
cmp plain upper/k || rig_fail "key=openssl mount: the file reads back wrong"
umount upper
keyctl clear @u
systemctl stop ecryptfsd.service
rig_expect_eq "ecryptfsd's exit after stop" success "$(systemctl show -P Result ecryptfsd.service)"
rig_log "passphrase and key=openssl mounts through the installed files"
