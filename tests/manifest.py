# SPDX-License-Identifier: MIT
"""The self-test manifest, read from the kernel image rather than from its output.

The serial log says which cases ran; only the image can say which cases exist. A kernel
that silently skipped a suite (or stopped registering one) would otherwise produce a
perfectly consistent, all-green KTAP log. This reads the .ktest_suites pointers between
__ktest_suites_start and __ktest_suites_end (linker.ld), and through them each
struct ktest_suite { const char *name; const struct ktest_case *cases; bool explicit_only; }
and its NULL-terminated array of struct ktest_case { const char *name; void (*run)(...); }
(include/ktest.h). Python standard library only.
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
