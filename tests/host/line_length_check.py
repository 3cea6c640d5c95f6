#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.line_length: no line of a source file is wider than 100 columns.

The project's rule (a review rule; this check is where the tree writes it down), checked on
every source file host.spdx knows as one (C, headers, NASM, linker script, Python, shell,
Makefiles, gdbinit, grub.cfg, the CI script), so a student's editor and a review diff show
every line whole. Columns are counted as an editor shows them: a tab advances to the next
multiple of 8 (kernel style), and a character is one column however many bytes its UTF-8
takes. Documentation (.md) is prose and transcripts, not source, and is not checked.
Prints one line per offending line, "path:LINE: N columns", and a summary last. Standard
library only.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spdx_check import ROOT, comment_styles, repo_files  # noqa: E402

MAX_COLUMNS = 100
TAB = 8


def columns(line):
    """The width of line on screen, tabs expanded to multiples of TAB."""
    return len(line.expandtabs(TAB))


def long_lines(path):
    """(line number, width) of every line of path wider than MAX_COLUMNS."""
    with open(os.path.join(ROOT, path), "rb") as f:
        text = f.read().decode("utf-8", "replace")
    lines = text.split("\n")
    return [(n, w) for n, line in enumerate(lines, 1)
            for w in [columns(line.rstrip("\r"))] if w > MAX_COLUMNS]


def main():
    checked = 0
    bad = []
    for path in repo_files():
        full = os.path.join(ROOT, path)
        if not os.path.isfile(full):
            continue
        with open(full, "rb") as f:
            first = f.readline().decode("utf-8", "replace")
        if comment_styles(path, first) is None:
            continue
        checked += 1
        bad += [(path, n, w) for n, w in long_lines(path)]
    for path, n, w in bad:
        print(f"line-length: {path}:{n}: {w} columns (at most {MAX_COLUMNS})")
    if bad:
        print(f"line-length: {len(bad)} line(s) wider than {MAX_COLUMNS} columns "
              f"in {len({p for p, _, _ in bad})} file(s)")
        return 1
    print(f"line-length: every line of the {checked} source files fits in {MAX_COLUMNS} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
