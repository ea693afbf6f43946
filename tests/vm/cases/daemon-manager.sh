# rig: kernels=6.1,6.12 modules=upstream
# ecryptfs-manager: upstream's menu driven on a pseudo-terminal (an
# invalid choice, 1 add a passphrase key, 3 generate a key pair with the
# module chosen, 2 add that public key, 4 exit), then the subcommands
# (generate with the RSA-3072 default, add-key, add-passphrase --fnek,
# bad input), and a protected key added with its passphrase typed, held
# by ecryptfsd and used by a mount.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
has_key() { keyctl search @u user "$1" >/dev/null 2>&1; }
[ "$(command -v ecryptfs-manager)" = /usr/bin/ecryptfs-manager ] || rig_fail "staged ecryptfs-manager not found"
if ! grep -q ' /dev/pts ' /proc/mounts; then
	mkdir -p /dev/pts
	mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
	[ -c /dev/ptmx ] || ln -sf pts/ptmx /dev/ptmx
fi
# seen PATTERN: how often PATTERN has been printed so far.
seen() { tr -d '\r' < transcript | grep -oF -- "$1" | wc -l; }
# after PATTERN N ANSWER: once PATTERN was printed N times, type ANSWER.
after() {
	for _ in $(seq 900); do [ "$(seen "$1")" -ge "$2" ] && break; sleep 0.2; done
	[ "$(seen "$1")" -ge "$2" ] || { echo "timeout waiting for '$1' x$2" >&2; return 0; }
	printf '%s\n' "$3"
}
show() { tr -d '\r' < transcript | sed 's/WARNING:/Warning:/'; }

# 1. The menu.
answers() {
	after "Make selection: " 1 9
	after "Invalid selection" 1 1
	after "Mount-wide passphrase: " 1 foo
	after "Confirm passphrase: " 1 foo
	after "Make selection: " 3 3
	after "Selection [1]: " 1 ""
	after "Key file [" 1 "$RIG_WORK/menu.pem"
	after "Key size in bits [3072]: " 1 2048
	after "Passphrase to protect the key (empty: none): " 1 ""
	after "Make selection: " 4 2
	after "Selection [1]: " 2 openssl
	after "Key file [" 2 "$RIG_WORK/menu.pem"
	after "Make selection: " 5 4
	sleep 1
}
: > transcript
answers | script -qec ecryptfs-manager /dev/null > transcript || { show; rig_fail "menu failed"; }
show
for p in "eCryptfs key management menu" "1. Add passphrase key to keyring" \
	"2. Add public key to keyring" "3. Generate new public/private keypair" "4. Exit" \
	"Invalid selection" "Select key type to use:" " 1) openssl"; do
	grep -qF -- "$p" transcript || rig_fail "menu text missing: $p"
