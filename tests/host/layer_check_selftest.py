#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""layer_check.py --self-test: the checker on a synthetic tree, clean, then with each kind
of violation planted in turn, so host.layers cannot pass forever by checking nothing.

The synthetic tree has its own rules (SELF_RULES: folders, the two rooms of kernel/,
headers, exceptions), its own Makefile and its own docs/architecture.md, and every check
runs on it exactly as on the real tree: none is turned off for the self-test. The plants
(SELF_PLANTS): an upward include, an upward extern call (a static of the same name must not
pass for its provider), a header missing from the table, a private header included from
another folder, lib including core, an include that resolves nowhere; a source in a folder
of no room (fs, a subfolder of kernel), an object of no room, a kernel/ file in neither of its
rooms, a listed kernel/ file that is gone, a core file calling a probes symbol, a core .asm
including the probes' generated constants, FOLDER_ROOMS disagreeing with SRC_DIRS, an
allowed exception nothing uses, and wrong rows in the document's tables. It passes only if
the clean tree passes and every plant is reported with exactly the expected lines. The
tree is compiled with the host's gcc, so the calls go through a real nm. Standard library
only.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from types import SimpleNamespace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layer_check  # noqa: E402

SELF_DOC = """# synthetic

## Layout and layers

| layer | room    | folders                        | what |
|-------|---------|--------------------------------|------|
| 0     | lib     | `lib/`                         | x    |
| 1     | drivers | `drivers/`                     | x    |
| 2     | core    | `kernel/` but probes           | x    |
| 3     | probes  | the probe files of `kernel/`   | x    |
| 5     | monitor | `monitor/`                     | x    |

### The two rooms of kernel/

| room   | files of `kernel/`                              |
|--------|-------------------------------------------------|
| core   | `panic.c` `panic_private.h` `entry.asm`         |
| probes | `kprobes.c`                                     |
| probes | `kprobe-offsets.c`                              |

### Headers

| room    | public headers           |
|---------|--------------------------|
| lib     | `types.h`                |
| core    | `kernel.h`               |
| probes  | `kprobes.h`              |
| monitor | `monitor.h`              |

### The rules

| who       | uses from | what                             |
|-----------|-----------|----------------------------------|
| `drivers` | core      | header `kernel.h`, symbol `panic` |
"""
SELF_TREE = {
    "Makefile": "SRC_DIRS := lib drivers kernel monitor\n"
                "C_SRCS := $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))\n",
    "docs/architecture.md": SELF_DOC,
    "include/types.h": "typedef unsigned u32;\n",
    "include/kernel.h": '#include "types.h"\nvoid panic(const char *m);\n',
    "include/kprobes.h": "void register_kprobe(void);\n",
    "include/monitor.h": "void monitor_x(void);\n",
    "lib/string.c": '#include "types.h"\n#include <stdarg.h>\nu32 strlen2(void) { return 0; }\n',
    # a static of the same name as monitor's global: no provider of the planted call
    "lib/local.c": "static void monitor_x(void) {}\nvoid (*lib_local)(void) = monitor_x;\n",
    "drivers/serial.c": '#include "kernel.h"\nvoid serial_init(void) { panic("x"); }\n',
    "kernel/panic.c": '#include "kernel.h"\n#include "panic_private.h"\n'
                      "void panic(const char *m) { (void)m; }\n",
    "kernel/panic_private.h": "\n",
    "kernel/entry.asm": '%include "asm-offsets.inc"\n',
    "kernel/kprobes.c": '#include "kprobes.h"\n#include "kernel.h"\n'
                        'void register_kprobe(void) { panic("k"); }\n',
    "kernel/kprobe-offsets.c": '#include "kprobes.h"\n',
    "monitor/monitor.c": '#include "monitor.h"\n#include "kernel.h"\n'
                         'void monitor_x(void) { panic("m"); }\nvoid mon_probe(void) {}\n',
    "monitor/monitor_internal.h": "void mon_probe(void);\n",
}
SELF_KERNEL = {"core": {"panic.c", "panic_private.h", "entry.asm"},
               "probes": {"kprobes.c", "kprobe-offsets.c"}}
