#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""jumper's host test runner: boots the kernel in QEMU and grades its serial log.

What it runs (in parallel, one QEMU per boot):
  * the self-test boot ("selftest"): every KTAP case becomes one result, suite.case;
  * the expected-oops scenarios of tests/runner/scenarios.py ("crash=NAME"): one result each;
  * its own self-tests (runner.*): boots that fail on purpose -- a failing KTAP case, a
    hang, a triple fault, an unmatched selection, KTAP that lies consistently (a case
    reported twice, one dropped, one renamed), a WARNING no case announced -- each must
    be graded as a failure (tests/runner/selftest_grade.py);
  * host tests (host.*): programs run on this machine (decoder cross-checks, the parser,
    gdb attached to a halted QEMU, make bench's self-check); each passes on exit 0.

A boot is trusted only if QEMU's exit status carries the kernel's verdict: 33 (the kernel
wrote 0x10 to isa-debug-exit) is a pass, 35 a failure. Exit 0 means the CPU reset, which
with -no-reboot is what a triple fault looks like; a boot that does not end within its
timeout is a hang. Every serial log is kept under --logs. The last line printed is
exactly "N passed, N failed, N skipped"; --junit PATH also writes the results as JUnit XML
(one <testsuite> per group, the self-tests one per KTAP suite; times as measured, the
total the run's wall time). Python 3 standard library only.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

# The runner's modules live in tests/runner/ (one kind of code per folder).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner"))
import scenarios  # noqa: E402
import monitor_sessions  # noqa: E402
import monitor_selftest  # noqa: E402
import serial_tests  # noqa: E402
import manifest  # noqa: E402
from results import Boot, Result, EXIT_PASS, EXIT_FAIL, TAIL_LINES  # noqa: E402
from ktap import unexpected_reports  # noqa: E402
from junit import write_junit  # noqa: E402
from selftest_grade import (grade_selftest, apply_xfail, apply_xskip, selected_names,  # noqa: E402
                            grade_self_test, RUNNER_SELF_TESTS)


def qemu_command(args, boot):
    cmd = [args.qemu, "-m", "128M", "-display", "none", "-serial", "stdio",
           "-monitor", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-serial", "null"]   # COM2: the serial_rx self-tests' private UART
    if args.iso:
        cmd += ["-cdrom", args.iso, "-boot", "d"]
    else:
        cmd += ["-kernel", args.kernel, "-append", boot.cmdline]
    return cmd


def run_boot(args, boot):
    """Boots once; the serial output goes straight to the log file, so a hang keeps it."""
    os.makedirs(args.logs, exist_ok=True)
    boot.log = os.path.join(args.logs, re.sub(r"[^A-Za-z0-9_.-]", "_", boot.name) + ".log")
    boot.started = start = time.monotonic()
    with open(boot.log, "wb") as out:
        proc = subprocess.Popen(qemu_command(args, boot), stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=boot.timeout)
            boot.rc = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            boot.timed_out = True
    boot.seconds = time.monotonic() - start
    with open(boot.log, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    if err:
        text += "\n[qemu stderr] " + err.decode("utf-8", "replace")
    boot.lines = [ln.rstrip("\r") for ln in text.replace("\r\n", "\n").split("\n")]
    return boot


# ---- expected-oops scenarios and the demo boot ----

def grade_oops(boot, patterns, expect_rc=EXIT_FAIL):
    """An expected-oops boot passes if it failed (35) and every pattern matched a line;
    a demo boot, if it passed (33), every pattern matched, and it printed no WARNING or
    BUG line (an oops boot's BUG lines are its patterns' business)."""
    problem = boot.status_problem(expect_rc)
    missing = [p for p in patterns if not any(re.search(p, ln) for ln in boot.lines)]
    reports = unexpected_reports(boot.lines) if expect_rc == EXIT_PASS else []
    if problem is None and not missing and not reports:
        return [Result(boot.name, "pass")]
    reasons = (([problem] if problem else []) + [f"missing line /{p}/" for p in missing]
               + reports)
    return [Result(boot.name, "fail", "; ".join(reasons),
                   ["last serial lines:"] + boot.tail())]


# ---- host-side tests: the decoder against objdump, the fuzzer, the hand-written cases

def host_tests(args):
    """(name, argv) of each host test; its output's last line is its summary."""
    h = args.host_dir
    here = os.path.dirname(__file__)
    bench = os.path.join(args.logs, "bench-saved")
    xcheck = [sys.executable, os.path.join(here, "host", "insn_xcheck.py"),
              os.path.join(h, "insn_check")]
    return [
        ("host.insn_cases", [os.path.join(h, "insn_cases_test")]),
        ("host.insn_fuzz", [os.path.join(h, "insn_fuzz")]),
        ("host.insn_fuzz_sanitized", [os.path.join(h, "insn_fuzz_san"), "200000", "7"]),
        ("host.insn_xcheck_kernel", xcheck + [args.kernel]),
        ("host.insn_xcheck_libc32", xcheck + [args.libc32]),
        # the VEX families as GNU as encodes them, and every VEX/EVEX/XOP opcode x pp/L/W
        ("host.insn_xcheck_vex", xcheck + [os.path.join(h, "insn_vex_corpus.o"),
                                           os.path.join(h, "vex_space.o")]),
        ("host.ktap_parser", [sys.executable,
                              os.path.join(os.path.dirname(__file__), "host",
                                           "ktap_parser_test.py")]),
        # the `make debug` workflow: gdb -batch attached to QEMU's stub, stopped at kmain
        ("host.gdb_kmain", [sys.executable, os.path.join(here, "host", "gdb_test.py"),
                            args.kernel, "--qemu", args.qemu,
                            "--log", os.path.join(args.logs, "host.gdb_kmain.log")]),
        # scripts/need-tools.sh names the package for each missing piece (never installs)
        ("host.need_tools", [sys.executable, os.path.join(here, "host", "need_tools_test.py")]),
        # includes and calls only point down the layers (docs/architecture.md); its
        # --self-test first proves the checker finds violations planted in a synthetic tree
        ("host.layers", [sys.executable, os.path.join(here, "host", "layer_check.py"),
                         "--self-test", os.path.join(os.path.dirname(args.kernel), "obj")]),
        # every source file names its license (LICENSE) on its first line
        ("host.spdx", [sys.executable, os.path.join(here, "host", "spdx_check.py")]),
        # no source line is wider than 100 columns (tabs count 8), so every line shows whole
        ("host.line_length", [sys.executable, os.path.join(here, "host", "line_length_check.py")]),
        # every path, line reference and function the documents and code comments name
        ("host.doc_paths", [sys.executable, os.path.join(here, "host", "doc_paths_check.py")]),
        # the samples and figures of README.md and docs/ against this kernel's output
        # (it reuses the figures host.bench saved: AFTER runs the two in one job, in turn)
        ("host.docs_samples", [sys.executable, os.path.join(here, "runner", "docs_samples.py"),
                               "--kernel", args.kernel, "--qemu", args.qemu,
                               "--host-dir", h, "--logs", args.logs, "--bench-from", bench]),
        # make bench's own correctness (exact, repeatable, traps, profile); targets are
        # make bench's to enforce, this only reports them
        ("host.bench", [sys.executable, os.path.join(here, "bench", "bench.py"), "--kernel",
                        args.kernel, "--qemu", args.qemu, "--check", "--save", bench]),
    ]


# The jobs that take longest (make test's junit times), started first in this order.
LONGEST_FIRST = ["host.bench", "monitor.selftest_beside_user_probes",
                 "monitor.probe_every_function", "selftest"]

# Host tests that use what another one wrote: each runs after it, in the same job.
AFTER = {"host.docs_samples": "host.bench"}


def host_jobs(host):
    """The host tests as jobs: lists of (name, argv) run in turn (AFTER's pairs share one)."""
    by_name = dict(host)
    firsts = [n for n, _ in host if n not in AFTER]
    jobs = {n: [(n, by_name[n])] for n in firsts}
    for later, first in AFTER.items():
        if later in by_name:
            jobs.setdefault(first, []).append((later, by_name[later]))
    return [jobs[n] for n in firsts if n in jobs]


def run_host_chain(chain):
    return [r for name, argv in chain for r in run_host_test(name, argv)]


def monitor_session_job(args, name, check):
    return lambda: monitor_sessions.run_session(args.qemu, args.kernel, args.logs, name, check)


def run_monitor_job(name, job, log):
    """One monitor session (a boot driven over the serial line) as one Result. Besides
    the session's own checks, its log (log, if the session wrote one there) may hold no
    WARNING or BUG line that no self-test announced (the monitor's selftest command marks
    the ones it provokes). log None: a run whose reports are its point, not graded."""
    start = time.monotonic()
    try:
        ok, reason, details = job()
    except Exception as e:      # a broken check is a failure, never a lost summary line
        ok, reason, details = False, f"the check itself failed: {e!r}", []
    seconds = time.monotonic() - start
    if ok and log:
        try:
            with open(log, "rb") as f:
                lines = f.read().decode("utf-8", "replace").replace("\r", "").split("\n")
        except OSError:
            lines = []      # a session that keeps its log elsewhere: nothing to read
        bad = unexpected_reports(lines)
        if bad:
            ok, reason, details = False, "; ".join(bad), [f"log {log}"]
    if ok:
        return [Result(name, "pass", "", group="monitor", seconds=seconds, started=start)]
    return [Result(name, "fail", reason, ["session transcript:"] + details, group="monitor",
                   seconds=seconds, started=start)]


def run_host_test(name, argv):
    """Runs one host program; passes on exit 0. Prints its summary line either way."""
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        out = (proc.stdout + proc.stderr).strip().splitlines()
        ok = proc.returncode == 0
    except (OSError, subprocess.TimeoutExpired) as e:
        out, ok = [str(e)], False
    summary = out[-1] if out else "(no output)"
    seconds = time.monotonic() - start
    if ok:
        return [Result(name, "pass", summary, group="host", seconds=seconds, started=start)]
    return [Result(name, "fail", summary, out[-TAIL_LINES:], group="host", seconds=seconds,
                   started=start)]


# ---- main ----

ALL_GROUPS = ("selftest", "oops", "runner", "host", "monitor")


def make_parser():
    """The runner's command line (also used by tests/runner/docs_sources.py to plan a run)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True, help="kernel ELF (multiboot)")
    ap.add_argument("--iso", help="boot this GRUB ISO instead of -kernel (self-tests only)")
    ap.add_argument("--logs", default="build/logs", help="directory for serial logs")
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--select", default="",
                    help="self-test GLOB[,GLOB] (selftest=...); alone, runs only the "
                         "self-test group")
    ap.add_argument("--host-dir", help="directory of the host test programs (host group)")
    ap.add_argument("--libc32", default="/usr/lib32/libc.so.6",
                    help="32-bit system library for the decoder cross-check")
    ap.add_argument("--only", choices=ALL_GROUPS,
                    action="append",
                    help="run only these groups (repeatable)")
    ap.add_argument("--timeout", type=float, default=90, help="seconds per self-test boot")
    ap.add_argument("--xfail", action="append", default=[],
                    help="a self-test case (suite.case) this build must FAIL; it is "
                         "reported as passing when it fails, and failing when it passes")
    ap.add_argument("--xskip", action="append", default=[],
                    help="a self-test case (suite.case) this build cannot run: it must "
                         "skip; any other skip in the self-test boot is a failure")
    ap.add_argument("--junit", metavar="PATH", help="also write the results as JUnit XML")
    ap.add_argument("--monitor-iso", metavar="ISO",
                    help="also pipe commands into this ISO's monitor (make iso's image)")
    return ap


def plan(args, groups, registered):
    """What a run of these groups does: (boots [(Boot, grader)], host tests [(name,
    argv)], monitor jobs [(name, job)]). registered: the image's manifest, or None."""
    jobs = []   # (Boot, grader)
    if "selftest" in groups:
        cmd = "selftest=" + args.select if args.select else "selftest"
        # The run is checked against the cases the image itself registers for cmd.
        jobs.append((Boot("selftest", cmd, args.timeout, group="selftest"),
                     lambda b: apply_xskip(apply_xfail(grade_selftest(b, registered),
                                                       args.xfail,
                                                       selected_names(b, registered)),
                                           set(args.xskip))))
    if "oops" in groups:
        for name, patterns in scenarios.DEMO.items():
            jobs.append((Boot("boot." + name, name, 30, group="boot"),
                         lambda b, p=patterns: grade_oops(b, p, EXIT_PASS)))
        for name, patterns in scenarios.SCENARIOS.items():
            jobs.append((Boot("oops." + name, "crash=" + name, 30, group="oops"),
                         lambda b, p=patterns: grade_oops(b, p)))
    if "runner" in groups:
        for name, cmd, timeout, check in RUNNER_SELF_TESTS:
            jobs.append((Boot(name, cmd, timeout, group="runner"),
                         lambda b, c=check: grade_self_test(b, c, registered)))

    host = host_tests(args) if "host" in groups else []
    # Monitor sessions: the runner types at the jumper> prompt (tests/runner/monitor_sessions.py).
    monitor = []
    if "monitor" in groups:
        monitor = [(f"monitor.{name}", monitor_session_job(args, name, check))
                   for name, check in monitor_sessions.SESSIONS]
        monitor.append(("monitor.scripted", lambda: monitor_sessions.run_scripted(
            args.qemu, args.kernel, args.logs)))
        monitor += serial_tests.jobs(args.qemu, args.kernel, args.logs)   # make run itself
    if args.monitor_iso:    # input piped into an ISO boot from power-on (make test-iso)
        monitor.append(("monitor.iso_piped_input", lambda: serial_tests.check_iso_piped(
            args.qemu, args.monitor_iso, args.logs)))
    return jobs, host, monitor


def main():
    ap = make_parser()
    args = ap.parse_args()
    monitor_selftest.EXPECTED_FAILURES = set(args.xfail)   # selftest typed at the prompt
    started = time.time()
    # --select names self-tests: alone it runs only them (--only adds other groups).
    groups = set(args.only or (["selftest"] if args.select else ALL_GROUPS))
    if args.iso:
        groups &= {"selftest"}
        if args.select:
            ap.error("--select cannot reach the ISO's command line (iso/grub.cfg boots "
                     "'selftest'); boot the ELF to select")
    if not args.host_dir:
        groups.discard("host")

    registered = (manifest.read_manifest(args.kernel) if groups & {"selftest", "runner"}
                  else None)
    jobs, host, monitor = plan(args, groups, registered)
    print(f"jumper tests: {len(host)} host test(s), {len(monitor)} monitor session(s), "
          f"{len(jobs)} boot(s) of {args.iso or args.kernel}; "
          f"serial logs in {args.logs}/", flush=True)
    results = []
    workers = max(2, os.cpu_count() or 2)
    shutil.rmtree(os.path.join(args.logs, "bench-saved"), ignore_errors=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        # The pool starts jobs in the order they are submitted: the longest first, so the
        # run does not end with one core busy on a long job and the other idle.
        calls = [(chain[0][0], run_host_chain, (chain,)) for chain in host_jobs(host)]
        calls += [(name, run_monitor_job, (name, job,
                                           None if name in serial_tests.REPORTS_ARE_THE_POINT
                                           else os.path.join(args.logs, name + ".log")))
                  for name, job in monitor]
        calls += [(boot.name, run_boot, (args, boot)) for boot, _ in jobs]
        order = {n: i for i, n in enumerate(LONGEST_FIRST)}
        futs = [None] * len(calls)
        for i in sorted(range(len(calls)), key=lambda i: order.get(calls[i][0], len(order))):
            _, fn, fargs = calls[i]
            futs[i] = pool.submit(fn, *fargs)
        nhost = len(host_jobs(host)) + len(monitor)
        host_futs = futs[:nhost]
        futures = [(fut, grader) for fut, (_, grader) in zip(futs[nhost:], jobs)]
        for fut in host_futs:
            for r in fut.result():
                results.append(r)
                print(f"{'ok  ' if r.status == 'pass' else 'FAIL'} {r.name}"
                      + (f": {r.reason}" if r.reason else ""))
                for d in r.details if r.status == "fail" else []:
                    print(f"       | {d}")
        for fut, grader in futures:
            boot = fut.result()
            try:
                graded = grader(boot)
            except Exception as e:  # as for monitor jobs: a failure, not a traceback
                graded = [Result(boot.name, "fail", f"grading failed: {e!r}",
                                 ["last serial lines:"] + boot.tail())]
            for r in graded:
                r.boot, r.group = boot, r.group or boot.group or boot.name.split(".")[0]
                if len(graded) == 1:
                    r.seconds, r.started = boot.seconds, boot.started
                results.append(r)
                mark = {"pass": "ok  ", "fail": "FAIL", "skip": "skip"}[r.status]
                extra = f": {r.reason}" if r.reason else ""
                print(f"{mark} {r.name}{extra}")
                if r.status == "fail":
                    for d in r.details:
                        print(f"       | {d}")
            if any(r.status == "fail" for r in graded):
                print(f"       ({boot.name}: {boot.seconds:.1f} s, log {boot.log})")
            sys.stdout.flush()

    n = {s: sum(r.status == s for r in results) for s in ("pass", "fail", "skip")}
    if args.junit:
        write_junit(args.junit, results, started)
    print(f"{n['pass']} passed, {n['fail']} failed, {n['skip']} skipped")
    return 1 if n["fail"] or not results else 0


if __name__ == "__main__":
    sys.exit(main())