done
grep -q "foo" transcript && rig_fail "passphrase echoed"
grep -qF "Added key to keyring with signature [253ca7e88811d184]" transcript || rig_fail "passphrase key not reported"
has_key 253ca7e88811d184 || rig_fail "passphrase key not in the keyring"
msig=$(tr -d '\r' < transcript | sed -n 's/^Key signature: //p')
[ ${#msig} -eq 16 ] || rig_fail "no signature of the generated key"
rig_expect_eq "generated key file mode" 600 "$(stat -c %a menu.pem)"
openssl pkey -in menu.pem -noout -text 2>/dev/null | grep -q "2048 bit" || rig_fail "menu key is not RSA-2048"
grep -qF "Added key to keyring with signature [$msig]" transcript || rig_fail "public key not reported"
keyctl pipe "%user:$msig" > token
grep -q "menu.pem" token || rig_fail "token does not name the key file"
rig_expect_eq "keys after the menu" 2 "$(nkeys)"
keyctl clear @u

# 2. Subcommands: generate (RSA 3072 by default), add-key, add-passphrase.
ecryptfs-manager generate openssl --keyfile "$RIG_WORK/sub.pem" > out
cat out
ssig=$(sed -n 's/^Key signature: //p' out)
rig_expect_eq "subcommand key file mode" 600 "$(stat -c %a sub.pem)"
openssl pkey -in sub.pem -noout -text 2>/dev/null | grep -q "3072 bit" || rig_fail "default key is not RSA-3072"
if ecryptfs-manager generate openssl --keyfile "$RIG_WORK/sub.pem" 2>err; then rig_fail "overwrote a key file"; fi
cat err
ecryptfs-manager add-key openssl --keyfile "$RIG_WORK/sub.pem" </dev/null
has_key "$ssig" || rig_fail "add-key: key not in the keyring"
ecryptfs-manager add-key openssl --keyfile "$RIG_WORK/sub.pem" </dev/null | grep -q "already in the keyring" ||
	rig_fail "second add-key not reported as present"
printf 'foo' | ecryptfs-manager add-passphrase --fnek - > out
cat out
grep -qF "[253ca7e88811d184]" out || rig_fail "add-passphrase: wrong signature"
rig_expect_eq "keys after the subcommands" 3 "$(nkeys)"
keyctl clear @u
bad() {
	local want=$1; shift
	if ecryptfs-manager "$@" </dev/null >out 2>&1; then cat out; rig_fail "accepted: $*"; fi
	cat out
	grep -qF -- "$want" out || rig_fail "'$*': message lacks '$want'"
}
bad "add-key needs --keyfile" add-key openssl
bad "unknown command" frobnicate
bad "not a key module name" add-key ../x --keyfile /x
bad "No such file" add-key openssl --keyfile "$RIG_WORK/nosuch.pem"
bad "--bits needs a number" generate openssl --bits 3k
rig_expect_eq "keys after bad input" 0 "$(nkeys)"

# 3. A protected key added by the manager: the passphrase typed, handed
# to ecryptfsd, and the mount of that key works without a passphrase.
printf 'passwd=manager pass\n' > pwtmp
ecryptfs-manager generate openssl --keyfile "$RIG_WORK/enc.pem" --bits 2048 \
	--passwd-file "$RIG_WORK/pwtmp" > out
rm pwtmp
esig=$(sed -n 's/^Key signature: //p' out)
# Without a daemon the handoff fails clearly and nothing stays in the keyring.
: > transcript
{ after "Passphrase for the key in" 1 "manager pass"; sleep 1; } |
	script -qec "ecryptfs-manager add-key openssl --keyfile $RIG_WORK/enc.pem" /dev/null > transcript && {
	show; rig_fail "added a protected key without a daemon"; }
show
grep -q "cannot reach ecryptfsd" transcript || rig_fail "no clear message without a daemon"
rig_expect_eq "keys after the failed handoff" 0 "$(nkeys)"
ecryptfsd -f -p /run/ecryptfsd.pid 2>dlog &
for _ in $(seq 50); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
: > transcript
{ after "Passphrase for the key in" 1 "manager pass"; sleep 1; } |
	script -qec "ecryptfs-manager add-key openssl --keyfile $RIG_WORK/enc.pem" /dev/null > transcript || {
	show; cat dlog; rig_fail "add-key of a protected key failed"; }
show
grep -qF "Added key to keyring with signature [$esig]" transcript || rig_fail "protected key not reported"
grep -q "holding the unlocked key $esig" dlog || { cat dlog; rig_fail "daemon holds no key"; }
keyctl pipe "%user:$esig" | grep -q "manager pass" && rig_fail "passphrase in the token"
mkdir lower upper
mount -t tmpfs tmpfs lower
# The kernel alone (mount -i, no helper): it finds the token the manager
# added; the daemon serves it with the key it holds.
mount -i -t ecryptfs lower upper -o "ecryptfs_sig=$esig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
echo managed > upper/f
echo 3 > /proc/sys/vm/drop_caches
rig_expect_eq "file under the managed key" managed "$(cat upper/f)"
rig_expect_eq "first key packet tag" 01 "$(od -An -tx1 -j26 -N1 lower/f | tr -d ' ')"
umount -i upper
keyctl unlink "%user:$esig" @u
for _ in $(seq 50); do grep -q "dropped the unlocked key $esig" dlog && break; sleep 0.1; done
grep -q "dropped the unlocked key $esig" dlog || { cat dlog; rig_fail "held key not dropped after unlink"; }
rig_expect_eq "keys at the end" 0 "$(nkeys)"
kill -TERM "$(cat /run/ecryptfsd.pid)"
wait