SELF_RULES = SimpleNamespace(
    folder_rooms={"lib": "lib", "drivers": "drivers", "kernel": SELF_KERNEL,
                  "monitor": "monitor"},
    header_rooms={"types.h": "lib", "kernel.h": "core", "kprobes.h": "probes",
                  "monitor.h": "monitor"},
    generated={"asm-offsets.inc": "kernel/panic.c", "kprobe-offsets.inc":
               "kernel/kprobe-offsets.c"},
    allowed_headers={("drivers", "kernel.h"): "synthetic"},
    allowed_symbols={("drivers", "panic"): "synthetic"})
DOC = "docs/architecture.md"
STALE_ROW = "| `drivers` | core | symbol `schedule` |\n"
# (file, text to replace ("" appends), replacement, {rule: value} overrides, the fragments
# the failure lines must contain, one line each, no other line)
SELF_PLANTS = [
    ("kernel/panic.c", "", '#include "monitor.h"\n', {},
     ["kernel/panic.c:4: core includes monitor.h (monitor)"]),
    ("lib/string.c", "", "extern void monitor_x(void);\nvoid up(void) { monitor_x(); }\n", {},
     ["lib/string.c:4: lib uses monitor_x, defined in monitor/monitor.c (monitor)"]),
    ("include/new.h", "", "\n", {}, ["include/new.h: has no room"]),
    ("monitor/spy.c", "", '#include "../kernel/panic_private.h"\n', {},
     ["monitor/spy.c:1: monitor includes ../kernel/panic_private.h, private to kernel/"]),
    ("lib/string.c", "", '#include "kernel.h"\n', {},
     ["lib/string.c:4: lib includes kernel.h (core)"]),
    ("drivers/serial.c", "", '#if 0\n#include "nowhere.h"\n#endif\n', {},
     ["drivers/serial.c:4: drivers includes nowhere.h, which is neither"]),
    ("fs/foo.c", "", "int foo;\n", {}, ["fs/foo.c: fs/ is in no room: add its folder"]),
    ("kernel/sub/foo.c", "", '#include "../../monitor/monitor_internal.h"\n'
     "void f(void) { mon_probe(); }\n", {},
     ["kernel/sub/foo.c: kernel/sub/ is in no room",
      "kernel/sub/foo.c:1: (no room) includes ../../monitor/monitor_internal.h, private to"
      " monitor/"]),
    ("scripts/tool.c", "", "int tool;\n", {},
     ["/scripts/tool.o: the object of scripts/tool.c is in no room"]),
    ("kernel/kretprobe.c", "", "int kretprobe;\n", {},
     ["kernel/kretprobe.c: kernel/ holds the rooms core and probes, and this file is in"
      " neither"]),
    (DOC, "`entry.asm`", "`entry.asm` `gone.c`",
     {"folder_rooms": dict(SELF_RULES.folder_rooms, kernel=dict(
         SELF_KERNEL, core=SELF_KERNEL["core"] | {"gone.c"}))},
     ["kernel/gone.c: listed in FOLDER_ROOMS['kernel'] (core) but not in the tree"]),
    ("kernel/panic.c", "", "extern void register_kprobe(void);\n"
     "void p2(void) { register_kprobe(); }\n", {},
     ["kernel/panic.c:4: core uses register_kprobe, defined in kernel/kprobes.c (probes)"]),
    ("kernel/entry.asm", "", '%include "kprobe-offsets.inc"\n', {},
     ["kernel/entry.asm:2: core includes kprobe-offsets.inc (probes)"]),
    ("Makefile", "monitor\n", "monitor mm\n", {},
     ["Makefile: SRC_DIRS builds mm/, which FOLDER_ROOMS"]),
    (DOC, "", STALE_ROW,
     {"allowed_symbols": {**SELF_RULES.allowed_symbols, ("drivers", "schedule"): "x"}},
     ["allowed symbol schedule for drivers is no longer used"]),
    (DOC, "| core    | `kernel.h`", "| lib     | `kernel.h`", {},
     [f"{DOC}: the header table puts kernel.h in lib, the test in core"]),
    (DOC, "| probes | `kprobes.c`", "| core   | `kprobes.c`", {},
     [f"{DOC}: the kernel/ table puts kernel/kprobes.c in core, the test in probes"]),
    (DOC, "`monitor/`", "`mon/`", {},
     [f"{DOC}: the folder table puts mon in monitor, the test in no room",
      f"{DOC}: the folder table puts monitor in no room, the test in monitor"]),
    (DOC, "header `kernel.h`, ", "", {},
     [f"{DOC}: the exception table does not list header kernel.h for drivers"]),
]


