// SPDX-License-Identifier: MIT
/*
 * insn.c - x86-32 instruction decoder.  Contract: include/insn.h.
 * Tables and their legend: lib/insn/insn_tables.h.
 *
 * An x86 instruction is, in order:
 *
 *   [legacy prefixes] [VEX/EVEX/XOP] opcode(1-3 bytes) [ModRM [SIB] [disp]] [imm]
 *
 * We walk it left to right with a cursor that refuses to read past the
 * caller's buffer (or past byte 15, the architectural limit).  The opcode
 * tables tell us whether a ModRM follows and what immediate comes last; a
 * handful of opcodes whose validity or immediate depends on the ModRM reg
 * field or on the mandatory SSE prefix are special-cased in
 * insn_check_legacy().  Finally insn_classify() computes the attribute bits
 * the probe code needs; both live in insn_classify.c.
 * VEX/EVEX/XOP-encoded instructions are decoded by insn_decode_vex() in
 * insn_vex.c; the cursor and the helpers the files share are declared in
 * insn_internal.h.
 *
 * Freestanding: no library calls, no writable globals, only const tables.
 */
#include "insn.h"
#include "insn_tables.h"
#include "insn_internal.h"

/* Error for "need @n more bytes at the cursor but they are not there". */
static int short_err(const struct insn_cursor *c, size_t n)
{
	return (c->pos + n > INSN_MAX_LEN) ? -INSN_ERR_INVALID : -INSN_ERR_TRUNCATED;
}

/* Look at the byte @ahead positions past the cursor without consuming it. */
static int peek(const struct insn_cursor *c, size_t ahead, uint8_t *out)
{
	if (c->pos + ahead >= c->limit)
		return short_err(c, ahead + 1);
	*out = c->buf[c->pos + ahead];
	return 0;
}

/* Consume @n (1, 2 or 4) bytes as a little-endian unsigned value. */
int insn_fetch(struct insn_cursor *c, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (c->pos + n > c->limit)
		return short_err(c, n);
	for (i = 0; i < n; i++)
		v |= (uint32_t)c->buf[c->pos + i] << (8 * i);
	c->pos += n;
	*out = v;
	return 0;
}

static int32_t sign_extend(uint32_t v, unsigned bytes)
{
	if (bytes == 1)
		return (int32_t)(int8_t)v;
	if (bytes == 2)
		return (int32_t)(int16_t)v;
	return (int32_t)v;
}

static int hexval(char ch)
{
	return (ch <= '9') ? ch - '0' : ch - 'A' + 10;
}

/* Mandatory prefix (0, 66, F3, F2) -> its bit in the "allowed prefix" digits. */
static int prefix_bit(uint8_t mp)
{
	return mp == 0x66 ? 2 : mp == 0xf3 ? 4 : mp == 0xf2 ? 8 : 1;
}

/*
 * Does two-byte-map opcode 0F @op accept mandatory prefix @mp (0, 66, F3,
 * F2)?  Shared with insn_vex.c: VEX map 1 accepts the same implied prefixes.
 */
bool insn_map0f_prefix_ok(uint8_t op, uint8_t mp)
{
	return hexval(insn_map0f_prefix[op >> 4][op & 15]) & prefix_bit(mp);
}

