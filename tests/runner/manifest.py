# SPDX-License-Identifier: MIT
"""The self-test manifest, read from the kernel image rather than from its output.

The serial log says which cases ran; only the image can say which cases exist. A kernel
that silently skipped a suite (or stopped registering one) would otherwise produce a
perfectly consistent, all-green KTAP log. This reads the .ktest_suites pointers between
__ktest_suites_start and __ktest_suites_end (linker.ld), and through them each
struct ktest_suite { const char *name; const struct ktest_case *cases; bool explicit_only; }
and its NULL-terminated array of struct ktest_case { const char *name; void (*run)(...); }
(tests/kernel/ktest.h). Python standard library only.
"""
import struct
import subprocess


class Image:
    """The loadable sections of a 32-bit little-endian ELF, addressable by address."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.data = f.read()
        if self.data[:4] != b"\x7fELF" or self.data[4] != 1:
            raise ValueError(f"{path}: not a 32-bit ELF")
        shoff, = struct.unpack_from("<I", self.data, 0x20)
        shentsize, shnum = struct.unpack_from("<HH", self.data, 0x2E)
        self.sections = []
        for i in range(shnum):
            (_, sh_type, _, addr, offset, size) = struct.unpack_from(
                "<IIIIII", self.data, shoff + i * shentsize)
            if sh_type == 1 and addr:          # SHT_PROGBITS, allocated
                self.sections.append((addr, offset, size))

    def read(self, addr, size):
        for base, offset, length in self.sections:
            if base <= addr and addr + size <= base + length:
                start = offset + addr - base
                return self.data[start:start + size]
        raise ValueError(f"address {addr:#x} is in no loaded section")

    def word(self, addr):
        return struct.unpack("<I", self.read(addr, 4))[0]

    def string(self, addr):
        out = bytearray()
        while len(out) < 256:
            b = self.read(addr + len(out), 1)
            if b == b"\0":
                return out.decode()
            out += b
        raise ValueError(f"unterminated string at {addr:#x}")


def symbols(path, names):
    out = subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in names:
            found[parts[2]] = int(parts[0], 16)
    missing = set(names) - set(found)
    if missing:
        raise ValueError(f"{path}: no symbol {', '.join(sorted(missing))}")
    return found


def read_manifest(path):
    """{suite name: (explicit_only, [case names])} for every registered suite."""
    img = Image(path)
    sym = symbols(path, {"__ktest_suites_start", "__ktest_suites_end"})
    suites = {}
    for p in range(sym["__ktest_suites_start"], sym["__ktest_suites_end"], 4):
        suite = img.word(p)
        name_ptr, cases_ptr = img.word(suite), img.word(suite + 4)
        explicit = img.read(suite + 8, 1) != b"\0"
        cases = []
        for c in range(cases_ptr, cases_ptr + 8 * 1000, 8):   # struct ktest_case: 8 bytes
            case_name = img.word(c)
            if not case_name:
                break
            cases.append(img.string(case_name))
        suites[img.string(name_ptr)] = (explicit, cases)
    return suites


def missing_from(manifest, reported):
    """Cases the full run ("selftest") must have reported but did not, as suite.case."""
    want = [f"{s}.{c}" for s, (explicit, cases) in manifest.items() if not explicit
            for c in cases]
    return [name for name in want if name not in reported]


# ---- the kernel's selection, mirrored (tests/kernel/ktest.c, lib/string.c, kernel/multiboot.c)

MAX_GLOBS = 8            # ktest.c: patterns beyond the eighth are ignored
FULL_NAME_MAX = 95       # ktest.c: "suite.case" is formatted into char full[96]
CMDLINE_VALUE_MAX = 255  # BOOT_CMDLINE_MAX - 1: cmdline_get's value buffer


def glob_match(pattern, s):
    """lib/string.c glob_match: '*' any run, '?' any one character, else literal."""
    p = i = 0
    star = resume = None
    while i < len(s):
        if p < len(pattern) and pattern[p] == "*":
            star, resume = p, i
            p += 1
        elif p < len(pattern) and (pattern[p] == "?" or pattern[p] == s[i]):
            p += 1
            i += 1
        elif star is not None:
            p = star + 1
            resume += 1
            i = resume
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def selftest_spec(cmdline):
    """What the kernel reads as its selection from a command line: the value of the
    first word "selftest" or "selftest=..." (kernel/multiboot.c cmdline_get), or None if
    there is no such word. "" selects every suite that is not explicit-only."""
    for word in cmdline.split(" "):
        if word == "selftest":
            return ""
        if word.startswith("selftest="):
            return word[len("selftest="):][:CMDLINE_VALUE_MAX]
    return None


def split_globs(spec):
    """ktest.c parse_globs: split at commas, at most MAX_GLOBS patterns; an empty value
    gives none, and a trailing comma adds no empty pattern (a leading one does)."""
    globs, p = [], 0
    while p < len(spec):
        if len(globs) == MAX_GLOBS:
            break
        comma = spec.find(",", p)
        if comma < 0:
            globs.append(spec[p:])
            break
        globs.append(spec[p:comma])
        p = comma + 1
    return globs


def _names_suite(glob, suite):
    return glob.startswith(suite) and (len(glob) == len(suite) or glob[len(suite)] == ".")


def case_selected(globs, suite, explicit, case):
    """ktest.c case_selected, for one case."""
    if not globs:
        return not explicit
    full = f"{suite}.{case}"[:FULL_NAME_MAX]
    for g in globs:
        if explicit and not _names_suite(g, suite):
            continue
        if glob_match(g, suite) or glob_match(g, full):
            return True
    return False


def selection(manifest, spec):
    """[(suite, [case, ...])] the kernel runs for selftest=spec, in the order it runs
    them (the image's registration order); suites with no selected case left out."""
    globs = split_globs(spec)
    out = []
    for suite, (explicit, cases) in manifest.items():
        chosen = [c for c in cases if case_selected(globs, suite, explicit, c)]
        if chosen:
            out.append((suite, chosen))
    return out
