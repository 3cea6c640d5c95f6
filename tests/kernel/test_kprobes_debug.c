// SPDX-License-Identifier: MIT
/*
 * kprobes under a debugger, and the exact state at each trap of a hit: a boosted copy and
 * a stepped copy run with IF=0 (replayed with made-up int3 frames so the iret target can
 * be checked), a debugger single-stepping across a probe sees the same #DBs as without
 * it, and a probe's step leaves no DR6 bit behind for the next #DB.
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

static struct {
	int pre, post;
} seen;

static int dbg_count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	return 0;
}

static void dbg_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	seen.post++;
}

/*
 * The slot-reuse race: a boosted copy runs with IF=0 whatever the probed code's IF (the
 * +16 variant's sti turns it back on only in the shadow of the jmp home), so no interrupt
 * can preempt a thread with eip inside a slot that may be freed and reused meanwhile.
 * Replayed with made-up int3 frames, IF=1 and IF=0, so the iret target can be checked.
 */
static void boosted_slot_runs_with_interrupts_off(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add,
			     .pre_handler = dbg_count_pre };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_TRUE(t, kp.ainsn.boostable);
	for (int on = 0; on < 2; on++) {
		struct pt_regs regs;
		unsigned long flags;
		int handled;

		memset(&regs, 0, sizeof(regs));
		regs.eip = (unsigned long)kp_target_add + 1;      /* just past the int3 */
		regs.cs = KERNEL_CS;
		regs.eflags = on ? 0x202 : 0x002;
		local_irq_save(flags);
		handled = kprobe_int3_handler(&regs);
		local_irq_restore(flags);
		KEXPECT_EQ(t, handled, 1);
		KEXPECT_EQ(t, regs.eip, (unsigned long)kp.ainsn.insn +
					(on ? KPROBE_BOOST_IF_ON : 0));
		KEXPECT_FALSE(t, regs.eflags & X86_EFLAGS_IF);
		KEXPECT_FALSE(t, regs.eflags & X86_EFLAGS_TF);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.pre, 2);
}

/*
 * The single-step window, replayed the same way: the copy is stepped with TF set and
 * IF=0 (an interrupt there would find eip in the slot, and a probe in its handler would
 * nest inside the step), and the debug trap that ends the step puts eip after the
 * original instruction and the probed code's IF back.
 */
static void stepped_copy_runs_with_interrupts_off(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = dbg_count_pre,
			     .post_handler = dbg_count_post };
	struct pt_regs regs;
	unsigned long flags;
	int handled, stepped;

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)kp_target_add + 1;      /* just past the int3 */
	regs.cs = KERNEL_CS;
	regs.eflags = 0x202;
	local_irq_save(flags);
	handled = kprobe_int3_handler(&regs);
	unsigned long step_eip = regs.eip, step_flags = regs.eflags;
	unsigned long status = get_kprobe_ctlblk()->kprobe_status;
	unsigned long dr6 = DR_STEP;                       /* as the #DB stub hands it over */
	regs.eip += kp.ainsn.decoded.length;              /* as if the copy had run */
	stepped = kprobe_debug_handler(&regs, &dr6);
	local_irq_restore(flags);
	unsigned long slot = (unsigned long)kp.ainsn.insn;
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, handled, 1);
	KEXPECT_EQ(t, step_eip, slot);
	KEXPECT_TRUE(t, step_flags & X86_EFLAGS_TF);
	KEXPECT_FALSE(t, step_flags & X86_EFLAGS_IF);
	KEXPECT_EQ(t, status, KPROBE_HIT_SS);
	KEXPECT_EQ(t, stepped, 1);
	KEXPECT_EQ(t, regs.eip, (unsigned long)kp_target_add + kp.ainsn.decoded.length);
	KEXPECT_EQ(t, regs.eflags & (X86_EFLAGS_TF | X86_EFLAGS_IF), X86_EFLAGS_IF);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.post, 1);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/*
 * A debugger single-stepping across a probe: TF is set at the int3, so the hit must not
 * boost (the slot's jmp home would be one step too many) and must hand the step's trap to
 * the debugger with eip fixed up. The debugger's notifier sees the same #DB eips with the
 * probe (boostable, or stepped for its post handler) as without it.
 */
__asm__(".pushsection .text\n"
	".globl kpt_stepped_seq\n"
	".type kpt_stepped_seq, @function\n"
	"kpt_stepped_seq:\n"
	"	movl $5, %eax\n"          /* probed: boostable when no post handler */
	"	addl $1, %eax\n"
	"	ret\n"
	".size kpt_stepped_seq, . - kpt_stepped_seq\n"
	".popsection\n");
extern char kpt_stepped_seq[];
#define STEPPED_SEQ_LEN 9                 /* 5 + 3 + 1 bytes */
#define MAX_STEPS 8

