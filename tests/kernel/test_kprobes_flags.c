// SPDX-License-Identifier: MIT
/*
 * What a hit does with the probed code's TF and IF when a pre handler changes them.
 *
 * kprobes keeps the probed code's TF and IF as they are at the int3 (set_current_kprobe)
 * and puts exactly those back when the probed code resumes, whether its instruction was
 * single-stepped (as Linux does) or boosted: a pre handler runs in trap context and its
 * writes to regs->eflags' TF and IF do not leak into the probed code's flags. A stepped
 * pushf pushes the probed code's own flags, not the ones kprobes ran it with.
 */
#include "irqflags.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "user_probes.h"

static int posts;

static void count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	posts++;
}

static int set_tf(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	regs->eflags |= X86_EFLAGS_TF;
	return 0;
}

/*
 * A TF left by the pre handler must not survive the step: the probed code would trap on
 * its next instruction with no probe to claim it -- an oops (which ends this boot).
 */
static void pre_handler_tf_does_not_leak(struct ktest *t)
{
	skip_if_probed(t, kp_target_neg);
	static struct kprobe kp;

	posts = 0;
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_neg, .pre_handler = set_tf,
			      .post_handler = count_post };
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_neg(3);
	unsigned long fl = native_save_fl();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, -3);
	KEXPECT_EQ(t, posts, 1);
	KEXPECT_FALSE(t, fl & X86_EFLAGS_TF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static int clear_if(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	regs->eflags &= ~X86_EFLAGS_IF;
	return 0;
}

/* A stepped pushf pushes the probed code's IF (1), and IF is 1 again after the hit. */
static void stepped_pushf_pushes_the_probed_codes_flags(struct ktest *t)
{
	skip_if_probed(t, kp_pushf);
	static struct kprobe kp;

	posts = 0;
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_pushf, .pre_handler = clear_if,
			      .post_handler = count_post };
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_FALSE(t, kp.ainsn.boostable);           /* pushf: always single-stepped */
	unsigned long pushed = kp_pushf();
	bool if_after = !irqs_disabled();
	local_irq_enable();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, posts, 1);
	KEXPECT_TRUE(t, pushed & X86_EFLAGS_IF);
	KEXPECT_FALSE(t, pushed & X86_EFLAGS_TF);
	KEXPECT_TRUE(t, if_after);
}

/* The same for a boosted hit (no post handler): the slot variant follows the probed
 * code's IF, and TF is dropped. */
static void boosted_hit_keeps_the_probed_codes_flags(struct ktest *t)
{
	skip_if_probed(t, kp_target_neg);
	static struct kprobe kp;

	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_neg, .pre_handler = clear_if };
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_TRUE(t, kp.ainsn.boostable);
	int r = kp_target_neg(4);
	bool if_after = !irqs_disabled();
	local_irq_enable();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, -4);
	KEXPECT_TRUE(t, if_after);

	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_neg, .pre_handler = set_tf };
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	r = kp_target_neg(5);               /* a leaked TF: an unclaimed #DB, an oops */
	unsigned long fl = native_save_fl();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, -5);
	KEXPECT_FALSE(t, fl & X86_EFLAGS_TF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case kprobes_flags_cases[] = {
	KTEST_CASE(pre_handler_tf_does_not_leak),
	KTEST_CASE(boosted_hit_keeps_the_probed_codes_flags),
	KTEST_CASE(stepped_pushf_pushes_the_probed_codes_flags),
	KTEST_END,
};
KTEST_SUITE(kprobes_flags_suite, "kprobes_flags", kprobes_flags_cases);
