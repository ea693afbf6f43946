# rig: kernels=6.1,6.12 modules=ours
# Public-key files across the two modules, in one boot, served by our
# ecryptfsd over /dev/ecryptfs (the modules are swapped with the daemon
# stopped: rmmod is refused while a daemon is attached):
#   1. written through our module, read back through upstream's;
#   2. written through upstream's module, read back through ours;
#   3. written by upstream's module with a passphrase key and a public key
#      (a tag 3 and a tag 1 packet), read through ours with each key alone.
. "$RIG_SRC/tests/vm/lib.sh"
# An RSA private-key operation under TCG on a busy host can pass 3 s.
export RIG_MODPARAMS="${RIG_MODPARAMS:-} ecryptfs_message_wait_timeout=20"
: > /run/rig/reload-after-case
export HOME=/root
start_daemon() {
	rm -f /run/ecryptfsd.pid
	ecryptfsd -p /run/ecryptfsd.pid
	for _ in $(seq 100); do [ -s /run/ecryptfsd.pid ] && return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not start"
}
stop_daemon() {
	local pid
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	rig_fail "ecryptfsd did not exit on SIGTERM"
}
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,ecryptfs_unlink_sigs"
printf 'passphrase_passwd=cross modules\n' > pw
chmod 600 pw
kp="key=passphrase:passphrase_passwd_file=$RIG_WORK/pw"
ko="key=openssl:keyfile=$RIG_WORK/key.pem"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 > /dev/null
mkdir lower upper
mount -t tmpfs tmpfs lower
{ echo "across modules"; head -c 6000 /dev/urandom | base64; } > plain

# use MODULE KEYS: mount with that module and those keys, daemon running.
use() {
	rig_switch_module "$1"
	start_daemon
	mount -t ecryptfs lower upper -o "$2,$opts" </dev/null > mout 2>&1 ||
		{ cat mout; rig_fail "mount with the $1 module ($2)"; }
}
done_with() {
	umount upper
	stop_daemon
}

# 1. Ours writes, upstream's reads.
use ours "$ko"
cp plain upper/ours
done_with
use upstream "$ko"
cmp plain upper/ours || rig_fail "upstream's module does not read our public-key file"
cp plain upper/up
done_with

# 2. Upstream's wrote "up": ours reads it.
use ours "$ko"
cmp plain upper/up || rig_fail "our module does not read upstream's public-key file"
done_with

# 3. Upstream's module, a passphrase and a public key on one file.
use upstream "$kp,$ko"
cp plain upper/two
done_with
ecryptfs-stat lower/two > stat.out
grep -q "tag 3 " stat.out && grep -q "tag 1 " stat.out ||
	{ cat stat.out; rig_fail "upstream's two-key file lacks a tag 3 or a tag 1 packet"; }
for k in "$kp" "$ko"; do
	use ours "$k"
	cmp plain upper/two || rig_fail "our module does not read upstream's two-key file with ${k%%:*} alone"
	done_with
done
rig_log "public-key files read across modules both ways; upstream's passphrase + public-key file read by ours with each key"
