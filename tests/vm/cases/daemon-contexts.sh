# rig: kernels=6.1,6.12 modules=upstream
# Mount contexts stay apart: a file written under a passphrase mount and
# one written under an OpenSSL mount (two lower directories), each copied
# into the other's lower directory, never open there (an error, no bytes)
# (a) when both mounts have ecryptfs_mount_auth_tok_only, although both
# keys are in the keyring, and (b) without that option when the other key
# is not in the keyring; under their own mount both still read back.
# umount of mounts with ecryptfs_unlink_sigs leaves neither key behind.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
export HOME=/root
nkeys() { keyctl rlist @u 2>/dev/null | wc -w; }
has_key() { keyctl search @u user "$1" >/dev/null 2>&1; }
mkdir lp up lo uo
mount -t tmpfs tmpfs lp
mount -t tmpfs tmpfs lo
printf 'passphrase_passwd=contexts\n' > pwfile
chmod 600 pwfile
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" --bits 2048 > gen
osig=$(sed -n 's/^Key signature: //p' gen)
[ ${#osig} -eq 16 ] || rig_fail "no signature from ecryptfs-generate-key"
ecryptfsd -p /run/ecryptfsd.pid
for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
kill -0 "$(cat /run/ecryptfsd.pid)" || rig_fail "ecryptfsd did not start"

opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache,ecryptfs_unlink_sigs"
mount_p() {
	mount -t ecryptfs lp up -o "key=passphrase:passphrase_passwd_file=$RIG_WORK/pwfile,$opts${1:+,$1}" </dev/null > pout
}
mount_o() {
	mount -t ecryptfs lo uo -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts${1:+,$1}" </dev/null
}
# never_opens FILE WHAT: opening FILE fails, and not one byte comes out.
never_opens() {
	echo 3 > /proc/sys/vm/drop_caches
	if cat "$1" > got 2>err; then rig_fail "$2: opened"; fi
	rig_log "$2: refused: $(cat err)"
	[ -s got ] && rig_fail "$2: bytes came out"
	grep -q "$3" got && rig_fail "$2: plaintext came out"
	return 0
}

# 1. One file under each mount.
mount_p
psig=$(sed -n 's/.*ecryptfs_sig=\([0-9a-f]\{16\}\).*/\1/p' pout | head -n1)
[ ${#psig} -eq 16 ] || rig_fail "no passphrase signature reported"
mount_o
grep " $RIG_WORK/up ecryptfs " /proc/mounts | grep -q "ecryptfs_unlink_sigs" || rig_fail "no unlink_sigs (passphrase)"
grep " $RIG_WORK/uo ecryptfs " /proc/mounts | grep -q "ecryptfs_sig=$osig" || rig_fail "OpenSSL mount not on $osig"
{ echo "secret of the passphrase mount"; head -c 5000 /dev/urandom | base64; } > pplain
{ echo "secret of the OpenSSL mount"; head -c 5000 /dev/urandom | base64; } > oplain
cp pplain up/pfile
cp oplain uo/ofile
umount up
umount uo
rig_expect_eq "keys after umount (unlink_sigs)" 0 "$(nkeys)"
rig_expect_eq "first key packet of the passphrase file (tag 3)" 8c \
	"$(od -An -tx1 -j26 -N1 lp/pfile | tr -d ' ')"
rig_expect_eq "first key packet of the OpenSSL file (tag 1)" 01 \
	"$(od -An -tx1 -j26 -N1 lo/ofile | tr -d ' ')"

# 2. Both mounted with ecryptfs_mount_auth_tok_only: both keys are in the
# keyring, yet neither mount uses the other's.  The copies go in after
# mounting (the helper itself refuses a lower directory holding files of
# another key).
mount_p ecryptfs_mount_auth_tok_only
mount_o ecryptfs_mount_auth_tok_only
has_key "$psig" || rig_fail "passphrase key not in the keyring"
has_key "$osig" || rig_fail "OpenSSL key not in the keyring"
cp lp/pfile lo/pfile
cp lo/ofile lp/ofile
never_opens uo/pfile "passphrase file under the OpenSSL mount (auth_tok_only)" "passphrase mount"
never_opens up/ofile "OpenSSL file under the passphrase mount (auth_tok_only)" "OpenSSL mount"
cmp pplain up/pfile || rig_fail "passphrase file under its own mount"
cmp oplain uo/ofile || rig_fail "OpenSSL file under its own mount"
umount up
umount uo
rig_expect_eq "keys after umount of the auth_tok_only mounts" 0 "$(nkeys)"
rm lo/pfile lp/ofile

# 3. No auth_tok_only, but the other key is not in the keyring.
mount_p
has_key "$osig" && rig_fail "OpenSSL key in the keyring"
cp lo/ofile lp/ofile
never_opens up/ofile "OpenSSL file under the passphrase mount (key absent)" "OpenSSL mount"
cmp pplain up/pfile || rig_fail "passphrase file under its own mount (alone)"
umount up
rm lp/ofile
rig_expect_eq "keys after umount of the passphrase mount" 0 "$(nkeys)"
mount_o
has_key "$psig" && rig_fail "passphrase key in the keyring"
cp lp/pfile lo/pfile
never_opens uo/pfile "passphrase file under the OpenSSL mount (key absent)" "passphrase mount"
cmp oplain uo/ofile || rig_fail "OpenSSL file under its own mount (alone)"
umount uo
rm lo/pfile
rig_expect_eq "keys after umount of the OpenSSL mount" 0 "$(nkeys)"

# 4. The lower copies were never changed by the failed opens.
mount_p
mount_o
cmp pplain up/pfile || rig_fail "passphrase file after the foreign opens"
cmp oplain uo/ofile || rig_fail "OpenSSL file after the foreign opens"
umount up
umount uo
has_key "$psig" && rig_fail "passphrase key left after umount"
has_key "$osig" && rig_fail "OpenSSL key left after umount"
rig_expect_eq "keys at the end" 0 "$(nkeys)"
kill -TERM "$(cat /run/ecryptfsd.pid)"
