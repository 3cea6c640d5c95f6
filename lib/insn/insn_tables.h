/* SPDX-License-Identifier: MIT */
/*
 * The legacy opcode tables of the x86-32 instruction decoder. Private to insn.c: include
 * it from nowhere else (the tables are static, one copy per includer). The VEX and XOP
 * tables are used only by insn_vex.c and live there; the x87 register-form table is used
 * only by insn_classify.c and lives there.
 *
 * Why these tables look the way they do: to find the *length* of an instruction you need,
 * per opcode, only three facts: is there a ModRM byte, what immediate follows, and is the
 * opcode defined at all. Everything else (mnemonic, operand types) is irrelevant. So each
 * opcode map is written as 16 strings of 16 characters, one string per row of the Intel
 * SDM opcode map (high nibble), one character per column (low nibble). Reading a row here
 * is reading a row of the SDM table.
 *
 * Legend (format characters):
 *   .  undefined in 32-bit mode: decoding fails
 *   p  legacy prefix (consumed before the table is consulted)
 *   x  escape handled in code (0F, 0F 38, 0F 3A, 0F 0F)
 *   -  no ModRM, no immediate
 *   m  ModRM, no immediate
 *   b  no ModRM, 8-bit immediate              (ib)
 *   B  ModRM + 8-bit immediate
 *   z  no ModRM, 16/32-bit immediate: 2 bytes with a 66 prefix, else 4 (iz)
 *   Z  ModRM + 16/32-bit immediate
 *   w  no ModRM, 16-bit immediate             (iw: ret iw, retf iw)
 *   j  8-bit relative displacement            (jcc/jmp rel8, loop)
 *   J  16/32-bit relative displacement        (call/jmp/jcc rel16/32)
 *   o  memory offset, sized by ADDRESS size   (mov al/eax <-> moffs)
 *   f  far pointer: offset (2 or 4 by operand size) + 16-bit selector
 *   e  enter: iw followed by ib
 *   g  group 3 (F6/F7): ModRM; /0 and /1 (test) take ib (F6) or iz (F7)
 *
 * Opcodes whose validity depends on the ModRM byte (groups, register-only or memory-only
 * forms) carry 'm'/'B'/'Z' here and are refined in code (insn_check_legacy(),
 * insn_classify.c).
 */
#ifndef JUMPER_INSN_TABLES_H
#define JUMPER_INSN_TABLES_H

#include "types.h"

/*
 * One-byte map. Notes:
 *  62 bound, C4 les, C5 lds: memory ModRM only; with mod == 11b the byte pair is instead
 *     an EVEX (62) or VEX (C4/C5) prefix, handled in code.
 *  8F: /0 is pop Ev; any other reg field starts an AMD XOP prefix.
 *  D6 (salc) is undocumented and rejected, as objdump does.
 *  D8-DF x87: the validity of the register forms is in insn_x87_reg_valid
 *     (insn_classify.c).
 */
static const char insn_map1[16][17] = {
	/*      0123456789ABCDEF */
	/* 0 */ "mmmmbz--mmmmbz-x",  /* add, push/pop es, or, push cs, 0F escape */
	/* 1 */ "mmmmbz--mmmmbz--",  /* adc, push/pop ss, sbb, push/pop ds        */
	/* 2 */ "mmmmbzp-mmmmbzp-",  /* and, es:, daa, sub, cs:, das              */
	/* 3 */ "mmmmbzp-mmmmbzp-",  /* xor, ss:, aaa, cmp, ds:, aas              */
	/* 4 */ "----------------",  /* inc/dec r32                               */
	/* 5 */ "----------------",  /* push/pop r32                              */
	/* 6 */ "--mmppppzZbB----",  /* pusha popa bound arpl fs gs 66 67 push imul ins outs */
	/* 7 */ "jjjjjjjjjjjjjjjj",  /* jcc rel8                                  */
	/* 8 */ "BZBBmmmmmmmmmmmm",  /* group 1, test, xchg, mov, mov sreg, lea, pop Ev */
	/* 9 */ "----------f-----",  /* xchg, cwde, cdq, call far, fwait, pushf, popf, sahf, lahf */
	/* A */ "oooo----bz------",  /* mov moffs, movs, cmps, test, stos, lods, scas */
	/* B */ "bbbbbbbbzzzzzzzz",  /* mov r8, ib / mov r32, iz                  */
	/* C */ "BBw-mmBZe-w--b--",  /* shift ib, ret, les, lds, mov Ev,imm, enter, leave, retf, */
				     /* int3, int, into, iret */
	/* D */ "mmmmbb.-mmmmmmmm",  /* shift 1/cl, aam, aad, (salc), xlat, x87   */
	/* E */ "jjjjbbbbJJfj----",  /* loop/jecxz, in/out ib, call, jmp, jmp far, jmp rel8, */
				     /* in/out dx */
	/* F */ "p-pp--gg------mm",  /* lock, int1, rep, hlt, cmc, group 3, flags, group 4/5 */
};

