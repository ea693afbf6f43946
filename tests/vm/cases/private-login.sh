# rig: kernels=6.1,6.12 modules=upstream,ours
# Encrypted ~/Private: ecryptfs-setup-private for a guest user, then login
# through the real PAM stack (pamtester, Debian's profile order) with our
# pam_ecryptfs.so and setuid helper: auth + open_session mounts, files are
# written encrypted, close_session unmounts and the keys leave the keyring;
# password change as the user (passwd) and as root (pamtester chauthtok).
. "$RIG_SRC/tests/vm/lib.sh"
. "$RIG_SRC/tests/vm/private-lib.sh"
rig_load_ecryptfs
priv_setup_guest

pw1='Login-Pass-1x' pw2='Second-Pass-2y' pw3='Third-Pass-3z'
priv_useradd alice "$pw1"
home=/home/alice

# alice's own salt: her keys derive with it, in setup and in PAM (upstream's
# PAM reads root's ~/.ecryptfsrc and would derive the wrong key).
printf 'salt=1122334455667788\n' > "$home/.ecryptfsrc"
chown alice: "$home/.ecryptfsrc"
# Set up as root for alice (the script re-runs itself as alice).
printf '%s\n' "$pw1" | ecryptfs-setup-private -u alice -l - > setup.log 2>&1 ||
	{ cat setup.log; rig_fail "ecryptfs-setup-private failed"; }
grep -q "testing succeeded" setup.log || rig_fail "no self-test in setup: $(cat setup.log)"
priv_check_layout alice "$home/Private" 2
rig_expect_eq "nothing mounted after setup" 0 "$(priv_nmounts)"
rig_expect_eq "no keys left after setup" 0 "$(priv_nkeys alice)"

mp=$(printf '%s\n' "$pw1" | ecryptfs-unwrap-passphrase "$home/.ecryptfs/wrapped-passphrase" -)
rootsig=$(printf '%s\n' "$mp" | ecryptfs-add-passphrase - | sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p')
keyctl clear @u
[ "$rootsig" != "$(head -n1 "$home/.ecryptfs/Private.sig")" ] ||
	rig_fail "the FEKEK was not derived with alice's own salt"
# Login: auth unwraps and inserts the keys (alice's salt), open_session mounts.
priv_login ecfs-ours alice "$pw1"
priv_mounted "$home/Private" || rig_fail "open_session did not mount ~/Private"
grep " $home/Private ecryptfs " /proc/mounts | grep -q 'nosuid,nodev' ||
	rig_fail "the mount lacks nosuid,nodev: $(grep " $home/Private " /proc/mounts)"
grep " $home/Private ecryptfs " /proc/mounts | grep -q 'ecryptfs_check_dev_ruid\|ecryptfs_sig=' ||
	rig_fail "unexpected mount options: $(grep " $home/Private " /proc/mounts)"
rig_expect_eq "keys after login (FEKEK + FNEK)" 2 "$(priv_nkeys alice)"
head -c 50000 /dev/urandom > data
priv_as alice cp "$RIG_WORK/data" "$home/Private/secret.bin"
priv_as alice sh -c "echo hello > '$home/Private/note.txt'"
names=$(ls "$home/.Private")
echo "$names" | grep -q '^ECRYPTFS_FNEK_ENCRYPTED\.' || rig_fail "lower names not encrypted: $names"
if grep -rq hello "$home/.Private"; then rig_fail "plaintext in the lower directory"; fi
# A second session (open_session with the keys the first login left) keeps
# it mounted when the first closes.
pamtester ecfs-ours alice open_session > login.log 2>&1 ||
	{ cat login.log; rig_fail "a second session of alice failed"; }
priv_logout ecfs-ours alice
priv_mounted "$home/Private" || rig_fail "closing one of two sessions unmounted ~/Private"
priv_logout ecfs-ours alice
if priv_mounted "$home/Private"; then rig_fail "close_session of the last session did not unmount"; fi
rig_expect_eq "keys after logout" 0 "$(priv_nkeys alice)"
rig_expect_eq "unmounted ~/Private is read-only" 500 "$(stat -c %a "$home/Private")"

# A wrong password mounts nothing.
if printf 'wrong-pass\n' | pamtester ecfs-ours alice authenticate open_session >/dev/null 2>&1; then
	rig_fail "pamtester accepted a wrong password"
fi
if priv_mounted "$home/Private"; then rig_fail "a failed login mounted ~/Private"; fi
rig_expect_eq "keys after a failed login" 0 "$(priv_nkeys alice)"

# Password change by the user (passwd, PAM service passwd).
priv_pam_service passwd
printf '%s\n%s\n%s\n' "$pw1" "$pw2" "$pw2" | priv_as alice passwd > passwd.log 2>&1 ||
	{ cat passwd.log; rig_fail "passwd as alice failed"; }
priv_unwraps alice "$pw2" || rig_fail "wrapped-passphrase not re-wrapped with the new password"
if priv_unwraps alice "$pw1"; then rig_fail "the old password still unwraps"; fi
rig_expect_eq "wrapped-passphrase mode after rewrap" 600 "$(stat -c %a "$home/.ecryptfs/wrapped-passphrase")"
priv_login ecfs-ours alice "$pw2"
cmp data "$home/Private/secret.bin" || rig_fail "data differ after the password change"
priv_logout ecfs-ours alice

# Password change by root: pam_ecryptfs asks root for the old passphrase.
printf '%s\n%s\n%s\n' "$pw2" "$pw3" "$pw3" | pamtester ecfs-ours alice chauthtok > chauthtok.log 2>&1 ||
	{ cat chauthtok.log; rig_fail "pamtester chauthtok as root failed"; }
priv_unwraps alice "$pw3" || rig_fail "root's password change did not re-wrap"
if priv_unwraps alice "$pw2"; then rig_fail "the old password still unwraps after root's change"; fi
# ... or with the mount passphrase, which root may have recorded instead.
printf '%s\n%s\n%s\n' "$mp" "$pw1" "$pw1" | pamtester ecfs-ours alice chauthtok > chauthtok.log 2>&1 ||
	{ cat chauthtok.log; rig_fail "chauthtok with the mount passphrase failed"; }
priv_unwraps alice "$pw1" || rig_fail "re-wrap from the mount passphrase failed"
# Root gives nothing: the file is kept as it was, and root is told so.
cp "$home/.ecryptfs/wrapped-passphrase" wp.before
printf '\n%s\n%s\n' "$pw2" "$pw2" | pamtester ecfs-ours alice chauthtok > chauthtok.log 2>&1 || true
grep -q "stays wrapped with the old" chauthtok.log || rig_fail "no message when root skips: $(cat chauthtok.log)"
cmp wp.before "$home/.ecryptfs/wrapped-passphrase" || rig_fail "wrapped-passphrase changed without an old passphrase"
printf '%s\n%s\n' "$pw1" "$pw2" | priv_as alice ecryptfs-rewrap-passphrase "$home/.ecryptfs/wrapped-passphrase" - >/dev/null
priv_login ecfs-ours alice "$pw2"
cmp data "$home/Private/secret.bin" || rig_fail "data differ after the rewraps"
priv_logout ecfs-ours alice
rig_expect_eq "keys at the end" 0 "$(priv_nkeys alice)"
priv_cleanup
rig_log "setup, PAM login/logout, password changes (user and root): ok"
