/* SPDX-License-Identifier: MIT */
/*
 * The hand-written test vectors of the x86-32 instruction decoder (lib/insn/, contract:
 * include/insn.h). Data only, no code: the in-kernel suite (tests/kernel/test_insn.c) and
 * the host test (tests/host/insn_cases_test.c) both run every case, so the decoder is
 * held to the same answers on either side.
 *
 * Each case gives the exact bytes (the buffer handed to insn_decode() is exactly nbytes
 * long), the expected return value (a length, or -INSN_ERR_*), the attribute bits that
 * must be set and those that must be clear, and for relative branches the expected
 * target. Every case is decoded at address INSN_CASE_ADDR.
 *
 * The lengths were derived by hand from the Intel SDM encoding rules and agree with GNU
 * objdump 2.40.
 */
#ifndef JUMPER_INSN_CASES_H
#define JUMPER_INSN_CASES_H

#include "insn.h"
#include "types.h"

#define INSN_CASE_ADDR 0x1000u

struct insn_case {
	const char *name;
	u8 bytes[20];
	u8 nbytes;
	int expect;          /* insn_decode() return value */
	u32 attr_set;        /* must be set */
	u32 attr_clear;      /* must be clear */
	u32 target;          /* checked when attr_set has an INSN_ATTR_REL_* bit */
};

/* CASE(name, expect, set, clear, target, bytes...) */
#define INSN_CASE(n, e, s, c, t, ...) \
	{ n, { __VA_ARGS__ }, sizeof((u8[]){ __VA_ARGS__ }), e, s, c, t }

#define SAFE   INSN_ATTR_SS_SAFE
#define INV    (-INSN_ERR_INVALID)
#define TRUNC  (-INSN_ERR_TRUNCATED)

