#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.doc_paths: every repository path the documents and the code comments name exists.

What is checked:
  documents   README.md and docs/*.md, the whole text (prose, tables, and the generated
              samples too: a gdb transcript's `at kernel/jprobe.c:LINE` is a path like any
              other). A token naming a repository folder (boot/ docs/ drivers/ include/
              iso/ kernel/ lib/ mm/ monitor/ samples/ scripts/ tests/ .ci/), or a root file
              (linker.ld, Makefile, LICENSE, README.md), must exist in the tree; a glob
              (tests/kernel/test_*.c) must match at least one file.
  line refs   `PATH:LINE` (gdb's `at PATH:LINE`) and gdb's `file PATH, line LINE` must name
              a line the file has. When the text says which function the line is in, and
              PATH is a C file, LINE must lie inside that function's definition: from the
              line naming it before its parameters down to the `}` at column 0 closing its
              body (the kernel's style puts a function's braces at column 0). The text
              says so in gdb's frame form `FUNC (ARGS) at PATH:LINE` (`at` may be wrapped
              onto the next line), in gdb's `Breakpoint N at ADDR: file PATH, line LINE`
              right after `(gdb) break FUNC`, or with a backticked `FUNC` right before the
              reference. Assembly lines are only checked to exist (the entry stubs are
              macro expansions, and gdb's names for them are not in the source).
  names       "`NAME` in `PATH`": NAME must occur in PATH, as a word.
  comments    every such path in a comment of a source file git knows (.c .h .asm .py .sh
              .ld .inc, Makefiles, gdbinit): C `/* */` and `//`, NASM `;`, `#` comments,
              and Python docstrings.
