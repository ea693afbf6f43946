#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Raw /dev/ecryptfs clients for the VM cases (proto section 6).

  holder REQFILE DELAY  become this euid's daemon, take one request, write
                        "index counter" to REQFILE, refuse-check stale and
                        misaddressed replies, then answer with the error
                        reply after DELAY s (it must be accepted once only)
  forge REQFILE         as another user's daemon, registered before
                        REQFILE appears: receive no request of the user
                        named there, then answer that request under every
                        index: all must be refused
  second-open           open the device while this euid has a daemon: EINVAL
  hostile SECONDS       write malformed frames for SECONDS: all refused
  verify SEED PATTERN N [missing-ok]
                        read PATTERN % i (i = 1..N) with 8 threads at once
                        (each open is an unwrap by the daemon): each must
                        be exactly SEED's bytes then "i\\n"; with
                        missing-ok an absent file is allowed

Exit status 0 when the kernel behaved as required, 1 otherwise (the reason
on stderr).
"""
import errno
import os
import random
import select
import struct
import sys
import time

DEV = "/dev/ecryptfs"
HELO, QUIT, REQUEST, RESPONSE = 100, 101, 102, 103
MAX_WRITE = 531


def pkt_len(n):
    if n < 192:
        return bytes([n])
    n -= 192
    return bytes([(n >> 8) + 192, n & 0xFF])


def frame(mtype, ctr, index=None, data=b"", data_len=None, length=None):
    head = struct.pack(">BI", mtype, ctr)
    if index is None:
        return head
    if data_len is None:
        data_len = len(data)
    msg = struct.pack("=II", index, data_len) + data
    return head + pkt_len(len(msg) if length is None else length) + msg


def refused(fd, buf):
    """True when the write fails with EINVAL."""
    try:
        os.write(fd, buf)
    except OSError as e:
        if e.errno == errno.EINVAL:
            return True
        raise
    return False


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def holder(reqfile, delay):
    fd = os.open(DEV, os.O_RDWR)
    os.write(fd, frame(HELO, 0))
    buf = os.read(fd, 4096)
    while not buf:
        buf = os.read(fd, 4096)
    if buf[0] != REQUEST:
        fail("first frame is of type %d" % buf[0])
    ctr = struct.unpack(">I", buf[1:5])[0]
    off = 6 if buf[5] < 192 else 7
    index, data_len = struct.unpack("=II", buf[off:off + 8])
    if len(buf) != off + 8 + data_len:
        fail("request frame of %d bytes, data_len %d" % (len(buf), data_len))
    tag = buf[off + 8]
    with open(reqfile + ".tmp", "w") as f:
        f.write("%d %d %d\n" % (index, ctr, tag))
    os.rename(reqfile + ".tmp", reqfile)
    print("holding request index %d counter %d tag 0x%02x" % (index, ctr, tag))
    err = bytes([tag + 1, 0xFF])
    # Stale or misaddressed answers from the right file are refused too.
    if not refused(fd, frame(RESPONSE, ctr + 1, index, err)):
        fail("a reply with the wrong counter was accepted")
    if not refused(fd, frame(RESPONSE, ctr, index ^ 1, err)):
        fail("a reply with the wrong index was accepted")
    if not refused(fd, frame(RESPONSE, ctr, index, err, data_len=100)):
        fail("a reply with an inconsistent data_len was accepted")
    time.sleep(delay)
    os.write(fd, frame(RESPONSE, ctr, index, err))
    if not refused(fd, frame(RESPONSE, ctr, index, err)):
        fail("a second reply to the same request was accepted")
    os.write(fd, frame(QUIT, 0))
    os.close(fd)
    print("holder: only the one right reply was accepted")


def forge(reqfile):
    # Registered before the other user's request exists, so that a request
    # routed to the wrong daemon would be readable here.
    fd = os.open(DEV, os.O_RDWR | os.O_NONBLOCK)
    print("forge: registered", flush=True)
    end = time.time() + 60
    while not os.path.exists(reqfile) and time.time() < end:
        time.sleep(0.1)
    index, ctr, tag = (int(x) for x in open(reqfile).read().split())
    p = select.poll()
    p.register(fd, select.POLLIN)
    if p.poll(1000):
        try:
            got = os.read(fd, 4096)
        except BlockingIOError:
            got = b""
        if got:
            fail("another user's daemon received a request (%d bytes)" % len(got))
    fake = bytes([tag + 1, 0, 19, 7]) + bytes(16) + b"\x00\x00"
    for i in range(64):
        for c in (ctr, ctr - 1, ctr + 1):
            if not refused(fd, frame(RESPONSE, c & 0xFFFFFFFF, i, fake)):
                fail("forged reply index %d counter %d accepted" % (i, c))
    os.close(fd)
    print("forge: received no request of the other user; 192 forged replies refused")


def second_open():
    try:
        fd = os.open(DEV, os.O_RDWR)
    except OSError as e:
        if e.errno == errno.EINVAL:
            print("second open: EINVAL")
            return
        fail("second open failed with %s, not EINVAL" % errno.errorcode[e.errno])
    os.close(fd)
    fail("second open by the same euid succeeded")


def hostile(seconds):
    fd = os.open(DEV, os.O_RDWR)
    rnd = random.Random(16)
    end = time.time() + seconds
    n = 0
    kinds = {}
    while time.time() < end:
        k = rnd.randrange(8)
        ctr = rnd.randrange(1 << 32)
        idx = rnd.randrange(64)
        body = bytes(rnd.randrange(256) for _ in range(rnd.randrange(40)))
        if k == 0:      # unknown type, well formed otherwise
            t = rnd.choice([0, 99, 102, 104, 255])
            buf = frame(t, ctr, idx, body)
        elif k == 1:    # past the largest write
            buf = frame(RESPONSE, ctr, idx, bytes(rnd.randrange(520, 2000)))
        elif k == 2:    # length code disagrees with the write size
            buf = frame(RESPONSE, ctr, idx, body,
                        length=len(body) + 8 + rnd.choice([-3, -1, 1, 7]))
        elif k == 3:    # data_len disagrees with the length code
            buf = frame(RESPONSE, ctr, idx, body,
                        data_len=len(body) + rnd.choice([1, 100, 1 << 31]))
        elif k == 4:    # stale counter / nothing pending for this daemon
            buf = frame(RESPONSE, ctr, idx, bytes([0x41, 0, 3, 7, 0, 0]))
        elif k == 5:    # truncated: 1-13 bytes
            buf = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 14)))
            if len(buf) == 5 and buf[0] in (HELO, QUIT):
                continue
        elif k == 6:    # bad length-code lead byte (224..255)
            buf = struct.pack(">BI", RESPONSE, ctr) + bytes([rnd.randrange(224, 256)]) + body + bytes(8)
        else:           # random garbage
            buf = bytes(rnd.randrange(256) for _ in range(rnd.randrange(6, 600)))
            if len(buf) == 5:
                continue
        if not refused(fd, buf):
            fail("malformed frame of kind %d accepted: %s" % (k, buf[:24].hex()))
        n += 1
        kinds[k] = kinds.get(k, 0) + 1
    # HELO and QUIT stay harmless.
    os.write(fd, frame(HELO, 0))
    os.write(fd, frame(QUIT, 0))
    os.close(fd)
    print("hostile: %d malformed frames refused (by kind %s)" % (n, sorted(kinds.items())))


def verify(seed, pattern, n, missing_ok):
    import threading
    want = open(seed, "rb").read()
    bad = []
    absent = []

    def reader(first):
        for i in range(first, n + 1, 8):
            path = pattern % i
            try:
                with open(path, "rb") as f:
                    got = f.read()
            except FileNotFoundError:
                absent.append(i)
                continue
            except OSError as e:
                bad.append("%s: %s" % (path, e))
                continue
            exp = want + b"%d\n" % i
            if got != exp:
                at = next((k for k in range(min(len(got), len(exp)))
                           if got[k] != exp[k]), min(len(got), len(exp)))
                bad.append("%s: %d bytes, want %d; first difference at %d"
                           % (path, len(got), len(exp), at))

    threads = [threading.Thread(target=reader, args=(r,)) for r in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if absent and not missing_ok:
        bad.append("%d files missing, e.g. %s" % (len(absent), pattern % absent[0]))
    for line in bad[:10]:
        print(line, file=sys.stderr)
    if bad:
        fail("%d of %d files do not read back exactly" % (len(bad), n))
    print("verify: %d files read back exactly, %d absent" % (n - len(absent), len(absent)))


def main():
    cmd = sys.argv[1]
    if cmd == "holder":
        holder(sys.argv[2], float(sys.argv[3]))
    elif cmd == "forge":
        forge(sys.argv[2])
    elif cmd == "second-open":
        second_open()
    elif cmd == "hostile":
        hostile(float(sys.argv[2]))
    elif cmd == "verify":
        verify(sys.argv[2], sys.argv[3], int(sys.argv[4]),
               len(sys.argv) > 5 and sys.argv[5] == "missing-ok")
    else:
        fail("unknown command " + cmd)


if __name__ == "__main__":
    main()
