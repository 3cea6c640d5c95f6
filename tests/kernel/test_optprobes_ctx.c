// SPDX-License-Identifier: MIT
/*
 * Jump-optimized probes in the contexts an int3 hit knows (include/optprobes.h): a probe
 * hit from inside an optimized probe's handler is a miss, a fault in the handler goes to
 * the probe's fault_handler with the hit in progress (also when it faults in a missed
 * optimized probe's copied instruction), and kretprobes (alone and beside a kprobe) are
 * optimized and see the return value. A debugger: test_optprobes_debug.c. Each case
 * asserts kprobe_optimized() first and, where it says "as for int3", runs the same again
 * with optimization off.
 */
#include "irqflags.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "kretprobes.h"
#include "ktest.h"
#include "optprobe_helpers.h"
#include "optprobes.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"
#include "user_probes.h"

static unsigned long traps_now(void)
{
	unsigned long n = 0;

	for (unsigned v = 0; v < X86_NR_HW_TRAPS; v++)
		n += trap_counts[v];
	return n;
}

__noipa int ctx_outer_target(int a, int b)
{
	return a * 5 - b;
}

/* ---- 4. a probe hit from inside an optimized probe's handler: a miss ---- */

__noipa int ctx_nest_int3(int x)
{
	return x + 11;
}

__noipa int ctx_nest_opt(int x)
{
	return x + 13;
}

static struct {
	int outer, inner_pre, inner_post, r_int3, r_opt;
	unsigned long traps_int3, traps_opt;
	bool outer_current_after;
} nest;

static int nest_outer_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long t0, t1, t2;

	(void)regs;
	nest.outer++;
	t0 = traps_now();
	nest.r_int3 = ctx_nest_int3(1);
	t1 = traps_now();
	nest.r_opt = ctx_nest_opt(2);
	t2 = traps_now();
	nest.traps_int3 = t1 - t0;
	nest.traps_opt = t2 - t1;
	nest.outer_current_after = current_kprobe == p;
	return 0;
}

static int nest_inner_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	nest.inner_pre++;
	return 0;
}

static void nest_inner_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	nest.inner_post++;
}

static void hit_inside_handler_is_a_miss(struct ktest *t)
{
	struct kprobe outer = { .addr = (kprobe_opcode_t *)ctx_outer_target,
				.pre_handler = nest_outer_pre };
	/* A post handler keeps this one an int3 probe; the other is optimized. */
	struct kprobe in3 = { .addr = (kprobe_opcode_t *)ctx_nest_int3,
			      .pre_handler = nest_inner_pre, .post_handler = nest_inner_post };
	struct kprobe inj = { .addr = (kprobe_opcode_t *)ctx_nest_opt,
			      .pre_handler = nest_inner_pre };
	struct kprobe *kps[] = { &outer, &in3, &inj };

	skip_if_probed(t, ctx_outer_target);
	skip_if_probed(t, ctx_nest_int3);
	skip_if_probed(t, ctx_nest_opt);
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobes(kps, 3), 0);
	KEXPECT_OPTIMIZED(t, &outer);
	KEXPECT_FALSE(t, kprobe_optimized(&in3));
	KEXPECT_TRUE(t, kprobe_opt_refusal(&in3) == optprobe_no_post);
	KEXPECT_OPTIMIZED(t, &inj);
	for (int opt = 1; opt >= 0; opt--) {
		optprobes_switch(opt);
		KEXPECT_EQ(t, kprobe_optimized(&outer), opt);
		KEXPECT_EQ(t, kprobe_optimized(&inj), opt);
		memset(&nest, 0, sizeof(nest));
		in3.nmissed = inj.nmissed = outer.nmissed = 0;
		KEXPECT_EQ(t, ctx_outer_target(4, 3), 17);
		KEXPECT_EQ(t, nest.outer, 1);
		KEXPECT_EQ(t, nest.r_int3, 12);
		KEXPECT_EQ(t, nest.r_opt, 15);
		KEXPECT_EQ(t, nest.inner_pre, 0);       /* no inner handler ran */
		KEXPECT_EQ(t, nest.inner_post, 0);
		KEXPECT_EQ(t, in3.nmissed, 1UL);
		KEXPECT_EQ(t, inj.nmissed, 1UL);
		KEXPECT_EQ(t, outer.nmissed, 0UL);
		KEXPECT_TRUE(t, nest.outer_current_after);
		KEXPECT_GE(t, nest.traps_int3, 1UL);    /* it is an int3 probe */
		if (opt)
			KEXPECT_EQ(t, nest.traps_opt, 0UL);     /* a miss through the jmp */
		else
			KEXPECT_GE(t, nest.traps_opt, 1UL);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
	optprobes_switch(true);
	unregister_kprobes(kps, 3);
}

