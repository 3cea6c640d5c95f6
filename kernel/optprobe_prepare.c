// SPDX-License-Identifier: MIT
/*
 * Can this probe be jump-optimized, and what goes in its detour buffer? The safety analysis
 * (Linux's can_optimize, arch/x86/kernel/kprobes/opt.c) and the buffer's image. The rules
 * are listed in include/optprobes.h; each answer is one of the reason strings below, which
 * the monitor's list and the self-tests (tests/kernel/test_optprobes*.c) show and compare.
 *
 * Text is always read with other probes' changes taken back out (kprobe_recover_text: the
 * int3s, and the jmps of optimized regions), so the analysis sees the code as compiled.
 */
#include "optprobes.h"
#include "kallsyms.h"
#include "kernel.h"
#include "stacktrace.h"
#include "string.h"
#include "kprobes_internal.h"

extern const u8 optprobe_template[], optprobe_template_entry[], optprobe_template_end[];
extern const u8 tp_missed_p[], tp_missed_call[], tp_eip[], tp_cur_p[], tp_arg_p[], tp_call[];

const char optprobe_no_post[] = "a post handler (needs the single-step)";
const char optprobe_no_break[] = "a break handler (jprobe)";
const char optprobe_no_symbol[] = "no function holds the address";
const char optprobe_no_decode[] = "the function does not decode";
const char optprobe_crosses_end[] = "the region crosses the function's end";
const char optprobe_insn_unsafe[] = "an instruction in the region cannot run out of line";
const char optprobe_insn_call[] = "a call in the region";
const char optprobe_jump_in[] = "a jump in the function targets the region";
const char optprobe_indirect[] = "an indirect jump in the function (a jump table?)";
const char optprobe_probe_in[] = "another probe in the region";

/* How much text scan_function reads at a time. */
#define SCAN_WINDOW 128

/* Copies len bytes of text at addr into buf as compiled (no probe's bytes). */
static void read_text(unsigned long addr, u8 *buf, size_t len)
{
	memcpy(buf, (const void *)addr, len);
	kprobe_recover_text(addr, buf, len);
}

/*
 * Why the instruction may not be in the region, or NULL. It runs from the buffer with the
 * probed code's own flags, so only its address may differ: anything that falls through,
 * and relative jumps and branches (relocated to rel32 in the copy). Not: calls (a return
 * address into the buffer, and a callee that sleeps there), loop/jcxz (rel8 only),
 * 16-bit branches, prefixed branches, and whatever the int3 path could not step either.
 */
static const char *region_insn_refusal(const struct insn *insn)
{
	const u32 never = INSN_ATTR_RET | INSN_ATTR_RET_FAR | INSN_ATTR_IRET |
			  INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL | INSN_ATTR_FAR_JMP |
			  INSN_ATTR_FAR_CALL | INSN_ATTR_MODIFIES_IF | INSN_ATTR_INT |
			  INSN_ATTR_INT3 | INSN_ATTR_INTO | INSN_ATTR_INT1 | INSN_ATTR_LOADS_SS |
			  INSN_ATTR_LOOP | INSN_ATTR_IP16 | INSN_ATTR_SYSCALL;

	if (insn->attr & INSN_ATTR_REL_CALL)
		return optprobe_insn_call;
	if (!(insn->attr & INSN_ATTR_SS_SAFE) || (insn->attr & never) ||
	    (insn_is_rel(insn) && insn->nprefixes))
		return optprobe_insn_unsafe;
	return NULL;
}

/*
 * Decodes every instruction of [start, end) looking for what forbids the region
 * [addr, addr + len): a relative jump or call landing on a byte of it other than the first,
 * or an indirect jump anywhere (its targets are not known). NULL if none.
 */
static const char *scan_function(unsigned long start, unsigned long end, unsigned long addr,
				 unsigned len)
{
	u8 win[SCAN_WINDOW];                    /* text from win_pc on, as compiled */
	unsigned long win_pc = start, win_len = 0;

	for (unsigned long pc = start; pc < end;) {
		struct insn insn;

		/* Refill the window when an instruction might not fit in what is left: one
		 * read (and one recovery of probe bytes) per window, not per instruction. */
		if (pc + INSN_MAX_LEN > win_pc + win_len && win_pc + win_len < end) {
			win_pc = pc;
			win_len = min((unsigned long)SCAN_WINDOW, end - pc);
			read_text(win_pc, win, win_len);
		}
		size_t avail = min((unsigned long)INSN_MAX_LEN, win_pc + win_len - pc);
		int n = insn_decode(&insn, win + (pc - win_pc), avail, (u32)pc);
		if (n <= 0)
			return optprobe_no_decode;
		if (insn.attr & INSN_ATTR_INDIRECT_JMP)
			return optprobe_indirect;
		if (insn_is_rel(&insn) && insn.rel_target > addr && insn.rel_target < addr + len)
			return optprobe_jump_in;
		pc += (unsigned long)n;
	}
	return NULL;
}