static const struct insn_case insn_cases[] = {
	/* --- prefixes --- */
	INSN_CASE("nop", 1, SAFE, 0, 0, 0x90),
	INSN_CASE("66 f3 2e a5: rep movsw cs:", 4, INSN_ATTR_REP | SAFE, INSN_ATTR_LOCK, 0,
		  0x66, 0xf3, 0x2e, 0xa5),
	INSN_CASE("lock add [eax],ecx", 3, INSN_ATTR_LOCK | SAFE, 0, 0, 0xf0, 0x01, 0x08),
	INSN_CASE("rep movsb", 2, INSN_ATTR_REP | SAFE, 0, 0, 0xf3, 0xa4),
	INSN_CASE("repne scasb", 2, INSN_ATTR_REPNE | SAFE, 0, 0, 0xf2, 0xae),
	INSN_CASE("15-byte instruction (4 prefixes, SIB, disp32, imm32)", 15, SAFE, 0, 0,
		  0x2e, 0x3e, 0x26, 0x64, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8),
	INSN_CASE("16-byte instruction is invalid", INV, 0, 0, 0,
		  0x2e, 0x3e, 0x26, 0x64, 0x65, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8),
	INSN_CASE("14 x 66 + nop = 15 bytes", 15, SAFE, 0, 0,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90),
	INSN_CASE("15 x 66 + nop = 16 bytes: invalid", INV, 0, 0, 0,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x90),

	/* --- ModRM / SIB / displacement --- */
	INSN_CASE("67: mov eax,[bp+disp16]", 5, SAFE, 0, 0, 0x67, 0x8b, 0x86, 0x34, 0x12),
	INSN_CASE("67: mov eax,[bp+si]", 3, SAFE, 0, 0, 0x67, 0x8b, 0x02),
	INSN_CASE("67: mov eax,[disp16] (mod 00 rm 110)", 5, SAFE, 0, 0,
		  0x67, 0x8b, 0x06, 0x34, 0x12),
	INSN_CASE("67: rm 100 is [si], no SIB", 3, SAFE, 0, 0, 0x67, 0x8b, 0x04),
	INSN_CASE("67: [si+disp8]", 4, SAFE, 0, 0, 0x67, 0x8b, 0x44, 0x10),
	INSN_CASE("SIB no base: mov eax,[disp32]", 7, SAFE, 0, 0,
		  0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("SIB no base, scaled index", 7, SAFE, 0, 0,
		  0x8b, 0x04, 0x8d, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("SIB esp base: mov eax,[esp]", 3, SAFE, 0, 0, 0x8b, 0x04, 0x24),
	INSN_CASE("SIB esp base + disp8", 4, SAFE, 0, 0, 0x8b, 0x44, 0x24, 0x08),
	INSN_CASE("SIB ebp base mod 01: disp8", 4, SAFE, 0, 0, 0x8b, 0x44, 0x25, 0x08),
	INSN_CASE("disp32 (mod 10)", 6, SAFE, 0, 0, 0x8b, 0x80, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("mod 00 rm 101: [disp32]", 6, SAFE, 0, 0, 0x8b, 0x05, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("lea reg,reg is invalid", INV, 0, 0, 0, 0x8d, 0xc0),

	/* --- relative branches (targets from INSN_CASE_ADDR) --- */
	INSN_CASE("jmp rel8", 2, INSN_ATTR_REL_JMP | SAFE, 0, 0x1012, 0xeb, 0x10),
	INSN_CASE("jmp rel8 to self", 2, INSN_ATTR_REL_JMP | SAFE, 0, 0x1000, 0xeb, 0xfe),
	INSN_CASE("jmp rel32", 5, INSN_ATTR_REL_JMP | SAFE, 0, 0x1105,
		  0xe9, 0x00, 0x01, 0x00, 0x00),
	INSN_CASE("je rel8", 2, INSN_ATTR_REL_JCC | SAFE, 0, 0x1007, 0x74, 0x05),
	INSN_CASE("jne rel32 backwards", 6, INSN_ATTR_REL_JCC | SAFE, 0, 0x1000,
		  0x0f, 0x85, 0xfa, 0xff, 0xff, 0xff),
	INSN_CASE("66 je rel16", 5, INSN_ATTR_REL_JCC | INSN_ATTR_IP16, SAFE, 0x1105,
		  0x66, 0x0f, 0x84, 0x00, 0x01),
	INSN_CASE("call rel32", 5, INSN_ATTR_REL_CALL | SAFE, 0, 0x1000,
		  0xe8, 0xfb, 0xff, 0xff, 0xff),
	INSN_CASE("66 call rel16", 4, INSN_ATTR_REL_CALL | INSN_ATTR_IP16, SAFE, 0x1014,
		  0x66, 0xe8, 0x10, 0x00),
	INSN_CASE("loop", 2, INSN_ATTR_LOOP | SAFE, 0, 0x1000, 0xe2, 0xfe),
	INSN_CASE("jecxz", 2, INSN_ATTR_LOOP | SAFE, 0, 0x1012, 0xe3, 0x10),
	INSN_CASE("67 jcxz", 3, INSN_ATTR_LOOP | SAFE, 0, 0x1013, 0x67, 0xe3, 0x10),
	INSN_CASE("xbegin rel32: not safe", 6, 0, SAFE | INSN_ATTR_REL_ANY, 0,
		  0xc7, 0xf8, 0, 0, 0, 0),

	/* --- immediates and operand size --- */
	INSN_CASE("mov eax,moffs32", 5, SAFE, 0, 0, 0xa1, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("67 mov eax,moffs16", 4, SAFE, 0, 0, 0x67, 0xa1, 0x34, 0x12),
	INSN_CASE("67 mov moffs16,al", 4, SAFE, 0, 0, 0x67, 0xa2, 0x34, 0x12),
	INSN_CASE("66 mov ax,moffs32 (66 does not shrink moffs)", 6, SAFE, 0, 0,
		  0x66, 0xa1, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("enter iw,ib", 4, SAFE, 0, 0, 0xc8, 0x10, 0x00, 0x01),
	INSN_CASE("mov eax,imm32", 5, SAFE, 0, 0, 0xb8, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("66 mov ax,imm16", 4, SAFE, 0, 0, 0x66, 0xb8, 0x34, 0x12),
	INSN_CASE("push imm32", 5, SAFE, 0, 0, 0x68, 1, 2, 3, 4),
	INSN_CASE("66 push imm16", 4, SAFE, 0, 0, 0x66, 0x68, 1, 2),
	INSN_CASE("push imm8", 2, SAFE, 0, 0, 0x6a, 0x80),
	INSN_CASE("imul r,rm,imm32", 6, SAFE, 0, 0, 0x69, 0xc0, 1, 2, 3, 4),
	INSN_CASE("imul r,rm,imm8", 3, SAFE, 0, 0, 0x6b, 0xc0, 1),
	INSN_CASE("test al-form F6 /0 ib", 3, SAFE, 0, 0, 0xf6, 0xc0, 0x01),
	INSN_CASE("test F7 /0 iz", 6, SAFE, 0, 0, 0xf7, 0xc0, 1, 0, 0, 0),
	INSN_CASE("66 test F7 /0 iw", 5, SAFE, 0, 0, 0x66, 0xf7, 0xc0, 1, 0),
	INSN_CASE("test F7 /1 (alias) iz", 6, SAFE, 0, 0, 0xf7, 0xc8, 1, 0, 0, 0),
	INSN_CASE("not F6 /2: no immediate", 2, SAFE, 0, 0, 0xf6, 0xd0),
	INSN_CASE("neg F7 /3: no immediate", 2, SAFE, 0, 0, 0xf7, 0xd8),
	INSN_CASE("shld r,r,ib", 4, SAFE, 0, 0, 0x0f, 0xa4, 0xc1, 0x04),
	INSN_CASE("aam ib", 2, SAFE, 0, 0, 0xd4, 0x0a),
	INSN_CASE("0F 3A: palignr xmm,xmm,ib", 6, SAFE, 0, 0, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08),
	INSN_CASE("0F 3A: pextrd [esp+8],xmm,ib", 8, SAFE, 0, 0,
		  0x66, 0x0f, 0x3a, 0x16, 0x44, 0x24, 0x08, 0x01),
	INSN_CASE("0F 38: pshufb xmm,xmm", 5, SAFE, 0, 0, 0x66, 0x0f, 0x38, 0x00, 0xc1),
	INSN_CASE("0F 38: movbe eax,[esi]", 4, SAFE, 0, 0, 0x0f, 0x38, 0xf0, 0x06),
	INSN_CASE("0F 38: crc32 eax,ecx", 5, SAFE, 0, 0, 0xf2, 0x0f, 0x38, 0xf1, 0xc1),
	INSN_CASE("SSE: movss xmm0,[eax] (F3 selects)", 4, INSN_ATTR_REP | SAFE, 0, 0,
		  0xf3, 0x0f, 0x10, 0x00),
	INSN_CASE("x87: fld qword [disp32]", 6, SAFE, 0, 0, 0xdd, 0x05, 1, 2, 3, 4),
	INSN_CASE("x87: fld st0", 2, SAFE, 0, 0, 0xd9, 0xc0),
	INSN_CASE("fwait alone", 1, SAFE, 0, 0, 0x9b),

	/* --- control transfers and traps --- */
	INSN_CASE("ret", 1, INSN_ATTR_RET | SAFE, 0, 0, 0xc3),
	INSN_CASE("ret imm16", 3, INSN_ATTR_RET | SAFE, 0, 0, 0xc2, 0x08, 0x00),
	INSN_CASE("retf", 1, INSN_ATTR_RET_FAR, SAFE, 0, 0xcb),
	INSN_CASE("retf imm16", 3, INSN_ATTR_RET_FAR, SAFE, 0, 0xca, 0x04, 0x00),
	INSN_CASE("iret", 1, INSN_ATTR_IRET | INSN_ATTR_MODIFIES_IF, SAFE, 0, 0xcf),
	INSN_CASE("int3", 1, INSN_ATTR_INT3, SAFE, 0, 0xcc),
	INSN_CASE("int 0x80", 2, INSN_ATTR_INT, SAFE, 0, 0xcd, 0x80),
	INSN_CASE("into", 1, INSN_ATTR_INTO, SAFE, 0, 0xce),
	INSN_CASE("int1/icebp", 1, INSN_ATTR_INT1, SAFE, 0, 0xf1),
	INSN_CASE("ud2", 2, 0, SAFE, 0, 0x0f, 0x0b),
	INSN_CASE("jmp far ptr16:32", 7, INSN_ATTR_FAR_JMP, SAFE, 0,
		  0xea, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	INSN_CASE("66 jmp far ptr16:16", 6, INSN_ATTR_FAR_JMP, SAFE, 0,
		  0x66, 0xea, 0x34, 0x12, 0x08, 0x00),
	INSN_CASE("call far ptr16:32", 7, INSN_ATTR_FAR_CALL, SAFE, 0,
		  0x9a, 0x78, 0x56, 0x34, 0x12, 0x08, 0x00),
	INSN_CASE("jmp far [eax] (FF /5)", 2, INSN_ATTR_FAR_JMP, SAFE, 0, 0xff, 0x28),
	INSN_CASE("call far [eax] (FF /3)", 2, INSN_ATTR_FAR_CALL, SAFE, 0, 0xff, 0x18),
	INSN_CASE("FF /3 with register operand: invalid", INV, 0, 0, 0, 0xff, 0xd8),
	INSN_CASE("jmp eax (FF /4)", 2, INSN_ATTR_INDIRECT_JMP | SAFE, 0, 0, 0xff, 0xe0),
	INSN_CASE("call eax (FF /2)", 2, INSN_ATTR_INDIRECT_CALL | SAFE, 0, 0, 0xff, 0xd0),
	INSN_CASE("call [disp32] (FF /2)", 6, INSN_ATTR_INDIRECT_CALL | SAFE, 0, 0,
		  0xff, 0x15, 1, 2, 3, 4),
	INSN_CASE("FF /7: invalid", INV, 0, 0, 0, 0xff, 0xff),
	INSN_CASE("hlt", 1, INSN_ATTR_HLT, SAFE, 0, 0xf4),

	/* --- flags, segments, system --- */
	INSN_CASE("cli", 1, INSN_ATTR_CLI | INSN_ATTR_MODIFIES_IF | SAFE, 0, 0, 0xfa),
	INSN_CASE("sti", 1, INSN_ATTR_STI | INSN_ATTR_MODIFIES_IF | SAFE, 0, 0, 0xfb),
	INSN_CASE("popf", 1, INSN_ATTR_POPF | INSN_ATTR_MODIFIES_IF | SAFE, 0, 0, 0x9d),
	INSN_CASE("pushf", 1, INSN_ATTR_PUSHF | SAFE, INSN_ATTR_MODIFIES_IF, 0, 0x9c),
	INSN_CASE("mov ss,eax", 2, INSN_ATTR_MOV_SEG | INSN_ATTR_LOADS_SS, SAFE, 0, 0x8e, 0xd0),
	INSN_CASE("mov ds,eax", 2, INSN_ATTR_MOV_SEG | SAFE, INSN_ATTR_LOADS_SS, 0, 0x8e, 0xd8),
	INSN_CASE("mov eax,ss", 2, INSN_ATTR_MOV_SEG | SAFE, INSN_ATTR_LOADS_SS, 0, 0x8c, 0xd0),
	INSN_CASE("pop ss", 1, INSN_ATTR_LOADS_SS, SAFE, 0, 0x17),
	INSN_CASE("pop ds", 1, SAFE, INSN_ATTR_LOADS_SS, 0, 0x1f),
	INSN_CASE("lss eax,[eax]", 3, INSN_ATTR_LOADS_SS, SAFE, 0, 0x0f, 0xb2, 0x00),
	INSN_CASE("mov cr0,eax", 3, INSN_ATTR_MOV_CR, SAFE, 0, 0x0f, 0x22, 0xc0),
	INSN_CASE("mov eax,cr3", 3, INSN_ATTR_MOV_CR | SAFE, 0, 0, 0x0f, 0x20, 0xd8),
	INSN_CASE("mov cr: mod bits ignored, no disp", 3, INSN_ATTR_MOV_CR, 0, 0, 0x0f, 0x20, 0x05),
	INSN_CASE("mov dr7,eax", 3, INSN_ATTR_MOV_DR, SAFE, 0, 0x0f, 0x23, 0xf8),
	INSN_CASE("lgdt [eax]", 3, INSN_ATTR_PRIVILEGED, SAFE, 0, 0x0f, 0x01, 0x10),
	INSN_CASE("sgdt [eax]", 3, SAFE, 0, 0, 0x0f, 0x01, 0x00),
	INSN_CASE("ltr ax", 3, INSN_ATTR_PRIVILEGED, SAFE, 0, 0x0f, 0x00, 0xd8),
	INSN_CASE("sysenter", 2, INSN_ATTR_SYSCALL, SAFE, 0, 0x0f, 0x34),
	INSN_CASE("sysexit", 2, INSN_ATTR_SYSCALL, SAFE, 0, 0x0f, 0x35),
	INSN_CASE("wrmsr", 2, INSN_ATTR_PRIVILEGED, SAFE, 0, 0x0f, 0x30),
	INSN_CASE("rdmsr", 2, INSN_ATTR_PRIVILEGED | SAFE, 0, 0, 0x0f, 0x32),
	INSN_CASE("in al,0x60", 2, SAFE, 0, 0, 0xe4, 0x60),
	INSN_CASE("out dx,al", 1, SAFE, 0, 0, 0xee),

	/* --- VEX / EVEX / 3DNow!: length only, never safe --- */
	INSN_CASE("VEX2 vzeroupper", 3, 0, SAFE, 0, 0xc5, 0xf8, 0x77),
	INSN_CASE("VEX3 vpshufb xmm0,xmm0,xmm1", 5, 0, SAFE, 0, 0xc4, 0xe2, 0x79, 0x00, 0xc1),
	INSN_CASE("VEX3 map 3 with ib", 6, 0, SAFE, 0, 0xc4, 0xe3, 0x79, 0x0f, 0xc0, 0x01),
	INSN_CASE("C4 with memory ModRM is les", 2, SAFE, 0, 0, 0xc4, 0x06),
	INSN_CASE("EVEX vmovups zmm0,zmm0", 6, 0, SAFE, 0, 0x62, 0xf1, 0x7c, 0x48, 0x10, 0xc0),
	INSN_CASE("EVEX disp8 (compressed) is 1 byte", 7, 0, SAFE, 0,
		  0x62, 0xf1, 0x7c, 0x48, 0x10, 0x40, 0x01),
	INSN_CASE("62 with memory ModRM is bound", 2, SAFE, 0, 0, 0x62, 0x06),
	INSN_CASE("3DNow! pfadd mm0,mm1", 4, 0, SAFE, 0, 0x0f, 0x0f, 0xc1, 0x9e),

	/* --- errors --- */
	{ "empty buffer", { 0 }, 0, TRUNC, 0, 0, 0 },
	INSN_CASE("call rel32 cut short", TRUNC, 0, 0, 0, 0xe8, 0x01, 0x02),
	INSN_CASE("lone 0F", TRUNC, 0, 0, 0, 0x0f),
	INSN_CASE("ModRM needs SIB", TRUNC, 0, 0, 0, 0x8b, 0x04),
	INSN_CASE("prefix only", TRUNC, 0, 0, 0, 0x66),
	INSN_CASE("0F 04 undefined", INV, 0, 0, 0, 0x0f, 0x04),
	INSN_CASE("0F 0A undefined", INV, 0, 0, 0, 0x0f, 0x0a),
	INSN_CASE("D6 (salc) rejected", INV, 0, 0, 0, 0xd6),
	INSN_CASE("FE /2 undefined", INV, 0, 0, 0, 0xfe, 0xd0),
	INSN_CASE("C6 /1 undefined", INV, 0, 0, 0, 0xc6, 0xc8, 0x00),
	INSN_CASE("x87 D9 D1 undefined", INV, 0, 0, 0, 0xd9, 0xd1),
	INSN_CASE("3DNow! bad suffix", INV, 0, 0, 0, 0x0f, 0x0f, 0xc0, 0x00),
	INSN_CASE("0F 3A 00 undefined", INV, 0, 0, 0, 0x0f, 0x3a, 0x00, 0xc0, 0x00),
	INSN_CASE("VEX map 4 undefined", INV, 0, 0, 0, 0xc4, 0xe4, 0x78, 0x10, 0xc0),

	/* --- 66 near transfers: a 16-bit eip, never safe (67 loop/jcxz: only cx) --- */
	INSN_CASE("66 jmp rel8", 3, INSN_ATTR_REL_JMP | INSN_ATTR_IP16, SAFE, 0x1013,
		  0x66, 0xeb, 0x10),
	INSN_CASE("66 jmp rel16", 4, INSN_ATTR_REL_JMP | INSN_ATTR_IP16, SAFE, 0x1104,
		  0x66, 0xe9, 0x00, 0x01),
	INSN_CASE("66 jmp rel16 wraps below 0: target 0xf004", 4,
		  INSN_ATTR_REL_JMP | INSN_ATTR_IP16, SAFE, 0xf004, 0x66, 0xe9, 0x00, 0xe0),
	INSN_CASE("66 je rel8", 3, INSN_ATTR_REL_JCC | INSN_ATTR_IP16, SAFE, 0x1008,
		  0x66, 0x74, 0x05),
	INSN_CASE("66 jne rel16", 5, INSN_ATTR_REL_JCC | INSN_ATTR_IP16, SAFE, 0x1005,
		  0x66, 0x0f, 0x85, 0x00, 0x00),
	INSN_CASE("66 loop", 3, INSN_ATTR_LOOP | INSN_ATTR_IP16, SAFE, 0x1001,
		  0x66, 0xe2, 0xfe),
	INSN_CASE("66 jecxz", 3, INSN_ATTR_LOOP | INSN_ATTR_IP16, SAFE, 0x1013,
		  0x66, 0xe3, 0x10),
	INSN_CASE("66 67 loopne", 4, INSN_ATTR_LOOP | INSN_ATTR_IP16, SAFE, 0x1004,
		  0x66, 0x67, 0xe0, 0x00),
	INSN_CASE("67 loop (cx counter, 32-bit eip): safe", 3, INSN_ATTR_LOOP | SAFE,
		  INSN_ATTR_IP16, 0x1001, 0x67, 0xe2, 0xfe),
	INSN_CASE("67 loope: safe", 3, INSN_ATTR_LOOP | SAFE, INSN_ATTR_IP16, 0x1013,
		  0x67, 0xe1, 0x10),
	INSN_CASE("2e je (branch hint): safe", 3, INSN_ATTR_REL_JCC | SAFE, INSN_ATTR_IP16,
		  0x1008, 0x2e, 0x74, 0x05),
	INSN_CASE("66 ret", 2, INSN_ATTR_RET | INSN_ATTR_IP16, SAFE, 0,
		  0x66, 0xc3),
	INSN_CASE("66 ret imm16", 4, INSN_ATTR_RET | INSN_ATTR_IP16, SAFE, 0,
		  0x66, 0xc2, 0x04, 0x00),
	INSN_CASE("66 call [eax] (pushes 2 bytes)", 3, INSN_ATTR_INDIRECT_CALL | INSN_ATTR_IP16,
		  SAFE, 0, 0x66, 0xff, 0x10),
	INSN_CASE("66 jmp eax", 3, INSN_ATTR_INDIRECT_JMP | INSN_ATTR_IP16, SAFE, 0,
		  0x66, 0xff, 0xe0),
	INSN_CASE("66 push [eax] is not a transfer: safe", 3, SAFE, INSN_ATTR_IP16, 0,
		  0x66, 0xff, 0x30),
	INSN_CASE("call [eax]: safe", 2, INSN_ATTR_INDIRECT_CALL | SAFE, INSN_ATTR_IP16, 0,
		  0xff, 0x10),

	/* --- VEX 0F38/0F3A opcodes the table once left out (length only, never safe) --- */
	INSN_CASE("VEX vaesimc xmm6,xmm4 (0F38 DB)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x79, 0xdb, 0xf4),
	INSN_CASE("VEX vaesimc xmm7,[ebx+ecx*4+disp32]", 10, 0, SAFE, 0,
		  0xc4, 0xe2, 0x79, 0xdb, 0xbc, 0x8b, 0x78, 0x56, 0x34, 0x12),
	INSN_CASE("VEX vaesenc ymm3,ymm2,ymm1 (0F38 DC)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x6d, 0xdc, 0xd9),
	INSN_CASE("VEX vaeskeygenassist xmm2,xmm1,ib (0F3A DF)", 6, 0, SAFE, 0,
		  0xc4, 0xe3, 0x79, 0xdf, 0xd1, 0x1b),
	INSN_CASE("VEX vpclmulqdq xmm3,xmm2,xmm1,ib (0F3A 44)", 6, 0, SAFE, 0,
		  0xc4, 0xe3, 0x69, 0x44, 0xd9, 0x11),
	INSN_CASE("VEX vgf2p8mulb xmm3,xmm2,xmm1 (0F38 CF)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x69, 0xcf, 0xd9),
	INSN_CASE("VEX vsha512msg1 ymm0,xmm1 (F2 0F38 CC)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x7f, 0xcc, 0xc1),
	INSN_CASE("VEX vsm3msg1 xmm0,xmm0,xmm1 (0F38 DA)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x78, 0xda, 0xc1),
	INSN_CASE("VEX vsm3rnds2 xmm0,xmm0,xmm1,ib (66 0F3A DE)", 6, 0, SAFE, 0,
		  0xc4, 0xe3, 0x79, 0xde, 0xc1, 0x02),
	INSN_CASE("VEX vpdpwsud xmm0,xmm0,xmm1 (F3 0F38 D2)", 5, 0, SAFE, 0,
		  0xc4, 0xe2, 0x7a, 0xd2, 0xc1),
	INSN_CASE("VEX 0F38 CE undefined", INV, 0, 0, 0,
		  0xc4, 0xe2, 0x79, 0xce, 0xc1),
	INSN_CASE("VEX 0F38 E0 (cmpccxadd, 64-bit only) undefined", INV, 0, 0, 0,
		  0xc4, 0xe2, 0x79, 0xe0, 0x08),
};

#undef SAFE
#undef INV
#undef TRUNC

#endif /* JUMPER_INSN_CASES_H */
