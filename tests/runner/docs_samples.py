#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The documents' sample outputs and figures, checked against (or regenerated from) the
current kernel. `make test` runs the check as host.docs_samples.

Two kinds of marks in README.md and docs/*.md (invisible when the markdown is rendered):

  <!-- sample: NAME -->           the fenced block (or markdown table) right below it is
  ```                              generated: SAMPLES[NAME] in tests/runner/docs_specs.py says from
  ...                              which run and which lines
  ```
  text <!-- fig: NAME -->536<!-- /fig --> text
                                   a figure in prose: FIGURES / figure() in docs_specs.py

Check mode (the default) regenerates every mark from real runs of --kernel
(tests/runner/docs_sources.py: a demo+monitor boot, a kprobes_diff boot, bench.py --profile, the
test lists, gdb) and fails, naming file and line, where a document differs. Transcripts
are compared with addresses, symbol sizes and source line numbers normalized (they move
with every code change and differ between THREAD_SIZE builds); everything else -- every
message, every count, every bench figure -- must match exactly. --update rewrites the
marks in place with the exact current output (run it on the default build, THREAD_SIZE=
8192, after merging: `python3 tests/runner/docs_samples.py --update`). A mark without a spec, a
spec without a mark, and a run figure left unmarked in prose are errors too.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import docs_specs  # noqa: E402
from docs_specs import normalize  # noqa: E402
from docs_sources import Sources, SourceError  # noqa: E402

SAMPLE_MARK = re.compile(r"^<!-- sample: ([\w.-]+) -->$")
FIG_MARK = re.compile(r"<!-- fig: ([\w.+-]+) -->(.*?)<!-- /fig -->")


def documents():
    docs = [os.path.join(ROOT, "README.md")]
    ddir = os.path.join(ROOT, "docs")
    docs += sorted(os.path.join(ddir, f) for f in os.listdir(ddir) if f.endswith(".md"))
    return docs


def find_marks(path, lines):
    """[(kind, name, first, end)]: a sample's content is lines[first:end]; a figure is on
    line first (end unused). Raises ValueError for a sample mark with no block below."""
    marks = []
    i = 0
    while i < len(lines):
        m = SAMPLE_MARK.match(lines[i])
        if m:
            if i + 1 < len(lines) and lines[i + 1].startswith("```"):
                end = i + 2
                while end < len(lines) and not lines[end].startswith("```"):
                    end += 1
                if end == len(lines):
                    raise ValueError(f"{path}:{i + 2}: sample {m[1]}: unclosed ``` block")
                marks.append(("sample", m[1], i + 2, end))
                i = end + 1
                continue
            if i + 1 < len(lines) and lines[i + 1].startswith("|"):
                end = i + 1
                while end < len(lines) and lines[end].startswith("|"):
                    end += 1
                marks.append(("sample", m[1], i + 1, end))
                i = end
                continue
            raise ValueError(f"{path}:{i + 1}: sample {m[1]}: no ``` block or table below")
        for f in FIG_MARK.finditer(lines[i]):
            marks.append(("fig", f[1], i, None))
        i += 1
    return marks


def unmarked_figures(path, lines):
    """Figures a run produces that sit in prose without a mark: errors."""
    errors = []
    fence = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
            continue
        if fence or line.startswith("|"):
            continue
        for span in re.findall(r"`[^`]*`", line):
            if "<!-- fig:" in span:
                errors.append(f"{path}:{i + 1}: a figure mark inside a code span ({span}): "
                              f"markdown would show the mark; move it out of the backticks")
        bare = FIG_MARK.sub("", line)
        for pat in docs_specs.MUST_BE_MARKED:
            m = re.search(pat, bare)
            if m:
                errors.append(f"{path}:{i + 1}: unmarked figure '{m[0]}' (mark it: "
                              f"<!-- fig: NAME -->...<!-- /fig -->)")
    return errors


def process(src, update):
    """Checks (or rewrites) every document. Returns (errors, samples, figures, changed)."""
    errors, used, counts, changed = [], set(), {"sample": 0, "fig": 0}, []
    for path in documents():
        rel = os.path.relpath(path, ROOT)
        with open(path) as f:
            lines = f.read().split("\n")
        try:
            marks = find_marks(rel, lines)
        except ValueError as e:
            errors.append(str(e))
            continue
        errors += unmarked_figures(rel, lines)
        new = list(lines)
        # Replace from the bottom up so earlier line numbers stay valid.
        for kind, name, first, end in reversed(marks):
            counts[kind] += 1
            used.add((kind, name))
            try:
                if kind == "sample":
                    errors += do_sample(src, rel, name, new, first, end, update)
                else:
                    errors += do_figure(src, rel, name, new, first, update)
            except (SourceError, KeyError, ValueError) as e:
                errors.append(f"{rel}:{first + 1}: {kind} {name}: {e}")
        if update and new != lines:
            with open(path, "w") as f:
                f.write("\n".join(new))
            changed.append(rel)
    for name in sorted(set(docs_specs.SAMPLES) - {n for k, n in used if k == "sample"}):
        errors.append(f"sample {name} is defined in tests/runner/docs_specs.py but no document "
                      f"marks it")
    return errors, counts["sample"], counts["fig"], changed


def do_sample(src, rel, name, lines, first, end, update):
    spec = docs_specs.SAMPLES.get(name)
    if spec is None:
        return [f"{rel}:{first}: sample {name}: no such sample in tests/runner/docs_specs.py"]
    want = [ln.rstrip() for ln in spec.generate(src)]    # trailing blanks: invisible
    have = lines[first:end]
    if update:
        lines[first:end] = want
        return []
    norm = spec.normalize if callable(spec.normalize) else \
        normalize if spec.normalize else (lambda s: s)
    if [norm(x) for x in have] == [norm(x) for x in want]:
        return []
    for k in range(max(len(have), len(want))):
        a = have[k] if k < len(have) else "(nothing)"
        b = want[k] if k < len(want) else "(nothing)"
        if k >= len(have) or k >= len(want) or norm(a) != norm(b):
            return [f"{rel}:{first + k + 1}: sample {name} differs from the current kernel"
                    f" ({'addresses normalized' if spec.normalize else 'exact'}):\n"
                    f"    doc:    {a}\n    kernel: {b}"]
    return []


def do_figure(src, rel, name, lines, i, update):
    want = docs_specs.figure(src, name)
    errors = []

    def repl(m):
        if m[1] != name:
            return m[0]
        norm = docs_specs.figure_normalizer(name) or (lambda v: v)
        if norm(m[2]) != norm(want):
            errors.append(f"{rel}:{i + 1}: figure {name} is {m[2]!r} in the text, "
                          f"{want!r} in the current kernel")
        return f"<!-- fig: {name} -->{want}<!-- /fig -->"
    lines[i] = FIG_MARK.sub(repl, lines[i])
    return [] if update else errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "ts8192", "jumper.elf"),
                    help="the kernel ELF (default: the default build's)")
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--logs", default=None, help="where the runs' serial logs go "
                    "(default: the kernel's build directory, logs/)")
    ap.add_argument("--host-dir", default=os.path.join(ROOT, "build", "host"))
    ap.add_argument("--update", action="store_true",
                    help="rewrite the marked samples and figures from the current kernel")
    ap.add_argument("--bench-from", metavar="DIR",
                    help="the bench figures from `bench.py --check --save DIR` (make test "
                         "runs it just before) instead of a bench run of its own")
    args = ap.parse_args()
    # Paths as make passes them (relative to the repository): the kernel's own path is
    # part of the command line it prints.
    args.kernel = os.path.relpath(os.path.abspath(args.kernel), ROOT)
    os.chdir(ROOT)
    if not os.path.exists(args.kernel):
        print(f"docs-samples: no kernel {args.kernel} (run make first)")
        return 1
    if "-pagebound" in os.path.dirname(args.kernel) and not args.update:
        # The 2004 bug, built on purpose (make test JPROBE_STACK_BOUND=page): its jprobe
        # costs differ, and the documents describe the normal build.
        print(f"docs-samples: not checked against {args.kernel}: the documents describe the "
              f"normal build, not the JPROBE_STACK_BOUND=page demonstration")
        return 0
    logs = args.logs or os.path.join(os.path.dirname(args.kernel), "logs")
    src = Sources(args.kernel, args.qemu, logs, args.host_dir, args.bench_from)
    errors, samples, figures, changed = process(src, args.update)
    for e in errors:
        print("docs-samples: " + e)
    if errors:
        print(f"docs-samples: {len(errors)} problem(s) in the documents' samples and figures"
              + ("" if args.update else "; `python3 tests/runner/docs_samples.py --update` "
                 "rewrites samples and figures from the default build"))
        return 1
    if args.update:
        print(f"docs-samples: {samples} samples and {figures} figures regenerated from "
              f"{args.kernel}; changed: {', '.join(changed) or 'nothing'}")
    else:
        print(f"docs-samples: {samples} samples and {figures} figures in "
              f"{len(documents())} documents match {args.kernel} (addresses normalized)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
