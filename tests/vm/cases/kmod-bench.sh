# rig: manual modules=ours
# Benchmark (measured, never asserted): sequential write and read of
# BENCH_MB MiB (default 256) and a tree of many small files (extract,
# ls -lR, read all, delete) on the plain lower fs (ext4 on a loop file),
# through upstream's module and through ours, all in one boot.  Prints
# ours/upstream and ours/plain ratios and leaves bench.txt in $RIG_OUT.
. "$RIG_SRC/tests/vm/lib.sh"

MB=${BENCH_MB:-256}
W=$RIG_WORK
sig=$(rig_add_passphrase 'kmod-bench')
opts="ecryptfs_sig=$sig,ecryptfs_cipher=aes,ecryptfs_key_bytes=16"
rig_ext4 "$W/lower" $((MB * 2 + 256))

# A source tree of small files: 2000 files of 1-8 KiB in 40 directories.
mkdir -p "$W/src"
i=0
while [ $i -lt 40 ]; do
	mkdir "$W/src/d$i"
	j=0
	while [ $j -lt 50 ]; do
		head -c $(( (i * 50 + j) % 8 * 1024 + 1000 )) /dev/urandom > "$W/src/d$i/f$j"
		j=$((j + 1))
	done
	i=$((i + 1))
done
tar -C "$W/src" -cf "$W/tree.tar" .

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

# bench DIR LABEL: prints "LABEL write read tree" in seconds.
bench() {
	local d=$1 t0 t1 t2 t3 t4
	sync; echo 3 > /proc/sys/vm/drop_caches
	t0=$(now)
	dd if=/dev/zero of="$d/big" bs=1M count="$MB" conv=fsync status=none
	t1=$(now)
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$d/big" of=/dev/null bs=1M status=none
	t2=$(now)
	rm -f "$d/big"
	mkdir "$d/tree"
	t3=$(now)
	tar -C "$d/tree" -xf "$W/tree.tar"
	ls -lR "$d/tree" > /dev/null
	echo 3 > /proc/sys/vm/drop_caches
	cat $(find "$d/tree" -type f) > /dev/null
	rm -rf "$d/tree"
	sync
	t4=$(now)
	echo "$2 $(elapsed "$t0" "$t1") $(elapsed "$t1" "$t2") $(elapsed "$t3" "$t4")"
}

mkdir -p "$W/upper" "$W/lower/plain"
res_plain=$(bench "$W/lower/plain" plain)

swap() {
	if grep -q '^ecryptfs ' /proc/modules; then rmmod ecryptfs; fi
	if [ "$1" = ours ]; then
		for dep in $(modinfo -F depends "$RIG_KMOD" | tr ',' ' '); do modprobe "$dep"; done
		insmod "$RIG_KMOD"
	else
		modprobe ecryptfs
	fi
}

swap upstream
mkdir -p "$W/lower/up"
mount -i -t ecryptfs -o "$opts" "$W/lower/up" "$W/upper"
res_up=$(bench "$W/upper" upstream)
umount "$W/upper"

swap ours
mkdir -p "$W/lower/ours"
mount -i -t ecryptfs -o "$opts" "$W/lower/ours" "$W/upper"
res_ours=$(bench "$W/upper" ours)
umount "$W/upper"
rmmod ecryptfs

ratio() { echo "scale=2; $2 / $1" | bc; }
{
	echo "seconds for $MB MiB write (fsync), read (cold), small-file tree"
	echo "$res_plain"
	echo "$res_up"
	echo "$res_ours"
	set -- $res_plain; pw=$2 pr=$3 pt=$4
	set -- $res_up; uw=$2 ur=$3 ut=$4
	set -- $res_ours; ow=$2 or=$3 ot=$4
	echo "throughput ours/upstream: write $(ratio "$ow" "$uw") read $(ratio "$or" "$ur") tree $(ratio "$ot" "$ut")"
	echo "throughput ours/plain:    write $(ratio "$ow" "$pw") read $(ratio "$or" "$pr") tree $(ratio "$ot" "$pt")"
} | tee "$RIG_OUT/bench.txt"
