#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.spdx: every source file of the repository names its license in its first line.

The license is LICENSE (MIT). Each source file -- C, headers, NASM, the linker script,
Python, shell, Makefiles, gdbinit, grub.cfg, the CI script, anything with a shebang --
must carry "SPDX-License-Identifier: MIT" on its first line, or on its second after a
"#!" line, in its language's comment syntax. Files are those git knows (tracked, plus new
ones not ignored, so a file a helper just added is checked before it is committed).
Prints one line per offending file, naming it; exits 1 if there is any. Standard library
only.
"""
import os
import subprocess
import sys

TAG = "SPDX-License-Identifier: MIT"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# How a license line must start, by file kind.
C_STYLE = ("// ", "/* ")
BY_EXT = {".c": C_STYLE, ".h": C_STYLE, ".ld": ("/* ",), ".asm": ("; ",),
          ".py": ("# ",), ".sh": ("# ",), ".inc": ("# ",), ".cfg": ("# ",), ".mk": ("# ",)}
BY_NAME = {"Makefile": ("# ",), "gdbinit": ("# ",)}


def repo_files():
    """Tracked files plus untracked, not-ignored ones; relative to ROOT."""
    # safe.directory: a CI checkout owned by another user than the one running the test
    out = subprocess.run(["git", "-c", "safe.directory=*", "-C", ROOT, "ls-files", "--cached",
                          "--others", "--exclude-standard", "-z"], capture_output=True,
                         check=True)
    return sorted({f for f in out.stdout.decode().split("\0") if f})


def comment_styles(path, first_line):
    """The comment prefixes allowed for path's license line, or None if it is not a
    source file (documentation, LICENSE, .gitignore)."""
    name = os.path.basename(path)
    if name in BY_NAME:
        return BY_NAME[name]
    ext = os.path.splitext(name)[1]
    if ext in BY_EXT:
        return BY_EXT[ext]
    if first_line.startswith("#!") or path.startswith(".ci/"):
        return ("# ",)
    return None


def problem(path):
    """None if path is fine (or not a source file), else what is wrong with it."""
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full):
        return None                     # deleted in the worktree, not yet in git
    with open(full, "rb") as f:
        lines = f.read(4096).decode("utf-8", "replace").split("\n")
    styles = comment_styles(path, lines[0])
    if styles is None:
        return None
    i = 1 if lines[0].startswith("#!") else 0
    line = lines[i] if i < len(lines) else ""
    where = "second line (after the #! line)" if i else "first line"
    if TAG not in line:
        return f"no '{TAG}' on its {where}"
    if not line.startswith(styles):
        return f"license line should start with {' or '.join(repr(s) for s in styles)}"
    return None


def main():
    files = repo_files()
    bad = [(f, p) for f in files for p in [problem(f)] if p]
    for f, p in bad:
        print(f"spdx: {f}: {p}")
    if bad:
        print(f"spdx: {len(bad)} source file(s) without the license line "
              f"(add '{TAG}' as in the files around them)")
        return 1
    print(f"spdx: every source file in the repository ({len(files)} files) names its license")
    return 0


if __name__ == "__main__":
    sys.exit(main())
