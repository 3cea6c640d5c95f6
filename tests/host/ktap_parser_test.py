#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The runner's KTAP parser must flag broken output (tests/runner/ktap.py parse_ktap):
renumbered or repeated cases, unparsable result lines, missing plans, a suite result
that closes the wrong subtest, stray results, and output cut off mid-suite; checked
against the image's cases (tests/runner/manifest.py), forged output that keeps numbering and
plans consistent: a case reported twice, one dropped, one renamed; WARNING/BUG lines no
case announced, or announced by another case. The manifest's selection must mirror the
kernel's (tests/kernel/ktest.c): globs, explicit-only suites, the command line word."""
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runner"))
from ktap import parse_ktap, unexpected_reports  # noqa: E402
import manifest  # noqa: E402

cases = 0


def check(cond, what):
    global cases
    cases += 1
    if not cond:                # not assert: python3 -O would skip every check
        raise SystemExit(f"ktap_parser_test: FAILED: {what}")


good = """KTAP version 1
1..1
    KTAP version 1
    # Subtest: s
    1..2
    ok 1 a
    ok 2 b
ok 1 s""".split("\n")
G = "\n".join(good)
r, p = parse_ktap(good)
check(not p and len(r) == 2, (r, p))


def bad(text, frag, expected=None):
    r, p = parse_ktap(text.split("\n"), expected)
    check(any(frag in x for x in p), (frag, p))


def clean(text, expected=None):
    r, p = parse_ktap(text.split("\n"), expected)
    check(not p, p)
    return r


bad(G.replace("ok 2 b", "ok 1 a"), "numbered")
bad(G.replace("ok 2 b", "not ok 2 b # FAILED"), "unparsable")
bad(G.replace("    1..2\n", ""), "no plan")
bad(G.replace("ok 1 s", "ok 1 t"), "does not close")
bad(G + "\n    ok 3 c", "outside a suite")
bad("\n".join(good[:-1]), "cut off")

# Forged, self-consistent output: the first case twice, renumbered, the plan raised.
dup = G.replace("1..2", "1..3").replace("ok 2 b", "ok 2 a\n    ok 3 b")
bad(dup, "case s.a reported more than once")
SEL = [("s", ["a", "b"])]
clean(G, SEL)
bad(dup, "plan 1..3, but the image registers 2", SEL)
# A selected case silently dropped, the plan lowered to match.
drop = G.replace("1..2", "1..1").replace("\n    ok 2 b", "")
check(not parse_ktap(drop.split("\n"))[1], "the dropped case is consistent KTAP")
bad(drop, "1 selected case(s) never reported: s.b", SEL)
bad(drop, "plan 1..1, but the image registers 2", SEL)
# A name the image does not register; a whole suite the image does not have.
bad(G.replace("ok 2 b", "ok 2 b_forged"), "does not register for this selection: s.b_forged",
    SEL)
bad(G, "top-level plan 1..1, but the image registers 2 suite(s)", SEL + [("t", ["c"])])
bad(G.replace("ok 1 a", "ok 1 X").replace("ok 2 b", "ok 2 a").replace("ok 1 X", "ok 1 b"),
    "out of the image's registration order", SEL)

# Report lines: unmarked ones fail; a mark must name the case it came in.
warn = "WARNING: at kernel/x.c:1: something"
bad(G.replace("    ok 1 a", warn + "\n    ok 1 a"), "unexpected report: 'WARNING: at kernel/x.c")
clean(G.replace("    ok 1 a", warn + " (expected by s.a)\n    ok 1 a"), SEL)
bad(G.replace("    ok 2 b", warn + " (expected by s.a)\n    ok 2 b"),
    "report marked expected by s.a came during s.b")
bad(G.replace("ok 1 s", warn + " (expected by s.b)\nok 1 s"), "came after its case")
bad(warn + " (expected by s.a)\n" + G, "marked expected by s.a outside any suite")
bad("BUG: scheduling while atomic: kmain/0/0x00000001\n" + G, "unexpected report: 'BUG:")
check(unexpected_reports(["BUG: x (expected by s.a)", "    # BUG: in a diagnostic",
                          "kernel BUG at a.c:1!"]) == ["unexpected report: 'kernel BUG at a.c:1!'"],
      "only unmarked report lines at a line start are unexpected")

