// SPDX-License-Identifier: MIT
/*
 * Which traps are a probe's business (kernel/trap.c's trap classes, kernel/kprobes.c's
 * debug handler), the cases test_kprobes_exits.c does not take: into (#OF) is a trap an
 * instruction raises on purpose, so in a handler it goes to the probe's fault_handler like
 * a fault; and a #DB during a step that is not the step's (DR6.BS clear: an instruction
 * breakpoint on the copy itself) is passed on, not taken for the end of the step. Also
 * a probe on sti that a handler runs into (a reentered hit) is emulated like an outer
 * one: stepped, sti's interrupt shadow would defer the trap into the slot's int3s.
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "trapnr.h"
#include "traps.h"
#include "user_probes.h"

static struct {
	int pre, post, fault, trapnr, db;
	unsigned long db_eip, db_dr6;
} seen;

/* Overflows, then into: #OF, a trap (eip already after the into). */
static int pre_into(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	__asm__ volatile("movl $0x7fffffff, %%eax\n\t"
			 "addl $1, %%eax\n\t"
			 "into" : : : "eax", "cc");
	return 0;
}

static int fault_claims_of(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	(void)regs;
	seen.fault++;
	seen.trapnr = trapnr;
	return trapnr == X86_TRAP_OF;      /* a trap: resuming goes on after the into */
}

static void into_in_pre_handler_offered_to_fault_handler(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = pre_into,
			     .fault_handler = fault_claims_of };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_add(2, 3);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, 5);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.fault, 1);
	KEXPECT_EQ(t, seen.trapnr, X86_TRAP_OF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

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

/* The "debugger" of the instruction breakpoint: records it and takes the breakpoint out
 * (an instruction breakpoint is a fault: left in, it would fire again on the iret). */
static int exec_bp_hook(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (val != DIE_DEBUG || !(a->err & 1))
		return NOTIFY_DONE;
	seen.db++;
	seen.db_eip = a->regs->eip;
	seen.db_dr6 = (unsigned long)a->err;
	__asm__ volatile("movl %0, %%db7" : : "r"(0UL));
	return NOTIFY_STOP;
}

static struct notifier_block exec_bp_nb = { .notifier_call = exec_bp_hook, .priority = 100 };

static void breakpoint_on_the_copy_is_not_the_steps_end(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = count_pre,
			     .post_handler = count_post };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_EQ(t, register_die_notifier(&exec_bp_nb), 0);
	/* DR7: L0 enabled, RW0 = 00 (instruction execution), LEN0 = 00. */
	__asm__ volatile("movl %0, %%db0" : : "r"(kp.ainsn.insn));
	__asm__ volatile("movl %0, %%db7" : : "r"(1UL));
	int r = kp_target_add(20, 22);
	__asm__ volatile("movl %0, %%db7" : : "r"(0UL));
	unregister_die_notifier(&exec_bp_nb);
	unsigned long slot = (unsigned long)kp.ainsn.insn;
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, seen.db, 1);
	KEXPECT_EQ(t, seen.db_eip, slot);          /* where the debugger put its breakpoint */
	KEXPECT_FALSE(t, seen.db_dr6 & DR_STEP);
	KEXPECT_EQ(t, seen.pre, 1);                /* one hit, stepped once after the #DB */
	KEXPECT_EQ(t, seen.post, 1);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/* sti with interrupts restored after it: +1 is the sti. */
__asm__(".pushsection .text\n"
	".globl kpc_sti_restore\n"
	"kpc_sti_restore:\n"
	"	pushfl\n"
	"	sti\n"
	"	popfl\n"
	"	ret\n"
	".popsection\n");
extern char kpc_sti_restore[];

static int pre_runs_sti(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	((void (*)(void))kpc_sti_restore)();
	return 0;
}

static void reentered_sti_is_emulated(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	skip_if_probed(t, kpc_sti_restore + 1);
	struct kprobe outer = { .addr = (kprobe_opcode_t *)kp_target_add,
				.pre_handler = pre_runs_sti };
	struct kprobe inner = { .addr = (kprobe_opcode_t *)(kpc_sti_restore + 1),
				.pre_handler = count_pre };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&outer), 0);
	KASSERT_EQ(t, register_kprobe(&inner), 0);
	int r = kp_target_add(40, 2);
	unregister_kprobe(&inner);
	unregister_kprobe(&outer);
	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, seen.pre, 1);                /* the outer's; the inner one is missed */
	KEXPECT_EQ(t, inner.nmissed, 1);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case kprobes_classes_cases[] = {
	KTEST_CASE(into_in_pre_handler_offered_to_fault_handler),
	KTEST_CASE(breakpoint_on_the_copy_is_not_the_steps_end),
	KTEST_CASE(reentered_sti_is_emulated),
	KTEST_END,
};
KTEST_SUITE(kprobes_classes_suite, "kprobes_classes", kprobes_classes_cases);
