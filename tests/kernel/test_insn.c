// SPDX-License-Identifier: MIT
/*
 * The instruction decoder inside the kernel (the same lib/insn/insn.c the host tests
 * cross-check against objdump) and probe-point validation built on it.
 */
#include "errno.h"
#include "insn.h"
#include "insn_cases.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "ktest.h"
#include "probe_point.h"
#include "stacktrace.h"
#include "string.h"
#include "traps.h"
#include "user_probes.h"

/*
 * A function with a known encoding, never called, to aim probes at:
 *   +0 push %ebp (1)  +1 mov %esp,%ebp (2)  +3 mov $imm32,%eax (5)  +8 cli  +9 sti
 *   +10 hlt  +11 pop %ebp  +12 ret
 */
__asm__(".pushsection .text\n"
	".globl insn_probe_target\n"
	".type insn_probe_target, @function\n"
	"insn_probe_target:\n"
	"	push %ebp\n"
	"	mov %esp, %ebp\n"
	"	mov $0x12345678, %eax\n"
	"	cli\n"
	"	sti\n"
	"	hlt\n"
	"	pop %ebp\n"
	"	ret\n"
	".size insn_probe_target, . - insn_probe_target\n"
	".popsection\n");
extern char insn_probe_target[];

/*
 * Never called either: text a probe makes undecodable if read as it is. With a probe's
 * 0xcc in place of the mov's b8 at +3, the immediate (81 80 00 00) reads as an add with
 * a 32-bit displacement and immediate, which runs past the function's end; so
 * every_kernel_function_decodes must read the original bytes under armed probes.
 *   +0 push %ebp  +1 mov %esp,%ebp  +3 mov $0x8081,%eax (5)  +8 pop %ebp  +9 ret
 */
__asm__(".pushsection .text\n"
	".globl insn_desync_target\n"
	".type insn_desync_target, @function\n"
	"insn_desync_target:\n"
	"	push %ebp\n"
	"	mov %esp, %ebp\n"
	"	mov $0x8081, %eax\n"
	"	pop %ebp\n"
	"	ret\n"
	".size insn_desync_target, . - insn_desync_target\n"
	".popsection\n");

static void decoder_hand_written_cases(struct ktest *t)
{
	for (unsigned i = 0; i < ARRAY_SIZE(insn_cases); i++) {
		const struct insn_case *c = &insn_cases[i];
		struct insn in;
		int ret = insn_decode(&in, c->bytes, c->nbytes, INSN_CASE_ADDR);

		KEXPECT_EQ(t, ret, c->expect);
		if (ret != c->expect) {
			ktest_info(t, "case '%s'", c->name);
			continue;
		}
		if (ret < 0)
			continue;
		KEXPECT_EQ(t, in.length, ret);
		if ((in.attr & c->attr_set) != c->attr_set ||
		    (in.attr & c->attr_clear))
			ktest_fail(t, false, __FILE__, __LINE__,
				   "case '%s': attr %08x, want set %08x clear %08x", c->name,
				   in.attr, c->attr_set, c->attr_clear);
		if ((c->attr_set & INSN_ATTR_REL_ANY) && in.rel_target != c->target)
			ktest_fail(t, false, __FILE__, __LINE__,
				   "case '%s': target %08x, want %08x", c->name, in.rel_target,
				   c->target);
	}
	ktest_info(t, "%u cases", (unsigned)ARRAY_SIZE(insn_cases));
}

struct walk { unsigned long funcs, insns, bad; };

static int decode_function(const char *name, unsigned long addr, unsigned long size, void *data)
{
	struct walk *w = data;
	unsigned long pc = addr, end = addr + size;

	if (!kernel_text_address(addr))
		return 0;
	w->funcs++;
	while (pc < end) {
		struct insn in;
		u8 buf[16];
		size_t n = min(end - pc, 16UL);

		/* The bytes without the user's int3s: a probe's 0xcc in place of a longer
		 * instruction's first byte would decode as something else. */
		read_original_text(pc, buf, n);
		int len = insn_decode(&in, buf, n, (u32)pc);
		if (len <= 0) {
			if (w->bad++ < 5)
				printk("    # decode failed in %s+0x%lx: %s\n", name, pc - addr,
				       insn_errstr(len));
			return 0;
		}
		w->insns++;
		pc += (unsigned long)len;
	}
	if (pc != end && w->bad++ < 5)
		printk("    # %s: last instruction runs past the symbol end\n", name);
	return 0;
}

/* Every function in the kernel decodes into instructions that end exactly at its end
 * (its original instructions: read beside armed probes as they were before them). */
static void every_kernel_function_decodes(struct ktest *t)
{
	struct walk w = { 0, 0, 0 };

	kallsyms_for_each(decode_function, &w);
	ktest_info(t, "%lu functions, %lu instructions", w.funcs, w.insns);
	KEXPECT_GT(t, w.funcs, 100);
	KEXPECT_EQ(t, w.bad, 0);
}

static int data_object;

/* probe_point_check on the text as it is without probes: the user may have placed some
 * (at the monitor) on the very bytes these cases decode. */
static int check_point(unsigned long addr)
{
	return probe_point_check(addr, NULL, kprobe_recover_text);
}

static void probe_point_errors_are_distinct(struct ktest *t)
{
	unsigned long f = (unsigned long)insn_probe_target;

	KEXPECT_EQ(t, check_point(0), -EINVAL);
	KEXPECT_EQ(t, check_point((unsigned long)&data_object), -EFAULT);
	KEXPECT_EQ(t, check_point((unsigned long)__rodata_start), -EFAULT);
	KEXPECT_EQ(t, check_point(kallsyms_lookup_name("do_trap")), -EPERM);
	KEXPECT_EQ(t, check_point((unsigned long)notify_die + 3), -EPERM);
	KEXPECT_EQ(t, check_point(f + 2), -EILSEQ);   /* inside mov */
	KEXPECT_EQ(t, check_point(f + 4), -EILSEQ);   /* inside mov imm */
	KEXPECT_EQ(t, check_point(f + 10), -EOPNOTSUPP);  /* hlt */
}