/*
 * Two-byte map (0F xx). The mandatory SSE prefixes (66/F2/F3) select among instructions
 * of the same length, so one character per opcode is enough; the few prefix-dependent
 * exceptions are handled in insn.c and insn_classify.c.
 *  0F 0F is the 3DNow! escape (ModRM, then an opcode byte in imm8 position).
 *  0F 24/26: mov to/from test registers (386/486), still decoded by objdump.
 *  0F A6/A7: VIA PadLock (fixed second byte, treated as a ModRM in code).
 *  0F B8: popcnt with F3 only. 0F B9: ud1. 0F FF: ud0 (with ModRM).
 */
static const char insn_map0f[16][17] = {
	/*      0123456789ABCDEF */
	/* 0 */ "mmmm.-----.-.m-x",  /* grp6 grp7 lar lsl syscall clts sysret invd wbinvd ud2 */
				     /* prefetch femms 3DNow */
	/* 1 */ "mmmmmmmmmmmmmmmm",  /* SSE moves, prefetch/hint nops            */
	/* 2 */ "mmmmm.m.mmmmmmmm",  /* mov cr/dr/tr, SSE moves/converts          */
	/* 3 */ "------.-x.x.....",  /* wrmsr rdtsc rdmsr rdpmc sysenter sysexit getsec, */
				     /* 38/3A escapes */
	/* 4 */ "mmmmmmmmmmmmmmmm",  /* cmovcc                                    */
	/* 5 */ "mmmmmmmmmmmmmmmm",  /* SSE arithmetic                            */
	/* 6 */ "mmmmmmmmmmmmmmmm",  /* MMX/SSE2 unpack/pack                      */
	/* 7 */ "BBBBmmm-mm..mmmm",  /* pshuf, shift groups 12-14 ib, emms, vmread/vmwrite */
	/* 8 */ "JJJJJJJJJJJJJJJJ",  /* jcc rel16/32                              */
	/* 9 */ "mmmmmmmmmmmmmmmm",  /* setcc                                     */
	/* A */ "---mBmmm---mBmmm",  /* push/pop fs, cpuid, bt, shld, padlock, push/pop gs, rsm, */
				     /* bts, shrd, grp15, imul */
	/* B */ "mmmmmmmmmmBmmmmm",  /* cmpxchg lss btr lfs lgs movzx popcnt ud1 grp8 btc */
				     /* bsf bsr movsx */
	/* C */ "mmBmBBBm--------",  /* xadd cmpps movnti pinsrw pextrw shufps grp9, bswap */
	/* D */ "mmmmmmmmmmmmmmmm",  /* MMX/SSE                                   */
	/* E */ "mmmmmmmmmmmmmmmm",  /* MMX/SSE                                   */
	/* F */ "mmmmmmmmmmmmmmmm",  /* MMX/SSE, ud0                              */
};

/*
 * Which mandatory prefix each 0F opcode accepts, one hex digit per opcode: bit 0 = no
 * prefix, bit 1 = 66, bit 2 = F3, bit 3 = F2 ("F" = any). The mandatory prefix is the
 * last F2/F3 if there is one, else 66. E.g. 0F 7C haddpd/haddps exist only as 66 0F 7C
 * and F2 0F 7C -> "A"; 0F B8 is popcnt only with F3 -> "4"; 0F 77 emms has no SSE
 * form -> "1".
 */
