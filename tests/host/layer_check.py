#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""host.layers: includes and calls only point down (docs/architecture.md, "Layout and layers").

The kernel's source is cut into rooms, lowest first: lib, drivers, core, probes, samples,
monitor, tests. A room may use its own room and the rooms below it, never one above,
except for the few uses named in ALLOWED_HEADERS and ALLOWED_SYMBOLS (each explained in
architecture.md). Two graphs are checked:

  * includes: every `#include` (and NASM `%include`) of every source file, resolved as
    the compiler does ("x.h" beside the file first, then include/). A header in include/
    belongs to the room HEADER_ROOMS names (one missing from the table is a failure: add
    it); a header beside its .c is that folder's private header and may be included only
    from that folder. The compiler's freestanding headers (stdarg.h ...) are free to all.
  * calls: `nm` on every object of the build (OBJDIR, e.g. build/ts8192/obj), every
    undefined symbol mapped to the object that defines it. This sees what the include
    graph cannot: a hand-written `extern`, a call from assembly. Symbols the linker
    script or --defsym define belong to core (the image layout); libgcc's belong to lib.

Each violation is one line, `path:line: ROOM includes HEADER (ROOM)` or `path:line: ROOM
uses SYMBOL, defined in PATH (ROOM)`. An allowed exception the tree no longer uses is a
failure too, so the list stays exact; and docs/architecture.md's header and exception
tables must say exactly what HEADER_ROOMS and ALLOWED_* say. The last line is the
summary. --self-test runs the checker on a small synthetic tree with planted violations
and demands that each be found (and that the clean tree passes), so the check cannot pass
forever by checking nothing. Standard library only.

usage: layer_check.py [--root DIR] OBJDIR      (exit 0: all point down)
       layer_check.py --self-test
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

ROOMS = ["lib", "drivers", "core", "probes", "samples", "monitor", "tests"]
RANK = {r: i for i, r in enumerate(ROOMS)}

# The folders whose sources are checked, and the room of each (kernel/ is split below).
FOLDER_ROOMS = {"lib": "lib", "lib/insn": "lib", "drivers": "drivers", "boot": "core",
                "kernel": "core", "mm": "core", "samples": "samples", "monitor": "monitor",
                "tests/kernel": "tests", "tests/bench": "tests"}
# kernel/ holds the core and the probes side by side (the user named both there).
PROBE_FILES = re.compile(r"^kernel/(kprobe\w*\.(c|asm|h)|kprobes_internal\.h|jprobe\.c|"
                         r"probe_point\.c|text_poke\.c)$")

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
    "thread_info.h": "core", "preempt.h": "core", "sched.h": "core", "stacktrace.h": "core",
    "kallsyms.h": "core", "multiboot.h": "core", "printk.h": "core", "kernel.h": "core",
    "init.h": "core",
    # probes
    "kprobes.h": "probes", "jprobes.h": "probes", "probe_point.h": "probes",
    "text_poke.h": "probes",
    # samples, monitor
    "demo.h": "samples", "readline.h": "monitor", "monitor.h": "monitor",
}
# Generated into the build directory (NASM -I$(BUILD)/gen/): name -> the room of the file
# it is generated from. asm-offsets.inc is kernel/asm-offsets.c's output: the constants
# the .asm files share with C, defined once.
GENERATED_HEADERS = {"asm-offsets.inc": "core"}
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
    ("kernel/asm-offsets.c", "kprobes.h"): "asm-offsets exports the slot size and count "
                                           "to kprobe_slots.asm (compiled, never linked)",
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

INCLUDE = re.compile(r'^\s*[#%]\s*include\s*([<"])([^>"]+)[>"]')
SOURCE_EXT = (".c", ".h", ".asm")


def room_of(path, header_rooms=None):
    """The room of a source path (relative, '/'-separated), or None if unchecked: a
    public header's from header_rooms (default HEADER_ROOMS), a file's from its folder."""
    if PROBE_FILES.match(path):
        return "probes"
    if os.path.dirname(path) == "include":
        return (HEADER_ROOMS if header_rooms is None else header_rooms).get(path[8:])
    return FOLDER_ROOMS.get(os.path.dirname(path))


