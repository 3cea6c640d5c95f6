# SPDX-License-Identifier: MIT
"""A name two static functions share, at the jumper> prompt (tests/run.py, group monitor).

tests/kernel/dup_target_a.c and dup_target_b.c each have a static dup_target. Every
command that takes SYM must refuse the bare name with EADDRNOTAVAIL and list the
candidates (NAME@N, address, size, file), place nothing, and take NAME@N (N from 1 in
address order) or the address instead; an N past the last is ENOENT with the same list.
Registered in tests/runner/monitor_sessions.py's SESSIONS.
"""
import re

CANDIDATE = re.compile(r"^  dup_target@(\d)  ([0-9a-f]{8})  (\d+) bytes  (dup_target_[ab]\.c)$",
                       re.M)


def expect(reply, pattern, what):
    if not re.search(pattern, reply, re.M):
        raise AssertionError(f"{what}: no /{pattern}/ in:\n" + reply[-1500:])


def candidates(reply, what):
    """[(N, address, size, file)] as listed, which must be both, in address order."""
    found = [(int(n), int(a, 16), int(size), f) for n, a, size, f in CANDIDATE.findall(reply)]
    if [c[0] for c in found] != [1, 2] or found[0][1] >= found[1][1] or \
            {c[3] for c in found} != {"dup_target_a.c", "dup_target_b.c"}:
        raise AssertionError(f"{what}: expected dup_target@1 and @2 listed in address "
                             f"order, one from each file, got {found} in:\n{reply}")
    return found


def first_byte(s, spec):
    out = s.send(f"dis {spec} 1")
    m = re.search(r"^[0-9a-f]{8}  \S+ +([0-9a-f]{2}) ", out, re.M)
    if not m:
        raise AssertionError(f"dis {spec} 1: no instruction in:\n{out}")
    return m[1]


def check_dup_symbols(s):
    out = s.send("syms dup_target")
    listed = re.findall(r"^([0-9a-f]{8}) +(\d+)  dup_target@(\d)  \((\d) of 2 called "
                        r"dup_target, (dup_target_[ab]\.c)\)$", out, re.M)
    if len(listed) != 2 or [x[2] for x in listed] != ["1", "2"]:
        raise AssertionError(f"syms dup_target: expected dup_target@1 and @2:\n{out}")
    expect(out, r"^2 of \d+ symbols match dup_target$", "syms count")
    expect(out, r"^2 of them share a name with another: a bare NAME is refused "
           r"\(EADDRNOTAVAIL\), NAME@N picks one$", "syms says what to type")
    syms = [(int(n), int(a, 16), int(size), f) for a, size, n, _, f in listed]
    orig = [first_byte(s, f"dup_target@{n}") for n in (1, 2)]

    for cmd in ("probe dup_target", "jprobe dup_target 1", "dis dup_target 2",
                "probe dup_target+1"):
        out = s.send(cmd)
        verb, spec = cmd.split()[0], cmd.split()[1]
        expect(out, rf"^{verb}: {re.escape(spec)}: EADDRNOTAVAIL \(Cannot assign requested "
               r"address\): 2 functions are called dup_target; pick one by NAME@N or "
               r"address:$", f"{cmd} refused as ambiguous")
        if candidates(out, cmd) != syms:
            raise AssertionError(f"{cmd}: candidates differ from syms {syms}:\n{out}")
    expect(s.send("list"), r"^no probes", "nothing placed by an ambiguous name")
    if [first_byte(s, f"dup_target@{n}") for n in (1, 2)] != orig:
        raise AssertionError("the text of a dup_target changed after the refusals")

    a2 = syms[1][1]
    expect(s.send("probe dup_target@2"),
           rf"^probe #0 placed at dup_target@2\+0x0/0x[0-9a-f]+ \({a2:08x}\)$", "probe @2")
    expect(s.send(f"jprobe 0x{syms[0][1]:x} 1"),
           rf"^jprobe #1 placed at dup_target@1\+0x0/0x[0-9a-f]+ \({syms[0][1]:08x}\)$",
           "jprobe by address")
    out = s.send("list")
    expect(out, rf"^  0  {a2:08x}  kprobe +0 +0  dup_target@2\+0x0/", "list #0 at @2")
    expect(out, rf"^  1  {syms[0][1]:08x}  jprobe +0 +0  dup_target@1\+0x0/", "list #1")
    expect(s.send("unprobe 1"), r"^probe #1 at dup_target@1\+0x0/0x[0-9a-f]+ removed",
           "unprobe the jprobe")
    # The suite calls each dup_target once (its by-address case skips: #0 is there).
    out = s.send("selftest kallsyms_dups", timeout=60)
    expect(out, r"^ok \d+ kallsyms_dups", "kallsyms_dups beside the user's probe")
    expect(s.send("list"), rf"^  0  {a2:08x}  kprobe +1 +0  dup_target@2\+0x0/",
           "one hit, on dup_target@2 only")
    expect(s.send("unprobe 0"), r"^probe #0 at dup_target@2\+0x0/0x[0-9a-f]+ removed "
           r"after 1 hits$", "unprobe")

    out = s.send("dis dup_target@1 2")
    lines = re.findall(r"^([0-9a-f]{8})  dup_target@1\+0x([0-9a-f]+)/", out, re.M)
    if len(lines) != 2 or int(lines[0][0], 16) != syms[0][1] or lines[0][1] != "0":
        raise AssertionError(f"dis dup_target@1 2: expected 2 lines from {syms[0][1]:08x}:"
                             f"\n{out}")
    if [first_byte(s, f"dup_target@{n}") for n in (1, 2)] != orig:
        raise AssertionError("the text of a dup_target changed after unprobe")

    out = s.send("probe dup_target@3")
    expect(out, r"^probe: dup_target@3: ENOENT \(No such file or directory\): 2 functions "
           r"are called dup_target, so N is 1\.\.2:$", "probe dup_target@3")
    candidates(out, "probe dup_target@3")
    expect(s.send("probe dup_target@0"), r"^probe: dup_target@0: EINVAL \(Invalid "
           r"argument\): expected SYM@N, N from 1 \(see 'syms dup_target'\)$", "@0")
    expect(s.send("probe dup_target@2+0x100"), r"^probe: dup_target@2\+0x100: EINVAL "
           r"\(Invalid argument\): offset 0x100 is past the end of dup_target@2 ", "@2+off")
    expect(s.send("list"), r"^no probes", "nothing left placed")


SESSIONS = [("dup_symbols", check_dup_symbols)]
