#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.layers, the build's side (tests/host/layer_check.py uses these): the symbols of the
objects as nm sees them, the source an object was built from, and the symbols no object
defines (linker.ld's and --defsym's, libgcc's). Standard library only.
"""
import os
import re
import subprocess


def nm(path):
    """[(name, type)] of an object or archive, from `nm -P` (POSIX format)."""
    out = subprocess.run(["nm", "-P", path], capture_output=True, text=True, check=True)
    syms = []
    for line in out.stdout.split("\n"):
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            syms.append((parts[0], parts[1]))
    return syms


def nm_objects(paths):
    """{path: [(name, type)]} of objects, from one `nm -P -A` run (POSIX format, each line
    led by its file's name)."""
    syms = {p: [] for p in paths}
    if not paths:
        return syms
    out = subprocess.run(["nm", "-P", "-A"] + sorted(paths), capture_output=True, text=True,
                         check=True)
    for line in out.stdout.split("\n"):
        path, _, rest = line.rpartition(": ")
        parts = rest.split()
        if path in syms and len(parts) >= 2:
            syms[path].append((parts[0], parts[1]))
    return syms


def object_source(root, obj_rel):
    """The source path an object was built from (obj/kernel/trap.o -> kernel/trap.c)."""
    base = obj_rel[:-2]
    for ext in (".c", ".asm"):
        if os.path.isfile(os.path.join(root, base + ext)):
            return base + ext
    return None


def linker_symbols(root):
    """Names linker.ld assigns and the Makefile's --defsym names."""
    names = set()
    for f, pat in (("linker.ld", r"^\s*([A-Za-z_]\w*)\s*=\s*[^=]"),
                   ("Makefile", r"--defsym\s+([A-Za-z_]\w*)=")):
        p = os.path.join(root, f)
        if os.path.isfile(p):
            with open(p, encoding="utf-8") as fh:
                names |= set(re.findall(pat, fh.read(), re.M))
    return names


def libgcc_symbols():
    """Symbols the -m32 libgcc defines (empty if gcc cannot say)."""
    try:
        lib = subprocess.run(["gcc", "-m32", "-print-libgcc-file-name"], capture_output=True,
                             text=True, check=True).stdout.strip()
        return {n for n, t in nm(lib) if t not in "Uuvw"} if os.path.isfile(lib) else set()
    except (OSError, subprocess.CalledProcessError):
        return set()


def symbol_line(root, path, sym):
    """The first line of path naming sym, or None."""
    pat = re.compile(r"\b" + re.escape(sym) + r"\b")
    with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            if pat.search(line):
                return lineno
    return None
