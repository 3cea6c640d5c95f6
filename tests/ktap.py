# SPDX-License-Identifier: MIT
"""The runner's KTAP reader: the kernel's self-test output, as results (tests/run.py).

The kernel prints KTAP v1 with one level of suites (tests/ktest.c); this parser is strict
about its structure, because a kernel that stops halfway or miscounts must not grade green
(tests/host/ktap_parser_test.py feeds it broken output).
"""
import re

from results import Result

KTAP_RESULT = re.compile(r"^(?P<indent> *)(?P<ok>ok|not ok) (?P<num>\d+) (?P<name>[^#]*?)"
                         r"(?: # (?P<directive>SKIP|TODO)\b ?(?P<why>.*))?$")
KTAP_PLAN = re.compile(r"^(?P<indent> *)1\.\.(?P<n>\d+)$")
KTAP_SUBTEST = re.compile(r"^ +# Subtest: (?P<name>\S+)$")
KTAP_DIAG = re.compile(r"^ +# (?P<text>.*)$")
KTAP_ANY_RESULT = re.compile(r"^ *(ok|not ok)\b")


def parse_ktap(lines):
    """Reads KTAP v1 with one level of suites out of a serial log.

    Returns (results, problems): a Result per case named suite.case, and a list of
    structural problems (no KTAP header, plans not met, suite lines that contradict their
    cases). Lines that are not KTAP (the kernel's own printk output) are ignored.
    """
    results, problems = [], []
    try:
        start = lines.index("KTAP version 1")
    except ValueError:
        return results, ["no KTAP output (no 'KTAP version 1' line)"]
    top_plan, suites_seen = None, 0
    suite, suite_plan, suite_results, diags = None, None, [], []
    for line in lines[start + 1:]:
        if KTAP_ANY_RESULT.match(line) and not KTAP_RESULT.match(line):
            problems.append(f"unparsable result line: {line.strip()!r}")
            continue
        m = KTAP_PLAN.match(line)
        if m:
            if m["indent"]:
                suite_plan = int(m["n"])
            elif top_plan is None:
                top_plan = int(m["n"])
            continue
        m = KTAP_SUBTEST.match(line)
        if m:
            suite, suite_plan, suite_results, diags = m["name"], None, [], []
            continue
        m = KTAP_RESULT.match(line)
        if m and m["indent"]:
            if suite is None:
                problems.append(f"case result outside a suite: {line.strip()!r}")
                continue
            if int(m["num"]) != len(suite_results) + 1:
                problems.append(f"suite {suite}: case numbered {m['num']}, expected "
                                f"{len(suite_results) + 1}")
            status = "fail" if m["ok"] == "not ok" else "pass"
            reason = ""
            if m["directive"] == "SKIP" and status == "pass":
                status, reason = "skip", m["why"]
            name = f"{suite}.{m['name'].strip()}" if suite else m["name"].strip()
            if status == "fail":
                reason = "reported not ok"
                for i, d in enumerate(diags):
                    if "FAILED at" in d:   # the next line says what failed
                        reason = d.split(": ", 1)[-1] + (": " + diags[i + 1]
                                                         if i + 1 < len(diags) else "")
                        break
                    if "leaked" in d or "left" in d or "WARN" in d:
                        reason = d
                        break
            results.append(Result(name, status, reason, diags))
            suite_results.append(status)
            diags = []
            continue
        if m:   # a top-level line closes a suite
            suites_seen += 1
            top_failed = m["ok"] == "not ok"
            name = m["name"].strip()
            if int(m["num"]) != suites_seen:
                problems.append(f"suite {name}: numbered {m['num']}, expected {suites_seen}")
            if name != suite:
                problems.append(f"suite result '{name}' does not close subtest '{suite}'")
            if suite_plan is None:
                problems.append(f"suite {name}: no plan line (1..N)")
            elif len(suite_results) != suite_plan:
                problems.append(f"suite {name}: planned {suite_plan} cases, "
                                f"{len(suite_results)} reported")
            if top_failed != ("fail" in suite_results):
                problems.append(f"suite {m['name'].strip()}: suite result "
                                f"'{m['ok']}' contradicts its cases")
            suite, suite_plan, suite_results, diags = None, None, [], []
            continue
        m = KTAP_DIAG.match(line)
        if m and suite:
            diags.append(m["text"])
    if suite is not None:
        problems.append(f"suite {suite}: cut off after {len(suite_results)} of "
                        f"{suite_plan if suite_plan is not None else '?'} cases")
    if top_plan is None:
        problems.append("no top-level plan line (1..N)")
    elif suites_seen != top_plan:
        problems.append(f"planned {top_plan} suites, {suites_seen} completed")
    return results, problems
