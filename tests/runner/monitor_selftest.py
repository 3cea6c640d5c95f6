# SPDX-License-Identifier: MIT
"""Monitor sessions that type "selftest" at the jumper> prompt with the user's own probes
armed (issue 11): every case passes or skips with a stated reason, none fails, nothing
crashes, and the user's probes come out exactly as they went in. Registered in
tests/runner/monitor_sessions.py's SESSIONS (each check takes a Session).
"""
import re

import manifest
from ktap import parse_ktap


def expect(reply, pattern, what):
    """monitor_sessions.expect (imported late: monitor_sessions imports this module)."""
    import monitor_sessions
    monitor_sessions.expect(reply, pattern, what)


# Where a student is likely to probe the suites' own ground: their kprobe targets (one
# mid-function, one disabled, a timer-tick target, the fault and pushf ones), a jprobe
# target, the differential corpus (asm and C), the decoder's hand-made functions and an
# ordinary kernel function in the middle of .text.
USER_PROBES = [
    "probe kp_target_add",
    "probe kp_target_neg+1",
    "probe kp_target_mul",
    "jprobe jp_sum6 6",
    "probe kp_target_tick",
    "probe kp_load+4",
    "probe kp_pushf",
    "probe corpus_arith+5",
    "probe cc_sort",
    "probe insn_probe_target+3",
    "probe insn_desync_target+3",
    "probe kthread_create",
]
# Every address the kprobes and jprobes suites register at.
SUITE_TARGETS = ["kp_target_add", "kp_target_mul", "kp_target_neg", "kp_target_tick",
                 "kp_pushf", "kp_load+4", "jp_f0", "jp_f1", "jp_f2", "jp_f3", "jp_f4",
                 "jp_f5", "jp_f6", "jp_sum6", "jp_tick", "jp_thread_body"]
USER_DISABLED = 2           # "disable 2": the kp_target_mul probe stays registered, disarmed


def ktap_cases(out):
    """(suite, case, verdict, skip reason) for every case line of a selftest's KTAP."""
    cases, suite = [], None
    for line in out.splitlines():
        m = re.match(r"^    # Subtest: (\S+)$", line)
        if m:
            suite = m[1]
            continue
        m = re.match(r"^    (ok|not ok) \d+ (\S+)(?: # SKIP ?(.*))?$", line)
        if m:
            cases.append((suite, m[2], m[1], m[3]))
    return cases


# Cases this build must fail (the runner's --xfail, set by tests/run.py): the page-bound
# jprobe build fails the test written for Andi Kleen's review, at the monitor too.
EXPECTED_FAILURES = set()


def check_selftest_verdicts(out, what, kernel=None, spec=""):
    """Every case passed (or failed, if this build must fail it), or skipped with a
    stated reason; nothing crashed. Given the kernel, the KTAP is also graded as a boot's
    is (tests/runner/ktap.py): exactly the cases the image registers for `selftest spec`, each
    once, plans right, no unexpected WARNING or BUG line."""
    if kernel:
        _, problems = parse_ktap(out.replace("\r", "").split("\n"),
                                 manifest.selection(manifest.read_manifest(kernel), spec))
        if problems:
            raise AssertionError(f"{what}: " + "; ".join(problems[:5]))
    if re.search(r"^Oops|^Kernel panic", out, re.M):
        raise AssertionError(f"{what}: the kernel complained:\n" + out[-3000:])
    cases = ktap_cases(out)
    if not cases:
        raise AssertionError(f"{what}: no KTAP cases in:\n" + out[-1500:])
    failed = [f"{s}.{c}" for s, c, v, _ in cases if v != "ok"]
    if set(failed) - EXPECTED_FAILURES:
        raise AssertionError(f"{what}: failed: {', '.join(failed)}\n" + out[-3000:])
    for s, c, _, reason in cases:
        if reason is not None and len(reason.strip()) < 10:
            raise AssertionError(f"{what}: {s}.{c} skipped without a reason")
    if not failed:
        expect(out, r"^selftest: all passed$", f"{what}: verdict")
    return cases


def user_probe_skips(cases, wheres, what):
    """Skips blamed on a probe placed before the suite must name one of wheres (the
    user's probes, as list shows them). Returns how many there were."""
    n = 0
    for s, c, _, reason in cases:
        m = re.search(r"a probe placed before the suite is on (\S+)", reason or "")
        if not m:
            continue
        n += 1
        if m[1] not in wheres:
            raise AssertionError(f"{what}: {s}.{c} blames {m[1]}, not a user probe "
                                 f"({', '.join(wheres) or 'none placed'})")
    return n


def ran(cases, name):
    """True if suite.case ran and passed (not skipped)."""
    return any(f"{s}.{c}" == name and v == "ok" and r is None for s, c, v, r in cases)


def probe_rows(listing):
    """list's rows without the counters: (number, address, type, where + state)."""
    return re.findall(r"^ +(\d+)  ([0-9a-f]{8})  ([kj]probe) +\d+ +\d+  (.+)$", listing, re.M)


def first_bytes(s, spec):
    """The first instruction byte of spec, and dis's note about it."""
    out = s.send(f"dis {spec} 1")
    m = re.search(r"^[0-9a-f]{8}  \S+ +([0-9a-f]{2})\b(.*)$", out, re.M)
    if not m:
        raise AssertionError(f"dis {spec}: no instruction in:\n" + out)
    return m[1], m[2]


