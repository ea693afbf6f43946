# rig: manual
# Benchmark, not a test: files created (tag 66 wrap via ecryptfsd) and
# opened (tag 64 unwrap) per second on an OpenSSL mount over /dev/ecryptfs
# (and, on our module, over generic netlink), against the same on a
# passphrase mount, on upstream's module and on ours, in one boot.  Run: tests/vm/run -s STAGE daemon-bench (N files, default
# 100: RIG_BENCH_FILES).  TCG numbers say little about hardware; the
# ratios are the interesting part.
. "$RIG_SRC/tests/vm/lib.sh"
export HOME=/root
n=${RIG_BENCH_FILES:-100}
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" > /dev/null
printf 'passphrase_passwd=bench\n' > pw
ms() { date +%s%3N; }
run() {	# run NAME KEYOPTS: prints "NAME create/s open/s"
	mkdir -p "l-$1" "u-$1"
	mount -t tmpfs tmpfs "l-$1"
	mount -t ecryptfs "l-$1" "u-$1" -o "$2,$opts" </dev/null > /dev/null
	t0=$(ms)
	for i in $(seq "$n"); do : > "u-$1/f$i"; done
	t1=$(ms)
	umount "u-$1"
	mount -t ecryptfs "l-$1" "u-$1" -o "$2,$opts" </dev/null > /dev/null
	t2=$(ms)
	# A builtin redirection: each open unwraps the file key, and no
	# process start (slow under TCG) hides it.
	for i in $(seq "$n"); do : < "u-$1/f$i"; done
	t3=$(ms)
	umount "u-$1"
	echo "$1 $(( n * 1000 / (t1 - t0 + 1) )) $(( n * 1000 / (t3 - t2 + 1) ))"
}
for m in upstream ours; do
	rig_switch_module "$m"
	rm -f /run/ecryptfsd.pid
	ecryptfsd -p /run/ecryptfsd.pid
	for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
	p=$(run "$m-passphrase" "key=passphrase:passphrase_passwd_file=$RIG_WORK/pw")
	o=$(run "$m-openssl" "key=openssl:keyfile=$RIG_WORK/key.pem")
	echo "$p" | { read -r _ pc po; echo "$m module, passphrase:       $pc creates/s, $po opens/s"; }
	echo "$o" | { read -r _ oc oo; echo "$m module, openssl/miscdev:  $oc creates/s (wraps), $oo opens/s (unwraps)"; }
	# shellcheck disable=SC2086
	set -- $p $o
	rig_log "$m: openssl/passphrase ratio: create $(( $5 * 100 / ($2 + 1) ))%, open $(( $6 * 100 / ($3 + 1) ))%"
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	# Our module also serves the generic netlink transport.
	[ "$m" = ours ] || continue
	rm -f /run/ecryptfsd.pid
	ecryptfsd --transport=netlink -p /run/ecryptfsd.pid
	for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
	o=$(run "$m-openssl-netlink" "key=openssl:keyfile=$RIG_WORK/key.pem")
	echo "$o" | { read -r _ oc oo; echo "$m module, openssl/netlink:  $oc creates/s (wraps), $oo opens/s (unwraps)"; }
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