static void probe_point_accepts_boundaries(struct ktest *t)
{
	unsigned long f = (unsigned long)insn_probe_target;
	static const unsigned ok_offsets[] = { 0, 1, 3, 8, 9, 11, 12 };
	struct insn in;

	for (unsigned i = 0; i < ARRAY_SIZE(ok_offsets); i++)
		KEXPECT_EQ(t, check_point(f + ok_offsets[i]), 0);
	KASSERT_EQ(t, probe_point_check(f + 3, &in, kprobe_recover_text), 0);
	KEXPECT_EQ(t, in.length, 5);
	KEXPECT_EQ(t, in.imm, 0x12345678);
	KASSERT_EQ(t, probe_point_check(f + 8, &in, kprobe_recover_text), 0);
	KEXPECT_TRUE(t, in.attr & INSN_ATTR_CLI);
	KEXPECT_TRUE(t, in.attr & INSN_ATTR_MODIFIES_IF);
	KASSERT_EQ(t, probe_point_check(f + 12, &in, kprobe_recover_text), 0);
	KEXPECT_TRUE(t, in.attr & INSN_ATTR_RET);
	KEXPECT_EQ(t, check_point((unsigned long)printk), 0);
}

/* Pretends a probe's int3 sits at insn_probe_target+3 ... by corrupting the copy (of
 * the original bytes: real probes, the user's, are taken out first). */
static void int3_at_plus_3(unsigned long start, u8 *buf, size_t len)
{
	unsigned long at = (unsigned long)insn_probe_target + 3;

	kprobe_recover_text(start, buf, len);
	if (at >= start && at < start + len)
		buf[at - start] = 0xcc;
}

static void probe_point_uses_the_fixup(struct ktest *t)
{
	unsigned long f = (unsigned long)insn_probe_target;

	/* With the fake int3 at +3 the decoder sees a 1-byte instruction there, so +4
	 * becomes a boundary: proof that the decode walks the fixed-up copy. (The text
	 * itself is read through kprobe_recover_text: a user may have probed +3.) */
	KEXPECT_EQ(t, check_point(f + 4), -EILSEQ);
	KEXPECT_EQ(t, probe_point_check(f + 4, NULL, int3_at_plus_3), 0);
}

/*
 * A 67 prefix on loop/jcxz makes the counter cx; eip stays 32-bit, so the decoder keeps
 * them SS_SAFE (a 66 would truncate eip: refused, kprobes_diff.refuses_*). Called with
 * ecx = 0x00010003: the loop runs 3 times (cx only), jcxz is then taken over the add,
 * and the result is 3 + 0x00010000 (a 32-bit counter would give 0x10003 iterations).
 */
__asm__(".pushsection .text\n"
	".globl insn_loop67_target\n"
	".type insn_loop67_target, @function\n"
	"insn_loop67_target:\n"
	"	mov 4(%esp), %ecx\n"
	"	xor %eax, %eax\n"
	"1:	inc %eax\n"
	".Lloop67:	addr16 loop 1b\n"
	".Ljcxz67:	jcxz 2f\n"
	"	add $0x100, %eax\n"
	"2:	add %ecx, %eax\n"
	"	ret\n"
	".size insn_loop67_target, . - insn_loop67_target\n"
	".popsection\n"
	".pushsection .rodata\n.balign 4\n"
	"insn_loop67_sites: .long .Lloop67, .Ljcxz67\n"
	".popsection\n");
extern const unsigned long insn_loop67_sites[2];
unsigned insn_loop67_target(unsigned ecx);

static unsigned loop67_hits;

static int __kprobes count_loop67(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	loop67_hits++;
	return 0;
}

/* Probed, a 67 loop and a 67 jcxz step out of line with the right counter and target. */
static void addr16_loop_and_jcxz_probe_right(struct ktest *t)
{
	static struct kprobe kp;
	static const unsigned hits[] = { 3, 1 };
	struct insn in;

	KASSERT_EQ(t, insn_loop67_target(0x00010003), 0x00010003);
	for (unsigned i = 0; i < ARRAY_SIZE(hits); i++) {
		unsigned long site = insn_loop67_sites[i];

		skip_if_probed(t, (const void *)site);
		KASSERT_EQ(t, probe_point_check(site, &in, kprobe_recover_text), 0);
		KEXPECT_EQ(t, in.prefixes[0], 0x67);
		kp = (struct kprobe){ .addr = (kprobe_opcode_t *)site,
				      .pre_handler = count_loop67 };
		loop67_hits = 0;
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		unsigned got = insn_loop67_target(0x00010003);
		unregister_kprobe(&kp);
		KEXPECT_EQ(t, got, 0x00010003);
		KEXPECT_EQ(t, loop67_hits, hits[i]);
	}
}

static const struct ktest_case insn_test_cases[] = {
	KTEST_CASE(decoder_hand_written_cases),
	KTEST_CASE(every_kernel_function_decodes),
	KTEST_CASE(probe_point_errors_are_distinct),
	KTEST_CASE(probe_point_accepts_boundaries),
	KTEST_CASE(probe_point_uses_the_fixup),
	KTEST_CASE(addr16_loop_and_jcxz_probe_right),
	KTEST_END,
};
KTEST_SUITE(insn_suite, "insn", insn_test_cases);
