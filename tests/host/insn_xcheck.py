#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""insn_xcheck.py - cross-check lib/insn/insn.c instruction lengths against objdump.

usage: insn_xcheck.py [-v] CHECKER ELF [ELF...]

CHECKER is the host build of tests/host/insn_check.c.  For every code section
of every 32-bit ELF, objdump -d lists the instructions it finds; for each one
we hand our decoder the bytes at that address (read from the file, up to 16,
stopping at the section end) and compare lengths.

Counted as checked: every instruction objdump decodes.  A mismatch is a
different length or an error from us.  Skipped (and counted) are:
  bad          objdump's "(bad)": we only count how many of those we accept
               ("accepted-bad", informative; not a failure)
  prefix-only  a line of nothing but prefixes ("data16 cs ..."), which
               objdump emits when it gives up combining prefixes with an
               opcode (also "gs fwait" printed for a lone 65 before 9B);
               not an instruction the CPU would see
  truncated    the instruction runs past the end of its section (or
               objdump's ".byte" for leftover bytes there)
  66/67-before-fwait  in "67 9B DF 1C" objdump lets the 67 change the
               x87 instruction's addressing; the CPU spends it on the fwait,
               so objdump's length for the rest is not checkable
fwait-merged: objdump prints 9B D9 /7 as one "fstcw" (also with prefixes
  around the 9B, or several 9Bs); the CPU (and we) end an instruction at
  each 9B (fwait), so such lines are split there and checked piecewise.

Exit status: 0 if no mismatches in any file, 1 otherwise, 2 on usage error.
Standard library only.
"""
import re
import struct
import subprocess
import sys

PREFIX_WORDS = {'data16', 'addr16', 'data32', 'addr32', 'cs', 'ds', 'es', 'fs', 'gs', 'ss',
                'lock', 'rep', 'repz', 'repnz', 'repe', 'repne', 'bnd', 'notrack',
                'xacquire', 'xrelease'}
PREFIX_BYTES = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3}
LINE_RE = re.compile(r'^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$')
SECTION_RE = re.compile(r'^Disassembly of section (\S+):$')


def elf_sections(path):
    """Map section name -> (vma, bytes) for an ELF32 little-endian file."""
    data = open(path, 'rb').read()
    if data[:4] != b'\x7fELF' or data[4] != 1 or data[5] != 1:
        raise ValueError(f'{path}: not a 32-bit little-endian ELF')
    shoff, = struct.unpack_from('<I', data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x2e)
    hdrs = [struct.unpack_from('<IIIIII', data, shoff + i * shentsize) for i in range(shnum)]
    stro = hdrs[shstrndx][4]
    out = {}
    for name, typ, _flags, addr, off, size in hdrs:
        end = data.index(b'\0', stro + name)
        sname = data[stro + name:end].decode()
        if typ != 8 and sname not in out:          # 8 = SHT_NOBITS
            out[sname] = (addr, data[off:off + size])
    return out


def objdump_insns(path):
    """Yield (section, addr, nbytes, text) per instruction objdump prints."""
    proc = subprocess.Popen(['objdump', '-d', '-w', '-M', 'intel', path],
                            stdout=subprocess.PIPE, text=True, errors='replace')
    section, cur = None, None
    for line in proc.stdout:
        m = SECTION_RE.match(line)
        if m:
            if cur:
                yield cur
            section, cur = m.group(1), None
            continue
        m = LINE_RE.match(line.rstrip('\n'))
        if not m or section is None:
            continue
        addr, nb, text = int(m.group(1), 16), len(m.group(2).split()), m.group(3)
        if text is None and cur and cur[1] + cur[2] == addr:
            cur = (cur[0], cur[1], cur[2] + nb, cur[3])   # continuation line
            continue
        if cur:
            yield cur
        cur = (section, addr, nb, (text or '').strip())
    if cur:
        yield cur
    proc.wait()


def check_file(checker, path, verbose):
    secs = elf_sections(path)
    work, meta = [], []
    stats = dict(bad=0, prefix_only=0, truncated=0, fwait_merged=0, fwait_quirk=0)

    def add(sec, addr, n, text, bad=False):
        vma, blob = secs[sec]
        off = addr - vma
        chunk = blob[off:off + 16]
        if not bad and n > len(chunk):
            stats['truncated'] += 1
            return
        meta.append((sec, addr, n, text, chunk))
        work.append(f'{len(work)} {addr:x} {chunk.hex()} {0 if bad else n}\n')

    for sec, addr, n, text in objdump_insns(path):
        if sec not in secs:
            continue
        if '(bad)' in text:
            stats['bad'] += 1
            add(sec, addr, n, text, bad=True)
            continue
        if text.startswith('.byte'):           # trailing bytes at a section end
            stats['truncated'] += 1
            continue
        words = text.split()
        vma, blob = secs[sec]
        if words and all(w in PREFIX_WORDS for w in words[:-1]) and \
                (words[-1] in PREFIX_WORDS or
                 (words[-1] == 'fwait' and 0x9b not in blob[addr - vma:addr - vma + n])):
            stats['prefix_only'] += 1
            continue
        # objdump folds [prefixes] 9B [prefixes] 9B ... x87-op into one line;
        # the CPU ends an instruction at every such 9B (fwait).  Split there.
        raw = blob[addr - vma:addr - vma + n]
        cuts, i = [], 0
        while i < n and (raw[i] in PREFIX_BYTES or raw[i] == 0x9b):
            if raw[i] == 0x9b:
                cuts.append(i + 1)
            i += 1
        if cuts and n > 1:
            stats['fwait_merged'] += 1
            start = 0
            for cut in cuts:
                add(sec, addr + start, cut - start, 'fwait (split from: %s)' % text)
                start = cut
            if start < n:
                if i == n:                     # only prefixes after the last 9B
                    stats['prefix_only'] += 1
                elif 0x66 in raw[:start] or 0x67 in raw[:start]:
                    # objdump applied a 66/67 that the CPU spends on the fwait:
                    # its length for the rest is not the CPU's; skip it.
                    stats['fwait_quirk'] += 1
                else:
                    add(sec, addr + start, n - start, text)
            continue
        add(sec, addr, n, text)

    res = subprocess.run([checker], input=''.join(work), capture_output=True, text=True)
    if res.returncode != 0 or not res.stdout.rstrip().endswith(f'done {len(work)}'):
        print(f'insn-xcheck: {path}: checker failed: {res.stderr.strip()}')
        return False
    mism, accepted_bad = [], 0
    for line in res.stdout.splitlines()[:-1]:
        idx, r = map(int, line.split())
        if work[idx].rstrip().endswith(' 0'):
            accepted_bad += 1
            if verbose:
                sec, addr, n, text, chunk = meta[idx]
                print(f'  accepted-bad {addr:#x}: {chunk.hex(" ")}  ours={r}')
        else:
            mism.append((idx, r))
    checked = len(work) - stats['bad']
    print(f'insn-xcheck: {path}: {checked} instructions checked, {len(mism)} mismatches'
          f' (skipped: {stats["bad"]} objdump-(bad) of which we accept {accepted_bad},'
          f' {stats["prefix_only"]} prefix-only, {stats["truncated"]} truncated,'
          f' {stats["fwait_quirk"]} 66/67-before-fwait;'
          f' {stats["fwait_merged"]} fwait-merged split)')
    for idx, r in mism[:20]:
        sec, addr, n, text, chunk = meta[idx]
        ours = f'len {r}' if r > 0 else ('error ' + {-1: 'invalid', -2: 'truncated'}.get(r, str(r)))
        print(f'  {sec} {addr:#x}: {chunk[:max(n, 1)].hex(" ")} | objdump len {n}: {text}'
              f' | ours: {ours}   [next: {chunk[n:].hex(" ")}]')
    return not mism


def main(argv):
    verbose = '-v' in argv
    args = [a for a in argv[1:] if a != '-v']
    if len(args) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    ok = True
    for path in args[1:]:
        ok = check_file(args[0], path, verbose) and ok
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
