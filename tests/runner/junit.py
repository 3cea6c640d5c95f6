# SPDX-License-Identifier: MIT
"""JUnit XML for CI systems (make test JUNIT=path): one <testsuite> per group of results,
the self-tests one per KTAP suite."""
import os
import re
import time
import xml.etree.ElementTree as ET

XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s):
    """s with the characters XML 1.0 cannot hold (a serial log may have any) escaped."""
    return XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def junit_suite(r):
    """(testsuite name, case name) of a result. Self-test cases go under their KTAP suite
    as selftest.SUITE ('traps.int3_x' -> ('selftest.traps', 'int3_x')), so a KTAP suite
    can never merge with a runner group of the same name (the boot suite, the boot group);
    every other result under its group ('boot.demo' -> ('boot', 'demo')); a name without
    a dot (boot:selftest, the boot's own verdict) keeps its whole name."""
    group = r.group or r.name.split(".", 1)[0]
    head, dot, tail = r.name.partition(".")
    if group == "selftest":
        return (f"selftest.{head}", tail) if dot else ("selftest", r.name)
    return (group, tail if dot and head == group else r.name)


def suite_time(rs):
    """Wall-clock seconds of a group of results: from the first start to the last end
    where they carry their start (they may have run in parallel, so their times would not
    add up), else the sum of their times (a KTAP suite's cases ran one after the other);
    None if none was timed."""
    timed = [(r.started, r.started + r.seconds) for r in rs
             if r.started is not None and r.seconds is not None]
    if timed:
        return max(e for _, e in timed) - min(s for s, _ in timed)
    times = [r.seconds for r in rs if r.seconds is not None]
    return sum(times) if times else None


def write_junit(path, results, started):
    """One <testsuite> per group, in the order results came; the self-test group has one
    per KTAP suite. Failures carry the reason as message and the details (last serial
    lines) as text; skips a <skipped>. A case's time is what was measured for it (a boot,
    a host program, a monitor session, or a KTAP case by the duration the kernel printed)
    and is left out where nothing was; a suite's time is suite_time, the whole report's the
    run's wall time since started (time.time())."""
    suites = {}   # testsuite name -> [results]
    for r in results:
        suites.setdefault(junit_suite(r)[0], []).append(r)
    root = ET.Element("testsuites", name="jumper",
                      timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)))
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite, rs in suites.items():
        n = {"tests": len(rs), "failures": sum(r.status == "fail" for r in rs),
             "skipped": sum(r.status == "skip" for r in rs)}
        ts = ET.SubElement(root, "testsuite", name=suite, tests=str(n["tests"]),
                           failures=str(n["failures"]), errors="0",
                           skipped=str(n["skipped"]))
        if suite_time(rs) is not None:
            ts.set("time", f"{suite_time(rs):.3f}")
        props = ET.SubElement(ts, "properties")
        ET.SubElement(props, "property", name="group", value=rs[0].group or suite)
        boots = {id(r.boot): r.boot for r in rs if r.boot is not None}
        for b in boots.values():
            ET.SubElement(props, "property", name=f"boot.{b.name}",
                          value=f"cmdline '{b.cmdline}', {b.seconds:.1f} s, log {b.log}")
        for r in rs:
            tc = ET.SubElement(ts, "testcase", classname=suite, name=junit_suite(r)[1])
            if r.seconds is not None:
                tc.set("time", f"{r.seconds:.6f}")   # KTAP cases: to the microsecond
            if r.status == "fail":
                text = list(r.details)
                if r.boot is not None:
                    text.append(f"({r.boot.name}: {r.boot.seconds:.1f} s, log {r.boot.log})")
                ET.SubElement(tc, "failure", message=xml_text(r.reason or "failed"),
                              type="failure").text = xml_text("\n".join(text))
            elif r.status == "skip":
                ET.SubElement(tc, "skipped", message=xml_text(r.reason))
            elif r.reason:
                ET.SubElement(tc, "system-out").text = xml_text(r.reason)
        for k in totals:
            totals[k] += n[k]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{time.time() - started:.3f}")
    ET.indent(root)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
