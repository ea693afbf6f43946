#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Raw generic netlink client for the "ecryptfs" family (proto section 13),
used by tests/vm/cases/daemon-netlink.sh to play daemons the real ecryptfsd
never would: two users' sockets in one process, forged and malformed
messages.  No libnl: every byte is built here so it can be built wrong.

  ecfs_genl.py routing --mnt DIR --uid B_UID --sig SIG
  ecfs_genl.py hostile --seconds N --uid B_UID

Exit status 0 when every expectation held; each failure is printed.
"""
import argparse
import errno
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLMSG_ERROR = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4

# proto/ecryptfs_proto.h section 13
CMD_HELO, CMD_QUIT, CMD_REQUEST, CMD_RESPONSE = 1, 2, 3, 4
A_COUNTER, A_INDEX, A_DATA = 1, 2, 3
MAX_RESPONSE_DATA = 516

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, flush=True)


def attr(t, payload):
    a = struct.pack("=HH", 4 + len(payload), t) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)


def u32(t, v):
    return attr(t, struct.pack("=I", v & 0xffffffff))


class Sock:
    seq = 1

    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.pending = []
        self.family = resolve(self) if not hasattr(Sock, "fam") else Sock.fam

    def send(self, mtype, cmd, body=b"", flags=NLM_F_REQUEST | NLM_F_ACK,
             version=1, reserved=0, raw=None):
        Sock.seq += 1
        payload = raw if raw is not None else struct.pack("=BBH", cmd, version, reserved) + body
        self.s.send(struct.pack("=IHHII", 16 + len(payload), mtype, flags, Sock.seq, 0) + payload)
        return Sock.seq

    def recv(self, timeout):
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            return None
        return self.s.recv(65536)

    def call(self, cmd, body=b"", **kw):
        """Send to our family, return the kernel's errno (0 = ack)."""
        seq = self.send(self.family, cmd, body, **kw)
        return self.wait_ack(seq)

    def wait_ack(self, seq, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            m = self.recv(end - time.time())
            if m is None:
                break
            ln, typ, _, s, _ = struct.unpack_from("=IHHII", m)
            if typ == NLMSG_ERROR and s == seq:
                self.last_ack = m
                return -struct.unpack_from("=i", m, 16)[0]
            self.pending.append(m)
        raise TimeoutError("no answer from the kernel")

    def request(self, timeout):
        """Next REQUEST: (counter, index, data) or None."""
        end = time.time() + timeout
        while time.time() < end:
            m = self.pending.pop(0) if self.pending else self.recv(end - time.time())
            if m is None:
                return None
            ln, typ = struct.unpack_from("=IH", m)
            if typ != self.family or m[16] != CMD_REQUEST:
                continue
            attrs, off = {}, 20
            while off + 4 <= ln:
                alen, atype = struct.unpack_from("=HH", m, off)
                attrs[atype] = m[off + 4:off + alen]
                off += (alen + 3) & ~3
            return (struct.unpack("=I", attrs[A_COUNTER])[0],
                    struct.unpack("=I", attrs[A_INDEX])[0], attrs[A_DATA])
        return None

    def close(self):
        self.s.close()


def resolve(s):
    name = b"ecryptfs\0"
    seq = s.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, name),
                 flags=NLM_F_REQUEST, version=1)
    m = s.recv(5)
    if m is None:
        raise SystemExit("no answer resolving the family")
    ln, typ, _, rs, _ = struct.unpack_from("=IHHII", m)
    if typ == NLMSG_ERROR:
        raise SystemExit("family ecryptfs not found: %s" % os.strerror(-struct.unpack_from("=i", m, 16)[0]))
    off = 20
    while off + 4 <= ln:
        alen, atype = struct.unpack_from("=HH", m, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            Sock.fam = struct.unpack_from("=H", m, off + 4)[0]
            return Sock.fam
        off += (alen + 3) & ~3
    raise SystemExit("no family id in the answer")


def sock_as(uid):
    """A socket opened with euid @uid (the kernel binds HELO to the opener)."""
    os.seteuid(uid)
    try:
        return Sock()
    finally:
        os.seteuid(0)


def expect(what, want, got):
    if got != want:
        fail("%s: expected %s, got %s" % (what, errno.errorcode.get(want, want),
                                          errno.errorcode.get(got, got)))
    else:
        print("ok: %s -> %s" % (what, errno.errorcode.get(got, got)), flush=True)


def response(ctr, index, data):
    return u32(A_COUNTER, ctr) + u32(A_INDEX, index) + attr(A_DATA, data)


def routing(args):
    a = Sock()                       # root: user A
    b = sock_as(args.uid)            # user B
    c = sock_as(args.uid)            # user B again, never registered
    expect("HELO of A", 0, a.call(CMD_HELO))
    expect("second HELO on A's socket", errno.EALREADY, a.call(CMD_HELO))
    expect("HELO of another socket for A's euid", errno.EEXIST, Sock().call(CMD_HELO))
    expect("HELO of B while B's ecryptfsd holds /dev/ecryptfs", errno.EEXIST, b.call(CMD_HELO))
    subprocess.run(["pkill", "-TERM", "-u", str(args.uid), "-x", "ecryptfsd"], check=False)
    time.sleep(1)
    expect("HELO of B after its miscdev daemon left", 0, b.call(CMD_HELO))
    expect("HELO with an attribute", errno.EINVAL, c.call(CMD_HELO, u32(A_COUNTER, 1)))

    # A's create: the request reaches A's socket, not B's.
    t0 = time.time()
    p = subprocess.Popen(["sh", "-c", "echo x > %s/routed" % args.mnt],
                         stderr=subprocess.PIPE)
    req = a.request(20)
    if req is None:
        fail("A's create sent no request to A's socket")
        return
    ctr, index, data = req
    print("ok: A's request: counter %u index %u tag 0x%02x" % (ctr, index, data[0]), flush=True)
    if data[0] != 0x42 or args.sig.encode() not in data:
        fail("A's request is not a tag 66 for key %s" % args.sig)
    if b.request(1) is not None:
        fail("B's socket received A's request")
    reply = bytes([0x43, 0xff])
    expect("RESPONSE forged by B's registered socket", errno.EINVAL,
           b.call(CMD_RESPONSE, response(ctr, index, reply)))
    # The error echoes the RESPONSE (this socket lacks NETLINK_CAP_ACK),
    # as it sits in the kernel's skb after the handler: DATA, which may
    # be a file key, is wiped there.  Echo: nlmsghdr, error, the
    # RESPONSE's nlmsghdr, genl header, COUNTER, INDEX, DATA header.
    echo = b.last_ack[60:60 + len(reply)]
    if len(echo) != len(reply) or any(echo):
        fail("the RESPONSE's DATA was not wiped in the kernel's skb (echo %s)" % echo.hex())
    else:
        print("ok: the refused RESPONSE's DATA reads back as zeros in its error echo", flush=True)
    expect("RESPONSE forged by B's unregistered socket", errno.ENOTCONN,
           c.call(CMD_RESPONSE, response(ctr, index, reply)))
    expect("RESPONSE of A with a stale counter", errno.EINVAL,
           a.call(CMD_RESPONSE, response(ctr - 1, index, reply)))
    expect("RESPONSE of A with another index", errno.EINVAL,
           a.call(CMD_RESPONSE, response(ctr, index + 1, reply)))
    expect("RESPONSE of A without DATA", errno.EINVAL,
           a.call(CMD_RESPONSE, u32(A_COUNTER, ctr) + u32(A_INDEX, index)))
    expect("RESPONSE of A (error reply)", 0, a.call(CMD_RESPONSE, response(ctr, index, reply)))
    _, err = p.communicate(timeout=10)
    if p.returncode == 0:
        fail("the create succeeded although the daemon answered with an error")
    print("ok: create failed after %.1f s: %s" % (time.time() - t0, err.decode().strip()), flush=True)
    expect("replay of the same RESPONSE", errno.EINVAL,
           a.call(CMD_RESPONSE, response(ctr, index, reply)))

    # B's own create goes to B's socket, A sees nothing.
    p = subprocess.Popen(["setpriv", "--reuid=%d" % args.uid, "--regid=%d" % args.gid,
                          "--clear-groups", "sh", "-c", "echo y > %s/by-b" % args.mnt],
                         stderr=subprocess.PIPE)
    req = b.request(20)
    if req is None:
        fail("B's create sent no request to B's socket")
    elif a.request(1) is not None:
        fail("A's socket received B's request")
    else:
        print("ok: B's request reached B only", flush=True)
        # B leaves: its pending request fails at once, not after the timeout.
        t0 = time.time()
        b.close()
        p.communicate(timeout=10)
        dt = time.time() - t0
        if p.returncode == 0:
            fail("B's create succeeded without an answer")
        if dt > 2.5:
            fail("B's create took %.1f s to fail after B's socket closed" % dt)
        print("ok: B's create failed %.2f s after its daemon socket closed" % dt, flush=True)
    expect("QUIT of A", 0, a.call(CMD_QUIT))
    expect("QUIT of A again", errno.ENOTCONN, a.call(CMD_QUIT))
    a.close()
    c.close()


def hostile(args):
    """Malformed traffic for a fixed time; every message must be refused,
    by the policy (ERANGE, EOPNOTSUPP) where it can tell, else by the
    messaging checks (EINVAL: no such pending request)."""
    rnd = random.Random(int(os.environ.get("ECFS_SEED", "16")))
    b = sock_as(args.uid)
    expect("HELO of the hostile client (user B)", 0, b.call(CMD_HELO))
    fam = b.family
    big = bytes(MAX_RESPONSE_DATA + 1)
    shapes = [
        ("unknown command 0", errno.EOPNOTSUPP, lambda: b.send(fam, 0)),
        ("REQUEST sent to the kernel", errno.EOPNOTSUPP, lambda: b.send(fam, CMD_REQUEST, response(1, 0, b"\x41\x00"))),
        ("command 5", errno.EOPNOTSUPP, lambda: b.send(fam, 5)),
        ("command 255", errno.EOPNOTSUPP, lambda: b.send(fam, 255)),
        ("oversized DATA", errno.ERANGE, lambda: b.send(fam, CMD_RESPONSE, response(rnd.getrandbits(32), 0, big))),
        ("huge DATA", errno.ERANGE, lambda: b.send(fam, CMD_RESPONSE, response(1, 0, bytes(4000)))),
        ("empty DATA", errno.ERANGE, lambda: b.send(fam, CMD_RESPONSE, response(1, 0, b""))),
        ("truncated attribute", None, lambda: b.send(fam, CMD_RESPONSE,
                                               u32(A_COUNTER, 1) + struct.pack("=HH", 64, A_DATA) + b"\x43\x00")),
        ("short u32", None, lambda: b.send(fam, CMD_RESPONSE,
                                     attr(A_COUNTER, b"\1\2") + u32(A_INDEX, 0) + attr(A_DATA, b"\x43\x00"))),
        ("unknown attribute", None, lambda: b.send(fam, CMD_RESPONSE, response(1, 0, b"\x43\x00") + u32(9, 1))),
        ("reserved bits", errno.EINVAL, lambda: b.send(fam, CMD_RESPONSE, response(1, 0, b"\x43\x00"), reserved=7)),
        ("stale counter", errno.EINVAL, lambda: b.send(fam, CMD_RESPONSE,
                                         response(rnd.getrandbits(32), rnd.randrange(64), b"\x41\x00\x03\x07\x00\x07"))),
        ("index past the pool", errno.EINVAL, lambda: b.send(fam, CMD_RESPONSE, response(1, 0xffffffff, b"\x43\x00"))),
        ("random body", None, lambda: b.send(fam, rnd.choice([CMD_HELO, CMD_QUIT, CMD_RESPONSE]),
                                       bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 80))))),
        ("genl header cut", None, lambda: b.send(fam, CMD_RESPONSE, raw=b"\x04")),
    ]
    counts = {}
    end = time.time() + args.seconds
    n = 0
    while time.time() < end:
        name, want, fn = rnd.choice(shapes)
        seq = fn()
        try:
            e = b.wait_ack(seq, 5)
        except TimeoutError:
            fail("%s: no answer" % name)
            break
        b.pending.clear()
        counts[name] = counts.get(name, 0) + 1
        n += 1
        if e == 0:
            fail("%s was accepted" % name)
            break
        if want is not None and e != want:
            fail("%s: expected %s, got %s" % (name, errno.errorcode[want],
                                              errno.errorcode.get(e, e)))
            break
    print("ok: %d malformed messages refused in %d s: %s" % (
        n, args.seconds, ", ".join("%s %d" % kv for kv in sorted(counts.items()))), flush=True)
    expect("QUIT of the hostile client", 0, b.call(CMD_QUIT))
    b.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["routing", "hostile"])
    ap.add_argument("--mnt")
    ap.add_argument("--uid", type=int, required=True)
    ap.add_argument("--gid", type=int, default=0)
    ap.add_argument("--sig", default="")
    ap.add_argument("--seconds", type=int, default=10)
    args = ap.parse_args()
    (routing if args.mode == "routing" else hostile)(args)
    if failures:
        print("%d expectation(s) failed" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
