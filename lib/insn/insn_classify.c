// SPDX-License-Identifier: MIT
/*
 * The x86-32 instruction decoder's opcode-specific rules (contract: include/insn.h):
 * insn_check_legacy(), which ModRM / mandatory-prefix forms of a legacy opcode are
 * defined, and insn_classify(), the attribute bits of a decoded instruction, SS_SAFE
 * among them. The decoding itself is in insn.c, which calls both through
 * insn_internal.h.
 *
 * The x87 register-form table is used only here, so it lives here rather than in
 * insn_tables.h.
 *
 * Freestanding: no calls outside the decoder, no writable globals, only const tables.
 */
#include "insn_internal.h"

/*
 * x87 register forms (mod == 11b). For escape D8+i, entry [i][reg] is a bit mask over rm
 * (bit n set = "reg,rm=n" defined). Memory forms are all defined except D9 /1, DB /4,
 * DB /6 and DD /5 (see insn_check_legacy()).
 * Rows: D8 fadd...; D9 fld/fxch/fnop/fchs.../fldconst/f2xm1...; DA fcmov/fucompp;
 * DB fcmovn/feni/fdisi/fnclex/fninit/fsetpm/frstpm (DB E0-E5)/fucomi/fcomi;
 * DC fadd... (reversed); DD ffree/fst/fstp/fucom; DE faddp.../fcompp;
 * DF ffreep/fnstsw ax/fucomip/fcomip.
 */
