/* SPDX-License-Identifier: MIT */
/*
 * insn_internal.h - private interface between the parts of the x86-32
 * instruction decoder: lib/insn/insn.c (legacy encoding, operands, public
 * API), lib/insn/insn_vex.c (VEX/EVEX/XOP) and lib/insn/insn_classify.c
 * (validity rules, classification).
 * Include from those three files only; the public contract is include/insn.h.
 * Each function's full contract is at its definition.
 */
#ifndef JUMPER_INSN_INTERNAL_H
#define JUMPER_INSN_INTERNAL_H

#include "insn.h"

/* A read position in the caller's buffer. */
struct insn_cursor {
	const uint8_t *buf;
	size_t limit;   /* min(buflen, INSN_MAX_LEN) */
	size_t pos;
};

/* insn.c: cursor and operand readers (0 on success, else -INSN_ERR_*). */
int insn_fetch(struct insn_cursor *c, size_t n, uint32_t *out);
int insn_read_modrm(struct insn_cursor *c, struct insn *in);
int insn_read_sib_disp(struct insn_cursor *c, struct insn *in);
int insn_read_imm(struct insn_cursor *c, struct insn *in, unsigned size, bool second);

/* insn.c: mandatory-prefix validity of two-byte-map opcode 0F @op. */
bool insn_map0f_prefix_ok(uint8_t op, uint8_t mp);

/* insn_vex.c: VEX/EVEX/XOP instruction, cursor on the escape byte @esc. */
int insn_decode_vex(struct insn_cursor *c, struct insn *in, uint8_t esc);

/* insn_classify.c: is this ModRM / mandatory-prefix @mp form of legacy @op defined? */
bool insn_check_legacy(const struct insn *in, uint8_t op, uint8_t mp);

/* insn_classify.c: INSN_ATTR_* bits of a successfully decoded instruction. */
uint32_t insn_classify(const struct insn *in);

#endif /* JUMPER_INSN_INTERNAL_H */
