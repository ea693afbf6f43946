#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Summarise the ftrace dumps of the manual VM case daemon-trace:
  daemon-trace.py TRACE...
For each trace (20 public-key creates on one transport): the steady-state
period per create (second to last request), CPU time per task per create,
the daemon's syscall and scheduler events per create, and the stages of a
request: queued (ecfs_msg_request) -> send work (netlink) -> read by the
daemon -> answer written -> accepted (ecfs_daemon_reply) -> caller back.
"""
import collections
import re
import sys

LINE = re.compile(r"\s*(.+?)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (.*)")
SWITCH = re.compile(r"next_comm=(\S+) next_pid=(\d+)")


def load(path):
    ev = []
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if m:
            ev.append((float(m.group(3)), m.group(1).strip(), m.group(4)))
    return ev


def stage(comm, e):
    if e.startswith("ecfs_nl_send_work"):
        return "send work"
    if e.startswith("sys_recvfrom ->") or e.startswith("ecfs_miscdev_read"):
        return "daemon read"
    if e.startswith("sys_sendmsg(") or (e.startswith("sys_write(") and comm.startswith("ecryptfsd")):
        return "daemon answer"
    if e.startswith("ecfs_daemon_reply"):
        return "accepted"
    if e.startswith("sys_openat ->") and comm == "bash":
        return "caller back"
    return None


def summarise(path):
    ev = load(path)
    starts = [t for t, c, e in ev if e.startswith("ecfs_msg_request")]
    if len(starts) < 3:
        print("%s: fewer than 3 requests traced" % path)
        return
    t0, t1, n = starts[1], starts[-1], len(starts) - 2
    print("%s: %d requests, steady-state period %.2f ms per create"
          % (path, len(starts), (t1 - t0) * 1000 / n))
    cpu = collections.Counter()
    cur, last = None, None
    for t, c, e in ev:
        if not e.startswith("sched_switch"):
            continue
        if cur and t0 <= t <= t1:
            cpu[cur] += t - max(last, t0)
        cur, last = "-".join(SWITCH.search(e).groups()), t
    for task, s in cpu.most_common(8):
        print("  cpu %-24s %6.2f ms/create" % (task, s * 1000 / n))
    cnt = collections.Counter(e.split("(")[0].split(" ")[0] for t, c, e in ev
                              if t0 <= t <= t1 and c.startswith("ecryptfsd"))
    print("  daemon events/create: " + ", ".join("%s %.1f" % (k, v / n) for k, v in sorted(cnt.items())))
    stages = collections.defaultdict(list)
    cur = None
    for t, c, e in ev:
        if e.startswith("ecfs_msg_request"):
            cur, prev, seen = True, t, set()
            begin = t
            continue
        if not cur:
            continue
        s = stage(c, e)
        if s and s not in seen:
            seen.add(s)
            stages[s].append((t - prev) * 1000)
            prev = t
            if s == "caller back":
                stages["total"].append((t - begin) * 1000)
                cur = None
    for s, v in stages.items():
        v.sort()
        print("  %-14s median %6.2f ms, mean %6.2f ms" % (s, v[len(v) // 2], sum(v) / len(v)))


for p in sys.argv[1:]:
    summarise(p)