const char *optprobe_analyze(const struct kprobe *ap, struct optimized_kprobe *op)
{
	unsigned long addr = (unsigned long)ap->addr, fstart, fsize, fend;

	if (ap->post_handler)
		return optprobe_no_post;
	if (ap->break_handler)
		return optprobe_no_break;
	if (!kallsyms_lookup(addr, &fstart, &fsize))
		return optprobe_no_symbol;
	fend = fstart + fsize;
	op->len = 0;
	op->ninsn = 0;
	while (op->len < OPTPROBE_JMP_SIZE) {
		unsigned long pc = addr + op->len;
		size_t avail = min((unsigned long)INSN_MAX_LEN, fend - pc);
		struct insn insn;
		const char *why;

		read_text(pc, op->orig + op->len, avail);
		int n = insn_decode(&insn, op->orig + op->len, avail, (u32)pc);
		/* The bytes end at the function's end: cut short there (or nothing left) is
		 * a region that would cross it. */
		if (n <= 0)
			return n == -INSN_ERR_TRUNCATED ? optprobe_crosses_end : optprobe_no_decode;
		why = region_insn_refusal(&insn);
		if (why)
			return why;
		op->insn_off[op->ninsn++] = op->len;
		op->len += (u8)n;
	}
	for (unsigned i = 1; i < op->len; i++)
		if (get_kprobe(ap->addr + i))
			return optprobe_probe_in;
	return scan_function(fstart, fend, addr, op->len);
}

/* Writes val at image[end - 4 .. end - 1], little-endian. */
static void put32_at(u8 *image, unsigned end, u32 val)
{
	for (unsigned i = 0; i < 4; i++)
		image[end - 4 + i] = (u8)(val >> (8 * i));
}

/* The offset in the template (and in every buffer) where label ends a field. */
static unsigned tp_off(const u8 *label)
{
	return (unsigned)(label - optprobe_template);
}

/* A rel32 field ending at image offset end (buffer address buf) that reaches target. */
static u32 rel_to(unsigned long buf, unsigned end, unsigned long target)
{
	return (u32)(target - (buf + end));
}

/*
 * Copies the region instruction at orig (decoded as insn) to image + at, a relative jump
 * or branch rewritten as its rel32 form to the same target. Returns the copy's length.
 */
static unsigned copy_insn(u8 *image, unsigned at, unsigned long buf, const u8 *orig,
			  const struct insn *insn)
{
	unsigned long target = insn->rel_target;
	u8 op0 = insn->opcode[0];

	if (!insn_is_rel(insn)) {
		memcpy(image + at, orig, insn->length);
		return insn->length;
	}
	if (insn->attr & INSN_ATTR_REL_JMP) {                   /* EB rel8, E9 rel32 */
		image[at] = 0xe9;
		at += 1;
	} else {                                                /* 7x rel8, 0F 8x rel32 */
		image[at] = 0x0f;
		image[at + 1] = (u8)(0x80 | ((op0 == 0x0f ? insn->opcode[1] : op0) & 0x0f));
		at += 2;
	}
	put32_at(image, at + 4, rel_to(buf, at + 4, target));
	return (insn->attr & INSN_ATTR_REL_JMP) ? 5 : 6;
}

unsigned optprobe_entry_offset(void)
{
	return (unsigned)(optprobe_template_entry - optprobe_template);
}

void optprobe_build(const struct kprobe *ap, struct optimized_kprobe *op, u8 *image)
{
	unsigned long buf = (unsigned long)op->buf, addr = (unsigned long)ap->addr;
	unsigned at = tp_off(optprobe_template_end);
	unsigned long handler = (unsigned long)(ap->pre_handler ? ap->pre_handler :
						optprobe_nop_pre_handler);

	memset(image, BREAKPOINT_INSTRUCTION, OPTPROBE_BUF_SIZE);
	memcpy(image, optprobe_template, at);
	put32_at(image, tp_off(tp_missed_p), (u32)(unsigned long)ap);
	put32_at(image, tp_off(tp_missed_call), rel_to(buf, tp_off(tp_missed_call),
					(unsigned long)kprobes_inc_nmissed_count));
	put32_at(image, tp_off(tp_eip), (u32)addr);
	put32_at(image, tp_off(tp_cur_p), (u32)(unsigned long)ap);
	put32_at(image, tp_off(tp_arg_p), (u32)(unsigned long)ap);
	put32_at(image, tp_off(tp_call), rel_to(buf, tp_off(tp_call), handler));
	for (unsigned i = 0; i < op->ninsn; i++) {
		const u8 *orig = op->orig + op->insn_off[i];
		struct insn insn;

		BUG_ON(insn_decode(&insn, orig, op->len - op->insn_off[i],
				   (u32)(addr + op->insn_off[i])) <= 0);
		op->copy_off[i] = (u8)at;
		at += copy_insn(image, at, buf, orig, &insn);
	}
	op->copy_off[op->ninsn] = (u8)at;
	BUG_ON(at + OPTPROBE_JMP_SIZE > OPTPROBE_BUF_SIZE);
	image[at] = 0xe9;                                       /* jmp addr + len */
	put32_at(image, at + 5, rel_to(buf, at + 5, addr + op->len));
}
