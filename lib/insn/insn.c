// SPDX-License-Identifier: MIT
/*
 * The x86-32 instruction decoder: prefixes, the legacy opcode maps, operands, and the
 * public entry points (contract: include/insn.h; tables and their legend: insn_tables.h).
 *
 * An x86 instruction is, in order:
 *
 *   [legacy prefixes] [VEX/EVEX/XOP] opcode(1-3 bytes) [ModRM [SIB] [disp]] [imm]
 *
 * insn_decode() walks it left to right with a cursor that refuses to read past the
 * caller's buffer (or past byte 15, the architectural limit). The opcode tables say
 * whether a ModRM follows and which immediate comes last. The opcodes whose validity or
 * immediate depends on the ModRM reg field or on the mandatory SSE prefix are special-
 * cased in insn_check_legacy(), and insn_classify() then computes the attribute bits the
 * probe code needs; both are in insn_classify.c. VEX/EVEX/XOP-encoded instructions are
 * decoded by insn_decode_vex() in insn_vex.c. The cursor and the helpers the three files
 * share are declared in insn_internal.h.
 *
 * Freestanding: no calls outside the decoder, no writable globals, only const tables.
 */
#include "insn.h"
#include "insn_tables.h"
#include "insn_internal.h"

/*
 * The error when n more bytes are needed at the cursor and the buffer has fewer: INVALID
 * if they would pass byte 15 (no longer buffer can help), else TRUNCATED.
 */
static int short_err(const struct insn_cursor *c, size_t n)
{
	return (c->pos + n > INSN_MAX_LEN) ? -INSN_ERR_INVALID : -INSN_ERR_TRUNCATED;
}

/* Reads the byte at cursor + ahead into *out without consuming it; 0 or -INSN_ERR_*. */
static int peek(const struct insn_cursor *c, size_t ahead, u8 *out)
{
	if (c->pos + ahead >= c->limit)
		return short_err(c, ahead + 1);
	*out = c->buf[c->pos + ahead];
	return 0;
}

/*
 * Consumes n (1, 2 or 4) bytes as a little-endian unsigned value into *out. Returns 0, or
 * -INSN_ERR_* (cursor unmoved) when they are past the buffer or past byte 15.
 */
int insn_fetch(struct insn_cursor *c, size_t n, u32 *out)
{
	u32 v = 0;
	size_t i;

	if (c->pos + n > c->limit)
		return short_err(c, n);
	for (i = 0; i < n; i++)
		v |= (u32)c->buf[c->pos + i] << (8 * i);
	c->pos += n;
	*out = v;
	return 0;
}

/* v, of the given width in bytes (1, 2 or 4), sign-extended to 32 bits. */
static s32 sign_extend(u32 v, unsigned bytes)
{
	if (bytes == 1)
		return (s32)(s8)v;
	if (bytes == 2)
		return (s32)(s16)v;
	return (s32)v;
}

/* The value of a table's hex digit (0-9, A-F upper case only). */
static int hexval(char ch)
{
	return (ch <= '9') ? ch - '0' : ch - 'A' + 10;
}

/* Mandatory prefix (0, 66, F3, F2) -> its bit in the "allowed prefix" digits. */
static int prefix_bit(u8 mp)
{
	return mp == 0x66 ? 2 : mp == 0xf3 ? 4 : mp == 0xf2 ? 8 : 1;
}

/*
 * Does two-byte-map opcode 0F op accept mandatory prefix mp (0, 66, F3, F2)? Shared with
 * insn_vex.c: VEX map 1 accepts the same implied prefixes.
 */
bool insn_map0f_prefix_ok(u8 op, u8 mp)
{
	return hexval(insn_map0f_prefix[op >> 4][op & 15]) & prefix_bit(mp);
}

/*
 * Resets *insn to "nothing decoded yet" (32-bit operand and address size). Field by
 * field: a struct assignment could turn into a memset call, and the decoder calls nothing.
 */
static void insn_clear(struct insn *insn)
{
	unsigned i;

	for (i = 0; i < INSN_MAX_LEN; i++)
		insn->prefixes[i] = 0;
	for (i = 0; i < 3; i++)
		insn->opcode[i] = insn->vex[i] = 0;
	insn->length = insn->nprefixes = insn->encoding = insn->map = 0;
	insn->opcode_len = insn->vex_len = 0;
	insn->has_modrm = insn->has_sib = false;
	insn->modrm = insn->sib = 0;
	insn->disp_size = insn->imm_size = insn->imm2_size = 0;
	insn->disp = 0;
	insn->imm = insn->imm2 = 0;
	insn->opnd_size = insn->addr_size = 4;
	insn->attr = 0;
	insn->rel = 0;
	insn->rel_target = 0;
}

