#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make mutants: proves the tests pin the probe core (issue 13, "The proof").

Each entry of tests/mutants/mutants_list.py (and mutants_exits.py) changes one line of
the core. The runner applies it in a scratch copy of the tree (build/mutants/work-N,
never the user's files), builds the kernel there, and runs the entry's tests with
tests/run.py. A mutant is "killed" when a test that passes on the unmutated tree fails;
otherwise it SURVIVED, and that is a gap in the tests. A mutant that does not build, or
whose line matches 0 or more than 1 lines, is an error of the list, not a kill. One line
per mutant, then
  N mutants, N killed, N survived
and exit status 1 if any survived or the list has errors. Python 3 standard library only.
"""
import argparse
import concurrent.futures
import fcntl
import os
import re
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from mutants_list import MUTANTS  # noqa: E402
import mutants_exits  # noqa: E402,F401  (adds its mutants to MUTANTS)
import mutants_kretprobe  # noqa: E402,F401  (issue 14's return probes)
import mutants_optprobe  # noqa: E402,F401  (issue 16's jump-optimized probes)

# Every mutant's tests, when --all-tests asks: the whole self-test boot and the oops boots.
ALL_TESTS = "--only selftest --only oops"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed(, (\d+) skipped)?$")


class ListError(Exception):
    """An entry that cannot be applied as written: the list must be fixed."""


def region(lines, within):
    """Line indexes a `within` anchor covers: from the unique line that starts with it
    (a function's or macro's first line) to the end of that function or macro."""
    starts = [i for i, ln in enumerate(lines) if ln.strip().startswith(within)]
    if len(starts) != 1:
        raise ListError(f"within {within!r} matches {len(starts)} lines")
    end = starts[0] + 1
    while end < len(lines) and lines[end].rstrip() not in ("}", "%endmacro"):
        end += 1
    return range(starts[0], min(end + 1, len(lines)))


def locate(m, text):
    """The index of the one line m changes; the match ignores indentation only."""
    lines = text.split("\n")
    span = region(lines, m["within"]) if m.get("within") else range(len(lines))
    hits = [i for i in span if lines[i].strip() == m["line"].strip()]
    if len(hits) != 1:
        where = f" within {m['within']!r}" if m.get("within") else ""
        raise ListError(f"{m['line'].strip()!r} matches {len(hits)} lines{where}")
    return lines, hits[0]


def mutate(m, text):
    lines, i = locate(m, text)
    indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
    lines[i] = indent + m["to"] if m["to"] else ""
    return "\n".join(lines)


def describe(m, lineno):
    return f"mutant {m['id']} {m['file']}:{lineno} {m['line'].strip()!r} -> {m['to']!r}"


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in out.split("\0") if f and os.path.isfile(os.path.join(ROOT, f))]


class Worker:
    """One scratch copy of the tree and its build; mutants run in it one after another."""

    def __init__(self, n, args):
        self.dir = os.path.join(args.scratch, f"work-{n}")
        self.args = args
        self.dirty = None       # the file the last mutant changed, put back before the next
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        for f in tracked_files():
            dst = os.path.join(self.dir, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, f), dst)

    def put_back(self):
        if self.dirty:
            dst = os.path.join(self.dir, self.dirty)
            shutil.copyfile(os.path.join(ROOT, self.dirty), dst)   # mtime now: rebuilt
            self.dirty = None

    def make(self, *targets, runflags=None):
        cmd = ["make", "-C", self.dir, f"THREAD_SIZE={self.args.thread_size}", *targets]
        if runflags is not None:
            cmd.append("RUNFLAGS=" + runflags)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        except subprocess.TimeoutExpired:
            return 124, "make timed out after 900 s"
        return p.returncode, p.stdout + p.stderr

    def run_tests(self, selection, tag, stop_early=False, known=()):
        """Runs a selection, the self-test boot before the oops boots (one QEMU against
        eighteen): with stop_early, a failure in the first stage that is not one of the
        known (the unmutated tree's own failures) ends the run. Returns
        the failed results, whether every stage ended with its summary line, and the
        output, which is also kept in build/mutants-logs/TAG.out of the scratch copy."""
        stages = [selection]
        if re.search(r"--only oops\b", selection) and "--only selftest" in selection:
            stages = [re.sub(r"\s*--only oops\b", "", selection), "--only oops"]
        logs = os.path.join("build", "mutants-logs", tag)
        failed, complete, outs = [], True, []
        for flags in stages:
            rc, out = self.make("test", runflags=f"{flags} --timeout {self.args.timeout} "
                                f"--logs {logs}")
            outs.append(out)
            failed += [ln.split()[1].rstrip(":") for ln in out.splitlines()
                       if ln.startswith("FAIL ")]
            complete &= any(SUMMARY.match(ln) for ln in out.splitlines())
            if stop_early and (any(f not in known for f in failed) or not complete):
                break
        os.makedirs(os.path.join(self.dir, logs), exist_ok=True)
        with open(os.path.join(self.dir, logs + ".out"), "w") as f:
            f.write("\n".join(outs))
        return failed, complete, "\n".join(outs)


def in_order(workers, tasks):
    """Runs task(worker) for each task, one per free worker; yields results in order."""
    futures = [concurrent.futures.Future() for _ in tasks]
    lock = threading.Lock()
    queue = list(zip(tasks, futures))

    def loop(w):
        while True:
            with lock:
                if not queue:
                    return
                task, fut = queue.pop(0)
            try:
                fut.set_result(task(w))
            except Exception as e:  # a crash of the runner itself: shown, not hidden
                fut.set_exception(e)
    for w in workers:
        threading.Thread(target=loop, args=(w,), daemon=True).start()
    for fut in futures:
        yield fut.result()


def group_of(name):
    head = name.split(".")[0]
    return (head, name[len(head) + 1:]) if head in ("oops", "runner", "host", "monitor") \
        else ("selftest", name)


def run_one(worker, m, baseline):
    worker.put_back()
    path = os.path.join(worker.dir, m["file"])
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(mutate(m, text))
    worker.dirty = m["file"]
    rc, out = worker.make("all")
    if rc:
        errs = [ln for ln in out.splitlines() if "error" in ln.lower()]
        return "error", "does not build: " + (errs[0].strip() if errs else f"make status {rc}")
    selection = ALL_TESTS if worker.args.all_tests else m["tests"]
    failed, complete, out = worker.run_tests(selection, "m" + m["id"], stop_early=True,
                                             known=baseline.get(selection, ()))
    new = [f for f in failed if f not in baseline.get(selection, ())]
    # Name a test case (suite.case) rather than the boot that carried it, if one failed.
    new.sort(key=lambda f: "." not in f)
    if new:
        grp, name = group_of(new[0])
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        return "killed", f"killed by {grp} {name}{more}"
    if not complete:
        tail = out.strip().splitlines()[-3:]
        return "killed", "killed: the test run ended without a result line: " + " | ".join(tail)
    return "survived", f"SURVIVED ({selection})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="mutant ids to run, comma-separated (MUTANT=07)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--thread-size", default="8192", choices=("4096", "8192"))
    ap.add_argument("-j", "--jobs", type=int, default=2, help="mutants at a time")
    ap.add_argument("--timeout", type=int, default=40, help="seconds per test boot")
    ap.add_argument("--all-tests", action="store_true",
                    help=f"run every mutant against '{ALL_TESTS}' instead of its own tests")
    ap.add_argument("--scratch", default=os.path.join(ROOT, "build", "mutants"))
    args = ap.parse_args()

    todo, errors = [], 0
    ids = set(args.only.split(",")) if args.only and args.only != "list" else None
    seen = set()
    for m in MUTANTS:
        if m["id"] in seen:
            print(f"mutant {m['id']}: LIST ERROR: duplicate id")
            errors += 1
        seen.add(m["id"])
        if ids is not None and m["id"] not in ids:
            continue
        try:
            with open(os.path.join(ROOT, m["file"])) as f:
                _, i = locate(m, f.read())
            m["lineno"] = i + 1
        except (ListError, OSError) as e:
            print(f"mutant {m['id']} {m['file']}: LIST ERROR: {e}")
            errors += 1
            continue
        if args.list or args.only == "list":
            print(f"{describe(m, m['lineno'])}\n    why:   {m['why']}\n    tests: {m['tests']}")
        elif m["tests"].startswith("unobservable:"):
            print(f"{describe(m, m['lineno'])} : {m['tests']}")
        else:
            todo.append(m)
    if ids is not None and ids - seen:
        print(f"no such mutant: {', '.join(sorted(ids - seen))}")
        errors += 1
    if args.list or args.only == "list":
        return 1 if errors else 0

    jobs = max(1, min(args.jobs, len(todo)))
    os.makedirs(args.scratch, exist_ok=True)
    lock = open(os.path.join(args.scratch, ".lock"), "w")
    try:    # two runs would share, and wipe, the same scratch copies
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"another make mutants is using {args.scratch}")
        return 1
    workers = [Worker(n, args) for n in range(jobs)] if todo else []
    # The unmutated tree first: it must build, and a test already failing there kills
    # nothing (it is reported, and counts as an error).
    selections = sorted({ALL_TESTS} if args.all_tests else {m["tests"] for m in todo})
    baseline = {}

    def unmutated(w, sel):
        rc, out = w.make("all")
        if rc:
            return None, False, out
        return w.run_tests(sel, "baseline-" + re.sub(r"[^A-Za-z0-9]+", "_", sel))

    for sel, (failed, complete, out) in zip(selections, in_order(workers, [
            lambda w, s=s: unmutated(w, s) for s in selections])):
        if failed is None:
            print("the unmutated tree does not build:\n" + out[-2000:])
            return 1
        baseline[sel] = set(failed)
        if failed or not complete:
            print(f"baseline ({sel}): fails unmutated: {', '.join(failed) or 'no result'}")
            errors += 1
    killed = survived = 0
    results = in_order(workers, [lambda w, m=m: run_one(w, m, baseline) for m in todo])
    for m, (verdict, text) in zip(todo, results):
        print(f"{describe(m, m['lineno'])} : {text}", flush=True)
        killed += verdict == "killed"
        survived += verdict == "survived"
        errors += verdict == "error"
    unobservable = sum(m["tests"].startswith("unobservable:") for m in MUTANTS
                       if ids is None or m["id"] in ids)
    if unobservable or errors:
        print(f"{unobservable} unobservable (argued in the list), {errors} list error(s)")
    print(f"{killed + survived} mutants, {killed} killed, {survived} survived")
    return 1 if survived or errors else 0


if __name__ == "__main__":
    sys.exit(main())
