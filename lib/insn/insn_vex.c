// SPDX-License-Identifier: MIT
/*
 * The x86-32 instruction decoder's VEX (C4/C5), EVEX (62) and AMD XOP (8F) encodings
 * (contract: include/insn.h). insn.c recognises the escape byte and calls
 * insn_decode_vex(); the prefixes, legacy opcode maps, operands and classification are
 * there and in insn_classify.c.
 *
 * Only the length is decoded: the payload gives the opcode map, the map and opcode give
 * the ModRM and the immediate. These tables are used only here, so they live here rather
 * than in insn_tables.h.
 *
 * Freestanding: no calls outside the decoder, no writable globals, only const tables.
 */
#include "insn_internal.h"

/*
 * AMD XOP (8F; map 8 takes an ib, map 9 none, map 10 an id). The defined opcodes, one bit
 * per opcode, 8 words of 32 bits per map.
 */
static const u32 insn_xop_valid[3][8] = {
	/* map 8: vpmacs*, vpmadcs*, vpcmov, vpperm, vprot* ib, vpcom* */
	{ 0, 0, 0, 0, 0xc0e0c0e0u, 0x0040004cu, 0x0000f00fu, 0x0000f000u },
	/* map 9: TBM groups, lwp, vfrcz*, vprot*, vpsh*, vphadd*, vphsub* */
	{ 0x00040006u, 0, 0, 0, 0x0fff000fu, 0, 0x08ce08ceu, 0x0000000eu },
	/* map 10: bextr id, lwpins/lwpval id */
	{ 0x00050000u, 0, 0, 0, 0, 0, 0, 0 },
};

/*
 * VEX-encoded maps (C4/C5 prefix; map 1 = 0F, 2 = 0F 38, 3 = 0F 3A), in the legend of
 * insn_tables.h. Almost everything has a ModRM; the exception is vzeroupper/vzeroall
 * (map 1, 77). Immediates: all of map 3, and in map 1 the shuffles/shift groups 70-73 and
 * C2 (vcmpps), C4-C6 (vpinsrw, vpextrw, vshufps). Validity is the union over VEX.pp/L/W:
 * finer checks (e.g. "only with 66", "L must be 0") are not made, because the decoder
 * only needs the length and VEX instructions are never single-stepped out of line.
 */
static const char insn_vex_map[3][16][17] = {
	{	/* map 1: 0F */
		/*      0123456789ABCDEF */
		/* 0 */ "................",
		/* 1 */ "mmmmmmmm........",  /* vmovups.. vmovhps         */
		/* 2 */ "........mmmmmmmm",  /* vmovaps.. vcomiss         */
		/* 3 */ "................",
		/* 4 */ ".mm.mmmm..mm....",  /* AVX-512 mask ops k*       */
		/* 5 */ "mmmmmmmmmmmmmmmm",
		/* 6 */ "mmmmmmmmmmmmmmmm",
		/* 7 */ "BBBBmmm-....mmmm",  /* vpshufd, shifts, vzeroupper */
		/* 8 */ "................",
		/* 9 */ "mmmm....mm......",  /* kmov, kortest, ktest      */
		/* A */ "..............m.",  /* vldmxcsr/vstmxcsr         */
		/* B */ "................",
		/* C */ "..B.BBB.........",  /* vcmpps vpinsrw vpextrw vshufps */
		/* D */ "mmmmmmmmmmmmmmmm",
		/* E */ "mmmmmmmmmmmmmmmm",
		/* F */ "mmmmmmmmmmmmmmm.",
	},
	{	/* map 2: 0F 38 */
		/* 0 */ "mmmmmmmmmmmmmmmm",
		/* 1 */ "...m..mmmmm.mmm.",
		/* 2 */ "mmmmmm..mmmmmmmm",
		/* 3 */ "mmmmmmmmmmmmmmmm",
		/* 4 */ "mm...mmm........",
		/* 5 */ "mmmm....mmm.....",
		/* 6 */ "................",
		/* 7 */ "..m.....mm......",
		/* 8 */ "............m.m.",
		/* 9 */ "mmmmmmmmmmmmmmmm",  /* gathers, FMA             */
		/* A */ "......mmmmmmmmmm",  /* FMA                      */
		/* B */ "mm..mmmmmmmmmmmm",  /* FMA, IFMA, NE-CONVERT    */
		/* C */ "...........mmm.m",  /* vsha512*, vgf2p8mulb     */
		/* D */ "..mm......mmmmmm",  /* vpdpw* (VNNI-INT16), SM3/SM4, vaes* */
		/* E */ "................",
		/* F */ "..mm.mmm........",  /* BMI1/BMI2               */
	},
	{	/* map 3: 0F 3A (all take ib) */
		/* 0 */ "BBB.BBB.BBBBBBBB",
		/* 1 */ "....BBBBBB...B..",
		/* 2 */ "BBB.............",
		/* 3 */ "BBBB....BB......",
		/* 4 */ "BBB.B.B.BBBBB...",
		/* 5 */ "............BBBB",
		/* 6 */ "BBBB....BBBBBBBB",
		/* 7 */ "........BBBBBBBB",  /* FMA4                     */
		/* 8 */ "................",
		/* 9 */ "................",
		/* A */ "................",
		/* B */ "................",
		/* C */ "..............BB",  /* vgf2p8affine(inv)qb      */
		/* D */ "..............BB",  /* vsm3rnds2, vaeskeygenassist */
		/* E */ "................",
		/* F */ "B...............",  /* rorx                     */
	},
};

