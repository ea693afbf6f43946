# rig: kernels=6.1,6.12 modules=upstream
# Passphrase mode through our mount.ecryptfs/umount.ecryptfs (staged
# install, found by mount(8) and umount(8)): options from -o, from
# ~/.ecryptfsrc only, interactively on a pseudo-terminal, with filename
# encryption and with two keys. No secret may reach /proc/mounts, and
# umount must take the keys out of the keyring again.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
[ "$(command -v mount.ecryptfs)" = /usr/sbin/mount.ecryptfs ] || rig_fail "mount.ecryptfs not found"
cmp -s /usr/sbin/mount.ecryptfs "$(rig_debian mount.ecryptfs)" && rig_fail "the staged mount.ecryptfs is Debian's"

nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
mkdir lower upper
mount -t tmpfs tmpfs lower
export HOME=/root
printf 'passphrase_passwd=foo\n' > pwfile
chmod 600 pwfile

# 1. Everything from -o, passphrase from a file.
out=$(mount -t ecryptfs lower upper -o key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache </dev/null)
echo "$out"
echo "$out" | grep -q "ecryptfs_sig=253ca7e88811d184" || rig_fail "helper did not report the signature"
line=$(grep " $RIG_WORK/upper ecryptfs " /proc/mounts) || rig_fail "not mounted"
echo "$line"
case "$line" in *foo*|*passwd*|*pwfile*) rig_fail "secret or its source in /proc/mounts: $line" ;; esac
case "$line" in *ecryptfs_unlink_sigs*) ;; *) rig_fail "no ecryptfs_unlink_sigs" ;; esac
keyctl rdescribe %user:253ca7e88811d184 | grep -q '^user;0;0;3f3f0000;' || rig_fail "key permissions are not owner-only"
head -c 10000 /dev/urandom > plain
cp plain upper/file
cmp plain upper/file
umount upper
rig_expect_eq "keys left after umount" 0 "$(nkeys)"
rig_expect_eq "plaintext size in the lower header" 10000 "$(rig_be64 lower/file 0)"
if cmp -s -n 4096 plain lower/file; then rig_fail "lower file holds plaintext"; fi

# 2. Everything from ~/.ecryptfsrc (cipher= spelling, as upstream's sample).
printf 'key=passphrase\ncipher=aes\necryptfs_key_bytes=16\npassphrase_passwd_file=%s/pwfile\nno_sig_cache\n' \
	"$RIG_WORK" > /root/.ecryptfsrc
mount -t ecryptfs lower upper </dev/null
cmp plain upper/file || rig_fail "remount from ~/.ecryptfsrc reads differently"
umount upper
rm /root/.ecryptfsrc
rig_expect_eq "keys left after umount" 0 "$(nkeys)"

