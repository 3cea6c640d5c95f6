# SPDX-License-Identifier: MIT
"""Where the documents' samples and figures come from: real runs of the current kernel.

Each source is computed once, when a sample or figure first asks for it, and kept:
  demo()   one boot with "demo monitor" (as `make run`): the demo's output, then the
           monitor commands of DEMO_COMMANDS typed at the prompt (tests/runner/monitor_sessions.py)
  session(NAME)  one "monitor" boot typing DOC_SESSIONS[NAME]: [(command, reply lines)]
  diff()   a "selftest=kprobes_diff" boot: the differential test's totals
  ktap()   a "selftest=SUITE" boot: each case's "# case: ..." diagnostics
  bench_symbol()  a function's address and size (nm), for a disassembly
  bench()  `tests/bench/bench.py --profile` (what `make bench-profile` runs): every row's
           figures (its JSON) and each probed row's profile, function by function; or,
           with bench_from, what `bench.py --check --save DIR` wrote there from the same
           boots (make test: its host.bench runs first and the documents reuse its run)
  tests()  the names of every result `make test` reports, from the same lists
           tests/run.py runs (the image's registered self-test cases, the scenarios,
           the runner's self-tests, the host tests, the monitor sessions)
  gdb_session()  a `make debug` session: gdb typed on a terminal (tests/runner/docs_gdb.py)
  gdb()    tests/host/gdb_test.py's summary line (the `make debug` workflow under gdb)
A source that cannot be produced raises SourceError with the reason. Standard library only.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, TESTS)  # run.py, the entry point, whose plan the figures repeat
import monitor_sessions  # noqa: E402
import docs_gdb  # noqa: E402
import manifest  # noqa: E402
from results import EXIT_HALT  # noqa: E402
import run as runner  # noqa: E402

# The monitor commands the README's transcript shows, typed after the demo.
DEMO_COMMANDS = ["probe kthread_create", "demo sched", "list", "dis kthread_create 2"]
# Other documents' monitor transcripts: the commands typed, in order, in one "monitor"
# boot each (session(NAME)). docs/kretprobes.md: a return probe on the demo's function.
DOC_SESSIONS = {
    "kretprobes": ["kretprobe ip_queue_xmit", "demo net", "list", "probe ip_queue_xmit",
                   "list"],
}


class SourceError(Exception):
    pass


class Sources:
    def __init__(self, kernel, qemu, logdir, host_dir, bench_from=None):
        self.kernel, self.qemu, self.logdir, self.host_dir = kernel, qemu, logdir, host_dir
        self.bench_from = bench_from
        self._cache = {}
        os.makedirs(logdir, exist_ok=True)

    def _once(self, name, make):
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    # ---- demo monitor: the boot output, then one reply per typed command

    def demo(self):
        """{"boot": [lines before the first prompt], "replies": {command: [lines]}}."""
        return self._once("demo", self._demo)

    def _demo(self):
        log = os.path.join(self.logdir, "docs.demo_monitor.log")
        s = None
        try:
            s = monitor_sessions.Session(self.qemu, self.kernel, log, cmdline="demo monitor")
            replies = {cmd: s.send(cmd).splitlines() for cmd in DEMO_COMMANDS}
            rc = s.halt()
        except monitor_sessions.SessionError as e:
            raise SourceError(f"demo monitor boot: {e} (log {log})")
        finally:
            if s:
                s.close()
        if rc != EXIT_HALT:
            raise SourceError(f"demo monitor boot: halt gave QEMU exit status {rc}, "
                              f"not {EXIT_HALT}")
        return {"boot": s.boot_output.splitlines(), "replies": replies}

    def session(self, name):
        """[(command, [reply lines])] of one "monitor" boot typing DOC_SESSIONS[name]."""
        return self._once("session." + name, lambda: self._session(name))

    def _session(self, name):
        log = os.path.join(self.logdir, f"docs.session_{name}.log")
        s = None
        try:
            s = monitor_sessions.Session(self.qemu, self.kernel, log)
            replies = [(cmd, s.send(cmd).splitlines()) for cmd in DOC_SESSIONS[name]]
            rc = s.halt()
        except monitor_sessions.SessionError as e:
            raise SourceError(f"monitor session {name}: {e} (log {log})")
        finally:
            if s:
                s.close()
        if rc != EXIT_HALT:
            raise SourceError(f"monitor session {name}: halt gave QEMU exit status {rc}, "
                              f"not {EXIT_HALT}")
        return replies

    # ---- kprobes_diff: both cases' totals

    DIFF_LINE = re.compile(r"# (every_instruction_\w+): (\d+) probe sites \((\d+) executed, "
                           r"(\d+) boosted\), (\d+) hits, (\d+) mismatches")

    def diff(self):
        """{case: {"sites", "executed", "boosted", "hits", "mismatches"}} of kprobes_diff."""
        return self._once("diff", self._diff)

    def _diff(self):
        log = os.path.join(self.logdir, "docs.kprobes_diff.log")
        text = self.suite_log("kprobes_diff")
        keys = ("sites", "executed", "boosted", "hits", "mismatches")
        found = {m[1]: dict(zip(keys, map(int, m.groups()[1:])))
                 for m in self.DIFF_LINE.finditer(text)}
        if len(found) != 2:
            raise SourceError(f"selftest=kprobes_diff: expected the totals of two cases, "
                              f"found {sorted(found)} (log {log})")
        return found

    # ---- one suite's diagnostics

    def ktap(self, suite):
        """{case: [its "# case: ..." diagnostic texts]} of a "selftest=SUITE" boot."""
        return self._once("ktap." + suite, lambda: self._ktap(suite))

    def suite_log(self, suite):
        """The serial output of a "selftest=SUITE" boot: one boot per suite, however many
        sources read it (diff() and ktap("kprobes_diff") share one)."""
        return self._once("boot." + suite,
                          lambda: self._boot("selftest=" + suite, f"docs.{suite}.log"))

    def _ktap(self, suite):
        text = self.suite_log(suite)
        found = {}
        for m in re.finditer(r"^ +# (\w+): (.*)$", text, re.M):
            found.setdefault(m[1], []).append(m[2])
        return found

    def _boot(self, cmdline, logname, timeout=120):
        """The serial output of a boot that must pass (QEMU exit status 33)."""
        log = os.path.join(self.logdir, logname)
        cmd = [self.qemu, "-m", "128M", "-display", "none", "-serial", "stdio", "-monitor",
               "none", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-kernel", self.kernel, "-append", cmdline]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SourceError(f"{cmdline} did not finish within {timeout} s")
        text = proc.stdout.decode("utf-8", "replace").replace("\r", "")
        with open(log, "w") as f:
            f.write(text)
        if proc.returncode != 33:
            raise SourceError(f"{cmdline}: QEMU exit status {proc.returncode}, not 33 "
                              f"(log {log})")
        return text

    # ---- make bench-profile

    def bench(self):
        """{"rows": {row: bench.json's figures}, "profile": {row: {"functions":
        {fn: (ticks, insns)}, "path": [(fn, ticks), ...]}}}."""
        return self._once("bench", self._bench)

    def _bench(self):
        # What host.bench saved, if it saved it (it does not when its check failed: then
        # the bench runs here, and the documents are checked against that run).
        if self.bench_from and os.path.exists(os.path.join(self.bench_from, "bench.json")):
            with open(os.path.join(self.bench_from, "bench.json")) as f:
                saved = json.load(f)
            if os.path.realpath(saved["kernel"]) != os.path.realpath(self.kernel):
                raise SourceError(f"{self.bench_from}/bench.json is of {saved['kernel']}, "
                                  f"not {self.kernel}")
            with open(os.path.join(self.bench_from, "bench-profile.txt")) as f:
                return {"rows": saved["rows"], "profile": parse_profile(f.read())}
        log = os.path.join(self.logdir, "docs.bench.log")
        with tempfile.TemporaryDirectory() as tmp:
            out_json = os.path.join(tmp, "bench.json")
            bench_py = os.path.join(TESTS, "bench", "bench.py")
            proc = subprocess.run([sys.executable, bench_py, "--kernel", self.kernel,
                                   "--qemu", self.qemu, "--json", out_json, "--profile"],
                                  capture_output=True, text=True, timeout=300)
            with open(log, "w") as f:
                f.write(proc.stdout + proc.stderr)
            if not os.path.exists(out_json):
                raise SourceError(f"bench.py --profile wrote no JSON (exit status "
                                  f"{proc.returncode}; log {log})")
            with open(out_json) as f:
                rows = json.load(f)["rows"]
        return {"rows": rows, "profile": parse_profile(proc.stdout)}

    # ---- the kernel's symbols

    def bench_symbol(self, name):
        """(address, size) of a function of the kernel, from nm."""
        syms = self._once("nm", self._nm)
        if name not in syms:
            raise SourceError(f"{self.kernel} has no function {name}")
        return syms[name]

    def _nm(self):
        out = subprocess.run(["nm", "-S", "--defined-only", self.kernel], check=True,
                             capture_output=True, text=True).stdout
        return {p[3]: (int(p[0], 16), int(p[1], 16)) for p in map(str.split, out.splitlines())
                if len(p) == 4 and p[2] in "tT"}

    # ---- what make test reports

    def tests(self):
        """Every result name `make test` reports, in no particular order."""
        return self._once("tests", self._tests)

    def _tests(self):
        try:
            return self._test_names()
        except (AttributeError, TypeError, ValueError, OSError) as e:
            raise SourceError(f"cannot list make test's results from tests/run.py's lists "
                              f"(did their shape change?): {e!r}")

    def _test_names(self):
        """The results a full make test reports: tests/run.py's own plan of the run (its
        boots, host tests and monitor jobs), the self-test boot counted case by case."""
        args = runner.make_parser().parse_args(
            ["--kernel", self.kernel, "--qemu", self.qemu, "--logs", self.logdir,
             "--host-dir", self.host_dir or "build/host"])
        registered = manifest.read_manifest(self.kernel)
        boots, host, monitor = runner.plan(args, runner.ALL_GROUPS, registered)
        names = [f"{suite}.{c}" for suite, (explicit, cases) in registered.items()
                 if not explicit for c in cases]
        names += [boot.name for boot, _ in boots if boot.group != "selftest"]
        return names + [name for name, _ in host] + [name for name, _ in monitor]

    # ---- make debug: a gdb session typed on a terminal (tests/runner/docs_gdb.py)

    def gdb_session(self, name, cmdline, commands):
        """(startup lines, [reply lines per command]) of gdb on a QEMU booted with cmdline."""
        return self._once("gdb." + name, lambda: self._gdb_session(name, cmdline, commands))

    def _gdb_session(self, name, cmdline, commands):
        try:
            return docs_gdb.transcript(self.qemu, self.kernel, cmdline, commands, self.logdir,
                                       name)
        except docs_gdb.GdbError as e:
            raise SourceError(f"gdb session {name} ({cmdline}): {e}")

    # ---- the make debug workflow's test

    def gdb(self):
        """The summary line of tests/host/gdb_test.py on this kernel."""
        return self._once("gdb", self._gdb)

    def _gdb(self):
        log = os.path.join(self.logdir, "docs.gdb_kmain.log")
        proc = subprocess.run([sys.executable, os.path.join(TESTS, "host", "gdb_test.py"),
                               self.kernel, "--qemu", self.qemu, "--log", log],
                              capture_output=True, text=True, timeout=120)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            raise SourceError(f"gdb_test.py failed (exit status {proc.returncode}): "
                              + (lines[-1] if lines else proc.stderr.strip()[-200:]))
        return lines[-1]


PROFILE_HEAD = re.compile(r"^profile: (\w+): one call = ")
PROFILE_ROW = re.compile(r"^ +(\d+) +(\d+)  (\S+)$")


def parse_profile(text):
    """bench.py --profile's per-row blocks: functions with (ticks, insns), and the path."""
    out, row = {}, None
    for line in text.splitlines():
        m = PROFILE_HEAD.match(line)
        if m:
            row = out.setdefault(m[1], {"functions": {}, "path": []})
            continue
        if row is None:
            continue
        m = PROFILE_ROW.match(line)
        if m:
            row["functions"][m[3]] = (int(m[1]), int(m[2]))
        elif line.startswith("  path, in ticks: "):
            for step in line[len("  path, in ticks: "):].split(" > "):
                fn, ticks = step.rsplit(" ", 1)
                row["path"].append((fn, int(ticks)))
            row = None
    return out
