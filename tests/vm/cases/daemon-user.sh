# rig: kernels=6.1,6.12 modules=upstream
# A user's own ecryptfsd.  The kernel finds a mount's key in the keyring of
# the task that mounts (root, through mount.ecryptfs), but sends each wrap
# and unwrap request to the daemon whose euid is the euid of the task doing
# the file operation, and that daemon looks the token up in its own user's
# keyring.  So: a non-root user in group ecryptfs (the /dev/ecryptfs node is
# root:ecryptfs 0660) runs ecryptfsd and adds the token to their keyring
# with ecryptfs-manager; root mounts; the user writes and reads through the
# mount with root's daemon gone; root's own file operations then fail (no
# daemon for euid 0), and the user's fail once their token is unlinked.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
rig_expect_eq "/dev/ecryptfs owner and mode" "root ecryptfs 660" "$(stat -c '%U %G %a' /dev/ecryptfs)"
uhome=$RIG_WORK/home
id ecfsu >/dev/null 2>&1 || useradd -M -d "$uhome" -g ecryptfs ecfsu
mkdir -p "$uhome"
chown ecfsu:ecryptfs "$uhome"
chmod 700 "$uhome"
uid=$(id -u ecfsu)
# As the user, in a session keyring of their own (root's is not theirs).
U() { setpriv --reuid=ecfsu --regid=ecryptfs --clear-groups env HOME="$uhome" "$@"; }
Ukeys() { U keyctl rlist @u 2>/dev/null | wc -w; }

U ecryptfs-generate-key openssl --keyfile "$uhome/key.pem" --bits 2048 > gen
sig=$(sed -n 's/^Key signature: //p' gen)
rig_expect_eq "user's key file" "ecfsu 600" "$(stat -c '%U %a' "$uhome/key.pem")"

# 1. The user's daemon (the user keyring lives as long as it does), then the token.
# (Not through U: a backgrounded function is a subshell, and $! its pid.)
setpriv --reuid=ecfsu --regid=ecryptfs --clear-groups ecryptfsd -f -S "$uhome/ecryptfsd.sock" 2>ulog &
upid=$!
for _ in $(seq 50); do [ -S "$uhome/ecryptfsd.sock" ] && break; sleep 0.1; done
kill -0 "$upid" || { cat ulog; rig_fail "user daemon did not start"; }
rig_expect_eq "user socket owner" "ecfsu 600" "$(stat -c '%U %a' "$uhome/ecryptfsd.sock")"
U keyctl session - ecryptfs-manager add-key openssl --keyfile "$uhome/key.pem" </dev/null
rig_expect_eq "tokens in the user's keyring" 1 "$(Ukeys)"
U keyctl session - keyctl search @u user "$sig" >/dev/null || rig_fail "token not in the user's keyring"

# 2. Root mounts (its own daemon must run for the helper's check), then stops its daemon.
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
mkdir lower upper
mount -t tmpfs -o mode=0755 tmpfs lower
chown ecfsu:ecryptfs lower
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
mount -t ecryptfs lower upper -o "key=openssl:keyfile=$uhome/key.pem,$opts" </dev/null
grep " $RIG_WORK/upper ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$sig" || rig_fail "not mounted on $sig"
kill -TERM "$(cat /run/ecryptfsd.pid)"
for _ in $(seq 50); do [ -e /run/ecryptfsd.pid ] || break; sleep 0.1; done

# 3. The user writes and reads; only the user's daemon is there.
head -c 20000 /dev/urandom > plain
chmod 644 plain
for i in 1 2 3; do U cp plain "upper/u$i"; done
U sh -c 'echo "from the user" > upper/small'
rig_expect_eq "owner of the user's file" ecfsu "$(stat -c %U upper/u1)"
rig_expect_eq "tag 1 packet in the lower file" 01 "$(od -An -tx1 -j26 -N1 lower/u1 | tr -d ' ')"
od -An -tx1 -j26 -N16 lower/u1 | tr -d ' \n' | grep -q "$sig" || rig_fail "tag 1 packet does not name $sig"
echo 3 > /proc/sys/vm/drop_caches
for i in 1 2 3; do U cmp plain "upper/u$i" || rig_fail "u$i reads back differently"; done
rig_expect_eq "small file" "from the user" "$(U cat upper/small)"

# 4. Root's file operations go to root's daemon, which is gone: an error.
# (A lower copy the mount has never seen: an inode already open keeps its
# file key, so only a fresh one needs the daemon.)
fresh() { cp "lower/u1" "lower/$1"; }
fresh r1
if cat upper/r1 > got 2>err; then rig_fail "root read a file without its daemon"; fi
rig_log "root without a daemon: $(cat err)"
[ -s got ] && rig_fail "root got bytes without its daemon"

# 5. Without the token in the user's keyring the user's daemon cannot serve.
U keyctl session - keyctl unlink "%user:$sig" @u >/dev/null
rig_expect_eq "tokens in the user's keyring" 0 "$(Ukeys)"
if U sh -c 'echo x > upper/late' 2>err; then rig_fail "created a file without the user's token"; fi
rig_log "user without a token: $(cat err)"
fresh r2
if U cat upper/r2 > got 2>err; then rig_fail "read a file without the user's token"; fi
[ -s got ] && rig_fail "bytes without the user's token"
U keyctl session - ecryptfs-manager add-key openssl --keyfile "$uhome/key.pem" </dev/null >/dev/null
fresh r3
U cmp plain upper/r3 || rig_fail "a fresh copy after the token came back"
umount upper
rm -f lower/late lower/r1 lower/r2 lower/r3

kill -TERM "$upid"
rc=0
wait "$upid" || rc=$?
cat ulog
rig_expect_eq "exit status of the user's daemon" 0 "$rc"
grep -q "exiting: [1-9][0-9]* served" ulog || rig_fail "the user's daemon served nothing"
[ -e "$uhome/ecryptfsd.sock" ] && rig_fail "user socket left behind"
U keyctl session - keyctl unlink "%user:$sig" @u >/dev/null 2>&1 || true
rig_expect_eq "root's keys at the end" 0 "$(keyctl rlist @u 2>/dev/null | wc -w)"
