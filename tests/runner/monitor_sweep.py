# SPDX-License-Identifier: MIT
"""A probe on every function of the kernel, from the jumper> prompt (tests/run.py, group
monitor): what a student who probes "everything" does. Every function listed by
`syms *` gets a kprobe, then a jprobe, then a kretprobe, 200 at a time (the monitor
holds up to 1024; a failure names its batch, whose functions are in the log); with
each batch armed the commands that exercise the kernel run (the demos, list, ps, regs,
dis, a self-test suite), and none may print an oops, a BUG or an unexpected WARNING; then
the batch is removed. The session is make test's longest, so its batches are few: each
costs one EXERCISE, most of it demo sched's sleeps. A refused function must be refused for
a documented reason.
Registered in tests/runner/monitor_sessions.py's SESSIONS.
"""
import re

BATCH = 200         # each batch runs EXERCISE once: demo sched alone takes ~0.35 s
EXERCISE = ["demo net", "demo sched", "demo fault", "list", "ps", "regs",
            "dis kthread_create 3", "selftest printk"]
# Why a function may be refused (include/probe_point.h): blacklisted, or an instruction
# that cannot run out of line at its entry.
REFUSALS = ("EPERM", "EOPNOTSUPP")
DEATH = re.compile(r"^(Oops|BUG:|Kernel panic|WARNING:(?!.*\(expected by ))", re.M)


def sweep(s, fmt, funcs, size=BATCH):
    """Places fmt.format(FUNC) ("probe {}", "jprobe {} 3", "kretprobe {}") on every
    function, size at a time; returns (how many were placed, {errno: how many were
    refused with it})."""
    placed, refused, batch = 0, {}, []

    def exercise():
        for cmd in EXERCISE:
            out = s.send(cmd, timeout=120)
            if DEATH.search(out):
                raise AssertionError(f"'{cmd}' with '{fmt}' on {batch}:\n" + out[-2000:])
        for n in range(len(batch)):
            if not re.search(r"removed after \d+ hits", s.send(f"unprobe {n}")):
                raise AssertionError(f"unprobe {n} ({batch[n]}) failed")

    for f in funcs:
        out = s.send(fmt.format(f))
        if re.search(rf"^(?:j|kret)?probe #{len(batch)} placed at {re.escape(f)}\+0x0/", out,
                     re.M):
            batch.append(f)
        else:
            m = re.search(r": (E[A-Z]+) \(", out)
            if not m or m[1] not in REFUSALS:
                raise AssertionError(f"{fmt.format(f)}: refused for no documented "
                                     f"reason:\n{out}")
            refused[m[1]] = refused.get(m[1], 0) + 1
        if len(batch) == size:
            exercise()
            placed, batch = placed + size, []
    if batch:
        exercise()
        placed += len(batch)
    if "no probes" not in s.send("list"):
        raise AssertionError(f"'{fmt}': probes left after the sweep")
    return placed, refused


def check_probe_every_function(s):
    """A kprobe, then a jprobe (3 arguments), then a kretprobe, on every function; the
    kernel lives on."""
    # A name several functions share is listed as NAME@N (N of M called NAME, FILE):
    # each gets its own probe.
    funcs = re.findall(r"^[0-9a-f]{8} +\d+  (\S+)(?:  \(\d+ of \d+ called .*\))?$",
                       s.send("syms *", timeout=60), re.M)
    # The bench's filler (tests/bench/bench_many.c: 625 functions of nops that nothing
    # calls, only there to carry 10,000 probes) is one shape 625 times: a few stand for it.
    filler = [f for f in funcs if f.startswith("bmany_")]
    funcs = [f for f in funcs if not f.startswith("bmany_")] + filler[:4]
    if len(funcs) < 300:
        raise AssertionError(f"syms * listed only {len(funcs)} functions")
    for fmt in ("probe {}", "jprobe {} 3", "kretprobe {}"):
        placed, refused = sweep(s, fmt, funcs)
        # Most of the kernel is probe-able; the blacklist (.kprobes.text) is the rest.
        if placed < len(funcs) * 2 // 3:
            raise AssertionError(f"'{fmt}': placed on only {placed} of {len(funcs)} "
                                 f"functions (refused: {refused})")


SESSIONS = [("probe_every_function", check_probe_every_function)]