/*
 * Decodes a VEX (C4/C5), EVEX (62) or XOP (8F) encoded instruction, the cursor on its
 * escape byte esc: the map (from the payload), the opcode, the ModRM/SIB/disp and the
 * immediate the map and opcode dictate. Returns 0 or -INSN_ERR_*.
 */
int insn_decode_vex(struct insn_cursor *c, struct insn *insn, u8 esc)
{
	u32 v, op;
	unsigned n = (esc == 0xc5) ? 1 : (esc == 0x62) ? 3 : 2, i, map, imm = 0;
	char f = 'm';
	int err;

	c->pos++;
	for (i = 0; i < n; i++) {
		if ((err = insn_fetch(c, 1, &v)))
			return err;
		insn->vex[i] = (u8)v;
	}
	insn->vex_len = (u8)n;
	map = (n == 1) ? 1 : (insn->vex[0] & 0x1f);
	if (esc == 0xc4 || esc == 0xc5) {
		insn->encoding = (n == 1) ? INSN_ENC_VEX2 : INSN_ENC_VEX3;
		if (map < 1 || map > 3)
			return -INSN_ERR_INVALID;
	} else if (esc == 0x62) {
		/* EVEX: P0 bit 3 reserved 0, P1 bit 2 fixed 1; maps 1-3, 5, 6 */
		insn->encoding = INSN_ENC_EVEX;
		map = insn->vex[0] & 7;
		if ((insn->vex[0] & 0x08) || !(insn->vex[1] & 0x04) ||
		    map == 0 || map == 4 || map == 7)
			return -INSN_ERR_INVALID;
	} else {
		insn->encoding = INSN_ENC_XOP;
		if (map < 8 || map > 10)
			return -INSN_ERR_INVALID;
	}
	insn->map = (u8)map;
	if ((err = insn_fetch(c, 1, &op)))
		return err;
	insn->opcode[0] = (u8)op;
	insn->opcode_len = 1;

	if (esc == 0xc4 || esc == 0xc5) {
		/* VEX.pp (bits 1:0 of the last payload byte) is the implied 66/F3/F2 */
		static const u8 pp_prefix[4] = { 0, 0x66, 0xf3, 0xf2 };
		u8 pp = pp_prefix[insn->vex[n - 1] & 3];

		f = insn_vex_map[map - 1][op >> 4][op & 15];
		if (f == '.')
			return -INSN_ERR_INVALID;
		/* map 1 accepts the same implied prefixes as the legacy 0F map */
		if (map == 1 && op != 0x77 && !insn_map0f_prefix_ok((u8)op, pp))
			return -INSN_ERR_INVALID;
		imm = (f == 'B') ? 1 : 0;
	} else if (esc == 0x62) {
		/* EVEX: every instruction has a ModRM; disp8 is scaled but still 1 byte */
		if (map == 3 || (map == 1 && ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
					      (op >= 0xc4 && op <= 0xc6))))
			imm = 1;
	} else {
		if (!((insn_xop_valid[map - 8][op >> 5] >> (op & 31)) & 1))
			return -INSN_ERR_INVALID;
		imm = (map == 8) ? 1 : (map == 10) ? 4 : 0;   /* XOP: ib / none / id */
	}
	if (f != '-') {
		if ((err = insn_read_modrm(c, insn)) || (err = insn_read_sib_disp(c, insn)))
			return err;
	}
	return imm ? insn_read_imm(c, insn, imm, false) : 0;
}