/* True for the eleven legacy prefix bytes (segment, 66, 67, lock, rep, repne). */
static bool is_legacy_prefix(u8 b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

/*
 * Consumes the ModRM byte into insn->modrm; 0 or -INSN_ERR_*. Read on its own because
 * the validity checks need its value before the rest of the operand is consumed.
 */
int insn_read_modrm(struct insn_cursor *c, struct insn *insn)
{
	u32 v;
	int err = insn_fetch(c, 1, &v);

	if (err)
		return err;
	insn->has_modrm = true;
	insn->modrm = (u8)v;
	return 0;
}

/*
 * Consumes the SIB byte and the displacement that insn->modrm implies; 0 or -INSN_ERR_*.
 * 32-bit addressing: rm=100 means a SIB follows; mod=00 rm=101 (or SIB base 101 with
 * mod=00) means disp32 and no base; mod=01 disp8; mod=10 disp32.
 * 16-bit addressing (67 prefix): no SIB; mod=00 rm=110 is disp16 alone; mod=01 disp8;
 * mod=10 disp16.
 */
int insn_read_sib_disp(struct insn_cursor *c, struct insn *insn)
{
	unsigned mod = insn->modrm >> 6, rm = insn->modrm & 7, dsize = 0;
	u32 v;
	int err;

	if (mod == 3)
		return 0;
	if (insn->addr_size == 2) {
		if (mod == 1)
			dsize = 1;
		else if (mod == 2 || rm == 6)
			dsize = 2;
	} else {
		if (rm == 4) {
			if ((err = insn_fetch(c, 1, &v)))
				return err;
			insn->has_sib = true;
			insn->sib = (u8)v;
			if (mod == 0 && (insn->sib & 7) == 5)
				dsize = 4;
		}
		if (mod == 1)
			dsize = 1;
		else if (mod == 2 || (mod == 0 && rm == 5))
			dsize = 4;
	}
	if (dsize) {
		if ((err = insn_fetch(c, dsize, &v)))
			return err;
		insn->disp_size = (u8)dsize;
		insn->disp = sign_extend(v, dsize);
	}
	return 0;
}

/* Consumes one immediate of size bytes into imm (first) or imm2 (second); 0 or -INSN_ERR_*. */
int insn_read_imm(struct insn_cursor *c, struct insn *insn, unsigned size, bool second)
{
	u32 v;
	int err = insn_fetch(c, size, &v);

	if (err)
		return err;
	if (second) {
		insn->imm2_size = (u8)size;
		insn->imm2 = v;
	} else {
		insn->imm_size = (u8)size;
		insn->imm = v;
	}
	return 0;
}

/*
 * Consumes a relative branch displacement of size bytes into rel, imm and rel_target
 * (which wraps to 16 bits with a 66 prefix, as the CPU does); 0 or -INSN_ERR_*.
 */
static int read_rel(struct insn_cursor *c, struct insn *insn, unsigned size, u32 addr)
{
	int err = insn_read_imm(c, insn, size, false);

	if (err)
		return err;
	insn->rel = sign_extend(insn->imm, size);
	insn->imm = (u32)insn->rel;
	insn->rel_target = addr + (u32)c->pos + (u32)insn->rel;
	if (insn->opnd_size == 2)
		insn->rel_target &= 0xffff;
	return 0;
}

/*
 * Decodes a legacy-encoded instruction after its prefixes (the cursor is on the opcode;
 * mp is the mandatory prefix); 0 or -INSN_ERR_*.
 */
static int decode_legacy(struct insn_cursor *c, struct insn *insn, u8 mp, u32 addr)
{
	const char (*map)[17];
	u32 v;
	u8 op;
	char f;
	int err;
	unsigned i;

	if ((err = insn_fetch(c, 1, &v)))
		return err;
	op = insn->opcode[0] = (u8)v;
	insn->opcode_len = 1;
	if (op == 0x0f) {
		if ((err = insn_fetch(c, 1, &v)))
			return err;
		op = insn->opcode[1] = (u8)v;
		insn->opcode_len = 2;
		insn->map = INSN_MAP_0F;
		if (op == 0x38 || op == 0x3a) {
			insn->map = (op == 0x38) ? INSN_MAP_0F38 : INSN_MAP_0F3A;
			if ((err = insn_fetch(c, 1, &v)))
				return err;
			op = insn->opcode[2] = (u8)v;
			insn->opcode_len = 3;
			map = (insn->map == INSN_MAP_0F38) ? insn_map0f38 : insn_map0f3a;
			f = map[op >> 4][op & 15];
			if (f == '.' || !(hexval(f) & prefix_bit(mp)))
				return -INSN_ERR_INVALID;
			f = (insn->map == INSN_MAP_0F38) ? 'm' : 'B';
		} else if (op == 0x0f) {
			/* 3DNow!: ModRM operand, then the real opcode in the ib slot */
			insn->map = INSN_MAP_3DNOW;
			if ((err = insn_read_modrm(c, insn)) ||
			    (err = insn_read_sib_disp(c, insn)) ||
			    (err = insn_read_imm(c, insn, 1, false)))
				return err;
			for (i = 0; i < sizeof(insn_3dnow_ops); i++)
				if (insn_3dnow_ops[i] == insn->imm)
					return 0;
			return -INSN_ERR_INVALID;
		} else {
			f = insn_map0f[op >> 4][op & 15];
			if (!insn_map0f_prefix_ok(op, mp))
				return -INSN_ERR_INVALID;
		}
	} else {
		f = insn_map1[op >> 4][op & 15];
	}

	if (f == '.' || f == 'p' || f == 'x')
		return -INSN_ERR_INVALID;
	if (f == 'm' || f == 'B' || f == 'Z' || f == 'g') {
		if ((err = insn_read_modrm(c, insn)))
			return err;
		if (!insn_check_legacy(insn, op, mp))
			return -INSN_ERR_INVALID;
		/* mov to/from CR, DR, TR (0F 20-26): always registers, mod ignored */
		if (!(insn->map == INSN_MAP_0F && op >= 0x20 && op <= 0x26) &&
		    (err = insn_read_sib_disp(c, insn)))
			return err;
	}

	switch (f) {
	case 'b':
	case 'B':
		return insn_read_imm(c, insn, 1, false);
	case 'z':
	case 'Z':
		if (insn->map == INSN_MAP_1BYTE && op == 0xc7 && insn->modrm == 0xf8)
			return read_rel(c, insn, insn->opnd_size, addr);   /* xbegin rel16/32 */
		return insn_read_imm(c, insn, insn->opnd_size, false);
	case 'w': return insn_read_imm(c, insn, 2, false);
	case 'j': return read_rel(c, insn, 1, addr);
	case 'J': return read_rel(c, insn, insn->opnd_size, addr);
	case 'o': return insn_read_imm(c, insn, insn->addr_size, false);
	case 'f':
		if ((err = insn_read_imm(c, insn, insn->opnd_size, false)))
			return err;
		return insn_read_imm(c, insn, 2, true);
	case 'e':
		if ((err = insn_read_imm(c, insn, 2, false)))
			return err;
		return insn_read_imm(c, insn, 1, true);
	case 'g':
		if (((insn->modrm >> 3) & 7) >= 2)
			return 0;
		return insn_read_imm(c, insn, op == 0xf6 ? 1 : insn->opnd_size, false);
	}
	/* 66/F2 0F 78: extrq/insertq xmm, ib, ib */
	if (insn->map == INSN_MAP_0F && op == 0x78 && (mp == 0x66 || mp == 0xf2)) {
		if ((err = insn_read_imm(c, insn, 1, false)))
			return err;
		return insn_read_imm(c, insn, 1, true);
	}
	return 0;
}

/* Contract in include/insn.h. */
int insn_decode(struct insn *insn, const u8 *buf, size_t buflen, u32 addr)
{
	struct insn_cursor c;
	u8 b, next, mp = 0;
	bool saw66 = false;
	int err;

	insn_clear(insn);
	c.buf = buf;
	c.limit = buflen < INSN_MAX_LEN ? buflen : INSN_MAX_LEN;
	c.pos = 0;

	/* 1. Legacy prefixes, any order, repeats allowed (length limit applies). */
	for (;;) {
		if ((err = peek(&c, 0, &b)))
			return err;
		if (!is_legacy_prefix(b))
			break;
		insn->prefixes[insn->nprefixes++] = b;
		c.pos++;
		if (b == 0x66) {
			insn->opnd_size = 2;
			saw66 = true;
		}
		if (b == 0x67)
			insn->addr_size = 2;
		if (b == 0xf2 || b == 0xf3)
			mp = b;         /* the last F2/F3 wins */
	}
	if (!mp && saw66)
		mp = 0x66;

	/*
	 * 2. C4/C5/62 are VEX/EVEX only when the next byte has mod == 11b (as LES/LDS/BOUND
	 * they need a memory operand); 8F is XOP when the ModRM reg field is non-zero (pop Ev
	 * is 8F /0).
	 */
	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		if ((err = peek(&c, 1, &next)))
			return err;
		if ((b != 0x8f && (next & 0xc0) == 0xc0) || (b == 0x8f && (next & 0x38)))
			err = insn_decode_vex(&c, insn, b);
		else
			err = decode_legacy(&c, insn, mp, addr);
	} else {
		err = decode_legacy(&c, insn, mp, addr);
	}
	if (err)
		return err;

	insn->length = (u8)c.pos;
	insn->attr = insn_classify(insn);
	return insn->length;
}

/* Contract in include/insn.h. */
const char *insn_errstr(int err)
{
	if (err < 0)
		err = -err;
	if (err == INSN_ERR_INVALID)
		return "invalid instruction";
	if (err == INSN_ERR_TRUNCATED)
		return "truncated instruction";
	return err == 0 ? "ok" : "unknown error";
}
