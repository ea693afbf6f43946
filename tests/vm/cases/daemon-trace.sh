# rig: manual
# Diagnostic, not a test: where a public-key create's time goes on each
# transport of our module.  20 creates per transport under ftrace (the
# messaging and transport functions, the daemon's syscalls, scheduler
# switches); the traces land in the output directory as
# daemon-trace-<transport>.txt, and tests/vm/daemon-trace.py summarises
# them: CPU time per task per create, daemon syscalls per create, and the
# request's stages (queued, read by the daemon, answered, woken).
# Run: tests/vm/run -m ours -c 1 -n -s STAGE daemon-trace, then
# tests/vm/daemon-trace.py build/vm/<kver>-ours/daemon-trace-*.txt
. "$RIG_SRC/tests/vm/lib.sh"
export HOME=/root
opts="ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_passthrough=n,ecryptfs_enable_filename_crypto=n,no_sig_cache"
ecryptfs-generate-key openssl --keyfile "$RIG_WORK/key.pem" > /dev/null
rig_switch_module ours
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
for tr in miscdev netlink; do
	rm -f /run/ecryptfsd.pid
	ecryptfsd --transport=$tr -p /run/ecryptfsd.pid
	for _ in $(seq 50); do [ -s /run/ecryptfsd.pid ] && break; sleep 0.1; done
	pid=$(cat /run/ecryptfsd.pid)
	mkdir -p l u; mount -t tmpfs tmpfs l
	mount -t ecryptfs l u -o "key=openssl:keyfile=$RIG_WORK/key.pem,$opts" </dev/null >/dev/null
	echo 0 > $T/tracing_on; echo > $T/trace
	echo 'ecfs_msg_request ecfs_nl_notify ecfs_nl_send_work ecfs_nl_response ecfs_daemon_reply ecfs_miscdev_read ecfs_miscdev_write ecfs_miscdev_notify ecfs_daemon_take genl_rcv_msg netlink_ack' > $T/set_ftrace_filter
	echo function > $T/current_tracer
	ls /proc/$pid/task > $T/set_event_pid
	echo $$ >> $T/set_event_pid
	for e in sys_enter_recvfrom sys_exit_recvfrom sys_enter_sendmsg sys_exit_sendmsg sys_enter_read sys_exit_read sys_enter_write sys_exit_write sys_enter_poll sys_exit_poll sys_enter_ppoll sys_exit_ppoll sys_enter_openat sys_exit_openat; do
		echo 1 > "$T/events/syscalls/$e/enable"
	done
	echo 1 > $T/events/sched/sched_wakeup/enable
	echo 1 > $T/events/sched/sched_switch/enable
	echo 1 > $T/tracing_on
	t0=$(date +%s%3N)
	for i in $(seq 20); do : > u/f$i; done
	t1=$(date +%s%3N)
	echo 0 > $T/tracing_on
	echo "$tr: 20 creates in $((t1 - t0)) ms"
	cp $T/trace "$RIG_OUT/daemon-trace-$tr.txt"
	echo > $T/set_event_pid
	echo 0 > $T/events/enable; echo nop > $T/current_tracer
	umount u; umount l
	kill -TERM "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