# Times: the duration the kernel printed for the case, and only for that case.
r = clean(G.replace("    ok 1 a", "    # a: duration 1500 us\n    ok 1 a")
          .replace("    ok 2 b", "    # a: duration 7 us\n    ok 2 b"), SEL)
check([x.seconds for x in r] == [0.0015, None], [x.seconds for x in r])

# The manifest check of a full run, and the selection mirrored from ktest.c.
m = {"s": (False, ["a", "b"]), "x": (True, ["only_when_named"]), "sx": (False, ["c"])}
check(manifest.missing_from(m, {"s.a", "s.b", "sx.c"}) == [], "complete")
check(manifest.missing_from(m, {"s.a", "sx.c"}) == ["s.b"], "one missing")
check(manifest.missing_from({"t": (False, ["c"])}, {"s.a"}) == ["t.c"], "other suite")
sel = manifest.selection
check(sel(m, "") == [("s", ["a", "b"]), ("sx", ["c"])], "all but explicit-only")
check(sel(m, "s") == [("s", ["a", "b"])], "a suite by name")
check(sel(m, "s*") == [("s", ["a", "b"]), ("sx", ["c"])], "a suite glob")
check(sel(m, "s.b,sx.?") == [("s", ["b"]), ("sx", ["c"])], "case globs")
check(sel(m, "*") == [("s", ["a", "b"]), ("sx", ["c"])], "* skips explicit-only suites")
check(sel(m, "x") == [("x", ["only_when_named"])], "explicit-only when named")
check(sel(m, "x.*") == [("x", ["only_when_named"])], "explicit-only by its cases")
check(sel(m, "x*") == [], "explicit-only needs its exact name")
check(sel(m, "nope") == [], "nothing matched")
check(sel(m, ",s.a") == [("s", ["a"])] and sel(m, "s.a,") == [("s", ["a"])], "commas")
check(sel(m, ",,,,,,,,s") == [], "patterns past the eighth are ignored")
check(manifest.glob_match("a*b?c", "axxbyc") and not manifest.glob_match("a*b", "ab c"),
      "glob")
check(manifest.selftest_spec("k.elf selftest") == "" and
      manifest.selftest_spec("k.elf selftest=a,b ktest_forge=dup") == "a,b" and
      manifest.selftest_spec("k.elf selftests crash=x") is None, "command line word")

# JUnit: KTAP suites apart from runner groups of the same name, times as measured (none
# invented), suite times as wall-clock spans, the total as the run's wall time.
import tempfile  # noqa: E402
import time  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
from junit import write_junit  # noqa: E402
from results import Result  # noqa: E402
t0 = time.monotonic()
rs = [Result("boot.magic", "pass", group="selftest", seconds=0.25),
      Result("boot.cmdline", "pass", group="selftest", seconds=0.5),
      Result("boot.cmdline", "pass", group="selftest"),
      Result("boot:selftest", "fail", "why", group="selftest"),
      Result("boot.demo", "pass", group="boot", seconds=2.0, started=t0),
      Result("host.a", "pass", group="host", seconds=3.0, started=t0),
      Result("host.b", "pass", group="host", seconds=3.0, started=t0 + 1.0)]
with tempfile.TemporaryDirectory() as d:
    wall_start = time.time() - 7.0      # as if the run began 7 s ago
    write_junit(os.path.join(d, "j.xml"), rs, wall_start)
    root = ET.parse(os.path.join(d, "j.xml")).getroot()
suites = {ts.get("name"): ts for ts in root.findall("testsuite")}
check(list(suites) == ["selftest.boot", "selftest", "boot", "host"], list(suites))
tc = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
check(("boot", "demo") in tc and ("selftest.boot", "magic") in tc, list(tc))
check(tc[("selftest.boot", "magic")].get("time") == "0.250000", "a measured case time")
check(tc[("selftest", "boot:selftest")].get("time") is None, "no time where none measured")
check(suites["selftest.boot"].get("time") == "0.750", "KTAP cases ran in turn: the sum")
check(suites["host"].get("time") == "4.000", "parallel cases: the span, not the sum")
check(suites["selftest"].get("time") is None, "no suite time where nothing was timed")
check(7.0 <= float(root.get("time")) < 9.0, f"total {root.get('time')}: the wall time")
check(root.get("tests") == "7" and root.get("failures") == "1", "totals")
print(f"ktap-parser: {cases} cases, 0 failures")
