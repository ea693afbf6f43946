# rig: kernels=6.1,6.12 modules=ours
# Mixed keys: one mount with a passphrase key, an OpenSSL key and a
# pkcs11-helper key (SoftHSM2) writes files carrying three key packets
# (tag 3, tag 1, tag 1); each key alone then opens them.
. "$RIG_SRC/tests/vm/lib.sh"
# A fresh provider process under TCG needs more than the default 3 s.
rig_reload_ecryptfs ecryptfs_message_wait_timeout=30
export ECFS_PKCS11_TIMEOUT=30	# ecryptfsd cannot read the kernel's value
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
helper=$(ls /usr/libexec/ecryptfs/ecryptfs-pkcs11-helper /usr/lib*/ecryptfs/ecryptfs-pkcs11-helper 2>/dev/null | head -n1)
T=$RIG_WORK/hsm
# Fixed test keys: generating RSA keys costs seconds under TCG.
"$RIG_SRC/tests/data/keymod/make-softhsm-token" "$T" mixed-test 4321 "$RIG_SRC/tests/data/keymod/rsa2048.pem"
export SOFTHSM2_CONF=$T/softhsm2.conf
cp "$T/pkcs11.conf" /root/.ecryptfsrc.pkcs11
id=$("$helper" --list | head -n1 | cut -f1)
printf 'passwd=4321\n' > pin
printf 'passphrase_passwd=mixed keys\n' > pw
chmod 600 pin pw
install -m 600 "$RIG_SRC/tests/data/keymod/rsa2048-other.pem" "$RIG_WORK/key.pem"
ecryptfsd -f -p /run/ecryptfsd.pid 2>>dlog &
for _ in $(seq 100); do [ -S /run/ecryptfsd.sock ] && break; sleep 0.1; done
[ -S /run/ecryptfsd.sock ] || rig_fail "ecryptfsd did not start"

opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,ecryptfs_unlink_sigs"
kp="key=passphrase:passphrase_passwd_file=$RIG_WORK/pw"
ko="key=openssl:keyfile=$RIG_WORK/key.pem"
k11="key=pkcs11-helper,id=$id,x509file=$T/cert.pem,passwd_file=$RIG_WORK/pin"
mkdir lower upper
mount -t tmpfs tmpfs lower
mount -t ecryptfs lower upper -o "$kp,$ko,$k11,$opts" </dev/null > mout 2>&1 || { cat mout dlog; rig_fail "mixed mount"; }
{ echo "three keys"; head -c 9000 /dev/urandom | base64; } > plain
cp plain upper/f
umount upper
rig_expect_eq "keys after umount" 0 "$(nkeys)"
pk=$(ecryptfs-stat lower/f)
rig_expect_eq "public-key (tag 1) packets in the header" 2 "$(echo "$pk" | grep -c '\] tag 1 (')"
rig_expect_eq "passphrase (tag 3) packets in the header" 1 "$(echo "$pk" | grep -c '\] tag 3 (')"

for k in "$kp" "$ko" "$k11"; do
	mount -t ecryptfs lower upper -o "$k,$opts" </dev/null > mout 2>&1 || { cat mout; rig_fail "mount with ${k%%[:,]*} alone"; }
	echo 3 > /proc/sys/vm/drop_caches
	cmp plain upper/f || rig_fail "read with ${k%%[:,]*} alone"
	umount upper
done
rig_expect_eq "keys left" 0 "$(nkeys)"
kill -TERM "$(cat /run/ecryptfsd.pid)"
rm -f /root/.ecryptfsrc.pkcs11
