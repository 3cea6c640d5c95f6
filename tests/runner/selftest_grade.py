# SPDX-License-Identifier: MIT
"""Grading a self-test boot, and the runner's own tests of that grading (runner.*).

A self-test boot's log is trusted only as far as it agrees with the image: its cases are
checked against the ones the image registers for the boot's own selection (the manifest,
tests/runner/manifest.py, filtered by the globs on the boot's command line the way the kernel
filters them), and every WARNING/BUG line must carry the mark of the case that announced
it (tests/runner/ktap.py). The runner self-tests boot kernels that fail, hang, or lie on purpose
(ktest_selfcheck, ktest_forge=..., tests/kernel/ktest.c) and demand that each be graded as a
failure for the right reason. Used by tests/run.py.
"""
import re

import manifest
from ktap import parse_ktap
from results import Result, EXIT_PASS, EXIT_FAIL


def expected_cases(boot, registered):
    """The [(suite, [case])] the kernel should run on boot's command line, or None if it
    runs no self-tests or the image's manifest is unknown (registered is None)."""
    spec = manifest.selftest_spec(boot.cmdline)
    if registered is None or spec is None:
        return None
    return manifest.selection(registered, spec)


def selected_names(boot, registered):
    """The "suite.case" names boot's command line selects, or None if unknown."""
    sel = expected_cases(boot, registered)
    return None if sel is None else {f"{s}.{c}" for s, cases in sel for c in cases}


def grade_selftest(boot, registered=None):
    """Results for a self-test boot: its cases, plus one failure if the boot itself went
    wrong (bad exit status, missing, duplicate, unregistered or contradictory results,
    plans that do not count the registered cases, unexpected WARNING/BUG lines).
    registered is the image's manifest (manifest.read_manifest). The verdict must be
    "fail" when any case failed, an expected failure (apply_xfail) included."""
    results, problems = parse_ktap(boot.lines, expected_cases(boot, registered))
    if not results and not problems:
        problems.append("no test results")
    failed = any(r.status == "fail" for r in results)
    status_problem = boot.status_problem(EXIT_FAIL if failed else EXIT_PASS)
    if status_problem:
        problems.insert(0, status_problem)
    if problems:
        results.append(Result(f"boot:{boot.name}", "fail", "; ".join(problems),
                              ["last serial lines:"] + boot.tail()))
    return results


def apply_xfail(results, xfail, selected=None):
    """Turns the expected failures around: failing is their pass, passing their fail.
    An expected failure the run never reported is a failure too, if the run selected it
    (selected: the "suite.case" names the boot ran, None for all)."""
    seen = set()
    for r in results:
        if r.name in xfail:
            seen.add(r.name)
            if r.status == "fail":
                r.status, r.reason = "pass", "failed as expected in this build: " + r.reason
                r.details = []
            elif r.status == "pass":
                r.status, r.reason = "fail", "expected to FAIL in this build, but passed"
    for name in sorted(set(xfail) - seen):
        if selected is not None and name not in selected:
            continue
        results.append(Result(name, "fail", "expected failure was not reported at all"))
    return results


def apply_xskip(results, xskip):
    """A self-test boot skips only what this build cannot run (xskip): any other skip
    fails, so a case that quietly stopped running cannot grade green; and a case in xskip
    that ran anyway fails too, so the list stays true."""
    for r in results:
        if r.status == "skip" and r.name not in xskip:
            r.status, r.reason = "fail", f"skipped ({r.reason}), but this build must run it"
        elif r.status != "skip" and r.name in xskip:
            r.status, r.reason = "fail", "expected to be skipped in this build, but it ran"
    return results


# ---- the runner's own tests: each boot must be graded as a failure, for the right reason

SELFCHECK = "ktest_selfcheck."
MARKED = (r"^WARNING: at tests/kernel/test_selfcheck\.c:\d+: ktest_selfcheck: provoked on purpose"
          r" \(expected by ktest_selfcheck\.expected_warning_is_marked\)$")


