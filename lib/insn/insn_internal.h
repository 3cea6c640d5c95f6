/* SPDX-License-Identifier: MIT */
/*
 * The private interface between the three parts of the x86-32 instruction decoder:
 * insn.c (prefixes, legacy opcode maps, operands, the public API), insn_vex.c
 * (VEX/EVEX/XOP) and insn_classify.c (validity rules, attribute bits).
 *
 * Include it from those three files only; the public contract is include/insn.h. Each
 * function's full contract is at its definition.
 */
#ifndef JUMPER_INSN_INTERNAL_H
#define JUMPER_INSN_INTERNAL_H

#include "insn.h"

/* A read position in the caller's buffer. */
struct insn_cursor {
	const u8 *buf;
	size_t limit;   /* min(buflen, INSN_MAX_LEN) */
	size_t pos;
};

/* insn.c: cursor and operand readers (0 on success, else -INSN_ERR_*). */
int insn_fetch(struct insn_cursor *c, size_t n, u32 *out);
int insn_read_modrm(struct insn_cursor *c, struct insn *insn);
int insn_read_sib_disp(struct insn_cursor *c, struct insn *insn);
int insn_read_imm(struct insn_cursor *c, struct insn *insn, unsigned size, bool second);

/* insn.c: does two-byte-map opcode 0F op accept mandatory prefix mp? */
bool insn_map0f_prefix_ok(u8 op, u8 mp);

/* insn_vex.c: a VEX/EVEX/XOP instruction, the cursor on its escape byte esc. */
int insn_decode_vex(struct insn_cursor *c, struct insn *insn, u8 esc);

/* insn_classify.c: is this ModRM / mandatory-prefix mp form of legacy opcode op defined? */
bool insn_check_legacy(const struct insn *insn, u8 op, u8 mp);

/* insn_classify.c: the INSN_ATTR_* bits of a successfully decoded instruction. */
u32 insn_classify(const struct insn *insn);

#endif
