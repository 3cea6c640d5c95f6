// SPDX-License-Identifier: MIT
/*
 * Linux's safety rules for jump optimization (kernel/optprobe_prepare.c), one case each:
 * a probe whose region breaks a rule is refused with that rule's reason (the very pointer
 * of include/optprobes.h), keeps working as an int3 probe, and its unregistering gives
 * the text back byte for byte. The asm targets (tests/kernel/optprobe_targets.c) each
 * break one rule and nothing else, so a case proves the rule it names: without that rule
 * the probe would be optimized.
 */
#include "jprobes.h"
#include "optprobes.h"
#include "optprobe_targets.h"
#include "string.h"
#include "user_probes.h"

/* Rule: no jump in the function may land on a byte of the region but its first. */
static void jump_into_region_is_refused(struct ktest *t)
{
	optr_refused_case(t, optr_jin_p, optprobe_jump_in, optr_jin, 1);
}

/* ... the region's first byte is fine: it becomes the jmp to the detour, taken each pass. */
static void jump_to_region_start_is_optimized(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;
	unsigned long traps;

	optr_need_optimization(t);
	optr_text_take(t, optr_jfirst, &text);
	optr_probe_init(&o, optr_jfirst_p);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	KEXPECT_TRUE(t, kprobe_optimized(&o.kp));
	KEXPECT_TRUE(t, kprobe_opt_refusal(&o.kp) == NULL);
	traps = optr_traps();
	KEXPECT_EQ(t, optr_jfirst(4), 12);
	KEXPECT_EQ(t, o.pre, 4);                /* the relocated jnz comes back through it */
	KEXPECT_EQ(t, optr_traps(), traps);
	unregister_kprobe(&o.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

/* Rule: no indirect jump in the function (a jump table's targets are not known). */
static void jump_table_is_refused(struct ktest *t)
{
	optr_refused_case(t, optr_indirect, optprobe_indirect, optr_indirect, 0);
	optr_refused_case(t, optr_indirect, optprobe_indirect, optr_indirect, 1);
}

/* Rule: every instruction of the region must run out of line -- a ret may not. */
static void ret_in_region_is_refused(struct ktest *t)
{
	optr_refused_case(t, optr_ret, optprobe_insn_unsafe, optr_ret, 0);
}

/* ... nor what changes IF: cli behind the probed pushf, and a probed popf. */
static void cli_and_popf_in_region_are_refused(struct ktest *t)
{
	optr_refused_case(t, optr_irq, optprobe_insn_unsafe, optr_irq, 0);
	optr_refused_case(t, optr_irq_popf, optprobe_insn_unsafe, optr_irq, 0);
}

/* ... nor loop and jecxz (rel8 only: no rel32 form to relocate them to). */
static void loop_and_jecxz_are_refused(struct ktest *t)
{
	optr_refused_case(t, optr_loop_jcxz, optprobe_insn_unsafe, optr_loop, 1);
	optr_refused_case(t, optr_loop_top, optprobe_insn_unsafe, optr_loop, 1);
}

/* Rule: no call in the region (its return address would be in the detour buffer). */
static void call_in_region_is_refused(struct ktest *t)
{
	optr_refused_case(t, optr_call, optprobe_insn_call, optr_call, 41);
}

/* Rule: the region stays in the function (a 3-byte function cannot hold a jmp rel32). */
static void region_past_function_end_is_refused(struct ktest *t)
{
	optr_refused_case(t, optr_tail, optprobe_crosses_end, optr_tail, 5);
}

/*
 * Not on the stack: the optimizer holds a jmp back while any stack word equals the address
 * of a region instruction after the first (a thread might resume there, kernel/optprobe.c),
 * and b.kp.addr is optr_plain + 4, one of them. A struct kprobe on a stack would keep A
 * waiting for as long as it lived.
 */
static struct optr_probe in_a, in_b;

/* Rule: no other probe in the region. B arriving in optimized A's region takes A's jmp
 * out (A's own bytes 1..3 back, byte 4 is B's); both hit; B leaving lets A's jmp back in. */
static void probe_arriving_in_region_unoptimizes(struct ktest *t)
{
	struct optr_probe *a = &in_a, *b = &in_b;
	struct optr_text text;
	u8 now[4];

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(a, optr_plain);
	optr_probe_init(b, NULL);
	b->kp.addr = (kprobe_opcode_t *)optr_plain_in;      /* never a stack word */
	KASSERT_EQ(t, register_kprobe(&a->kp), 0);
	optr_check_jmp(t, a, optr_plain, 1, 9);
	KEXPECT_EQ(t, register_kprobe(&b->kp), 0);
	KEXPECT_TRUE(t, kprobe_armed_at(optr_plain_in));
	optr_read(optr_plain, now, sizeof(now));
	KEXPECT_TRUE(t, !memcmp(now + 1, text.bytes + 1, 3));
	optr_check_int3(t, a, optprobe_probe_in, optr_plain, 1, 9);
	KEXPECT_EQ(t, b->pre, 1);
	unregister_kprobe(&b->kp);
	optr_check_jmp(t, a, optr_plain, 2, 11);
	KEXPECT_EQ(t, b->pre, 1);
	unregister_kprobe(&a->kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

/* ... and A registered where B already sits in its region is refused from the start. */
static void probe_already_in_region_refuses(struct ktest *t)
{
	struct optr_probe *a = &in_a, *b = &in_b;
	struct optr_text text;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(a, optr_plain);
	optr_probe_init(b, NULL);
	b->kp.addr = (kprobe_opcode_t *)optr_plain_in;      /* never a stack word */
	KASSERT_EQ(t, register_kprobe(&b->kp), 0);
	KEXPECT_EQ(t, register_kprobe(&a->kp), 0);
	optr_check_int3(t, a, optprobe_probe_in, optr_plain, 3, 13);
	KEXPECT_EQ(t, b->pre, 1);
	unregister_kprobe(&a->kp);
	unregister_kprobe(&b->kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

/* Rule: a post handler needs the single-step, so the probe stays an int3 probe. */
static void post_handler_is_refused(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(&o, optr_plain);
	o.kp.post_handler = optr_post;
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	optr_check_int3(t, &o, optprobe_no_post, optr_plain, 4, 15);
	KEXPECT_EQ(t, o.post, 1);
	unregister_kprobe(&o.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

static int jprobe_arg, jprobe_runs;

static int optr_jentry(int a)
{
	jprobe_arg = a;
	jprobe_runs++;
	jprobe_return();
	return 0;
}

/* ... and so does a break handler: a jprobe. */
static void jprobe_is_refused(struct ktest *t)
{
	struct jprobe jp = { .kp.addr = (kprobe_opcode_t *)optr_plain, .entry = optr_jentry };
	struct optr_text text;
	unsigned long traps;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	jprobe_runs = 0;
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	KEXPECT_TRUE(t, kprobe_opt_refusal(&jp.kp) == optprobe_no_break);
	KEXPECT_FALSE(t, kprobe_optimized(&jp.kp));
	KEXPECT_EQ(t, optr_byte(optr_plain), BREAKPOINT_INSTRUCTION);
	if (optr_byte(optr_plain) == BREAKPOINT_INSTRUCTION) {  /* a jprobe's jmp: no call */
		traps = optr_traps();
		KEXPECT_EQ(t, optr_plain(6), 19);
		KEXPECT_EQ(t, jprobe_runs, 1);
		KEXPECT_EQ(t, jprobe_arg, 6);
		KEXPECT_NE(t, optr_traps(), traps);
	}
	unregister_jprobe(&jp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

/* An aggregate of pre-only probes is optimized; a post-handler member takes it back to an
 * int3 probe (every member's reason no_post), and its leaving optimizes it again. */
static void aggregate_follows_its_members(struct ktest *t)
{
	struct optr_probe a, b, c;
	struct optr_text text;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(&a, optr_plain);
	optr_probe_init(&b, optr_plain);
	optr_probe_init(&c, optr_plain);
	c.kp.post_handler = optr_post;
	KASSERT_EQ(t, register_kprobe(&a.kp), 0);
	KEXPECT_EQ(t, register_kprobe(&b.kp), 0);
	KEXPECT_TRUE(t, kprobe_optimized(&b.kp));
	optr_check_jmp(t, &a, optr_plain, 0, 7);
	KEXPECT_EQ(t, b.pre, 1);
	KEXPECT_EQ(t, b.eip, (unsigned long)optr_plain);
	KEXPECT_EQ(t, register_kprobe(&c.kp), 0);
	KEXPECT_TRUE(t, kprobe_opt_refusal(&b.kp) == optprobe_no_post);
	KEXPECT_TRUE(t, kprobe_opt_refusal(&c.kp) == optprobe_no_post);
	optr_check_int3(t, &a, optprobe_no_post, optr_plain, 0, 7);
	KEXPECT_EQ(t, b.pre, 2);
	KEXPECT_EQ(t, c.pre, 1);
	KEXPECT_EQ(t, c.post, 1);
	unregister_kprobe(&c.kp);
	optr_check_jmp(t, &a, optr_plain, 0, 7);
	KEXPECT_TRUE(t, kprobe_optimized(&b.kp));
	KEXPECT_EQ(t, b.pre, 3);
	KEXPECT_EQ(t, c.pre, 1);
	unregister_kprobe(&a.kp);
	unregister_kprobe(&b.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

static const struct ktest_case optprobes_rules_cases[] = {
	KTEST_CASE(jump_into_region_is_refused),
	KTEST_CASE(jump_to_region_start_is_optimized),
	KTEST_CASE(jump_table_is_refused),
	KTEST_CASE(ret_in_region_is_refused),
	KTEST_CASE(cli_and_popf_in_region_are_refused),
	KTEST_CASE(loop_and_jecxz_are_refused),
	KTEST_CASE(call_in_region_is_refused),
	KTEST_CASE(region_past_function_end_is_refused),
	KTEST_CASE(probe_arriving_in_region_unoptimizes),
	KTEST_CASE(probe_already_in_region_refuses),
	KTEST_CASE(post_handler_is_refused),
	KTEST_CASE(jprobe_is_refused),
	KTEST_CASE(aggregate_follows_its_members),
	KTEST_END
};
KTEST_SUITE(optprobes_rules_suite, "optprobes_rules", optprobes_rules_cases);
