# rig: manual
# Benchmark, not a test: files created (tag 66 wrap via ecryptfsd) and
# opened (tag 64 unwrap) per second on an OpenSSL mount over /dev/ecryptfs
# (and, on our module, over generic netlink), against the same on a
# passphrase mount, on upstream's module and on ours, in one boot.  Run:
# tests/vm/run -c 1 -s STAGE daemon-bench (N files, default 100:
# RIG_BENCH_FILES).  On our module the two transports are measured in
# alternation, RIG_BENCH_ROUNDS times (default 2), so that a change in the
# host's load (TCG speed follows it) does not fall on one transport only.
# TCG numbers say little about hardware; the ratios are the interesting
# part.
. "$RIG_SRC/tests/vm/lib.sh"
export HOME=/root
n=${RIG_BENCH_FILES:-100}
rounds=${RIG_BENCH_ROUNDS:-2}
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" > /dev/null
printf 'passphrase_passwd=bench\n' > pw
chmod 600 pw
ms() { date +%s%3N; }
run() {	# run NAME KEYOPTS: prints "NAME create/s open/s"
	rm -rf "l-$1" "u-$1"
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
	umount "l-$1"
	echo "$1 $(( n * 1000 / (t1 - t0 + 1) )) $(( n * 1000 / (t3 - t2 + 1) ))"
}
start() {	# start TRANSPORT
	rm -f /run/ecryptfsd.pid
	ecryptfsd --transport="$1" -p /run/ecryptfsd.pid
	for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
}
stop() {
	local pid
	pid=$(cat /run/ecryptfsd.pid)
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
show() {	# show LABEL "NAME create/s open/s"
	echo "$2" | { read -r _ c o; printf '%-36s %4s creates/s (wraps), %4s opens/s (unwraps)\n' "$1:" "$c" "$o"; }
}
for m in upstream ours; do
	rig_switch_module "$m"
	start auto
	p=$(run "$m-passphrase" "key=passphrase:passphrase_passwd_file=$RIG_WORK/pw")
	show "$m module, passphrase" "$p"
	if [ "$m" = upstream ]; then
		show "$m module, openssl/miscdev" "$(run "$m-openssl" "key=openssl:keyfile=$RIG_WORK/key.pem")"
		stop
		continue
	fi
	stop
	for r in $(seq "$rounds"); do
		for tr in miscdev netlink; do
			start "$tr"
			show "$m module, openssl/$tr (round $r)" \
				"$(run "$m-openssl-$tr" "key=openssl:keyfile=$RIG_WORK/key.pem")"
			stop
		done
	done
done