/* ---- 5. a fault in the pre handler: the probe's fault_handler, hit in progress ---- */

#define LOAD_SITE ((unsigned long)kp_load + KP_LOAD_INSN_OFFSET)
#define LOAD_INSN_LEN 2                         /* mov (%eax), %eax */

static const unsigned long fault_value = 0x5a5a5a5a;

static struct {
	int pre, fault, trapnr;
	bool fix_by_register;                   /* else skip the load */
	bool running, cur_is_p;
	unsigned long eip, status, loaded;
} flt;

static int fault_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	flt.pre++;
	flt.loaded = kp_load(NULL);
	return 0;
}

static int fault_fix(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	flt.fault++;
	flt.trapnr = trapnr;
	flt.eip = regs->eip;
	flt.running = kprobe_running();
	flt.cur_is_p = current_kprobe == p;
	flt.status = get_kprobe_ctlblk()->kprobe_status;
	if (trapnr != X86_TRAP_PF || regs->eip != LOAD_SITE)
		return 0;
	if (flt.fix_by_register)
		regs->eax = (unsigned long)&fault_value;        /* the load runs again */
	else
		regs->eip += LOAD_INSN_LEN;                     /* eax stays NULL: returns 0 */
	return 1;
}

static void handler_fault_goes_to_fault_handler(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)ctx_outer_target,
			     .pre_handler = fault_pre, .fault_handler = fault_fix };

	skip_if_probed(t, ctx_outer_target);
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_OPTIMIZED(t, &kp);
	for (int opt = 1; opt >= 0; opt--) {
		optprobes_switch(opt);
		for (int by_reg = 0; by_reg < 2; by_reg++) {
			KEXPECT_EQ(t, kprobe_optimized(&kp), opt);
			memset(&flt, 0, sizeof(flt));
			flt.fix_by_register = by_reg;
			get_kprobe_ctlblk()->kprobe_status = 0; /* the hit must set it */
			KEXPECT_EQ(t, ctx_outer_target(4, 3), 17);      /* then it ran normally */
			KEXPECT_EQ(t, flt.pre, 1);
			KEXPECT_EQ(t, flt.fault, 1);
			KEXPECT_EQ(t, flt.trapnr, X86_TRAP_PF);
			KEXPECT_EQ(t, flt.eip, LOAD_SITE);
			KEXPECT_TRUE(t, flt.running);
			KEXPECT_TRUE(t, flt.cur_is_p);
			KEXPECT_EQ(t, flt.status, KPROBE_HIT_ACTIVE);
			KEXPECT_EQ(t, flt.loaded, by_reg ? fault_value : 0UL);
			KEXPECT_EQ(t, kprobe_optimized(&kp), opt);      /* not the detour's fault */
			KEXPECT_EQ(t, kp.nmissed, 0UL);
			KEXPECT_FALSE(t, kprobe_running());
			KEXPECT_EQ(t, preempt_count(), 0);
		}
	}
	optprobes_switch(true);
	unregister_kprobe(&kp);
}

/*
 * The same fault, with an optimized probe on kp_load itself: its region is both of
 * kp_load's instructions, so the hit from the handler is a miss whose copied load faults
 * in the detour buffer. As for the int3 probe's reentered step, that is the handler's own
 * fault at the original instruction: offered to the outer fault_handler at LOAD_SITE.
 */
static int count_miss(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	flt.pre += 100;                         /* must never run: a miss */
	return 0;
}

