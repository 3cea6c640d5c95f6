#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""vex_space.py - every VEX/EVEX/XOP opcode, as raw bytes for insn_xcheck.py to compare.

usage: vex_space.py OUT.bin

Writes, for each opcode of VEX maps 1-3 (C4 and C5), EVEX maps 1-3, 5, 6 and XOP maps
8-10, under every VEX.pp, L and W, one register form (ModRM C1) and one memory form
(ModRM 05, disp32), with vvvv both 1111 and 1110; each followed by six nops so that an
immediate the decoder misses shows up as a length mismatch and objdump resynchronises.
objdump is the oracle: an opcode it decodes and our tables leave out (vaesimc once) is a
mismatch; one it calls (bad) and we accept is only counted (the tables are the union
over pp/L/W, by design: the decoder needs the length, VEX is never stepped).
Standard library only; about 130k instructions, a few seconds.
"""
import sys

PAD = b'\x90' * 6
FORMS = ((0xc1, b''), (0x05, b'\x00\x10\x00\x00'))


def vex3(out):
    for m in (1, 2, 3):
        for op in range(256):
            for pp in range(4):
                for l in (0, 1):
                    for w in (0, 1):
                        for v in (0xf, 0xe):
                            for modrm, disp in FORMS:
                                b2 = (w << 7) | (v << 3) | (l << 2) | pp
                                out += bytes([0xc4, 0xe0 | m, b2, op, modrm]) + disp + PAD


def vex2(out):
    for op in range(256):
        for pp in range(4):
            for l in (0, 1):
                for v in (0xf, 0xe):
                    for modrm, disp in FORMS:
                        b1 = 0x80 | (v << 3) | (l << 2) | pp
                        out += bytes([0xc5, b1, op, modrm]) + disp + PAD


def evex(out):
    # P0 = R X B R' 0 m m m (R X B R' inverted: 1111), P1 = W vvvv 1 pp, P2 = z L'L b V' aaa
    for m in (1, 2, 3, 5, 6):
        for op in range(256):
            for pp in range(4):
                for w in (0, 1):
                    for ll in (0, 2):
                        for modrm, disp in FORMS:
                            p1 = (w << 7) | (0xf << 3) | 4 | pp
                            out += bytes([0x62, 0xf0 | m, p1, (ll << 5) | 0x08, op, modrm])
                            out += disp + PAD


def xop(out):
    for m in (8, 9, 10):
        for op in range(256):
            for l in (0, 1):
                for w in (0, 1):
                    for v in (0xf, 0xe):
                        for modrm, disp in FORMS + ((0xc9, b''),):
                            b2 = (w << 7) | (v << 3) | (l << 2)
                            out += bytes([0x8f, 0xe0 | m, b2, op, modrm]) + disp + PAD


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.split('\n\n')[1])
    out = bytearray()
    for gen in (vex3, vex2, evex, xop):
        gen(out)
    with open(sys.argv[1], 'wb') as f:
        f.write(out)


if __name__ == '__main__':
    main()
