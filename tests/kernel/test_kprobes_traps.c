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
#include "trapnr.h"
#include "user_probes.h"

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
	if (trapnr != X86_TRAP_PF || regs->eip != (unsigned long)kp_load + KP_LOAD_INSN_OFFSET)
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
	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_insn, sizeof(load_insn));
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
	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_insn, sizeof(load_insn));
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
	trap_hook_arm(t, DIE_INT3, X86_TRAP_BP, NULL, 0);
	__asm__ volatile("int3" ::: "memory");
	trap_hook_disarm();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, trap_hook.hits, 1);
}

/*
 * An int3 with no probe behind it is never kprobes' to claim, whatever byte sits before
 * eip. The 2-byte "int $3" (CD 03) is the case that matters: eip-1 points at its 03, and
 * a kprobes that took "the byte is no longer 0xCC" for "a probe was removed in flight"
 * (Linux's SMP rule) resumed in the middle of it. It must reach the die chain, with eip
 * after the whole instruction, exactly as without kprobes. So must a replayed frame for
 * an int3 whose probe is gone: on one CPU nothing can remove it between trap and lookup.
 */
static void int3_without_a_probe_is_not_claimed(struct ktest *t)
{
	skip_if_probed(t, kp_target_mul);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul, .pre_handler = count_pre };
	struct pt_regs regs;
	unsigned long flags, after;
	int handled;

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	unregister_kprobe(&kp);
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)kp_target_mul + 1;      /* just past "the" int3 */
	regs.cs = KERNEL_CS;
	regs.eflags = 0x202;
	local_irq_save(flags);
	handled = kprobe_int3_handler(&regs);
	local_irq_restore(flags);
	KEXPECT_EQ(t, handled, 0);
	KEXPECT_EQ(t, regs.eip, (unsigned long)kp_target_mul + 1);     /* untouched */

	trap_hook_arm(t, DIE_INT3, X86_TRAP_BP, NULL, 0);
	__asm__ volatile(".byte 0xcd, 0x03\n"
			 "1: movl $1b, %0" : "=r"(after) : : "memory");
	trap_hook_disarm();
	KEXPECT_EQ(t, trap_hook.hits, 1);
	KEXPECT_EQ(t, trap_hook.regs.eip, after);       /* after the whole CD 03 */
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
	KTEST_CASE(int3_without_a_probe_is_not_claimed),
	KTEST_END,
};
KTEST_SUITE(kprobes_traps_suite, "kprobes_traps", kprobes_traps_cases);