def check_selftest_beside_user_probes(s):
    """The whole selftest, typed at the prompt with the user's probes armed on the
    suites' own targets: every case passes or skips with a reason, and afterwards the
    user's probes are exactly as they were, int3s armed or jump-optimized as before (the
    suites about the int3 path turn optimization off around their cases, and back on);
    unprobe restores every byte."""
    specs = [line.split()[1] for line in USER_PROBES]
    orig = {spec: first_bytes(s, spec)[0] for spec in specs}
    for i, line in enumerate(USER_PROBES):
        expect(s.send(line), rf"^[kj]?probe #{i} placed at ", line)
    expect(s.send(f"disable {USER_DISABLED}"), r"disabled", "disable")
    before = probe_rows(s.send("list"))
    if len(before) != len(USER_PROBES):
        raise AssertionError(f"list shows {len(before)} probes, placed {len(USER_PROBES)}")
    if not any(row[3].endswith("  [OPTIMIZED]") for row in before):
        raise AssertionError(f"none of the user's probes is optimized: {before}")

    out = s.send("selftest", timeout=300)
    expect(out, rf"^selftest: leaving your {len(USER_PROBES)} probes as they are;",
           "selftest says it leaves the user's probes alone")
    cases = check_selftest_verdicts(out, "selftest beside user probes", s.kernel, "")
    if len(cases) < 100:
        raise AssertionError(f"only {len(cases)} cases ran")
    wheres = [row[3].split()[0] for row in before]
    if not user_probe_skips(cases, wheres, "selftest beside user probes"):
        raise AssertionError("no case skipped for a user probe on its target")

    after = probe_rows(s.send("list"))
    if after != before:
        raise AssertionError(f"list changed:\nbefore {before}\nafter  {after}")
    for i, spec in enumerate(specs):
        byte, note = first_bytes(s, spec)
        if i == USER_DISABLED:
            if byte != orig[spec] or "[DISABLED]" not in note:
                raise AssertionError(f"{spec}: {byte}{note}, want {orig[spec]} disabled")
        elif not ((byte == "cc" and f"probe #{i} (int3 armed)" in note) or
                  (byte == "e9" and f"probe #{i} (jmp to detour, optimized)" in note)):
            raise AssertionError(f"{spec}: {byte}{note}, want cc armed by #{i}, or e9: "
                                 "optimized")
    for i in range(len(USER_PROBES)):
        expect(s.send(f"unprobe {i}"), r"removed", f"unprobe {i}")
    expect(s.send("list"), r"^no probes", "list empty")
    for spec in specs:
        byte, note = first_bytes(s, spec)
        if byte != orig[spec] or "probe #" in note:
            raise AssertionError(f"{spec}: {byte}{note} after unprobe, want {orig[spec]}")
    # The suites left nothing behind: every case skipped for a user probe runs and passes
    # (or skips for a reason of its own) now that they are gone (a second run of those
    # suites: the whole selftest again would double the session, make test's longest),
    # and every address a suite probes is free again (a stale registration: EEXIST).
    skipped = sorted({f"{su}.{c}" for su, c, _, reason in cases
                      if "a probe placed before the suite is on" in (reason or "")})
    suites = sorted({name.split(".")[0] for name in skipped})
    again = []
    for k in range(0, len(suites), 8):     # the selftest command takes up to 8 patterns
        spec = ",".join(suites[k:k + 8])
        again += check_selftest_verdicts(s.send(f"selftest {spec}", timeout=300),
                                         "selftest after unprobe", s.kernel, spec)
    user_probe_skips(again, [], "selftest after unprobe")
    for spec in SUITE_TARGETS:
        expect(s.send(f"probe {spec}"), r"^probe #0 placed at ", f"{spec} free again")
        expect(s.send("unprobe 0"), r"removed", f"unprobe {spec}")


def check_selftest_kprobes_mid_function(s):
    """Issue 11 4c: a user probe inside kp_target_neg (alone, then beside one on its first
    byte) under "selftest kprobes", then more registrations: no case fails, no oops."""
    expect(s.send("probe kp_target_neg+1"), r"^probe #0 placed", "probe kp_target_neg+1")
    cases = check_selftest_verdicts(s.send("selftest kprobes", timeout=120), "with +1",
                                    s.kernel, "kprobes")
    if not ran(cases, "kprobes.bad_registrations_rejected"):
        raise AssertionError("with +1: bad_registrations_rejected did not run")
    expect(s.send("probe kp_target_neg"), r"^probe #1 placed", "probe kp_target_neg")
    check_selftest_verdicts(s.send("selftest kprobes", timeout=120), "with +0 and +1",
                            s.kernel, "kprobes")
    # A registration the suite left behind on its stack would oops these.
    expect(s.send("probe kp_target_add"), r"^probe #2 placed", "probe after the suite")
    check_selftest_verdicts(s.send("selftest kprobes", timeout=120), "with three probes",
                            s.kernel, "kprobes")
    rows = probe_rows(s.send("list"))
    if [r[0] for r in rows] != ["0", "1", "2"]:
        raise AssertionError(f"list after the suites: {rows}")
    for i in range(3):
        expect(s.send(f"unprobe {i}"), r"removed", f"unprobe {i}")
    expect(s.send("list"), r"^no probes", "list empty")


SESSIONS = [
    ("selftest_beside_user_probes", check_selftest_beside_user_probes),
    ("selftest_kprobes_mid_function", check_selftest_kprobes_mid_function),
]