/* Field-by-field reset: a struct assignment could turn into a memset call. */
static void insn_clear(struct insn *in)
{
	unsigned i;

	for (i = 0; i < INSN_MAX_LEN; i++)
		in->prefixes[i] = 0;
	for (i = 0; i < 3; i++)
		in->opcode[i] = in->vex[i] = 0;
	in->length = in->nprefixes = in->encoding = in->map = 0;
	in->opcode_len = in->vex_len = 0;
	in->has_modrm = in->has_sib = false;
	in->modrm = in->sib = 0;
	in->disp_size = in->imm_size = in->imm2_size = 0;
	in->disp = 0;
	in->imm = in->imm2 = 0;
	in->opnd_size = in->addr_size = 4;
	in->attr = 0;
	in->rel = 0;
	in->rel_target = 0;
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

/*
 * Read the ModRM byte (its value is needed for validity checks before the
 * rest of the operand is consumed).
 */
int insn_read_modrm(struct insn_cursor *c, struct insn *in)
{
	uint32_t v;
	int err = insn_fetch(c, 1, &v);

	if (err)
		return err;
	in->has_modrm = true;
	in->modrm = (uint8_t)v;
	return 0;
}

/*
 * Consume the SIB byte and displacement implied by insn->modrm.
 * 32-bit addressing: rm=100 means a SIB follows; mod=00 rm=101 (or SIB base
 * 101 with mod=00) means disp32 and no base; mod=01 disp8; mod=10 disp32.
 * 16-bit addressing (67 prefix): no SIB; mod=00 rm=110 is disp16 alone;
 * mod=01 disp8; mod=10 disp16.
 */
int insn_read_sib_disp(struct insn_cursor *c, struct insn *in)
{
	unsigned mod = in->modrm >> 6, rm = in->modrm & 7, dsize = 0;
	uint32_t v;
	int err;

	if (mod == 3)
		return 0;
	if (in->addr_size == 2) {
		if (mod == 1)
			dsize = 1;
		else if (mod == 2 || rm == 6)
			dsize = 2;
	} else {
		if (rm == 4) {
			if ((err = insn_fetch(c, 1, &v)))
				return err;
			in->has_sib = true;
			in->sib = (uint8_t)v;
			if (mod == 0 && (in->sib & 7) == 5)
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
		in->disp_size = (uint8_t)dsize;
		in->disp = sign_extend(v, dsize);
	}
	return 0;
}

/* Consume one immediate of @size bytes into imm (first) or imm2 (second). */
int insn_read_imm(struct insn_cursor *c, struct insn *in, unsigned size, bool second)
{
	uint32_t v;
	int err = insn_fetch(c, size, &v);

	if (err)
		return err;
	if (second) {
		in->imm2_size = (uint8_t)size;
		in->imm2 = v;
	} else {
		in->imm_size = (uint8_t)size;
		in->imm = v;
	}
	return 0;
}

/* Relative branch displacement of @size bytes; target wraps to 16 bits with 66. */
static int read_rel(struct insn_cursor *c, struct insn *in, unsigned size, uint32_t addr)
{
	int err = insn_read_imm(c, in, size, false);

	if (err)
		return err;
	in->rel = sign_extend(in->imm, size);
	in->imm = (uint32_t)in->rel;
	in->rel_target = addr + (uint32_t)c->pos + (uint32_t)in->rel;
	if (in->opnd_size == 2)
		in->rel_target &= 0xffff;
	return 0;
}

/* Legacy-encoded instruction after the prefixes: the cursor is on the opcode. */
static int decode_legacy(struct insn_cursor *c, struct insn *in, uint8_t mp, uint32_t addr)
{
	uint32_t v;
	uint8_t op;
	char f;
	int err;
	unsigned i;

	if ((err = insn_fetch(c, 1, &v)))
		return err;
	op = in->opcode[0] = (uint8_t)v;
	in->opcode_len = 1;
	if (op == 0x0f) {
		if ((err = insn_fetch(c, 1, &v)))
			return err;
		op = in->opcode[1] = (uint8_t)v;
		in->opcode_len = 2;
		in->map = INSN_MAP_0F;
		if (op == 0x38 || op == 0x3a) {
			in->map = (op == 0x38) ? INSN_MAP_0F38 : INSN_MAP_0F3A;
			if ((err = insn_fetch(c, 1, &v)))
				return err;
			op = in->opcode[2] = (uint8_t)v;
			in->opcode_len = 3;
			f = (in->map == INSN_MAP_0F38 ? insn_map0f38 : insn_map0f3a)[op >> 4][op & 15];
			if (f == '.' || !(hexval(f) & prefix_bit(mp)))
				return -INSN_ERR_INVALID;
			f = (in->map == INSN_MAP_0F38) ? 'm' : 'B';
		} else if (op == 0x0f) {
			/* 3DNow!: ModRM operand, then the real opcode in the ib slot */
			in->map = INSN_MAP_3DNOW;
			if ((err = insn_read_modrm(c, in)) || (err = insn_read_sib_disp(c, in)) ||
			    (err = insn_read_imm(c, in, 1, false)))
				return err;
			for (i = 0; i < sizeof(insn_3dnow_ops); i++)
				if (insn_3dnow_ops[i] == in->imm)
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
		if ((err = insn_read_modrm(c, in)))
			return err;
		if (!insn_check_legacy(in, op, mp))
			return -INSN_ERR_INVALID;
		/* mov to/from CR, DR, TR (0F 20-26): always registers, mod ignored */
		if (!(in->map == INSN_MAP_0F && op >= 0x20 && op <= 0x26) &&
		    (err = insn_read_sib_disp(c, in)))
			return err;
	}

	switch (f) {
	case 'b': case 'B': return insn_read_imm(c, in, 1, false);
	case 'z': case 'Z':
		if (in->map == INSN_MAP_1BYTE && op == 0xc7 && in->modrm == 0xf8)
			return read_rel(c, in, in->opnd_size, addr);   /* xbegin rel16/32 */
		return insn_read_imm(c, in, in->opnd_size, false);
	case 'w': return insn_read_imm(c, in, 2, false);
	case 'j': return read_rel(c, in, 1, addr);
	case 'J': return read_rel(c, in, in->opnd_size, addr);
	case 'o': return insn_read_imm(c, in, in->addr_size, false);
	case 'f':
		if ((err = insn_read_imm(c, in, in->opnd_size, false)))
			return err;
		return insn_read_imm(c, in, 2, true);
	case 'e':
		if ((err = insn_read_imm(c, in, 2, false)))
			return err;
		return insn_read_imm(c, in, 1, true);
	case 'g':
		if (((in->modrm >> 3) & 7) >= 2)
			return 0;
		return insn_read_imm(c, in, op == 0xf6 ? 1 : in->opnd_size, false);
	}
	/* 66/F2 0F 78: extrq/insertq xmm, ib, ib */
	if (in->map == INSN_MAP_0F && op == 0x78 && (mp == 0x66 || mp == 0xf2)) {
		if ((err = insn_read_imm(c, in, 1, false)))
			return err;
		return insn_read_imm(c, in, 1, true);
	}
	return 0;
}

int insn_decode(struct insn *in, const uint8_t *buf, size_t buflen, uint32_t addr)
{
	struct insn_cursor c;
	uint8_t b, next, mp = 0;
	bool saw66 = false;
	int err;

	insn_clear(in);
	c.buf = buf;
	c.limit = buflen < INSN_MAX_LEN ? buflen : INSN_MAX_LEN;
	c.pos = 0;

	/* 1. Legacy prefixes, any order, repeats allowed (length limit applies). */
	for (;;) {
		if ((err = peek(&c, 0, &b)))
			return err;
		if (!is_legacy_prefix(b))
			break;
		in->prefixes[in->nprefixes++] = b;
		c.pos++;
		if (b == 0x66) { in->opnd_size = 2; saw66 = true; }
		if (b == 0x67) in->addr_size = 2;
		if (b == 0xf2 || b == 0xf3) mp = b;   /* the last F2/F3 wins */
	}
	if (!mp && saw66)
		mp = 0x66;

	/*
	 * 2. C4/C5/62 are VEX/EVEX only when the next byte has mod == 11b (as
	 * LES/LDS/BOUND they need a memory operand); 8F is XOP when the ModRM
	 * reg field is non-zero (pop Ev is 8F /0).
	 */
	if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
		if ((err = peek(&c, 1, &next)))
			return err;
		if ((b != 0x8f && (next & 0xc0) == 0xc0) || (b == 0x8f && (next & 0x38)))
			err = insn_decode_vex(&c, in, b);
		else
			err = decode_legacy(&c, in, mp, addr);
	} else {
		err = decode_legacy(&c, in, mp, addr);
	}
	if (err)
		return err;

	in->length = (uint8_t)c.pos;
	in->attr = insn_classify(in);
	return in->length;
}

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