static const char insn_map0f_prefix[16][17] = {
	/*      0123456789ABCDEF */
	/* 0 */ "FFFF0FFFF50F0FFF",
	/* 1 */ "FFF33373FFFFFFFF",
	/* 2 */ "FFFFF0F033FFFF33",
	/* 3 */ "FFFFFF0F00000000",
	/* 4 */ "FFFFFFFFFFFFFFFF",
	/* 5 */ "3F553333FFF7FFFF",
	/* 6 */ "3333333333332237",
	/* 7 */ "F3333331BB00AA77",
	/* 8 */ "FFFFFFFFFFFFFFFF",
	/* 9 */ "FFFFFFFFFFFFFFFF",
	/* A */ "FFFFFFFFFFFFFFFF",
	/* B */ "FFFFFFFF4FFF77FF",
	/* C */ "FFF1333FFFFFFFFF",
	/* D */ "A33333EF33333333",
	/* E */ "333333E333333333",
	/* F */ "833333333333333F",
};

/*
 * Three-byte maps, legacy (non-VEX) encoding. Every 0F 38 instruction has a ModRM and no
 * immediate; every 0F 3A instruction has ModRM + ib. So only validity needs a table: '.'
 * undefined, else a hex digit of allowed mandatory prefixes exactly as in
 * insn_map0f_prefix ("3" = MMX form without prefix and SSE form with 66, "2" = 66 only,
 * "B" = none/66/F2 as for movbe/crc32).
 */
static const char insn_map0f38[16][17] = {
	/*      0123456789ABCDEF */
	/* 0 */ "333333333333....",  /* pshufb .. pmulhrsw (SSSE3)               */
	/* 1 */ "2...22.2....333.",  /* pblendvb blendvps blendvpd ptest pabs*   */
	/* 2 */ "222222..2222....",  /* pmovsx*, pmuldq pcmpeqq movntdqa packusdw */
	/* 3 */ "222222.222222222",  /* pmovzx*, pcmpgtq, pmin/pmax, pmulld      */
	/* 4 */ "22..............",  /* pmulld phminposuw                        */
	/* 5 */ "................",
	/* 6 */ "................",
	/* 7 */ "................",
	/* 8 */ "222.............",  /* invept invvpid invpcid                   */
	/* 9 */ "................",
	/* A */ "................",
	/* B */ "................",
	/* C */ "........111111.2",  /* sha1/sha256, gf2p8mulb                   */
	/* D */ "........4..26666",  /* aes*kl (F3), aesimc aesenc.. (66)        */
	/* E */ "................",
	/* F */ "BB...27.E144F...",  /* movbe/crc32 wrss adcx/adox movdir64b/enqcmd movdiri */
				     /* encodekey, RAO-INT */
};

static const char insn_map0f3a[16][17] = {
	/*      0123456789ABCDEF */
	/* 0 */ "........22222223",  /* round*, blend*, palignr                  */
	/* 1 */ "....2222........",  /* pextrb/w/d, extractps                     */
	/* 2 */ "222.............",  /* pinsrb, insertps, pinsrd                  */
	/* 3 */ "................",
	/* 4 */ "222.2...........",  /* dpps dppd mpsadbw pclmulqdq              */
	/* 5 */ "................",
	/* 6 */ "2222............",  /* pcmpestrm pcmpestri pcmpistrm pcmpistri  */
	/* 7 */ "................",
	/* 8 */ "................",
	/* 9 */ "................",
	/* A */ "................",
	/* B */ "................",
	/* C */ "............1.22",  /* sha1rnds4, gf2p8affineqb/inv            */
	/* D */ "...............2",  /* aeskeygenassist                          */
	/* E */ "................",
	/* F */ "4...............",  /* hreset (F3)                              */
};

/* 3DNow! (0F 0F modrm ib): the trailing ib is the real opcode. */
static const u8 insn_3dnow_ops[] = {
	0x0c, 0x0d, 0x1c, 0x1d, 0x8a, 0x8e, 0x90, 0x94, 0x96, 0x97, 0x9a, 0x9e,
	0xa0, 0xa4, 0xa6, 0xa7, 0xaa, 0xae, 0xb0, 0xb4, 0xb6, 0xb7, 0xbb, 0xbf,
};

#endif