# 3. Interactive on a pseudo-terminal: upstream's prompts and defaults.
if ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	[ -c /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
fi
# The passphrase is typed only once the prompt is up (echo already off),
# so an echo would show in the transcript.
answers() {
	for _ in $(seq 100); do grep -q "Passphrase: " transcript 2>/dev/null && break; sleep 0.2; done
	printf 'foo\n'
	sleep 1
	printf '\n\n\n\nyes\nyes\n'
}
: > transcript
answers | script -qec "mount -t ecryptfs $RIG_WORK/lower $RIG_WORK/upper" /dev/null > transcript || {
	tr -d '\r' < transcript | sed 's/WARNING:/Warning:/'; rig_fail "interactive mount failed"; }
# (the rig treats "WARNING:" on the console as a kernel splat)
tr -d '\r' < transcript | sed 's/WARNING:/Warning:/'
for p in "Passphrase: " "Select cipher:" "Selection [aes]: " "Select key bytes:" "Selection [16]: " \
	"Enable plaintext passthrough (y/n) [n]: " "Enable filename encryption (y/n) [n]: " \
	"Would you like to proceed with the mount (yes/no)? " "Mounted eCryptfs"; do
	grep -qF "$p" transcript || rig_fail "prompt missing: $p"
done
grep -q foo transcript && rig_fail "passphrase echoed"
cmp plain upper/file || rig_fail "interactive mount reads differently"
umount upper
rig_expect_eq "sig cache record" "253ca7e88811d184" "$(cat /root/.ecryptfs/sig-cache.txt)"
rig_expect_eq "sig cache mode" 600 "$(stat -c %a /root/.ecryptfs/sig-cache.txt)"

# 4. Filename encryption and a second key; both keys unlinked at umount.
mkdir lower2
mount -t tmpfs tmpfs lower2
printf 'passwd=second\n' > pwfile2
mount -t ecryptfs lower2 upper -o key=passphrase:passwd_file=$RIG_WORK/pwfile,key=passphrase:passwd_file=$RIG_WORK/pwfile2,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_enable_filename_crypto=y,no_sig_cache </dev/null
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_fnek_sig=253ca7e88811d184" || rig_fail "no FNEK in the mount"
rig_expect_eq "keys while mounted" 2 "$(nkeys)"
echo hello > upper/visible-name
ls lower2 | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || rig_fail "lower name is not encrypted: $(ls lower2)"
umount upper
rig_expect_eq "keys left after umount" 0 "$(nkeys)"
mount -t ecryptfs lower2 upper -o passwd_fd=3,ecryptfs_cipher=aes,ecryptfs_key_bytes=32,ecryptfs_fnek_sig=253ca7e88811d184,no_sig_cache 3<pwfile </dev/null
rig_expect_eq "read back by name with FNEK" hello "$(cat upper/visible-name)"
umount upper
umount lower2

# 5. Bad input: a clear message, non-zero exit, nothing mounted, no key left.
bad() {
	local what=$1 expect=$2; shift 2
	if "$@" > bad.out 2>&1; then cat bad.out; rig_fail "$what: succeeded"; fi
	cat bad.out
	grep -qiF -- "$expect" bad.out || rig_fail "$what: message lacks '$expect'"
	grep -q " $RIG_WORK/upper " /proc/mounts && rig_fail "$what: left a mount"
	rig_expect_eq "$what: keys left" 0 "$(nkeys)"
}
printf 'passwd=wrong\n' > badpw
bad "wrong passphrase" "wrong passphrase" mount -t ecryptfs lower upper \
	-o passwd_file=$RIG_WORK/badpw,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,no_sig_cache
bad "missing lower dir" "No such file" mount -t ecryptfs nowhere upper \
	-o passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16
bad "unknown option" "unknown option 'ecryptfs_frob'" mount -t ecryptfs lower upper \
	-o passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_frob
bad "missing mandatory" "ecryptfs_key_bytes=" mount -t ecryptfs lower upper \
	-o passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes
mkdir /root/.ecryptfsrc
bad "unreadable ~/.ecryptfsrc" ".ecryptfsrc" mount -t ecryptfs lower upper \
	-o passwd_file=$RIG_WORK/pwfile,ecryptfs_cipher=aes,ecryptfs_key_bytes=16
rmdir /root/.ecryptfsrc
printf 'passwd=%065d\n' 1 > longpw
bad "65-byte passphrase" "longer than 64" mount -t ecryptfs lower upper \
	-o passwd_file=$RIG_WORK/longpw,ecryptfs_cipher=aes,ecryptfs_key_bytes=16
bad "65-byte passphrase (add)" "too long" sh -c "printf '%065d' 1 | ecryptfs-add-passphrase -"

# 6. passwd= on the command line works, with a warning, and is not in /proc/mounts.
mount -t ecryptfs lower upper -o passwd=foo,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,no_sig_cache </dev/null 2> warn
grep -q "process list" warn || rig_fail "no warning for passwd="
grep " $RIG_WORK/upper " /proc/mounts | grep -q foo && rig_fail "passphrase in /proc/mounts"
cmp plain upper/file
umount upper
rig_expect_eq "keys left after umount" 0 "$(nkeys)"
umount lower