def build_tree(root, objdir, cache):
    """Compiles every .c of root (SKIP_DIRS too) into objdir, as a build would (host gcc).
    cache maps (path, text, headers) to the object's bytes: most files are the same in
    every plant, and so are the headers (part of the key, so a changed header recompiles)."""
    headers = []
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".h"):
                with open(os.path.join(d, f), encoding="utf-8") as fh:
                    headers.append((os.path.join(d, f)[len(root):], fh.read()))
    headers = tuple(sorted(headers))
    for d, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".c") or d.startswith(objdir):
                continue
            path = os.path.relpath(os.path.join(d, f), root)
            obj = os.path.join(objdir, path[:-2] + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            with open(os.path.join(root, path), encoding="utf-8") as fh:
                key = (path, fh.read(), headers)
            if key not in cache:
                subprocess.run(["gcc", "-c", "-ffreestanding", "-I" + os.path.join(root,
                                "include"), os.path.join(root, path), "-o", obj], check=True)
                with open(obj, "rb") as fh:
                    cache[key] = fh.read()
            with open(obj, "wb") as fh:
                fh.write(cache[key])


def planted(plant):
    """(tree, rules) with plant (None: the clean tree) applied."""
    tree, rules = dict(SELF_TREE), SELF_RULES
    if plant:
        path, old, new, over, _ = plant
        text = tree.get(path, "")
        if old and text.count(old) != 1:
            raise ValueError(f"self-test plant: {old!r} not once in {path}")
        tree[path] = text.replace(old, new) if old else text + new
        rules = SimpleNamespace(**dict(vars(SELF_RULES), **over))
    return tree, rules


def self_test():
    """0 if the clean synthetic tree passes and every planted violation is reported."""
    failures, cache = [], {}
    for n, plant in enumerate([None] + SELF_PLANTS):
        tmp = tempfile.mkdtemp(prefix="layers-self-")
        try:
            tree, rules = planted(plant)
            for path, text in tree.items():
                os.makedirs(os.path.join(tmp, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(tmp, path), "w", encoding="utf-8") as f:
                    f.write(text)
            objdir = os.path.join(tmp, "obj")
            build_tree(tmp, objdir, cache)
            summary, bad = layer_check.check(tmp, objdir, rules)
            want = plant[4] if plant else []
            missed = [w for w in want if not any(w in b for b in bad)]
            if plant is None and bad:
                failures.append(f"the clean tree failed: {bad}")
            elif missed:
                failures.append(f"plant {n} ({plant[0]}): not found {missed}; got {bad}")
            elif len(bad) != len(want):
                failures.append(f"plant {n} ({plant[0]}): {len(want)} line(s) expected, got {bad}")
        finally:
            shutil.rmtree(tmp)
    for f in failures:
        print(f"self-test: {f}")
    print(f"layers self-test: {len(SELF_PLANTS)} planted violations, "
          + (f"{len(failures)} missed" if failures else "each found, the clean tree passes"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(self_test())
