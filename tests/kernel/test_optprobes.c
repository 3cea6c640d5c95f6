// SPDX-License-Identifier: MIT
/*
 * Jump-optimized probes (include/optprobes.h): a pre-only probe becomes a jmp to its detour
 * buffer, and a hit through it is what an int3 hit is -- the same pt_regs, interrupts off
 * and preemption off in the handler, current_kprobe set, the probed code's flags and
 * registers afterwards -- without a trap.
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "optprobes.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"
#include "user_probes.h"

__noipa int opt_target(int a, int b)
{
	return a * 3 + b;
}

static struct {
	int pre;
	struct pt_regs regs;
	unsigned long sp, args[2], flags;
	bool preempt_off, running;
} seen;

static int opt_pre(struct kprobe *p, struct pt_regs *regs)
{
	seen.pre++;
	seen.regs = *regs;
	seen.sp = kernel_stack_pointer(regs);
	seen.args[0] = ((unsigned long *)seen.sp)[1];
	seen.args[1] = ((unsigned long *)seen.sp)[2];
	seen.flags = native_save_fl();
	seen.preempt_off = preempt_count() > 0;
	seen.running = current_kprobe == p;
	return 0;
}

static unsigned long traps_now(void)
{
	unsigned long n = 0;

	for (unsigned v = 0; v < X86_NR_HW_TRAPS; v++)
		n += trap_counts[v];
	return n;
}

static void pre_only_probe_is_optimized(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_target, .pre_handler = opt_pre };
	unsigned long flags_after, traps;
	int r;

	skip_if_probed(t, opt_target);
	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_TRUE(t, kprobe_optimized(&kp));
	KEXPECT_EQ(t, *(u8 *)opt_target, 0xe9);
	traps = traps_now();
	local_irq_enable();
	r = opt_target(5, 7);
	flags_after = native_save_fl();
	KEXPECT_EQ(t, traps_now(), traps);
	KEXPECT_EQ(t, r, 22);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.regs.eip, (unsigned long)opt_target);
	KEXPECT_EQ(t, seen.args[0], 5UL);
	KEXPECT_EQ(t, seen.args[1], 7UL);
	KEXPECT_FALSE(t, seen.flags & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, seen.regs.eflags & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, flags_after & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, seen.preempt_off);
	KEXPECT_TRUE(t, seen.running);
	KEXPECT_EQ(t, seen.regs.cs, (unsigned long)KERNEL_CS);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, *(u8 *)opt_target, 0x55);
}

static const struct ktest_case optprobes_cases[] = {
	KTEST_CASE(pre_only_probe_is_optimized),
	KTEST_END
};
KTEST_SUITE(optprobes_suite, "optprobes", optprobes_cases);
