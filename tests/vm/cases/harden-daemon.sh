# rig: kernels=6.1,6.12 modules=upstream
# Hardening of ecryptfsd and the OpenSSL key module with the kernel's real
# requests (issue 15):
#  - a key file replaced by another key behind a mounted token: creating a
#    file fails with EIO, the other key never wraps a file's key;
#  - a key file replaced by a FIFO: requests fail at once and no worker
#    hangs (more FIFO requests than workers, then the key back: served);
#  - a user's daemon whose memory cannot be locked says so at start-up.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
now_ms() { date +%s%3N; }
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
mkdir lower upper keys
mount -t tmpfs tmpfs lower
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/keys/key.pem" --bits 2048 > gen
sig=$(sed -n 's/^Key signature: //p' gen)
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/keys/other.pem" --bits 2048 > /dev/null
cp keys/key.pem key.orig

ecryptfsd -f -j 2 -p /run/ecryptfsd.pid 2>dlog &
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$RIG_WORK/keys/key.pem,$opts" </dev/null
echo one > upper/one
rig_expect_eq "file under the right key" one "$(cat upper/one)"

# 1. Another key at the token's path: refused, nothing wrapped for it.
mv keys/other.pem keys/key.pem
if { echo two > upper/two; } 2>err; then rig_fail "a file's key was wrapped with a replaced key file"; fi
cat err
grep -q "Input/output error" err || rig_fail "replaced key: not EIO"
grep -q "the key file of key $sig now holds key" dlog || { cat dlog; rig_fail "no log of the replaced key"; }
[ -s lower/two ] && rig_fail "lower file written under the replaced key"

# 2. A FIFO at the token's path: each request fails at once; no worker
# is left blocked (4 requests for 2 workers), so the key back works.
rm keys/key.pem
mkfifo keys/key.pem
t0=$(now_ms)
for i in 1 2 3 4; do
	if { echo x > "upper/fifo$i"; } 2>err; then rig_fail "created a file with a FIFO as key file"; fi
done
dt=$(( $(now_ms) - t0 ))
rig_log "4 creates with a FIFO key file refused in $dt ms"
[ "$dt" -lt 10000 ] || rig_fail "FIFO key file: requests took $dt ms (kernel timeouts, not answers)"
grep -q "key file $RIG_WORK/keys/key.pem is not a regular file" dlog || { cat dlog; rig_fail "no log of the FIFO key file"; }
rm keys/key.pem
cp key.orig keys/key.pem
echo three > upper/three || { cat dlog; rig_fail "daemon stuck after FIFO requests"; }
echo 3 > /proc/sys/vm/drop_caches
rig_expect_eq "file after the key came back" three "$(cat upper/three)"
rig_expect_eq "first file still readable" one "$(cat upper/one)"
umount upper
kill -TERM "$(cat /run/ecryptfsd.pid)"
wait

# 3. A user's daemon with a 64 KiB RLIMIT_MEMLOCK says its keys are not locked.
id ecfsmem >/dev/null 2>&1 || useradd -M -N -g ecryptfs ecfsmem
mkdir -m 0700 sockdir && chown ecfsmem sockdir
( ulimit -l 64; exec setpriv --reuid=ecfsmem --regid=ecryptfs --clear-groups \
	ecryptfsd -f -S "$RIG_WORK/sockdir/s" ) 2>ulog &
upid=$!
for _ in $(seq 100); do grep -q "serving uid" ulog && break; sleep 0.1; done
cat ulog
grep -q "keys are NOT locked in memory" ulog || rig_fail "no start-up message about unlocked keys"
grep -q "RLIMIT_MEMLOCK 64 KiB" ulog || rig_fail "the message does not name the limit"
kill -TERM "$upid"
wait
