/* SPDX-License-Identifier: MIT */
/*
 * The x86-32 instruction decoder (protected mode, 32-bit code segment), lib/insn/.
 *
 * The kprobes code needs to know, for any instruction it is asked to probe, how long it
 * is and whether it may be copied to another address and single-stepped there
 * ("executed out of line"). This decoder answers both questions from the raw bytes
 * alone. It calls no other code and has no writable globals, so the same files are built
 * into the kernel and into the host's test programs (tests/host/).
 *
 * Scope: everything a 32-bit code segment can contain: legacy prefixes, the one-byte,
 * 0F, 0F 38 and 0F 3A opcode maps, x87, MMX/SSE, 3DNow! (0F 0F), VEX (C4/C5), EVEX (62)
 * and AMD XOP (8F). For VEX/EVEX/XOP/3DNow! only the *length* is decoded; they are
 * always reported as not safe to single-step out of line.
 *
 * Policy: an opcode the decoder does not know is an error, never a guess. The reference
 * for "is this valid, and how long is it" is the Intel SDM opcode maps, cross-checked
 * against GNU objdump (tests/host/insn_xcheck.py).
 */
#ifndef JUMPER_INSN_H
#define JUMPER_INSN_H

#include "types.h"

/* Architectural limit: an instruction longer than this raises #GP/#UD. */
#define INSN_MAX_LEN 15

/* Error codes, returned negated by insn_decode(). The kernel maps both to -EINVAL. */
#define INSN_ERR_INVALID   1   /* undefined opcode, bad ModRM form, or > 15 bytes */
#define INSN_ERR_TRUNCATED 2   /* buffer ended before the instruction did */

/* Opcode maps (insn->map). */
enum insn_map {
	INSN_MAP_1BYTE = 0,     /* primary opcode table                     */
	INSN_MAP_0F    = 1,     /* 0F xx        (also VEX/EVEX map 1)        */
	INSN_MAP_0F38  = 2,     /* 0F 38 xx     (also VEX/EVEX map 2)        */
	INSN_MAP_0F3A  = 3,     /* 0F 3A xx     (also VEX/EVEX map 3)        */
	INSN_MAP_3DNOW = 4,     /* 0F 0F modrm ib: opcode is the trailing ib */
	INSN_MAP_EVEX5 = 5,     /* EVEX map 5 (AVX512-FP16)                  */
	INSN_MAP_EVEX6 = 6,     /* EVEX map 6 (AVX512-FP16)                  */
	INSN_MAP_XOP8  = 8,     /* AMD XOP maps 8, 9, 10                     */
	INSN_MAP_XOP9  = 9,
	INSN_MAP_XOPA  = 10,
};

/* How the opcode was introduced (insn->encoding). */
enum insn_encoding {
	INSN_ENC_LEGACY = 0,
	INSN_ENC_VEX2   = 1,    /* C5 xx                 */
	INSN_ENC_VEX3   = 2,    /* C4 xx xx              */
	INSN_ENC_EVEX   = 3,    /* 62 xx xx xx           */
	INSN_ENC_XOP    = 4,    /* 8F xx xx (AMD)        */
};