static const u8 insn_x87_reg_valid[8][8] = {
	/*          /0    /1    /2    /3    /4    /5    /6    /7  */
	/* D8 */ { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	/* D9 */ { 0xff, 0xff, 0x01, 0x00, 0x33, 0x7f, 0xff, 0xff },
	/* DA */ { 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x00, 0x00 },
	/* DB */ { 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0x00 },
	/* DC */ { 0xff, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff },
	/* DD */ { 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 },
	/* DE */ { 0xff, 0xff, 0x00, 0x02, 0xff, 0xff, 0xff, 0xff },
	/* DF */ { 0xff, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0x00 },
};

/*
 * The validity rules that depend on the ModRM byte or on the mandatory prefix mp (0, 0x66,
 * 0xF3 or 0xF2) of legacy opcode op (the last opcode byte, in insn->map). Returns true if
 * the form is defined. Called after the ModRM byte is read, for legacy encodings only.
 */
bool insn_check_legacy(const struct insn *insn, u8 op, u8 mp)
{
	unsigned mod = insn->modrm >> 6, reg = (insn->modrm >> 3) & 7;
	bool mem = (mod != 3);

	if (insn->map == INSN_MAP_1BYTE) {
		switch (op) {
		case 0x62: case 0x8d: case 0xc4: case 0xc5:   /* bound lea les lds */
			return mem;
		case 0x8f:                                    /* pop Ev: /0 only */
			return reg == 0;
		case 0xc6: case 0xc7:                         /* mov Ev,imm /0; xabort/xbegin */
			return reg == 0 || insn->modrm == 0xf8;
		case 0xfe:                                    /* inc/dec Eb */
			return reg <= 1;
		case 0xff:                                    /* far /3 /5: memory; /7 undefined */
			if (reg == 7)
				return false;
			return mem || (reg != 3 && reg != 5);
		}
		if (op >= 0xd8 && op <= 0xdf) {               /* x87 */
			if (!mem)
				return (insn_x87_reg_valid[op - 0xd8][reg] >>
					(insn->modrm & 7)) & 1;
			return !((op == 0xd9 && reg == 1) ||
				 (op == 0xdb && (reg == 4 || reg == 6)) ||
				 (op == 0xdd && reg == 5));
		}
		return true;
	}
	if (insn->map == INSN_MAP_0F38 || insn->map == INSN_MAP_0F3A)
		return true;

	/* Two-byte map. */
	switch (op) {
	case 0x00:                      /* sldt str lldt ltr verr verw */
		return reg <= 5;
	case 0x01:                      /* group 7 */
		if (mem)
			return reg != 5 || mp == 0xf3;      /* F3 0F 01 /5: rstorssp */
		/* register forms: specific opcodes, see the SDM's group 7 table */
		switch (insn->modrm) {
		case 0xc7: case 0xcd: case 0xce: case 0xd2: case 0xd3:
		case 0xe9: case 0xeb: case 0xec: case 0xed:
			return mp == 0xf3 || mp == 0xf2 || mp == 0x66;
		}
		return true;
	/* prefetch, movlps/movhps stores, movnt*, lss/lfs/lgs, lddqu: memory only */
	case 0x0d: case 0x13: case 0x17: case 0x2b: case 0xb2: case 0xb4:
	case 0xb5: case 0xc3: case 0xe7: case 0xf0:
		return mem;
	case 0x12: case 0x16:           /* 66: movlpd/movhpd loads are memory only */
		return mem || mp != 0x66;
	case 0x1a: case 0x1b:           /* MPX: memory forms use bnd0-3 only */
		return !mem || reg <= 3;
	/* movmskps, pextrw, pmovmskb, maskmovq: register only */
	case 0x50: case 0xc5: case 0xd7: case 0xf7:
		return !mem;
	case 0x71: case 0x72:           /* shift groups 12/13: /2 /4 /6, register only */
		return !mem && (reg == 2 || reg == 4 || reg == 6);
	case 0x73:                      /* group 14: /2 /6, and /3 /7 with 66 */
		return !mem && (reg == 2 || reg == 6 || (mp == 0x66 && (reg == 3 || reg == 7)));
	case 0x78: case 0x79:           /* 66/F2: extrq/insertq, register only */
		return mp == 0 || !mem;
	case 0xd6:                      /* F3/F2: movq2dq/movdq2q, register only */
		return mp == 0x66 || !mem;
	case 0xa6:                      /* VIA PadLock: montmul, xsha1, xsha256 */
		return !mem && reg <= 2 && (insn->modrm & 7) == 0;
	case 0xa7:                      /* VIA PadLock: xstore, xcrypt* */
		return !mem && reg <= 5 && (insn->modrm & 7) == 0;
	case 0xae:                      /* group 15 */
		if (mem || mp == 0xf3)          /* fxsave..clflush; F3: rdfsbase.. */
			return true;
		if (reg == 7)                   /* sfence */
			return (insn->modrm & 7) == 0;
		if (reg == 6)                   /* mfence; 66 tpause, F2 umwait */
			return mp != 0 || (insn->modrm & 7) == 0;
		return reg == 5 && mp == 0;     /* lfence */
	case 0xba:                      /* group 8: bt bts btr btc ib */
		return reg >= 4;
	case 0xc7:                      /* group 9 */
		if (mem)
			return reg != 0 && reg != 2;
		return reg >= 6;            /* rdrand, rdseed/rdpid */
	}
	return true;
}

/*
 * The attribute bits of a successfully decoded instruction. SS_SAFE ("may be copied
 * elsewhere and single-stepped there") is granted to everything except:
 *  - traps and interrupts (int, int3, into, int1), iret, hlt, ud0/1/2: they do not
 *    "complete" into the next instruction;
 *  - far transfers and far returns: they reload CS, and the probe code cannot fix up the
 *    return path;
 *  - anything loading SS (mov ss, pop ss, lss): the CPU suppresses the single-step trap
 *    after it, so the step would run on uncontrolled;
 *  - sysenter/sysexit/syscall/sysret, rsm, getsec, xbegin/xabort;
 *  - system-table loads (lgdt, lidt, lldt, ltr, lmsw), mov to CR, any mov DR, wrmsr, invd
 *    and the 0F 01 register forms (vmcall, monitor/mwait, xsetbv, ...): privileged state
 *    changes we refuse to replay;
 *  - VEX/EVEX/XOP/3DNow! (conservative: length-only decoding);
 *  - near transfers with a 66 prefix (jmp/jcc/call rel16 and rel8, loop, jcxz, ret, call
 *    and jmp r/m16): the CPU truncates eip to 16 bits and a 66 call pushes a 2-byte
 *    return address, while kprobes' fixup (resume_execution) assumes a 32-bit eip and a
 *    4-byte return address. They get INSN_ATTR_IP16 instead. (A 67 prefix on loop/jcxz
 *    only makes the counter cx: eip stays 32-bit, and they stay safe.)
 * Relative branches and calls ARE safe: kprobes fixes the IP up after the step.
 */
u32 insn_classify(const struct insn *insn)
{
	const u32 safe = INSN_ATTR_SS_SAFE;     /* each case names it, or leaves it out */
	/* what a near transfer gets instead of safe: safe only with a 32-bit eip */
	const u32 near = insn->opnd_size == 2 ? INSN_ATTR_IP16 : safe;
	u8 op = insn->opcode[insn->opcode_len - 1];
	unsigned reg = (insn->modrm >> 3) & 7;
	u32 a = 0;
	unsigned i;

	for (i = 0; i < insn->nprefixes; i++) {
		if (insn->prefixes[i] == 0xf0)
			a |= INSN_ATTR_LOCK;
		if (insn->prefixes[i] == 0xf3)
			a |= INSN_ATTR_REP;
		if (insn->prefixes[i] == 0xf2)
			a |= INSN_ATTR_REPNE;
	}
	if (insn->encoding != INSN_ENC_LEGACY || insn->map == INSN_MAP_3DNOW)
		return a;                                   /* never SS_SAFE */

	if (insn->map == INSN_MAP_1BYTE) {
		if (op >= 0x70 && op <= 0x7f)
			return a | INSN_ATTR_REL_JCC | near;
		if (op >= 0xe0 && op <= 0xe3)
			return a | INSN_ATTR_LOOP | near;
		switch (op) {
		case 0xeb: case 0xe9: return a | INSN_ATTR_REL_JMP | near;
		case 0xe8: return a | INSN_ATTR_REL_CALL | near;
		case 0xc3: case 0xc2: return a | INSN_ATTR_RET | near;
		case 0xfa: return a | INSN_ATTR_CLI | INSN_ATTR_MODIFIES_IF | safe;
		case 0xfb: return a | INSN_ATTR_STI | INSN_ATTR_MODIFIES_IF | safe;
		case 0x9d: return a | INSN_ATTR_POPF | INSN_ATTR_MODIFIES_IF | safe;
		case 0x9c: return a | INSN_ATTR_PUSHF | safe;
		case 0x8c: return a | INSN_ATTR_MOV_SEG | safe;
		case 0x8e:                                  /* mov sreg, Ew; /2 is mov ss */
			if (reg == 2)
				return a | INSN_ATTR_MOV_SEG | INSN_ATTR_LOADS_SS;
			return a | INSN_ATTR_MOV_SEG | safe;
		/* Not SS_SAFE: */
		case 0xcb: case 0xca: return a | INSN_ATTR_RET_FAR;
		case 0xcf: return a | INSN_ATTR_IRET | INSN_ATTR_MODIFIES_IF;
		case 0xcd: return a | INSN_ATTR_INT;
		case 0xcc: return a | INSN_ATTR_INT3;
		case 0xce: return a | INSN_ATTR_INTO;
		case 0xf1: return a | INSN_ATTR_INT1;
		case 0xea: return a | INSN_ATTR_FAR_JMP;
		case 0x9a: return a | INSN_ATTR_FAR_CALL;
		case 0xf4: return a | INSN_ATTR_HLT | INSN_ATTR_PRIVILEGED;
		case 0x17: return a | INSN_ATTR_LOADS_SS;   /* pop ss */
		case 0xc6: case 0xc7:                       /* xabort, xbegin are C6/C7 F8 */
			return insn->modrm == 0xf8 ? a : a | safe;
		case 0xff:
			switch (reg) {
			case 2: return a | INSN_ATTR_INDIRECT_CALL | near;
			case 3: return a | INSN_ATTR_FAR_CALL;
			case 4: return a | INSN_ATTR_INDIRECT_JMP | near;
			case 5: return a | INSN_ATTR_FAR_JMP;
			}
			break;
		}
		return a | safe;
	}
	if (insn->map != INSN_MAP_0F)
		return a | safe;

	if (op >= 0x80 && op <= 0x8f)
		return a | INSN_ATTR_REL_JCC | near;
	switch (op) {
	case 0x00:                                  /* lldt, ltr */
		if (reg == 2 || reg == 3)
			return a | INSN_ATTR_PRIVILEGED;
		break;
	case 0x01:                                  /* lgdt, lidt, lmsw, all register forms */
		if (insn->modrm >= 0xc0 || reg == 2 || reg == 3 || reg == 6)
			return a | INSN_ATTR_PRIVILEGED;
		break;
	case 0x06: case 0x09: case 0x32:            /* clts wbinvd rdmsr: privileged, harmless */
		return a | INSN_ATTR_PRIVILEGED | safe;
	case 0x20:                                  /* mov from CR */
		return a | INSN_ATTR_MOV_CR | INSN_ATTR_PRIVILEGED | safe;
	case 0x78: case 0x79:                       /* vmread/vmwrite (66/F2: SSE4a) */
		if (insn->opnd_size == 4 && !(a & INSN_ATTR_REPNE))
			return a;
		break;
	case 0xc7:                                  /* vmptrld/vmclear/vmxon/vmptrst */
		if (insn->modrm < 0xc0 && reg >= 6)
			return a | INSN_ATTR_PRIVILEGED;
		break;
	/* Not SS_SAFE: */
	case 0x05: case 0x07: case 0x34: case 0x35: /* syscall sysret sysenter sysexit */
		return a | INSN_ATTR_SYSCALL;
	case 0x08: case 0x30: case 0xaa: case 0x37: /* invd wrmsr rsm getsec */
		return a | INSN_ATTR_PRIVILEGED;
	case 0x0b: case 0xb9: case 0xff:            /* ud2, ud1, ud0 */
		return a;
	case 0x22:                                  /* mov to CR */
		return a | INSN_ATTR_MOV_CR | INSN_ATTR_PRIVILEGED;
	case 0x21: case 0x23:                       /* mov from/to DR */
		return a | INSN_ATTR_MOV_DR | INSN_ATTR_PRIVILEGED;
	case 0x24: case 0x26:                       /* test registers: gone since P5 */
		return a;
	case 0xb2:                                  /* lss */
		return a | INSN_ATTR_LOADS_SS;
	}
	return a | safe;
}