static struct {
	unsigned long eip[MAX_STEPS];
	int n;
} steps;

/* The "debugger": records each #DB's eip and keeps stepping until the sequence's ret. */
static int step_recorder(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;
	unsigned long eip = a->regs->eip, seq = (unsigned long)kpt_stepped_seq;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	if (steps.n < MAX_STEPS)
		steps.eip[steps.n++] = eip;
	if (eip < seq || eip >= seq + STEPPED_SEQ_LEN || steps.n == MAX_STEPS)
		a->regs->eflags &= ~X86_EFLAGS_TF;      /* back in the caller: stop */
	return NOTIFY_STOP;
}

static struct notifier_block step_recorder_nb = { .notifier_call = step_recorder,
						   .priority = 100 };

/* Steps through kpt_stepped_seq from its call; returns its result (6). */
static int step_through_seq(struct ktest *t)
{
	unsigned long flags;
	int r;

	memset(&steps, 0, sizeof(steps));
	KASSERT_EQ(t, register_die_notifier(&step_recorder_nb), 0);
	local_irq_save(flags);
	/* popf sets TF: the call runs, and the first #DB is at kpt_stepped_seq. */
	__asm__ volatile("pushfl\n\t"
			 "orl $0x100, (%%esp)\n\t"
			 "popfl\n\t"
			 "call kpt_stepped_seq"
			 : "=a"(r) : : "ecx", "edx", "memory", "cc");
	local_irq_restore(flags);
	unregister_die_notifier(&step_recorder_nb);
	KEXPECT_FALSE(t, native_save_fl() & X86_EFLAGS_TF);
	return r;
}

static void debugger_steps_across_a_probe(struct ktest *t)
{
	skip_if_probed(t, kpt_stepped_seq);
	unsigned long plain[MAX_STEPS];
	int n_plain;

	KEXPECT_EQ(t, step_through_seq(t), 6);
	n_plain = steps.n;
	memcpy(plain, steps.eip, sizeof(plain));
	KASSERT_EQ(t, n_plain, 4);        /* entry, addl, ret, back in the caller */
	KEXPECT_EQ(t, plain[0], (unsigned long)kpt_stepped_seq);
	for (int post = 0; post < 2; post++) {
		struct kprobe kp = { .addr = (kprobe_opcode_t *)kpt_stepped_seq,
				     .pre_handler = dbg_count_pre,
				     .post_handler = post ? dbg_count_post : NULL };

		memset(&seen, 0, sizeof(seen));
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		int r = step_through_seq(t);
		unregister_kprobe(&kp);
		KEXPECT_EQ(t, r, 6);
		KEXPECT_EQ(t, seen.pre, 1);
		KEXPECT_EQ(t, seen.post, post);
		KEXPECT_EQ(t, steps.n, n_plain);
		for (int i = 0; i < n_plain && i < steps.n; i++)
			KEXPECT_EQ(t, steps.eip[i], plain[i]);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
}

/*
 * The CPU never clears DR6: after a probe's step the single-step bit must not be left for
 * the next #DB to find. A data breakpoint (DR0, write) sets only its own B0 bit, so the
 * #DB it raises shows whatever else was left.
 */
static volatile unsigned long watched;

static void probe_step_leaves_no_dr6_bs(struct ktest *t)
{
	skip_if_probed(t, kp_target_neg);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_neg,
			     .pre_handler = dbg_count_pre, .post_handler = dbg_count_post };

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_neg(4);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, -4);
	KEXPECT_EQ(t, seen.post, 1);              /* stepped, not boosted */
	trap_hook_arm(t, DIE_DEBUG, 1, NULL, 0);
	/* DR7: L0 enabled, RW0 = 01 (data writes), LEN0 = 11 (4 bytes). */
	__asm__ volatile("movl %0, %%db0" : : "r"(&watched));
	__asm__ volatile("movl %0, %%db7" : : "r"(0x000d0001UL));
	watched = 1;
	__asm__ volatile("movl %0, %%db7" : : "r"(0UL));
	trap_hook_disarm();
	KASSERT_EQ(t, trap_hook.hits, 1);
	KEXPECT_TRUE(t, trap_hook.err & 1);       /* B0: our watchpoint */
	KEXPECT_FALSE(t, trap_hook.err & DR6_BS);
}

static const struct ktest_case kprobes_debug_cases[] = {
	KTEST_CASE(boosted_slot_runs_with_interrupts_off),
	KTEST_CASE(stepped_copy_runs_with_interrupts_off),
	KTEST_CASE(debugger_steps_across_a_probe),
	KTEST_CASE(probe_step_leaves_no_dr6_bs),
	KTEST_END,
};
KTEST_SUITE(kprobes_debug_suite, "kprobes_debug", kprobes_debug_cases);