Paths of other projects that a text names on purpose (Linux's lib/test_kprobes.c ...) are in
FOREIGN below, each with where it belongs. `build/` is generated and not checked.

Prints one line per stale path (file:line: the path and what is wrong), then a summary
line; exits 1 if any path is stale. Standard library only.
"""
import glob
import io
import os
import re
import subprocess
import sys
import tokenize

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

FOLDERS = ("boot", "docs", "drivers", "include", "iso", "kernel", "lib", "mm", "monitor",
           "samples", "scripts", "tests", ".ci")
ROOT_FILES = ("linker.ld", "Makefile", "LICENSE", "README.md")

# Named on purpose, not jumper's: the path, and whose it is.
FOREIGN = {
    "lib/test_kprobes.c": "Linux's in-kernel kprobes test (named above)",
    "monitor/mwait": "the x86 instructions MONITOR and MWAIT (lib/insn/insn_classify.c)",
}

# A path token: not preceded by a word character, '/', '.', '$' or '-' (so arch/x86/lib/...
# and $(BUILD)/kernel/... are not read as lib/... or kernel/...).
PATH_RE = re.compile(r"(?<![\w./$-])((?:%s)/[\w.*+/-]*|(?:%s)\b)"
                     % ("|".join(re.escape(f) for f in FOLDERS),
                        "|".join(re.escape(f) for f in ROOT_FILES)))
LINE_RE = re.compile(r":(\d+)\b")
GDB_FILE_LINE_RE = re.compile(r", line (\d+)\b")
GDB_FRAME_RE = re.compile(r"([A-Za-z_][\w.]*) \([^()]*(?:\([^()]*\)[^()]*)*\)\s+at\s*$")
# "(gdb) break FUNC" and gdb's answer on the next line, "Breakpoint N at ADDR: file P, line L"
GDB_BREAK_RE = re.compile(r"^\(gdb\) b(?:reak)? ([A-Za-z_]\w*)\s*$")
GDB_BREAK_AT_RE = re.compile(r"^Breakpoint \d+ at 0x[0-9a-f]+: file ")
# "`NAME` in `PATH`": the text says where NAME is
NAMED_IN_RE = re.compile(r"`([A-Za-z_]\w*)(?:\(\))?` in `?$")
TICKED_FUNC_RE = re.compile(r"`([A-Za-z_]\w*)(?:\(\))?`[\s(]*(?:at\s+|in\s+)?`?$")
# The line of a C function definition, up to its name's '('
DEF_RE = re.compile(r"^[A-Za-z_][^;=]*?\b([A-Za-z_]\w*)\s*\(")

SOURCE_EXT = (".c", ".h", ".asm", ".py", ".sh", ".ld", ".inc")
HASH_NAMES = ("gdbinit",)


def git_files():
    """Tracked files plus untracked, not-ignored ones, relative to ROOT."""
    out = subprocess.run(["git", "-c", "safe.directory=*", "-C", ROOT, "ls-files", "--cached",
                          "--others", "--exclude-standard", "-z"], capture_output=True,
                         check=True)
    return sorted(f for f in set(out.stdout.decode().split("\0"))
                  if f and os.path.isfile(os.path.join(ROOT, f)))


def documents(files):
    return [f for f in files if f == "README.md" or (f.startswith("docs/") and f.endswith(".md"))]


def sources(files):
    return [f for f in files if f.endswith(SOURCE_EXT) or os.path.basename(f) in HASH_NAMES
            or os.path.basename(f).startswith("Makefile")]


# ---- comments of source files: [(line number, text)] ----

def c_comments(text):
    """The comments of C (and linker-script) text, skipping string and char literals."""
    out, i, n, line = [], 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append((line, text[i:j]))
            i = j
            continue
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k, part in enumerate(text[i:j].split("\n")):
                out.append((line + k, part))
            line += text.count("\n", i, j)
            i = j
            continue
        i += 1
    return out


def line_comments(text, mark, quotes):
    """Comments that run from mark to the end of the line (NASM ';', shell/make '#'),
    skipping the quoted strings of quotes."""
    out = []
    for no, s in enumerate(text.split("\n"), 1):
        q = None
        for k, c in enumerate(s):
            if q:
                q = None if c == q else q
            elif c in quotes:
                q = c
            elif c == mark:
                out.append((no, s[k:]))
                break
    return out


TRIPLE_RE = re.compile(r"^[rbuRBU]*(?:'{3}|\"{3})")


def py_comments(text):
    """A Python file's comments and triple-quoted strings (docstrings)."""
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT or (
                    tok.type == tokenize.STRING and TRIPLE_RE.match(tok.string)):
                for k, part in enumerate(tok.string.split("\n")):
                    out.append((tok.start[0] + k, part))
    except (tokenize.TokenError, SyntaxError):
        out = line_comments(text, "#", "\"'")
    return out


def comments(path, text):
    name = os.path.basename(path)
    if path.endswith((".c", ".h", ".ld")):
        return c_comments(text)
    if path.endswith(".asm"):
        return line_comments(text, ";", "\"'`")
    if path.endswith(".py"):
        return py_comments(text)
    return line_comments(text, "#", "" if name.startswith("Makefile") or
                         path.endswith(".inc") else "\"'")


# ---- the tree ----

class Tree:
    def __init__(self, files):
        self.files = set(files)
        self.dirs = {os.path.dirname(f) for f in files}
        for d in list(self.dirs):
            while d:
                d = os.path.dirname(d)
                self.dirs.add(d)
        self.lines = {}
        self.funcs = {}

    def exists(self, p):
        """None if p exists (a file, a folder, or a glob matching a file), else why not."""
        if any(c in p for c in "*?["):
            pat = p.rstrip("/")
            if glob.glob(os.path.join(ROOT, pat)):
                return None
            return "matches nothing"
        q = p.rstrip("/")
        if q in self.files:
            return "is a file, not a folder" if p.endswith("/") else None
        if q in self.dirs:
            return None
        return "does not exist"

    def source_lines(self, p):
        if p not in self.lines:
            with open(os.path.join(ROOT, p), encoding="utf-8", errors="replace") as f:
                self.lines[p] = f.read().split("\n")
            if self.lines[p] and self.lines[p][-1] == "":
                self.lines[p].pop()
        return self.lines[p]

    def functions(self, p):
        """{name: [(first, last)]} of a C file's function definitions, 1-based: first is
        the line naming the function, last the column-0 '}' closing its body."""
        if p in self.funcs:
            return self.funcs[p]
        found, pending, start = {}, None, None
        for no, s in enumerate(self.source_lines(p), 1):
            if start is None:
                m = DEF_RE.match(s)
                if m and not s.startswith(("#", "typedef")):
                    pending = (m.group(1), no)     # a definition, if a '{' line follows
                if s.startswith("{") and pending:
                    start = pending
                elif s.strip() == "" or s.endswith(";"):
                    pending = None                 # a declaration
            elif s.startswith("}"):
                found.setdefault(start[0], []).append((start[1], no))
                start = pending = None
        self.funcs[p] = found
        return found


REFS = {"lines": 0, "in_function": 0, "names": 0}    # what was checked, for the summary


def check_ref(tree, path, line, func):
    """None if path:line (inside func, if func) is right, else what is wrong."""
    REFS["lines"] += 1
    if path not in tree.files:
        return None     # the path itself is reported already
    n = len(tree.source_lines(path))
    if not 1 <= line <= n:
        return f"has no line {line} ({n} lines)"
    if func and path.endswith(".c"):
        REFS["in_function"] += 1
        spans = tree.functions(path).get(func)
        if not spans:
            return f"defines no function {func} (the reference says line {line} is in it)"
        if not any(a <= line <= b for a, b in spans):
            where = ", ".join(f"{a}-{b}" for a, b in spans)
            return f"line {line} is not inside {func} (lines {where})"
    return None


def scan(tree, where, no, text, prev):
    """[(where, no, path, problem)] of one line of text (prev: the line before it, for a
    gdb frame wrapped before its 'at')."""
    bad, count = [], 0
    for m in PATH_RE.finditer(text):
        p = m.group(1).rstrip(".-")
        if p in FOREIGN or p.rstrip("/") + "/" in FOREIGN:
            continue
        count += 1
        why = tree.exists(p)
        if why:
            bad.append((where, no, p, why))
            continue
        nm = NAMED_IN_RE.search(text[:m.start()])
        if nm and p in tree.files:
            REFS["names"] += 1
            if not re.search(r"\b%s\b" % re.escape(nm.group(1)),
                             "\n".join(tree.source_lines(p))):
                bad.append((where, no, p, f"does not contain {nm.group(1)} (the text says it "
                                          f"is in there)"))
        end = m.start(1) + len(p)
        lm = LINE_RE.match(text, end) or GDB_FILE_LINE_RE.match(text, end)
        if not lm:
            continue
        before = text[:m.start()]
        if text[:1].isspace() and prev is not None:    # gdb wrapped the frame's line
            before = prev + " " + before
        fm = GDB_FRAME_RE.search(before) or TICKED_FUNC_RE.search(before)
        if not fm and GDB_BREAK_AT_RE.match(text) and prev is not None:
            fm = GDB_BREAK_RE.match(prev)
        func = fm.group(1) if fm else None
        if func and "." in func:
            func = None      # an assembly local label (_start.reload_cs)
        why = check_ref(tree, p, int(lm.group(1)), func)
        if why:
            bad.append((where, no, f"{p}:{lm.group(1)}", why))
    return bad, count


def main():
    files = git_files()
    tree = Tree(files)
    bad, total = [], 0
    docs = documents(files)
    for d in docs:
        with open(os.path.join(ROOT, d), encoding="utf-8") as f:
            lines = f.read().split("\n")
        in_sample = False
        for no, s in enumerate(lines, 1):
            b, c = scan(tree, d, no, s, lines[no - 2] if no > 1 else None)
            if s.startswith("```"):
                in_sample = not in_sample and no > 1 and lines[no - 2].startswith("<!-- sample:")
            if in_sample:   # generated from the build: regenerating fixes its references
                b = [(w, n, p, why + " (a generated sample: python3 "
                      "tests/runner/docs_samples.py --update)") for w, n, p, why in b]
            bad += b
            total += c
    srcs = sources(files)
    named_in = 0
    for s in srcs:
        with open(os.path.join(ROOT, s), encoding="utf-8", errors="replace") as f:
            text = f.read()
        before = total
        prev = None
        for no, part in comments(s, text):
            b, c = scan(tree, s, no, part, prev)
            prev = part
            bad += b
            total += c
        named_in += total > before
    for where, no, p, why in bad:
        print(f"doc-paths: {where}:{no}: {p} {why}")
    what = (f"{total} paths ({REFS['lines']} line references, {REFS['in_function']} "
            f"inside a named function, {REFS['names']} names said to be in them) in "
            f"{len(docs)} documents and the comments of {named_in} of {len(srcs)} sources")
    if bad:
        print(f"doc-paths: {len(bad)} stale of {what} (fix the text, or the path moved: "
              f"name where it is now)")
        return 1
    print(f"doc-paths: {what}, all exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
