// SPDX-License-Identifier: MIT
/*
 * Expected-oops scenarios: a probe handler faults and nothing claims the fault. The oops
 * must name the probe and the handler that was running -- post, jprobe, fault, break
 * (the pre handler's is "kprobe_handler_fault", tests/kernel/crash_kprobes.c) -- and a fault at
 * a probed instruction inside a handler must oops exactly as it would without that
 * probe. tests/runner/scenarios.py lists the lines each must show.
 */
#include "jprobe_targets.h"
#include "jprobes.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"

static void post_faults(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	kp_load(NULL);
}

static struct kprobe post_kp = { .symbol_name = "kp_target_mul", .post_handler = post_faults };

static void crash_post_handler_fault(void)
{
	if (register_kprobe(&post_kp))
		return;
	kp_target_mul(2, 3);
}
KTEST_CRASH(crash_post_handler_fault_s, "kprobe_post_handler_fault", crash_post_handler_fault);

static int j_tick_faults(int x)
{
	(void)x;
	kp_load(NULL);
	jprobe_return();
}

static struct jprobe faulting_jp = { .kp.symbol_name = "jp_tick", .entry = j_tick_faults };

static void crash_jprobe_handler_fault(void)
{
	if (register_jprobe(&faulting_jp))
		return;
	jp_tick(1);
}
KTEST_CRASH(crash_jprobe_handler_fault_s, "jprobe_handler_fault", crash_jprobe_handler_fault);

static int pre_faults(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	kp_load(NULL);
	return 0;
}

/* Meant to fix the pre handler's fault up, but faults itself on the way. */
static int fault_handler_faults(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	(void)trapnr;
	regs->eax = kp_load(NULL);
	return 1;
}

static struct kprobe refault_kp = { .symbol_name = "kp_target_neg", .pre_handler = pre_faults,
				    .fault_handler = fault_handler_faults };

static void crash_fault_handler_fault(void)
{
	if (register_kprobe(&refault_kp))
		return;
	kp_target_neg(1);
}
KTEST_CRASH(crash_fault_handler_fault_s, "kprobe_fault_handler_fault", crash_fault_handler_fault);

static int j_f1(char c)
{
	(void)c;
	jprobe_return();
}

/* The jprobe's break handler, with a fault before it gets to do its job. */
static int break_faults(struct kprobe *p, struct pt_regs *regs)
{
	kp_load(NULL);
	return longjmp_break_handler(p, regs);
}

static struct jprobe break_jp = { .kp.symbol_name = "jp_f1", .entry = j_f1 };

static void crash_break_handler_fault(void)
{
	if (register_jprobe(&break_jp))
		return;
	break_jp.kp.break_handler = break_faults;
	jp_f1('x');
}
KTEST_CRASH(crash_break_handler_fault_s, "jprobe_break_handler_fault", crash_break_handler_fault);

/* The pre handler's fault with a second probe on the faulting load: the same oops as
 * without it ("probe kp_load+4" then a handler that faults). */
static struct kprobe outer_kp = { .symbol_name = "kp_target_other", .pre_handler = pre_faults };
static struct kprobe load_kp = { .symbol_name = "kp_load", .offset = KP_LOAD_INSN_OFFSET };

static void crash_reentered_step_fault(void)
{
	if (register_kprobe(&load_kp) || register_kprobe(&outer_kp))
		return;
	kp_target_other(1, 2);
}
KTEST_CRASH(crash_reentered_step_fault_s, "kprobe_reentered_step_fault",
	    crash_reentered_step_fault);