def sources(root):
    """Every checked source file under root (the rooms' folders and include/), relative,
    sorted."""
    out = []
    for folder in list(FOLDER_ROOMS) + ["include"]:
        d = os.path.join(root, folder)
        if os.path.isdir(d):
            out += [folder + "/" + f for f in os.listdir(d)
                    if f.endswith(SOURCE_EXT) and os.path.isfile(os.path.join(d, f))]
    return sorted(out)


def allowed(table, path, room, what):
    """The key of the exception allowing path (of room) to use what, or None."""
    for key in ((path, what), (room, what)):
        if key in table:
            return key
    return None


def check_includes(root, header_rooms, used):
    """(number of includes, violation lines); used collects the exceptions relied on."""
    n, bad = 0, []
    for path in sources(root):
        room = room_of(path, header_rooms)
        if room is None:
            continue            # a public header with no room: reported below
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
        for lineno, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            n += 1
            quote, name = m.groups()
            where = f"{path}:{lineno}: {room}"
            beside = os.path.normpath(os.path.join(os.path.dirname(path), name))
            if quote == '"' and os.path.isfile(os.path.join(root, beside)):
                # a private header: its folder's own business
                if os.path.dirname(beside) != os.path.dirname(path):
                    bad.append(f"{where} includes {name}, private to {os.path.dirname(beside)}/"
                               " (a header beside its .c is for that folder only)")
                    continue
                hroom = room_of(beside.replace(os.sep, "/"), header_rooms)
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
            elif name in GENERATED_HEADERS:
                hroom = GENERATED_HEADERS[name]
                header = name
            else:
                bad.append(f"{where} includes {name}, which is neither beside it, in include/"
                           " nor a freestanding compiler header")
                continue
            if hroom is None or RANK[hroom] <= RANK[room]:
                continue
            key = allowed(ALLOWED_HEADERS, path, room, header)
            if key:
                used.add(("header",) + key)
            else:
                bad.append(f"{where} includes {header} ({hroom})")
    for name in sorted(set(os.listdir(os.path.join(root, "include"))) - set(header_rooms)):
        if name.endswith(".h"):
            bad.append(f"include/{name}: has no room: add it to HEADER_ROOMS in "
                       "tests/host/layer_check.py and to the table in docs/architecture.md")
    return n, bad


def nm(path):
    """[(name, type)] of an object or archive, from `nm -P` (POSIX format)."""
    out = subprocess.run(["nm", "-P", path], capture_output=True, text=True, check=True)
    syms = []
    for line in out.stdout.split("\n"):
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            syms.append((parts[0], parts[1]))
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


def check_calls(root, objdir, used):
    """(objects, cross-object references, violation lines)."""
    objs = {}       # relative source path (or build/NAME) -> [(sym, type)]
    for d, _, files in os.walk(objdir):
        for f in files:
            if not f.endswith(".o") or f == "kallsyms_empty.o":   # pass 1's empty table
                continue
            rel = os.path.relpath(os.path.join(d, f), objdir).replace(os.sep, "/")
            src = object_source(root, rel)
            if src is None and "/" not in rel:
                src = "build/" + rel        # generated: the kallsyms table, core's
            elif src is None:
                continue                    # an object of a source that is gone
            objs[src] = nm(os.path.join(d, f))
    if not objs:
        return 0, 0, [f"{objdir}: no objects (build the kernel first)"]
    strong, weak = {}, {}
    for src, syms in sorted(objs.items()):
        for name, t in syms:
            if not t.isupper() or t == "U":
                continue        # undefined, or local to its object (a static): not a provider
            (weak if t in "WV" else strong).setdefault(name, src)
    linker, libgcc = linker_symbols(root), None
    refs, bad = 0, []
    for src, syms in sorted(objs.items()):
        room = "core" if src.startswith("build/") else room_of(src)
        for name, t in syms:
            if t not in "Uuvw" or strong.get(name, weak.get(name)) == src:
                continue
            owner = strong.get(name) or weak.get(name)
            if owner:
                oroom = "core" if owner.startswith("build/") else room_of(owner)
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
            key = allowed(ALLOWED_SYMBOLS, src, room, name)
            if key:
                used.add(("symbol",) + key)
                continue
            line = None if src.startswith("build/") else symbol_line(root, src, name)
            bad.append(f"{src}:{line or 0}: {room} uses {name}, defined in {owner} ({oroom})")
    return len(objs), refs, bad


