#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""layer_check.py --self-test: the checker on a synthetic tree, clean, then with each kind
of violation planted in turn (an upward include, an upward extern call, a header missing
from the table, a private header included from another folder, lib including core, an
include that resolves nowhere; a static of the same name as the callee must not pass for
its provider). It passes only if the clean tree passes and every plant is reported, once,
with the expected line, so host.layers cannot pass forever by checking nothing. The tree
is compiled with the host's gcc, so the calls go through a real nm. Standard library
only.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layer_check  # noqa: E402

SELF_TREE = {
    "include/types.h": "typedef unsigned u32;\n",
    "include/kernel.h": '#include "types.h"\nvoid panic(const char *m);\n',
    "include/monitor.h": "void monitor_x(void);\n",
    "lib/string.c": '#include "types.h"\n#include <stdarg.h>\nu32 strlen2(void) { return 0; }\n',
    # a static of the same name as monitor's global: no provider of the planted call
    "lib/local.c": "static void monitor_x(void) {}\nvoid (*lib_local)(void) = monitor_x;\n",
    "drivers/serial.c": '#include "kernel.h"\nvoid serial_init(void) { panic("x"); }\n',
    "kernel/panic.c": '#include "kernel.h"\n#include "panic_private.h"\n'
                      "void panic(const char *m) { (void)m; }\n",
    "kernel/panic_private.h": "\n",
    "monitor/monitor.c": '#include "monitor.h"\n#include "kernel.h"\n'
                         'void monitor_x(void) { panic("m"); }\n',
}
SELF_HEADERS = {"types.h": "lib", "kernel.h": "core", "monitor.h": "monitor"}
# (file, text appended, a fragment the failure lines must contain)
SELF_PLANTS = [
    ("kernel/sched.c", '#include "monitor.h"\n',
     "kernel/sched.c:1: core includes monitor.h (monitor)"),
    ("lib/string.c", "extern void monitor_x(void);\nvoid up(void) { monitor_x(); }\n",
     "lib/string.c:4: lib uses monitor_x, defined in monitor/monitor.c (monitor)"),
    ("include/new.h", "\n", "include/new.h: has no room"),
    ("monitor/spy.c", '#include "../kernel/panic_private.h"\n',
     "monitor/spy.c:1: monitor includes ../kernel/panic_private.h, private to kernel/"),
    ("lib/string.c", '#include "kernel.h"\n', "lib/string.c:4: lib includes kernel.h (core)"),
    ("drivers/serial.c", '#if 0\n#include "nowhere.h"\n#endif\n',
     "drivers/serial.c:4: drivers includes nowhere.h, which is neither"),
]


def build_tree(root, objdir):
    """Compiles every .c of root into objdir, as the Makefile would (host gcc)."""
    for path in layer_check.sources(root):
        if path.endswith(".c"):
            obj = os.path.join(objdir, path[:-2] + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            subprocess.run(["gcc", "-c", "-ffreestanding", "-I" + os.path.join(root, "include"),
                            os.path.join(root, path), "-o", obj], check=True)


def self_test():
    """0 if the clean synthetic tree passes and every planted violation is reported."""
    failures = []
    for plant in [None] + SELF_PLANTS:
        tmp = tempfile.mkdtemp(prefix="layers-self-")
        try:
            tree = dict(SELF_TREE)
            if plant:
                tree[plant[0]] = tree.get(plant[0], "") + plant[1]
            for path, text in tree.items():
                os.makedirs(os.path.join(tmp, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(tmp, path), "w", encoding="utf-8") as f:
                    f.write(text)
            objdir = os.path.join(tmp, "obj")
            build_tree(tmp, objdir)
            summary, bad = layer_check.check(tmp, objdir, SELF_HEADERS)
            if plant is None and bad:
                failures.append(f"the clean tree failed: {bad}")
            elif plant and not any(plant[2] in b for b in bad):
                failures.append(f"planted {plant[0]} not found (wanted '{plant[2]}'); got {bad}")
            elif plant and len(bad) != 1:
                failures.append(f"planted {plant[0]}: one violation expected, got {bad}")
        finally:
            shutil.rmtree(tmp)
    for f in failures:
        print(f"self-test: {f}")
    print(f"layers self-test: {len(SELF_PLANTS)} planted violations, "
          + (f"{len(failures)} missed" if failures else "each found, the clean tree passes"))
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(self_test())
