# rig: manual
# The quick-start demo: what a user sees, inside a real Debian kernel with
# Debian's own eCryptfs module or ours (scripts/demo 6.1 ours) and our
# mount helper, daemon and tools.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
show() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { show "$*"; "$@"; }

echo "kernel $(uname -r), eCryptfs module: $RIG_MODULE, version bits $(cat /sys/fs/ecryptfs/version)"
echo "mount helper: $(command -v mount.ecryptfs) (ours: staged install)"

mkdir -p /mnt/secret
mount -t tmpfs tmpfs /mnt/secret
printf 'passphrase_passwd=correct horse battery staple\n' > /root/demo-pass
chmod 600 /root/demo-pass
opts=key=passphrase:passphrase_passwd_file=/root/demo-pass,ecryptfs_cipher=aes,ecryptfs_key_bytes=16
opts=$opts,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache

run mount -t ecryptfs /mnt/secret /mnt/secret -o "$opts"
show "grep ecryptfs /proc/mounts   # no secret in the mount options"
grep ' ecryptfs ' /proc/mounts
show "keyctl show @u               # the key the kernel needs, owner-only"
keyctl show @u | tail -n +2
show "echo 'Meet me at the old oak at dawn.' > /mnt/secret/note.txt"
echo 'Meet me at the old oak at dawn.' > /mnt/secret/note.txt
run cat /mnt/secret/note.txt
run umount /mnt/secret

show "ls -l /mnt/secret                # the lower directory"
ls -l /mnt/secret
if command -v ecryptfs-stat >/dev/null; then
	run ecryptfs-stat /mnt/secret/note.txt
fi
show "od -A d -t x1 -j 8192 -N 48 /mnt/secret/note.txt   # ciphertext of the first extent"
od -A d -t x1 -j 8192 -N 48 /mnt/secret/note.txt

run mount -t ecryptfs /mnt/secret /mnt/secret -o "$opts"
run cat /mnt/secret/note.txt
run umount /mnt/secret
umount /mnt/secret

# Public-key mode: the kernel asks ecryptfsd (over /dev/ecryptfs) to wrap
# each new file's key with an RSA key and to unwrap it on open.
if ! command -v ecryptfsd >/dev/null; then
	exit 0
fi
printf '\n\033[1m--- public-key mode: ecryptfsd and the OpenSSL key module ---\033[0m\n'
mkdir -p /mnt/vault
mount -t tmpfs tmpfs /mnt/vault
run ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
run ecryptfs-generate-key openssl --keyfile /root/vault-key.pem
popts=key=openssl:keyfile=/root/vault-key.pem,ecryptfs_cipher=aes,ecryptfs_key_bytes=16
popts=$popts,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache
run mount -t ecryptfs /mnt/vault /mnt/vault -o "$popts"
show "echo 'The treasure is under the floorboards.' > /mnt/vault/map.txt"
echo 'The treasure is under the floorboards.' > /mnt/vault/map.txt
run umount /mnt/vault
if command -v ecryptfs-stat >/dev/null; then
	run ecryptfs-stat /mnt/vault/map.txt
fi
show "kill \$(cat /run/ecryptfsd.pid); ecryptfsd -p /run/ecryptfsd.pid   # restart the daemon"
pid=$(cat /run/ecryptfsd.pid)
kill "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
rm -f /run/ecryptfsd.pid
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
run mount -t ecryptfs /mnt/vault /mnt/vault -o "$popts"
run cat /mnt/vault/map.txt
run umount /mnt/vault
kill "$(cat /run/ecryptfsd.pid)"
umount /mnt/vault