def table_rows(text, heading):
    """The rows ([cells]) of the first table after the line `heading`."""
    rows, lines = [], text.split("\n")
    if heading not in lines:
        return rows
    for line in lines[lines.index(heading) + 1:]:
        if line.startswith("#"):
            break
        if line.lstrip().startswith("|") and not re.match(r"^\s*\|[-| ]+\|\s*$", line):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif rows and not line.lstrip().startswith("|"):
            break
    return rows[1:]     # the header row


def check_document(root):
    """Violation lines where docs/architecture.md's header table or exception table says
    other than HEADER_ROOMS and ALLOWED_*: the document must state exactly what is allowed."""
    doc = "docs/architecture.md"
    with open(os.path.join(root, doc), encoding="utf-8") as f:
        text = f.read()
    said = {}
    for cells in table_rows(text, "### Headers"):
        for name in re.findall(r"`([\w.]+\.h)`", cells[1]):
            said[name] = cells[0]
    bad = [f"{doc}: the header table puts {h} in {said.get(h, 'no room')}, the test in "
           f"{HEADER_ROOMS.get(h, 'no room')}" for h in sorted(set(said) | set(HEADER_ROOMS))
           if said.get(h) != HEADER_ROOMS.get(h)]
    said = set()
    for cells in table_rows(text, "### The rules"):
        who, kind = cells[0].strip("`"), None
        for word in re.findall(r"`[^`]+`|\w+", cells[2]):
            if word.startswith("header") or word.startswith("symbol"):
                kind = word.rstrip("s")
            elif word.startswith("`") and kind:
                said.add((kind, who, word.strip("`")))
    table = {("header",) + k for k in ALLOWED_HEADERS} | {("symbol",) + k for k in ALLOWED_SYMBOLS}
    bad += [f"{doc}: the exception table allows {k[0]} {k[2]} for {k[1]}, the test does not"
            for k in sorted(said - table)]
    bad += [f"{doc}: the exception table does not list {k[0]} {k[2]} for {k[1]}, the test "
            "allows it" for k in sorted(table - said)]
    return bad


def check(root, objdir, header_rooms=None):
    """(summary line, violation lines) for the tree at root built into objdir."""
    used = set()
    files = len(sources(root))
    n_inc, bad = check_includes(root, HEADER_ROOMS if header_rooms is None else header_rooms,
                                used)
    n_obj, n_refs, bad_calls = check_calls(root, objdir, used)
    bad += bad_calls
    # An exception whose user is gone: say so, so the list and the document stay exact.
    if os.path.isdir(os.path.join(root, "drivers")) and header_rooms is None:
        for kind, table in (("header", ALLOWED_HEADERS), ("symbol", ALLOWED_SYMBOLS)):
            for key in sorted(set(table) - {k[1:] for k in used if k[0] == kind}):
                bad.append(f"tests/host/layer_check.py: allowed {kind} {key[1]} for {key[0]}"
                           " is no longer used: remove it here and in docs/architecture.md")
    if os.path.isfile(os.path.join(root, "docs", "architecture.md")) and header_rooms is None:
        bad += check_document(root)
    summary = (f"layers: {files} files, {n_inc} includes, {n_obj} objects, {n_refs} "
               f"cross-object references, ")
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
