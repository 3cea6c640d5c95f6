#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.layers: includes and calls only point down (docs/architecture.md, "Layout and layers").

The kernel's source is cut into rooms, lowest first: lib, drivers, core, probes, samples,
monitor, tests. A room may use its own room and the rooms below it, never one above,
except for the few uses named in ALLOWED_HEADERS and ALLOWED_SYMBOLS (each explained in
architecture.md). Three things are checked:

  * rooms: every .c, .h and .asm of the tree (folders walked recursively; SKIP_DIRS hold
    host code and build output) must be in a room: its folder in FOLDER_ROOMS (which must
    name the same folders as the Makefile's SRC_DIRS), and in kernel/, which holds two
    rooms, its name in one of KERNEL_ROOMS' lists. A file in no room fails, so a new
    folder or a new kernel/ file is placed on purpose, never passed over unseen.
  * includes: every `#include` (and NASM `%include`) of every source file, resolved as
    the compiler does ("x.h" beside the file first, then include/). A header in include/
    belongs to the room HEADER_ROOMS names (one missing from the table is a failure: add
    it); a header beside its .c is that folder's private header and may be included only
    from that folder. The compiler's freestanding headers (stdarg.h ...) are free to all.
  * calls: `nm` on every object of the build (OBJDIR, e.g. build/ts8192/obj), every
    undefined symbol mapped to the object that defines it. This sees what the include
    graph cannot: a hand-written `extern`, a call from assembly. Symbols the linker
    script or --defsym define belong to core (the image layout); libgcc's belong to lib.
    An object must be in a room as its source is (the build's kallsyms.o: core).

Each violation is one line, `path:line: ROOM includes HEADER (ROOM)` or `path:line: ROOM
uses SYMBOL, defined in PATH (ROOM)`. An allowed exception the tree no longer uses is a
failure too, so the list stays exact; and docs/architecture.md's folder, kernel/, header
and exception tables must say exactly what FOLDER_ROOMS, KERNEL_ROOMS, HEADER_ROOMS and
ALLOWED_* say (tests/host/layer_check_doc.py). The last line is the summary. --self-test
runs every one of these checks on a small synthetic tree (its own tables, Makefile and
document) with planted violations and demands that each be found (and that the clean tree
passes), so the check cannot pass forever by checking nothing. Standard library only.

usage: layer_check.py [--root DIR] OBJDIR      (exit 0: all point down)
       layer_check.py --self-test
"""
import argparse
import os
import re
import sys
from types import SimpleNamespace

from layer_check_nm import libgcc_symbols, linker_symbols, nm_objects, object_source, symbol_line

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

ROOMS = ["lib", "drivers", "core", "probes", "samples", "monitor", "tests"]
RANK = {r: i for i, r in enumerate(ROOMS)}

# kernel/ holds the core and the probes side by side (the user named both there), so each
# of its files is listed in one room by name: a new one (kretprobe.c, optprobe.c) fails
# until it is placed on purpose. The *-offsets.c generators are compiled, never linked.
KERNEL_ROOMS = {
    "core": {"entry.asm", "idt.c", "gdt.c", "trap.c", "irq.c", "stacktrace.c", "panic.c",
             "printk.c", "main.c", "multiboot.c", "kallsyms.c", "sched.c", "kthread.c",
             "switch.asm", "asm-offsets.c"},
    "probes": {"kprobes.c", "kprobe_register.c", "kprobe_fault.c", "kprobe_insn_slots.c",
               "probe_point.c", "text_poke.c", "jprobe.c", "kprobes_internal.h",
               "kprobe_aggr.c", "kprobe_batch.c",
               "kprobe-offsets.c", "kretprobe.c", "kretprobe_register.c",
               "kretprobe_trampoline.asm", "optprobe.c", "optprobe_prepare.c",
               "optprobe_template.asm", "optprobe_stacks.c"},
}
# Every folder that holds kernel sources (the same as the Makefile's SRC_DIRS, plus the
# folders of the sources it names one by one: boot/), and its room, or for a folder of
# several rooms, {room: file names}.
FOLDER_ROOMS = {"lib": "lib", "lib/insn": "lib", "drivers": "drivers", "boot": "core",
                "kernel": KERNEL_ROOMS, "mm": "core", "samples": "samples",
                "monitor": "monitor", "tests/kernel": "tests", "tests/bench": "tests"}
# Not walked: host code (never linked into the kernel), build output, documents.
SKIP_DIRS = {"build", "tests/host", "tests/runner", "scripts", "docs", "iso", ".git"}

# Every public header, by the room whose code it declares.
HEADER_ROOMS = {
    # lib: types, compiler attributes, errno, string, vsnprintf, setjmp, the decoder
    "types.h": "lib", "compiler.h": "lib", "errno.h": "lib", "string.h": "lib",
    "sprintf.h": "lib", "setjmp.h": "lib", "insn.h": "lib",
    # drivers: port I/O, the PIC, the PIT (jiffies), the UARTs, QEMU's exit device
    "io.h": "drivers", "pic.h": "drivers", "timer.h": "drivers", "serial.h": "drivers",
    "qemu_exit.h": "drivers",
    # core: the CPU and its traps, interrupts, memory, threads, symbols, the console
    "processor.h": "core", "irqflags.h": "core", "ptrace.h": "core", "desc.h": "core",
    "gdt.h": "core", "traps.h": "core", "trapnr.h": "core", "irq.h": "core", "mm.h": "core",
    "slab.h": "core",
    "thread_info.h": "core", "preempt.h": "core", "sched.h": "core", "stacktrace.h": "core",
    "kallsyms.h": "core", "multiboot.h": "core", "printk.h": "core", "kernel.h": "core",
    "init.h": "core", "kbuild.h": "core",
    # probes
    "kprobes.h": "probes", "jprobes.h": "probes", "probe_point.h": "probes",
    "text_poke.h": "probes", "kretprobes.h": "probes",
    "optprobes.h": "probes",
    # samples, monitor
    "demo.h": "samples", "readline.h": "monitor", "monitor.h": "monitor",
}
# Generated into the build directory (NASM -I$(BUILD)/gen/): name -> the file it is
# generated from, whose room it has: the constants the .asm files share with C, defined
# once; the core's and the probes' apart, so a core .asm cannot use a probe constant unseen.
GENERATED_HEADERS = {"asm-offsets.inc": "kernel/asm-offsets.c",
                     "kprobe-offsets.inc": "kernel/kprobe-offsets.c"}
# Objects the build generates in OBJDIR's top: their room (None: not in the image).
GENERATED_OBJECTS = {"kallsyms.o": "core", "kallsyms_empty.o": None}  # None: pass 1's
# The compiler's own freestanding headers (C11 4p6): every room may use them.
TOOLCHAIN_HEADERS = {"stdarg.h", "stdbool.h", "stddef.h", "stdint.h", "stdalign.h",
                     "stdnoreturn.h", "float.h", "iso646.h", "limits.h"}

# The named exceptions: (who, what) -> why. who is a room or a source path; what is a
# header (includes) or a symbol (calls). Each is explained in docs/architecture.md.
DRIVER_CORE = "drivers use core services, as Linux drivers do"
ALLOWED_HEADERS = {
    ("drivers", "kernel.h"): DRIVER_CORE + ": panic, BUG_ON, WARN_ON",
    ("drivers", "printk.h"): DRIVER_CORE + ": printk",
    ("drivers", "irq.h"): DRIVER_CORE + ": request_irq, struct irq handlers",
    ("drivers", "irqflags.h"): DRIVER_CORE + ": local_irq_save/restore",
    ("drivers", "ptrace.h"): DRIVER_CORE + ": the pt_regs an interrupt handler gets",
    ("drivers", "sched.h"): DRIVER_CORE + ": the scheduler's tick, wait and wake",
    ("kernel/main.c", "kprobes.h"): "kmain brings every layer up: init_kprobes",
}
ALLOWED_SYMBOLS = {
    ("drivers", "printk"): DRIVER_CORE + ": the console",
    ("drivers", "panic"): DRIVER_CORE + ": a device the boot cannot go on without",
    ("drivers", "request_irq"): DRIVER_CORE + ": the PIT's and the UART's handlers",
    ("drivers", "free_irq"): DRIVER_CORE + ": the UART goes back to polling",
    ("drivers", "scheduler_tick"): "the timer interrupt drives the scheduler, as in Linux",
    ("drivers", "wake_up_process"): DRIVER_CORE + ": the UART wakes its blocked reader",
    ("drivers", "schedule"): DRIVER_CORE + ": a reader blocks until input",
    ("drivers", "schedule_timeout"): DRIVER_CORE + ": a reader waits with a timeout",
    ("drivers", "yield"): DRIVER_CORE + ": a polling reader gives the CPU away",
    ("kernel/main.c", "init_kprobes"): "kmain brings every layer up",
}
LINKER_ROOM = "core"    # linker.ld's section markers and --defsym: the image layout
LIBGCC_ROOM = "lib"     # __udivdi3 and friends: the compiler's runtime library

# The tables one check runs with: this tree's, or the self-test's synthetic ones.
RULES = SimpleNamespace(folder_rooms=FOLDER_ROOMS, header_rooms=HEADER_ROOMS,
                        generated=GENERATED_HEADERS, allowed_headers=ALLOWED_HEADERS,
                        allowed_symbols=ALLOWED_SYMBOLS)

INCLUDE = re.compile(r'^\s*[#%]\s*include\s*([<"])([^>"]+)[>"]')
SOURCE_EXT = (".c", ".h", ".asm")


def room_of(path, rules=RULES):
    """The room of a source path (relative, '/'-separated), or None if it is in none: a
    public header's from rules.header_rooms, a file's from its folder in
    rules.folder_rooms (in a folder of several rooms, the one listing its name)."""
    folder, name = os.path.split(path)
    if folder == "include":
        return rules.header_rooms.get(name)
    rooms = rules.folder_rooms.get(folder)
    if isinstance(rooms, dict):
        return next((r for r, names in sorted(rooms.items()) if name in names), None)
    return rooms


def unplaced(path, rules):
    """The failure line for a source in no room (None if it has one)."""
    folder = os.path.dirname(path)
    rooms = rules.folder_rooms.get(folder)
    if room_of(path, rules) is not None:
        return None
    if folder == "include":
        return (f"{path}: has no room: add it to HEADER_ROOMS in tests/host/layer_check.py"
                " and to the table in docs/architecture.md")
    if isinstance(rooms, dict):
        return (f"{path}: {folder}/ holds the rooms {' and '.join(sorted(rooms))}, and this"
                f" file is in neither: list it under one in FOLDER_ROOMS['{folder}'] in"
                " tests/host/layer_check.py and in docs/architecture.md")
    return (f"{path}: {folder or '.'}/ is in no room: add its folder to FOLDER_ROOMS in"
            " tests/host/layer_check.py and docs/architecture.md (and to the Makefile's"
            " SRC_DIRS, to build it)")


def sources(root):
    """Every source file (.c .h .asm) of the tree at root but under SKIP_DIRS, relative,
    sorted: the folders are walked recursively, so no folder is passed over unseen."""
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root).replace(os.sep, "/")
        rel = "" if rel == "." else rel + "/"
        dirs[:] = [x for x in dirs if rel + x not in SKIP_DIRS and not x.startswith(".")]
        out += [rel + f for f in files if f.endswith(SOURCE_EXT)]
    return sorted(out)


def check_rooms(root, rules):
    """Violation lines: a source in no room; a name a split folder lists that is not in the
    tree, or that two of its rooms list (so the lists stay exact)."""
    bad = [u for u in map(lambda p: unplaced(p, rules), sources(root)) if u]
    for folder, rooms in sorted(rules.folder_rooms.items()):
        if not isinstance(rooms, dict):
            continue
        for room, names in sorted(rooms.items()):
            for name in sorted(names):
                if not os.path.isfile(os.path.join(root, folder, name)):
                    bad.append(f"{folder}/{name}: listed in FOLDER_ROOMS['{folder}'] ({room})"
                               " but not in the tree: remove it there and in"
                               " docs/architecture.md")
                others = [r for r in rooms if r != room and name in rooms[r]]
                if others and room < others[0]:
                    bad.append(f"{folder}/{name}: listed in both {room} and {others[0]}")
    return bad


def allowed(table, path, room, what):
    """The key of the exception allowing path (of room) to use what, or None."""
    for key in ((path, what), (room, what)):
        if key in table:
            return key
    return None


def check_includes(root, rules, used):
    """(number of includes, violation lines); used collects the exceptions relied on. A
    file in no room (check_rooms reports it) still may not include another's private
    header; its other includes cannot be ranked."""
    n, bad = 0, []
    header_rooms = rules.header_rooms
    for path in sources(root):
        room = room_of(path, rules)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        for lineno, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            n += 1
            quote, name = m.groups()
            where = f"{path}:{lineno}: {room or '(no room)'}"
            beside = os.path.normpath(os.path.join(os.path.dirname(path), name))
            if quote == '"' and os.path.isfile(os.path.join(root, beside)):
                # a private header: its folder's own business
                if os.path.dirname(beside) != os.path.dirname(path):
                    bad.append(f"{where} includes {name}, private to {os.path.dirname(beside)}/"
                               " (a header beside its .c is for that folder only)")
                    continue
                hroom = room_of(beside.replace(os.sep, "/"), rules)
                header = name
            elif os.path.isfile(os.path.join(root, "include", name)):
                hroom = header_rooms.get(name)
                header = name
                if hroom is None:
                    bad.append(f"{where} includes {name}, which has no room: add include/{name}"
                               " to HEADER_ROOMS in tests/host/layer_check.py and to the"
                               " table in docs/architecture.md")
                    continue
            elif quote == "<" and name in TOOLCHAIN_HEADERS:
                continue
            elif name in rules.generated:
                hroom = room_of(rules.generated[name], rules)
                header = name
            else:
                bad.append(f"{where} includes {name}, which is neither beside it, in include/"
                           " nor a freestanding compiler header")
                continue
            if hroom is None or room is None or RANK[hroom] <= RANK[room]:
                continue
            key = allowed(rules.allowed_headers, path, room, header)
            if key:
                used.add(("header",) + key)
            else:
                bad.append(f"{where} includes {header} ({hroom})")
    return n, bad


def object_rooms(root, objdir, rules):
    """({source path (build/NAME for a generated object): room}, {source: object path},
    violation lines): every object of objdir in a room. An object whose source is in no
    room fails here unless the source walk already reported it (a source under SKIP_DIRS
    built into the kernel, say). An object whose source is gone is not linked (the
    Makefile links the objects of the sources that exist): it is left out."""
    rooms, paths, bad, walked = {}, {}, [], set(sources(root))
    for d, _, files in os.walk(objdir):
        for f in sorted(files):
            if not f.endswith(".o"):
                continue
            rel = os.path.relpath(os.path.join(d, f), objdir).replace(os.sep, "/")
            src = object_source(root, rel)
            if rel in GENERATED_OBJECTS:
                if GENERATED_OBJECTS[rel] is None:
                    continue
                src, room = "build/" + rel, GENERATED_OBJECTS[rel]
            elif src is None:
                continue
            else:
                room = room_of(src, rules)
            if room is None and src not in walked:
                bad.append(f"{objdir}/{rel}: the object of {src} is in no room: add its folder"
                           " to FOLDER_ROOMS in tests/host/layer_check.py and"
                           " docs/architecture.md")
            rooms[src], paths[src] = room, os.path.join(d, f)
    return rooms, paths, bad


def check_calls(root, objdir, rules, used):
    """(objects, cross-object references, violation lines)."""
    rooms, paths, bad = object_rooms(root, objdir, rules)
    syms = nm_objects(list(paths.values()))
    objs = {src: syms[path] for src, path in paths.items()}     # source -> [(sym, type)]
    if not objs:
        return 0, 0, [f"{objdir}: no objects (build the kernel first)"]
    strong, weak = {}, {}
    for src, syms in sorted(objs.items()):
        for name, t in syms:
            if not t.isupper() or t == "U":
                continue        # undefined, or local to its object (a static): not a provider
            (weak if t in "WV" else strong).setdefault(name, src)
    linker, libgcc = linker_symbols(root), None
    refs = 0
    for src, syms in sorted(objs.items()):
        room = rooms[src]
        for name, t in syms:
            if t not in "Uuvw" or strong.get(name, weak.get(name)) == src:
                continue
            owner = strong.get(name) or weak.get(name)
            if owner:
                oroom = rooms[owner]
            elif name in linker:
                owner, oroom = "linker.ld", LINKER_ROOM
            else:
                libgcc = libgcc_symbols() if libgcc is None else libgcc
                if name in libgcc:
                    owner, oroom = "libgcc", LIBGCC_ROOM
                elif t in "vw":
                    continue        # an unresolved weak reference is allowed to stay 0
                else:
                    bad.append(f"{src}: uses {name}, which no object, linker.ld or libgcc"
                               " defines")
                    continue
            refs += 1
            if oroom is None or room is None or RANK[oroom] <= RANK[room]:
                continue
            key = allowed(rules.allowed_symbols, src, room, name)
            if key:
                used.add(("symbol",) + key)
                continue
            line = None if src.startswith("build/") else symbol_line(root, src, name)
            bad.append(f"{src}:{line or 0}: {room} uses {name}, defined in {owner} ({oroom})")
    return len(objs), refs, bad


def check(root, objdir, rules=RULES):
    """(summary line, violation lines) for the tree at root built into objdir, every check
    run (the self-test's synthetic tree included, with its own rules)."""
    import layer_check_doc      # beside this file: the Makefile and the document
    used = set()
    bad = check_rooms(root, rules) + layer_check_doc.check_makefile(root, rules)
    n_inc, bad_inc = check_includes(root, rules, used)
    n_obj, n_refs, bad_calls = check_calls(root, objdir, rules, used)
    bad += bad_inc + bad_calls
    # An exception whose user is gone: say so, so the list and the document stay exact.
    for kind, table in (("header", rules.allowed_headers), ("symbol", rules.allowed_symbols)):
        for key in sorted(set(table) - {k[1:] for k in used if k[0] == kind}):
            bad.append(f"tests/host/layer_check.py: allowed {kind} {key[1]} for {key[0]}"
                       " is no longer used: remove it here and in docs/architecture.md")
    bad += layer_check_doc.check_document(root, rules)
    summary = (f"layers: {len(sources(root))} files, {n_inc} includes, {n_obj} objects, "
               f"{n_refs} cross-object references, ")
    summary += (f"{len(bad)} problem(s) above" if bad else "all point down")
    return summary, bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("objdir", nargs="?", help="the build's object dir (build/ts8192/obj)")
    ap.add_argument("--root", default=ROOT, help="the source tree (default: this one)")
    ap.add_argument("--self-test", action="store_true",
                    help="check the checker on a synthetic tree first (then OBJDIR, if given)")
    args = ap.parse_args()
    rc = 0
    if args.self_test:
        import layer_check_selftest     # beside this file
        rc = layer_check_selftest.self_test()
    if args.objdir:
        summary, bad = check(args.root, args.objdir)
        for b in bad:
            print(b)
        print(summary if rc == 0 else summary + "; the self-test FAILED (above)")
        rc = rc or (1 if bad else 0)
    elif not args.self_test:
        ap.error("give OBJDIR, --self-test, or both")
    return rc


if __name__ == "__main__":
    sys.exit(main())
