// SPDX-License-Identifier: MIT
/*
 * kprobes and traps that are not a plain hit: a fault in a handler (fixed by the probe's
 * fault_handler), a fault in the single-stepped or boosted copy (reported as the original
 * instruction's), an int3 that is not a probe's, and an int3 whose probe was removed
 * between the trap and the lookup.
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "trap_hook.h"
#include "user_probes.h"

extern kprobe_opcode_t kprobe_insn_slots[KPROBE_NR_SLOTS][KPROBE_SLOT_SIZE];

static struct {
	int pre, post, fault;
	bool post_went_on;
} seen;

static int count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	return 0;
}

static void count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	seen.post++;
}

/* A post handler that faults; the fault handler steps over the faulting load. */
static void post_faulting(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	seen.post++;
	kp_load(NULL);
	seen.post_went_on = true;              /* reached after the handled fault */
}

static int fault_fixup(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	if (trapnr != 14 || regs->eip != (unsigned long)kp_load + KP_LOAD_INSN_OFFSET)
		return 0;
	seen.fault++;
	regs->eip += 2;                        /* skip the 2-byte load */
	return 1;
}

static void fault_in_post_handler_handled(struct ktest *t)
{
	skip_if_probed(t, kp_target_mul);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul,
			     .post_handler = post_faulting, .fault_handler = fault_fixup };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_mul(6, 7);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, seen.post, 1);
	KEXPECT_EQ(t, seen.fault, 1);
	KEXPECT_TRUE(t, seen.post_went_on);
	KEXPECT_EQ(t, preempt_count(), 0);
}

/* The single-stepped copy itself faults: the fault must appear at the original. */
static const u8 load_insn[] = { 0x8b, 0x00 };

static void single_step_fault_reported_at_original(struct ktest *t)
{
	skip_if_probed(t, (u8 *)kp_load + KP_LOAD_INSN_OFFSET);
	unsigned long site = (unsigned long)kp_load + KP_LOAD_INSN_OFFSET;
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = count_pre,
			     .post_handler = count_post };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	trap_hook_arm(t, DIE_PAGE_FAULT, 14, load_insn, sizeof(load_insn));
	kp_load(NULL);
	trap_hook_disarm();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.post, 0);
	KEXPECT_EQ(t, trap_hook.hits, 1);
	KEXPECT_EQ(t, trap_hook.regs.eip, site);          /* not the copy's address */
	KEXPECT_EQ(t, trap_hook.addr, 0);
	KEXPECT_FALSE(t, trap_hook.regs.eflags & X86_EFLAGS_TF);
	KEXPECT_TRUE(t, trap_hook.regs.eflags & X86_EFLAGS_IF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/* The same with a pre handler only: the load is boosted and faults inside the slot. */
static void boosted_fault_reported_at_original(struct ktest *t)
{
	skip_if_probed(t, (u8 *)kp_load + KP_LOAD_INSN_OFFSET);
	unsigned long site = (unsigned long)kp_load + KP_LOAD_INSN_OFFSET;
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = count_pre };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_TRUE(t, kp.ainsn.boostable);
	trap_hook_arm(t, DIE_PAGE_FAULT, 14, load_insn, sizeof(load_insn));
	kp_load(NULL);
	trap_hook_disarm();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, trap_hook.hits, 1);
	KEXPECT_EQ(t, trap_hook.regs.eip, site);          /* not the slot's address */
	KEXPECT_TRUE(t, trap_hook.regs.eflags & X86_EFLAGS_IF);
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void foreign_int3_passes_through(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = count_pre };

	KASSERT_EQ(t, register_kprobe(&kp), 0);
	trap_hook_arm(t, DIE_INT3, 3, NULL, 0);
	__asm__ volatile("int3" ::: "memory");
	trap_hook_disarm();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, trap_hook.hits, 1);
}

/*
 * Removal in flight: the int3 has trapped, and before kprobes looks the address up, the
 * probe is unregistered and its byte restored (on SMP, by another CPU). This CPU cannot
 * interleave that for real (the int3 gate keeps IF=0), so replay the moment: a trap
 * frame for an int3 at kp_target_mul, whose probe is already gone.
 */
static void probe_removed_in_flight_resumes(struct ktest *t)
{
	skip_if_probed(t, kp_target_mul);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul, .pre_handler = count_pre };
	struct pt_regs regs;
	unsigned long flags;
	int handled, foreign;

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	unregister_kprobe(&kp);
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)kp_target_mul + 1;      /* just past "the" int3 */
	regs.cs = KERNEL_CS;
	regs.eflags = 0x202;
	local_irq_save(flags);
	handled = kprobe_int3_handler(&regs);
	/* An int3 that is really in the text (an unused instruction slot is all int3s)
	 * is not kprobes' to claim. */
	struct pt_regs real = regs;
	real.eip = (unsigned long)&kprobe_insn_slots[KPROBE_NR_SLOTS - 1][1];
	foreign = kprobe_int3_handler(&real);
	local_irq_restore(flags);

	KEXPECT_EQ(t, handled, 1);
	KEXPECT_EQ(t, regs.eip, (unsigned long)kp_target_mul);   /* rerun the original */
	KEXPECT_EQ(t, foreign, 0);
	KEXPECT_EQ(t, seen.pre, 0);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_EQ(t, kp_target_mul(9, 9), 81);
}

static const struct ktest_case kprobes_traps_cases[] = {
	KTEST_CASE(fault_in_post_handler_handled),
	KTEST_CASE(single_step_fault_reported_at_original),
	KTEST_CASE(boosted_fault_reported_at_original),
	KTEST_CASE(foreign_int3_passes_through),
	KTEST_CASE(probe_removed_in_flight_resumes),
	KTEST_END,
};
KTEST_SUITE(kprobes_traps_suite, "kprobes_traps", kprobes_traps_cases);
