#!/usr/bin/env python3
"""make bench: what a probe hit costs, counted in guest instructions.

Boots the kernel with "bench" twice:
  * under QEMU -icount shift=0,align=off,sleep=off, where the TSC advances one tick per
    guest instruction, so every figure is exact and repeats run to run;
  * under plain TCG, for the wall-clock ratio (probed / unprobed time per call).
Prints a table, writes build/bench.json, and exits non-zero if a target is missed.

With --check (make test runs it as host.bench) it checks the benchmark rather than the
targets: figures repeat exactly, each probed row ran its handler on every call, the trap
counts are what the mechanism implies (a boosted pre handler 1, pre + post 2, disabled 0,
jprobe 2), and the profile accounts for every instruction of a call. Targets are only
reported there.

With --profile (make bench-profile) it also shows where one hit's instructions go: a
third -icount boot with bench=4 logs every instruction QEMU runs in the trap entry, the
probe code and the bench itself (-singlestep -d exec -dfilter), and one call of each
probed row is attributed to functions, in the order the CPU ran them.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter

ICOUNT = ["-icount", "shift=0,align=off,sleep=off"]
LINE = re.compile(r"^BENCH row=(\S+) calls=(\d+) ticks=(\d+) per_call=(\d+) "
                  r"extra_per_hit=(-?\d+) traps_per_hit=([\d.]+) hits=(\d+)")
# What each row's traps per hit must be, from the mechanism (checked by --check).
EXPECTED_TRAPS = {"plain": 0, "kprobe_pre": 1, "kprobe_disabled": 0,
                  "kprobe_pre_post": 2, "jprobe": 2}
# Targets from the issues: extra guest instructions per hit, and traps per hit.
TARGETS = {
    "kprobe_pre": {"extra_per_hit": 150},
    "jprobe": {"extra_per_hit": 250, "traps_per_hit": 3},
}


def boot(qemu, kernel, extra, append="bench"):
    cmd = [qemu, *extra, "-m", "128M", "-display", "none", "-serial", "stdio",
           "-monitor", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", kernel, "-append", append]
    out = subprocess.run(cmd, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    text = out.stdout.decode("utf-8", "replace")
    if out.returncode != 33 or "BENCH done" not in text:
        sys.exit(f"bench: boot failed (exit {out.returncode}):\n" + text[-2000:])
    rows = {}
    for ln in text.replace("\r", "").splitlines():
        m = LINE.match(ln)
        if m:
            rows[m[1]] = {"calls": int(m[2]), "ticks": int(m[3]), "per_call": int(m[4]),
                          "extra_per_hit": int(m[5]), "traps_per_hit": float(m[6]),
                          "hits": int(m[7])}
    return rows


PROFILE_CALLS = 4
EXEC_LINE = re.compile(r"^Trace \S+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def text_symbols(kernel):
    """[(addr, size, name)] of the kernel's functions and labels, by address."""
    out = subprocess.run(["nm", "-n", "-S", "--defined-only", kernel], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for ln in out.splitlines():
        p = ln.split()
        if len(p) == 4 and p[2] in "tTwW":
            syms.append((int(p[0], 16), int(p[1], 16), p[3]))
        elif len(p) == 3 and p[1] in "tTwW" and not p[2].startswith(".."):
            syms.append((int(p[0], 16), 0, p[2]))
    return syms


def profile(qemu, kernel, exact):
    """Attributes one call of each probed row to the functions it ran (see the doc)."""
    syms = text_symbols(kernel)
    addr = {n: a for a, _, n in syms}
    # Log only the probe path: .kprobes.text (trap entry, kprobes, jprobes, slots) and the
    # bench's own functions. Anything else a hit ran would show as a short window.
    ranges = [(addr["__kprobes_text_start"], addr["__kprobes_text_end"])]
    ranges += [(a, a + size) for a, size, n in syms if n.startswith("bench_") and size]
    dfilter = ",".join(f"0x{lo:x}..0x{hi - 1:x}" for lo, hi in ranges)
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        rows = boot(qemu, kernel, ICOUNT + ["-singlestep", "-d", "exec,nochain",
                                            "-D", log.name, "-dfilter", dfilter],
                    append=f"bench={PROFILE_CALLS}")
        pcs = [int(m[1], 16) for m in map(EXEC_LINE.match, open(log.name, errors="replace"))
               if m]
    starts = [a for a, _, _ in syms]
    names = [n for _, _, n in syms]

    def where(pc):
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= pc:
                lo = mid + 1
            else:
                hi = mid
        return names[lo - 1] if lo else "?"

    calls = [i for i, pc in enumerate(pcs) if pc == addr["bench_target"]]
    status = 0
    for r, name in enumerate(rows):      # rows in the order the kernel ran them
        if name in ("warmup", "plain") or exact.get(name, {}).get("extra_per_hit", 0) == 0:
            continue
        first = r * PROFILE_CALLS + 1     # the row's second call: nothing warming up
        if first + 1 >= len(calls):
            print(f"profile: {name}: calls missing from the log")
            status = 1
            continue
        window = pcs[calls[first]:calls[first + 1]]
        want = exact[name]["per_call"]
        path, per_fn = [], Counter()
        reps = sum(1 for a, b in zip(window, window[1:]) if a == b)
        for pc in window:
            fn = where(pc)
            per_fn[fn] += 1
            if path and path[-1][0] == fn:
                path[-1][1] += 1
            else:
                path.append([fn, 1])
        print(f"\nprofile: {name}, one call = {len(window)} instructions "
              f"(make bench: {want} per call, {exact[name]['extra_per_hit']} extra per hit)")
        if len(window) != want:
            print("profile: the logged call does not match make bench's count "
                  "(code outside the logged ranges ran)")
            status = 1
        for fn, n in per_fn.most_common():
            print(f"  {n:5d}  {fn}")
        if reps:
            print(f"  ({reps} of them are repeats of a rep-prefixed instruction: "
                  "-icount counts every iteration)")
        print("  path: " + " > ".join(f"{fn} {n}" for fn, n in path))
    return status


def check(args):
    """--check: the benchmark's own correctness; last line a summary for the runner."""
    exact = boot(args.qemu, args.kernel, ICOUNT)
    again = boot(args.qemu, args.kernel, ICOUNT)
    problems = []
    if exact != again:
        problems.append("figures differ between two identical boots")
    for name, traps in EXPECTED_TRAPS.items():
        r = exact.get(name)
        if r is None:
            problems.append(f"row {name} missing")
            continue
        if r["traps_per_hit"] != traps:
            problems.append(f"{name}: {r['traps_per_hit']:.2f} traps per call, want {traps}")
        probed = name not in ("plain", "kprobe_disabled")
        if probed and r["hits"] != r["calls"]:
            problems.append(f"{name}: handler ran {r['hits']} times in {r['calls']} calls")
        if not probed and r["extra_per_hit"] != 0:
            problems.append(f"{name}: {r['extra_per_hit']} extra instructions, want 0")
    if profile(args.qemu, args.kernel, exact):
        problems.append("the profile does not account for every instruction of a call")
    for p in problems:
        print("bench-check: " + p)
    targets = ", ".join(
        f"{name} {exact[name]['extra_per_hit']}<={t['extra_per_hit']} "
        f"{'ok' if exact[name]['extra_per_hit'] <= t['extra_per_hit'] else 'missed'}"
        for name, t in TARGETS.items() if name in exact)
    if problems:
        print(f"bench-check: {len(problems)} problem(s); targets (reported only): {targets}")
        return 1
    print(f"bench-check: {len(exact) - 1} rows exact, repeatable, traps as expected, "
          f"profile complete; targets (reported only): {targets}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--json", default="build/bench.json")
    ap.add_argument("--profile", action="store_true",
                    help="also attribute one hit of each probed row to functions")
    ap.add_argument("--check", action="store_true",
                    help="check the benchmark itself (see above); targets only reported")
    args = ap.parse_args()
    if args.check:
        return check(args)

    exact = boot(args.qemu, args.kernel, ICOUNT)
    again = boot(args.qemu, args.kernel, ICOUNT)
    wall = boot(args.qemu, args.kernel, [])
    plain, plain_wall = exact["plain"]["per_call"], wall["plain"]["ticks"]

    print(f"jumper bench: {exact['plain']['calls']} calls per row, interrupts off; "
          f"guest instructions under -icount (unprobed call: {plain} instructions)")
    print(f"{'row':<18}{'insns/call':>11}{'extra/hit':>11}{'traps/hit':>11}"
          f"{'TCG wall x':>12}  target")
    results, missed = {}, []
    for name, r in exact.items():
        if name in ("warmup",):
            continue
        ratio = wall[name]["ticks"] / plain_wall if name in wall and plain_wall else 0.0
        target = TARGETS.get(name, {})
        ok = all(r[k] <= v for k, v in target.items())
        tgt = ", ".join(f"{k.split('_')[0]}<={v}" for k, v in target.items()) or "-"
        if target and not ok:
            missed.append(name)
        if again.get(name) != r:
            missed.append(name + " (not repeatable)")
        print(f"{name:<18}{r['per_call']:>11}{r['extra_per_hit']:>11}"
              f"{r['traps_per_hit']:>11.2f}{ratio:>12.1f}  "
              f"{(tgt + (' ok' if ok else ' MISSED')) if target else '-'}")
        results[name] = dict(r, tcg_wall_ratio=round(ratio, 2), target=target,
                             target_met=ok)
    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"kernel": args.kernel, "icount": " ".join(ICOUNT), "rows": results},
                  f, indent=2)
    print(f"written {args.json}")
    status = profile(args.qemu, args.kernel, exact) if args.profile else 0
    if missed:
        print("bench: targets missed or figures not repeatable: " + ", ".join(missed))
        return 1
    print("bench: all targets met; figures repeat exactly")
    return status


if __name__ == "__main__":
    sys.exit(main())