/* Attribute bits (insn->attr), several at once: popf has POPF | MODIFIES_IF | SS_SAFE. */
#define INSN_ATTR_REL_JMP        (1u << 0)  /* EB rel8, E9 rel16/32                      */
#define INSN_ATTR_REL_JCC        (1u << 1)  /* 7x rel8, 0F 8x rel16/32                   */
#define INSN_ATTR_REL_CALL       (1u << 2)  /* E8 rel16/32                               */
#define INSN_ATTR_LOOP           (1u << 3)  /* E0-E3 loopne/loope/loop/jecxz, rel8       */
#define INSN_ATTR_RET            (1u << 4)  /* C3, C2 iw                                 */
#define INSN_ATTR_RET_FAR        (1u << 5)  /* CB, CA iw                                 */
#define INSN_ATTR_IRET           (1u << 6)  /* CF                                        */
#define INSN_ATTR_INT            (1u << 7)  /* CD ib                                     */
#define INSN_ATTR_INT3           (1u << 8)  /* CC                                        */
#define INSN_ATTR_INTO           (1u << 9)  /* CE                                        */
#define INSN_ATTR_INT1           (1u << 10) /* F1 (icebp)                                */
#define INSN_ATTR_CLI            (1u << 11) /* FA                                        */
#define INSN_ATTR_STI            (1u << 12) /* FB                                        */
#define INSN_ATTR_POPF           (1u << 13) /* 9D                                        */
#define INSN_ATTR_PUSHF          (1u << 14) /* 9C (pushes TF: kprobes must fix it up)    */
#define INSN_ATTR_MODIFIES_IF    (1u << 15) /* cli, sti, popf, iret                      */
#define INSN_ATTR_FAR_JMP        (1u << 16) /* EA ptr, FF /5                             */
#define INSN_ATTR_FAR_CALL       (1u << 17) /* 9A ptr, FF /3                             */
#define INSN_ATTR_INDIRECT_JMP   (1u << 18) /* FF /4                                     */
#define INSN_ATTR_INDIRECT_CALL  (1u << 19) /* FF /2                                     */
#define INSN_ATTR_HLT            (1u << 20) /* F4                                        */
#define INSN_ATTR_MOV_SEG        (1u << 21) /* 8C / 8E: mov to or from a segment reg     */
#define INSN_ATTR_MOV_CR         (1u << 22) /* 0F 20 / 0F 22                             */
#define INSN_ATTR_MOV_DR         (1u << 23) /* 0F 21 / 0F 23                             */
#define INSN_ATTR_LOADS_SS       (1u << 24) /* mov ss, pop ss, lss: blocks the next #DB  */
#define INSN_ATTR_LOCK           (1u << 25) /* F0 prefix present                         */
#define INSN_ATTR_REP            (1u << 26) /* F3 prefix present (rep/repe, or SSE sel.) */
#define INSN_ATTR_REPNE          (1u << 27) /* F2 prefix present                         */
#define INSN_ATTR_SYSCALL        (1u << 28) /* sysenter/sysexit/syscall/sysret           */
#define INSN_ATTR_PRIVILEGED     (1u << 29) /* system-state insn, see insn_classify()    */
#define INSN_ATTR_IP16           (1u << 30) /* near transfer, 66: eip truncated to 16 bit */
#define INSN_ATTR_SS_SAFE        (1u << 31) /* may be single-stepped from a copy         */

/* Any IP-relative transfer: target = address of next instruction + rel. */
#define INSN_ATTR_REL_ANY \
	(INSN_ATTR_REL_JMP | INSN_ATTR_REL_JCC | INSN_ATTR_REL_CALL | INSN_ATTR_LOOP)

struct insn {
	u8 length;              /* total bytes, 1..15                                 */
	u8 nprefixes;           /* legacy prefixes seen (before VEX/opcode)           */
	u8 prefixes[INSN_MAX_LEN];      /* their bytes, in order                      */
	u8 encoding;            /* enum insn_encoding                                 */
	u8 map;                 /* enum insn_map                                      */
	u8 opcode[3];           /* escape bytes included: e.g. 0F 38 00               */
	u8 opcode_len;          /* for VEX/EVEX/XOP: 1 (the byte after the prefix)    */
	u8 vex[3];              /* VEX/EVEX/XOP payload bytes after C4/C5/62/8F       */
	u8 vex_len;             /* 0, 1 (C5), 2 (C4, 8F) or 3 (62)                    */
	bool has_modrm;
	u8 modrm;
	bool has_sib;
	u8 sib;
	u8 disp_size;           /* 0, 1, 2 or 4                                       */
	s32 disp;               /* sign-extended                                      */
	u8 imm_size;            /* 0, 1, 2 or 4 (first immediate / rel / offset)      */
	u32 imm;                /* raw, zero-extended; rel8/16 are sign-extended      */
	u8 imm2_size;           /* second immediate: enter ib, far ptr selector,      */
	u32 imm2;               /*   extrq/insertq second ib                          */
	u8 opnd_size;           /* 2 or 4 (66 prefix)                                 */
	u8 addr_size;           /* 2 or 4 (67 prefix)                                 */
	u32 attr;               /* INSN_ATTR_* bits                                   */
	s32 rel;                /* branch displacement (REL_ANY, and xbegin)          */
	u32 rel_target;         /* addr + length + rel, truncated to 16 bits when the */
				/*   operand size is 16 (as the CPU does)             */
};

/*
 * Decodes the instruction at buf into *insn. At most buflen bytes are read, never one
 * past them (more than INSN_MAX_LEN are never needed); addr is the instruction's
 * address, used only for insn->rel_target. Returns the length (1..15) on success,
 * -INSN_ERR_TRUNCATED when the buflen bytes end before the instruction does (a longer
 * buffer may succeed), -INSN_ERR_INVALID when the bytes are not a defined instruction.
 * On error *insn is left in an unspecified state.
 */
int insn_decode(struct insn *insn, const u8 *buf, size_t buflen, u32 addr);

/* True if the decoded instruction is an IP-relative branch or call (INSN_ATTR_REL_ANY). */
static inline bool insn_is_rel(const struct insn *insn)
{
	return (insn->attr & INSN_ATTR_REL_ANY) != 0;
}

/* A short text for a decoder error code, given positive or negative ("ok" for 0). */
const char *insn_errstr(int err);

#endif
