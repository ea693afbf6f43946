# rig: manual
# The quick-start demo: what a user sees, inside a real Debian kernel.
. "$RIG_SRC/tests/vm/lib.sh"
rig_load_ecryptfs
echo "kernel:            $(uname -r)"
echo "ecryptfs module:   $RIG_MODULE ($(modinfo -F filename ecryptfs 2>/dev/null || echo "$RIG_KMOD"))"
echo "version bits:      $(cat /sys/fs/ecryptfs/version)"
echo "daemon device:     $(ls -l /dev/ecryptfs)"
echo
echo "# adding passphrase 'demo' to the keyring with Debian's ecryptfs-add-passphrase"
sig=$(printf demo | "$(rig_debian ecryptfs-add-passphrase)" - | sed -n 's/.*sig \[\([0-9a-f]*\)\].*/\1/p')
echo "key signature:     $sig"
mkdir -p /secret
mount -t tmpfs tmpfs /secret
mount -i -t ecryptfs -o "ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16" /secret /secret
echo "Hello from eCryptfs" > /secret/hello.txt
echo
echo "# through the mount:"
cat /secret/hello.txt
umount /secret
echo
echo "# the lower file (first 96 bytes of $(stat -c %s /secret/hello.txt) in all):"
od -A d -t x1 -N 96 /secret/hello.txt
umount /secret