def check_reports_failures(boot, registered):
    """selftest=ktest_selfcheck: cases that fail on purpose must be reported as failing,
    with what failed; the one unmarked WARNING the kernel hides from itself must still
    fail the boot, and nothing else may."""
    got = {r.name: r for r in grade_selftest(boot, registered=registered)}
    want = {
        "passes": "pass",
        "expect_fails_then_continues": "fail",
        "assert_fails_and_stops": "fail",
        "skips": "skip",
        "leaks_preempt_count": "fail",
        "expect_fails_with_values_in_their_width": "fail",
        "expected_warning_is_marked": "pass",
        "expected_report_never_comes": "fail",
        "unexpected_warning_fails": "fail",
        "unexpected_warning_hidden": "pass",     # by the kernel; the boot fails for it
    }
    errors = [f"{n}: graded {got[SELFCHECK + n].status if SELFCHECK + n in got else 'missing'}"
              f", expected {s}" for n, s in want.items()
              if SELFCHECK + n not in got or got[SELFCHECK + n].status != s]
    details = {n: got[SELFCHECK + n].details if SELFCHECK + n in got else [] for n in want}
    if sum("EXPECTATION FAILED" in d for d in details["expect_fails_then_continues"]) != 2:
        errors.append("a failed expectation did not let the case go on to its second check")
    if any("reached after a failed assertion" in d for d in details["assert_fails_and_stops"]):
        errors.append("a failed assertion did not stop its case")
    for value in ("r == -1 (0xffffffff),", "w == -1 (0xffffffffffffffff),",
                  "b == 255 (0xff),"):
        if not any(value in d for d in details["expect_fails_with_values_in_their_width"]):
            errors.append(f"no '{value}' in the failed check of a value of its own width")
    if not any("Expected 1 BUG report(s), 0 came" in d
               for d in details["expected_report_never_comes"]):
        errors.append("an announced report that never came was not what failed its case")
    if not any("1 unexpected WARNING/BUG report(s)" in d
               for d in details["unexpected_warning_fails"]):
        errors.append("an unannounced WARNING was not what failed its case")
    if not any(re.search(MARKED, ln) for ln in boot.lines):
        errors.append("the announced WARNING's line does not carry its mark")
    if boot.rc != EXIT_FAIL:
        errors.append(f"exit status {boot.rc}, expected {EXIT_FAIL}")
    flagged = got.get("boot:" + boot.name)
    problems = flagged.reason.split("; ") if flagged else []
    unmarked = [p for p in problems if p.startswith("unexpected report: 'WARNING: at")]
    if len(unmarked) != 2 or not any("a warning no case expected" in p for p in unmarked):
        errors.append("the two unmarked WARNING lines did not each fail the boot")
    if len(problems) != len(unmarked):
        errors.append("boot flagged: " + "; ".join(p for p in problems if p not in unmarked))
    return errors


def expect_boot_failure(reason_fragment):
    def check(boot, registered):
        res = grade_selftest(boot, registered=registered)
        bad = [r for r in res if r.name.startswith("boot:")]
        if not bad:
            return ["the boot was not graded as a failure"]
        if reason_fragment not in bad[0].reason:
            return [f"graded as failure but for '{bad[0].reason}', "
                    f"expected '{reason_fragment}'"]
        return []
    return check


RUNNER_SELF_TESTS = [
    # name, cmdline, timeout, check
    ("runner.reports_failing_cases", "selftest=ktest_selfcheck", 60, check_reports_failures),
    ("runner.detects_hang", "crash=hang", 3, expect_boot_failure("hang")),
    ("runner.detects_triple_fault", "crash=triple_fault", 30,
     expect_boot_failure("triple fault")),
    ("runner.unmatched_selection_fails", "selftest=no_such_suite", 30,
     expect_boot_failure("no KTAP output")),
    # Kernels whose KTAP lies consistently (numbering and plans agree): only the image's
    # manifest, filtered by the same globs, can tell.
    ("runner.duplicate_result_fails", "selftest=boot ktest_forge=dup", 30,
     expect_boot_failure("case boot.magic_and_flags reported more than once")),
    ("runner.dropped_case_fails", "selftest=boot.m*,printk ktest_forge=drop", 30,
     expect_boot_failure("1 selected case(s) never reported: boot.memory_map")),
    ("runner.unregistered_name_fails", "selftest=boot ktest_forge=rename", 30,
     expect_boot_failure("the image does not register for this selection: "
                         "boot.magic_and_flags_forged")),
    # Every case passes by the kernel's count, but a WARNING nobody announced was printed.
    ("runner.unexpected_report_fails", "selftest=ktest_selfcheck.unexpected_warning_hidden",
     30, expect_boot_failure("unexpected report: 'WARNING: at tests/kernel/test_selfcheck.c:")),
]


def grade_self_test(boot, check, registered):
    errors = check(boot, registered)
    if not errors:
        return [Result(boot.name, "pass")]
    return [Result(boot.name, "fail", "; ".join(errors), ["last serial lines:"] + boot.tail())]
