# SPDX-License-Identifier: MIT
"""The runner's KTAP reader: the kernel's self-test output, as results (tests/run.py).

The kernel prints KTAP v1 with one level of suites (tests/kernel/ktest.c); this parser is strict
about its structure, because a kernel that stops halfway or miscounts must not grade green
(tests/host/ktap_parser_test.py feeds it broken output). Checked against the cases the
image registers for the boot's selection (tests/runner/manifest.py), a forged log -- a case
reported twice, one left out, one renamed, a plan raised to match -- cannot grade green
either. And a "WARNING:" or "BUG:" line fails the boot unless it carries, on the line
itself, the mark of the case that announced it: "(expected by suite.case)".
"""
import re

from results import Result

KTAP_RESULT = re.compile(r"^(?P<indent> *)(?P<ok>ok|not ok) (?P<num>\d+) (?P<name>[^#]*?)"
                         r"(?: # (?P<directive>SKIP|TODO)\b ?(?P<why>.*))?$")
KTAP_PLAN = re.compile(r"^(?P<indent> *)1\.\.(?P<n>\d+)$")
KTAP_SUBTEST = re.compile(r"^ +# Subtest: (?P<name>\S+)$")
KTAP_DIAG = re.compile(r"^ +# (?P<text>.*)$")
KTAP_ANY_RESULT = re.compile(r"^ *(ok|not ok)\b")
# tests/kernel/ktest.c: a case's wall-clock time, measured in the kernel (TSC against the PIT).
KTAP_DURATION = re.compile(r"^(?P<case>\S+): duration (?P<us>\d+) us$")
# The kernel's report lines (kernel/panic.c WARN and report_bug, BUG(), the oops) and the
# mark report_mark() appends to one a self-test announced.
REPORT = re.compile(r"^(?:WARNING:|BUG:|kernel BUG at )")
REPORT_MARK = re.compile(r" \(expected by (?P<by>[^ ()]+)\)$")


def unexpected_reports(lines):
    """Problems for the report lines that carry no "(expected by ...)" mark."""
    return [f"unexpected report: {ln.strip()!r}" for ln in lines
            if REPORT.match(ln) and not REPORT_MARK.search(ln)]


def check_selection(results, plans, expected):
    """Problems where the reported cases are not exactly expected, the [(suite, [case])]
    the image registers for this selection (tests/runner/manifest.py selection): a name reported
    that is not among them, one never reported, plans that do not count them."""
    problems = []
    want = [f"{s}.{c}" for s, cases in expected for c in cases]
    wanted, got = set(want), [r.name for r in results]
    unknown = [n for n in dict.fromkeys(got) if n not in wanted]
    if unknown:
        problems.append(f"{len(unknown)} reported case(s) the image does not register for "
                        "this selection: " + ", ".join(unknown[:5])
                        + (" ..." if len(unknown) > 5 else ""))
    missing = [n for n in want if n not in set(got)]
    if missing:
        problems.append(f"{len(missing)} selected case(s) never reported: "
                        + ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else ""))
    top = plans.get(None)
    if top is not None and top != len(expected):
        problems.append(f"top-level plan 1..{top}, but the image registers "
                        f"{len(expected)} suite(s) for this selection")
    for suite, cases in expected:
        plan = plans.get(suite)
        if plan is not None and plan != len(cases):
            problems.append(f"suite {suite}: plan 1..{plan}, but the image registers "
                            f"{len(cases)} selected case(s)")
    if not unknown and not missing and len(got) == len(want) and got != want:
        problems.append("cases reported out of the image's registration order")
    return problems


def parse_ktap(lines, expected=None):
    """Reads KTAP v1 with one level of suites out of a serial log.

    Returns (results, problems): a Result per case named suite.case, and a list of
    problems: structural ones (no KTAP header, plans not met, a case reported twice,
    suite lines that contradict their cases), report lines not marked expected or marked
    by another case than the one running, and, given expected ([(suite, [case])], the
    selection the image registers), any difference from it. A case's seconds are the
    duration the kernel printed for it ("# case: duration N us"), None if it printed none.
    Lines that are not KTAP (the kernel's own printk output) are otherwise ignored.
    """
    results, problems = [], unexpected_reports(lines)
    try:
        start = lines.index("KTAP version 1")
    except ValueError:
        return results, problems + ["no KTAP output (no 'KTAP version 1' line)"]
    for line in lines[:start]:
        m = REPORT_MARK.search(line) if REPORT.match(line) else None
        if m:
            problems.append(f"report marked expected by {m['by']} outside any suite")
    top_plan, suites_seen = None, 0
    suite, suite_plan, suite_results, diags = None, None, [], []
    plans, seen, marks = {}, set(), []
    for line in lines[start + 1:]:
        if REPORT.match(line):
            m = REPORT_MARK.search(line)
            if m and suite is None:
                problems.append(f"report marked expected by {m['by']} outside any suite")
            elif m:
                marks.append(m["by"])
            continue
        if KTAP_ANY_RESULT.match(line) and not KTAP_RESULT.match(line):
            problems.append(f"unparsable result line: {line.strip()!r}")
            continue
        m = KTAP_PLAN.match(line)
        if m:
            if m["indent"]:
                suite_plan = int(m["n"])
                if suite is not None and suite not in plans:
                    plans[suite] = suite_plan
            elif top_plan is None:
                top_plan = plans[None] = int(m["n"])
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
            if name in seen:
                problems.append(f"case {name} reported more than once")
            seen.add(name)
            for by in marks:
                if by != name:
                    problems.append(f"report marked expected by {by} came during {name}")
            marks = []
            if status == "fail":
                reason = "reported not ok"
                for j, d in enumerate(diags):
                    if d[:1] in ("#", " "):
                        continue    # a nested run's KTAP (ktest_run_nested): not this case's
                    if "FAILED at" in d:   # the next line says what failed
                        reason = d.split(": ", 1)[-1] + (": " + diags[j + 1]
                                                         if j + 1 < len(diags) else "")
                        break
                    if "leaked" in d or "left" in d or "WARN" in d:
                        reason = d
                        break
            r = Result(name, status, reason, diags)
            for d in diags:
                t = KTAP_DURATION.match(d)
                if t and t["case"] == m["name"].strip():
                    r.seconds = int(t["us"]) / 1e6
            results.append(r)
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
            for by in marks:
                problems.append(f"report marked expected by {by} came after its case")
            suite, suite_plan, suite_results, diags, marks = None, None, [], [], []
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
    if expected is not None:
        problems += check_selection(results, plans, expected)
    return results, problems
