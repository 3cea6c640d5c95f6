# SPDX-License-Identifier: MIT
"""JUnit XML for CI systems (make test JUNIT=path): one <testsuite> per group of results."""
import os
import re
import time
import xml.etree.ElementTree as ET

XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(s):
    """s with the characters XML 1.0 cannot hold (a serial log may have any) escaped."""
    return XML_INVALID.sub(lambda m: f"\\x{ord(m.group()):02x}", s)

def junit_name(r):
    """(classname, name) of a result: 'traps.int3_x' -> ('traps', 'int3_x');
    a name without a dot (boot:selftest) goes under its group."""
    if "." in r.name:
        return tuple(r.name.split(".", 1))
    return (r.group or "jumper", r.name)


def write_junit(path, results, started):
    """One <testsuite> per group, in the order results came; the self-test group has one
    per KTAP suite (by suite name). Failures carry the reason as message and the details
    (last serial lines) as text; skips a <skipped>. Times are per boot or host program
    where known (self-test cases share one boot: its time is a property of their suite)."""
    suites = {}   # (group, suite name) -> [results]
    for r in results:
        group = r.group or junit_name(r)[0]
        suite = junit_name(r)[0] if group == "selftest" else group
        suites.setdefault((group, suite), []).append(r)
    root = ET.Element("testsuites", name="jumper",
                      timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)))
    totals = {"tests": 0, "failures": 0, "skipped": 0, "time": 0.0}
    for (group, suite), rs in suites.items():
        n = {"tests": len(rs), "failures": sum(r.status == "fail" for r in rs),
             "skipped": sum(r.status == "skip" for r in rs),
             "time": sum(r.seconds or 0.0 for r in rs)}
        ts = ET.SubElement(root, "testsuite", name=suite, tests=str(n["tests"]),
                           failures=str(n["failures"]), errors="0",
                           skipped=str(n["skipped"]), time=f"{n['time']:.3f}")
        props = ET.SubElement(ts, "properties")
        ET.SubElement(props, "property", name="group", value=group)
        boots = {id(r.boot): r.boot for r in rs if r.boot is not None}
        for b in boots.values():
            ET.SubElement(props, "property", name=f"boot.{b.name}",
                          value=f"cmdline '{b.cmdline}', {b.seconds:.1f} s, log {b.log}")
        for r in rs:
            classname, name = junit_name(r)
            tc = ET.SubElement(ts, "testcase", classname=classname, name=name)
            if r.seconds is not None:
                tc.set("time", f"{r.seconds:.3f}")
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
    root.set("time", f"{totals['time']:.3f}")
    ET.indent(root)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