static void missed_copy_fault_goes_to_outer_fault_handler(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)ctx_outer_target,
			     .pre_handler = fault_pre, .fault_handler = fault_fix };
	struct kprobe inner = { .addr = (kprobe_opcode_t *)kp_load, .pre_handler = count_miss };
	struct kprobe *kps[] = { &kp, &inner };

	skip_if_probed(t, ctx_outer_target);
	skip_if_probed(t, kp_load);
	skip_if_probed(t, (void *)LOAD_SITE);          /* in kp_load's region: no jmp there */
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobes(kps, 2), 0);
	KEXPECT_OPTIMIZED(t, &kp);
	KEXPECT_OPTIMIZED(t, &inner);
	for (int opt = 1; opt >= 0; opt--) {
		optprobes_switch(opt);
		KEXPECT_EQ(t, kprobe_optimized(&inner), opt);
		memset(&flt, 0, sizeof(flt));
		inner.nmissed = 0;
		KEXPECT_EQ(t, ctx_outer_target(4, 3), 17);
		KEXPECT_EQ(t, flt.pre, 1);
		KEXPECT_EQ(t, flt.fault, 1);
		KEXPECT_EQ(t, flt.eip, LOAD_SITE);      /* the original, not the buffer */
		KEXPECT_TRUE(t, flt.cur_is_p);
		KEXPECT_EQ(t, flt.loaded, 0UL);
		KEXPECT_EQ(t, inner.nmissed, 1UL);
		if (opt)        /* a copy faulted: the jmp is out, as kernel/optprobe.c rules */
			KEXPECT_TRUE(t, kprobe_opt_refusal(&inner) == optprobe_faulted);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
	optprobes_switch(true);
	unregister_kprobes(kps, 2);
}

/* ---- 8. kretprobes, alone and beside a kprobe, are optimized ---- */

__noipa int ctx_kret_target(int a, int b)
{
	return a * 7 + b;
}

static struct {
	int entry, ret;
	unsigned long value;
} kr;

static int kret_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	kr.ret++;
	kr.value = regs_return_value(regs);
	return 0;
}

static int kret_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	kr.entry++;
	return 0;
}

static void kretprobes_are_optimized(struct ktest *t)
{
	struct kretprobe rp = { .kp.addr = (kprobe_opcode_t *)ctx_kret_target,
				.handler = kret_ret };
	struct kprobe kp = { .addr = (kprobe_opcode_t *)ctx_kret_target,
			     .pre_handler = kret_kprobe_pre };

	skip_if_probed(t, ctx_kret_target);
	for (int aggr = 0; aggr < 2; aggr++) {
		scrub_dead_stack();
		KASSERT_EQ(t, register_kretprobe(&rp), 0);
		scrub_dead_stack();
		int err = aggr ? register_kprobe(&kp) : 0;
		if (err)
			unregister_kretprobe(&rp);      /* never leave a registration behind */
		KASSERT_EQ(t, err, 0);
		KEXPECT_OPTIMIZED(t, &rp.kp);
		if (aggr)
			KEXPECT_OPTIMIZED(t, &kp);
		unsigned long traps_by_mode[2];

		for (int opt = 1; opt >= 0; opt--) {
			optprobes_switch(opt);
			KEXPECT_EQ(t, kprobe_optimized(&rp.kp), opt);
			memset(&kr, 0, sizeof(kr));
			unsigned long traps = traps_now();
			KEXPECT_EQ(t, ctx_kret_target(6, 5), 47);
			traps = traps_now() - traps;
			KEXPECT_EQ(t, kr.ret, 1);
			KEXPECT_EQ(t, kr.value, 47UL);
			KEXPECT_EQ(t, kr.entry, aggr);
			traps_by_mode[opt] = traps;
			KEXPECT_EQ(t, rp.nmissed, 0);
			KEXPECT_FALSE(t, kprobe_running());
		}
		/* The optimized entry costs no trap: fewer than the int3 entry's. */
		KEXPECT_LT(t, traps_by_mode[1], traps_by_mode[0]);
		ktest_info(t, "%s: %lu traps optimized, %lu int3", aggr ? "kprobe+kretprobe" :
			   "kretprobe", traps_by_mode[1], traps_by_mode[0]);
		optprobes_switch(true);
		if (aggr)
			unregister_kprobe(&kp);
		unregister_kretprobe(&rp);
	}
	KEXPECT_EQ(t, *(u8 *)ctx_kret_target, 0x55);
}

static const struct ktest_case optprobes_ctx_cases[] = {
	KTEST_CASE(hit_inside_handler_is_a_miss),
	KTEST_CASE(handler_fault_goes_to_fault_handler),
	KTEST_CASE(missed_copy_fault_goes_to_outer_fault_handler),
	KTEST_CASE(kretprobes_are_optimized),
	KTEST_END
};
KTEST_SUITE(optprobes_ctx_suite, "optprobes_ctx", optprobes_ctx_cases);
