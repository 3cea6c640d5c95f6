// SPDX-License-Identifier: MIT
/*
 * A debugger single-stepping the probed code (TF set at the int3: the step's "owner")
 * across the exits that are not a plain step: an emulated cli and sti, a stepped popf
 * that clears or sets TF, a rep string instruction. Each must show the debugger the same
 * #DBs as without the probe: the same eips, DR6.BS in every one, the same TF and IF --
 * for a pre-only probe and for one with a post handler. (test_kprobes_debug.c has the
 * plain mov/add/ret case; the rules are kprobe_resume_flags and the owner-steps paths of
 * kernel/kprobes.c: hand_step_to_owner, kprobe_rep_iteration, finish_shared_step.)
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "trapnr.h"
#include "traps.h"
#include "user_probes.h"

/* Each sequence is entered by a call with TF set (or not) and leaves with ret; the offset
 * of the probed instruction is in the comment. */
__asm__(".pushsection .text\n"
	".globl kpo_cli_seq, kpo_sti_seq, kpo_popf_clear_seq, kpo_popf_set_seq, kpo_rep_seq\n"
	"kpo_cli_seq:\n"                 /* +0 cli */
	"	cli\n"
	"	movl $5, %eax\n"
	"	ret\n"
	"kpo_sti_seq:\n"                 /* +0 sti: the trap after it is deferred a step */
	"	sti\n"
	"	movl $7, %eax\n"
	"	cli\n"
	"	ret\n"
	"kpo_popf_clear_seq:\n"          /* +2 popf: TF and IF off */
	"	pushl $0x2\n"
	"	popfl\n"
	"	movl $1, %eax\n"
	"	ret\n"
	"kpo_popf_set_seq:\n"            /* +8 popf: TF on */
	"	pushfl\n"
	"	orl $0x100, (%esp)\n"
	"	popfl\n"
	"	movl $2, %eax\n"
	"	ret\n"
	"kpo_rep_seq:\n"                 /* +15 rep movsb, three iterations */
	"	movl $kpo_src, %esi\n"
	"	movl $kpo_dst, %edi\n"
	"	movl $3, %ecx\n"
	"	rep movsb\n"
	"	movl $3, %eax\n"
	"	ret\n"
	"kpo_seq_end:\n"
	".popsection\n");
extern char kpo_cli_seq[], kpo_sti_seq[], kpo_popf_clear_seq[], kpo_popf_set_seq[];
extern char kpo_rep_seq[], kpo_seq_end[];
unsigned char kpo_src[4] = { 1, 2, 3, 4 }, kpo_dst[4];

#define MAX_STEPS 16

struct trace {
	unsigned long eip[MAX_STEPS], dr6[MAX_STEPS], flags[MAX_STEPS];
	int n;
};

static struct trace steps;
static int stop_at;             /* the debugger clears TF at this #DB (1-based); 0: never */
static int pre_hits, post_hits;

/* The "debugger": records each #DB and steps on until the code is back in the caller. */
static int owner_recorder(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;
	unsigned long eip = a->regs->eip;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	if (steps.n < MAX_STEPS) {
		steps.eip[steps.n] = eip;
		steps.dr6[steps.n] = (unsigned long)a->err & DR_STEP;
		steps.flags[steps.n] = a->regs->eflags & (X86_EFLAGS_TF | X86_EFLAGS_IF);
		steps.n++;
	}
	if (eip < (unsigned long)kpo_cli_seq || eip >= (unsigned long)kpo_seq_end ||
	    steps.n == MAX_STEPS || steps.n == stop_at)
		a->regs->eflags &= ~X86_EFLAGS_TF;
	return NOTIFY_STOP;
}

static struct notifier_block owner_nb = { .notifier_call = owner_recorder, .priority = 100 };

/* Calls seq with interrupts and preemption off, TF set first if traced; returns eax. */
static int run_seq(struct ktest *t, const char *seq, bool traced)
{
	unsigned long flags, tf = traced ? X86_EFLAGS_TF : 0;
	int r;

	memset(&steps, 0, sizeof(steps));
	memset(kpo_dst, 0, sizeof(kpo_dst));
	KASSERT_EQ(t, register_die_notifier(&owner_nb), 0);
	preempt_disable();
	local_irq_save(flags);
	__asm__ volatile("pushfl\n\t"
			 "orl %2, (%%esp)\n\t"
			 "popfl\n\t"
			 "call *%1"
			 : "=a"(r) : "r"(seq), "r"(tf)
			 : "ecx", "edx", "esi", "edi", "memory", "cc");
	local_irq_restore(flags);
	preempt_enable();
	unregister_die_notifier(&owner_nb);
	KEXPECT_FALSE(t, native_save_fl() & X86_EFLAGS_TF);
	return r;
}

static int count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	pre_hits++;
	return 0;
}

static void count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	post_hits++;
}

/* The sequence's #DBs without a probe, then with one at seq+off (pre only, pre+post). */
static void same_steps_with_probe(struct ktest *t, const char *seq, unsigned off,
				  bool traced, int want)
{
	skip_if_probed(t, seq + off);
	struct trace plain;

	KEXPECT_EQ(t, run_seq(t, seq, traced), want);
	plain = steps;
	KASSERT_TRUE(t, plain.n > 0);
	for (int post = 0; post < 2; post++) {
		struct kprobe kp = { .addr = (kprobe_opcode_t *)(seq + off),
				     .pre_handler = count_pre,
				     .post_handler = post ? count_post : NULL };

		pre_hits = post_hits = 0;
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		int r = run_seq(t, seq, traced);
		unregister_kprobe(&kp);
		KEXPECT_EQ(t, r, want);
		KEXPECT_EQ(t, pre_hits, 1);
		KEXPECT_EQ(t, post_hits, post);
		KEXPECT_EQ(t, steps.n, plain.n);
		for (int i = 0; i < plain.n && i < steps.n; i++) {
			KEXPECT_EQ(t, steps.eip[i], plain.eip[i]);
			KEXPECT_EQ(t, steps.dr6[i], plain.dr6[i]);
			KEXPECT_EQ(t, steps.flags[i], plain.flags[i]);
		}
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
}

/* After an emulated cli the owner's trap is due at once, with DR6.BS. */
static void owner_steps_across_cli(struct ktest *t)
{
	same_steps_with_probe(t, kpo_cli_seq, 0, true, 5);
}

/* After sti the CPU defers the trap one instruction (the interrupt shadow); so must we,
 * and IF must be on from sti on even though it was off at the int3. */
static void owner_steps_across_sti(struct ktest *t)
{
	same_steps_with_probe(t, kpo_sti_seq, 0, true, 7);
}

/* A popf that clears TF: the trap after it is still the owner's, then no more. */
static void owner_steps_across_popf_clearing_tf(struct ktest *t)
{
	same_steps_with_probe(t, kpo_popf_clear_seq, 2, true, 1);
}

/* A popf that sets TF in code nobody steps: its TF is the code's own and survives the
 * hit, so the "debugger" sees the traps it starts exactly as without the probe. */
static void popf_setting_tf_starts_stepping(struct ktest *t)
{
	same_steps_with_probe(t, kpo_popf_set_seq, 8, false, 2);
	KEXPECT_TRUE(t, steps.n >= 1);
}

/* Every rep iteration traps under TF: each is the owner's trap too, at the original. */
static void owner_steps_across_rep_iterations(struct ktest *t)
{
	stop_at = 0;
	same_steps_with_probe(t, kpo_rep_seq, 15, true, 3);
	KEXPECT_EQ(t, memcmp(kpo_dst, kpo_src, 3), 0);
}

/*
 * The debugger stops stepping (clears TF, as "continue" does) at the trap after the rep's
 * first iteration (#DB 5: entry, two movs, the rep, iteration 1). Without the probe that
 * is the last #DB; with it, the TF the owner cleared must stay cleared. (Fails on core13:
 * kprobe_rep_iteration puts its own eflags back after the handover and the hit resumes
 * with the TF saved at the int3, so the code goes on being stepped: 9 #DBs, not 5.)
 */
static void owner_stops_stepping_inside_a_rep(struct ktest *t)
{
	stop_at = 5;
	same_steps_with_probe(t, kpo_rep_seq, 15, true, 3);
	stop_at = 0;
	KEXPECT_EQ(t, steps.n, 5);
	KEXPECT_EQ(t, memcmp(kpo_dst, kpo_src, 3), 0);
}

/*
 * The rep handover replayed with made-up frames, so the flags the copy goes on with can
 * be checked: the owner's trap is raised with eip on the original and the probed code's
 * TF and IF (both on here), and the copy's next iteration runs with IF off again (an
 * interrupt there would find eip in the slot). The last iteration ends the hit.
 */
static void rep_handover_keeps_the_copy_running_with_interrupts_off(struct ktest *t)
{
	const char *site = kpo_rep_seq + 15;

	skip_if_probed(t, site);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = count_pre };
	struct pt_regs regs;
	unsigned long flags, dr6 = DR_STEP, slot, len;
	int handled, mid, last;

	pre_hits = 0;
	memset(&steps, 0, sizeof(steps));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_EQ(t, register_die_notifier(&owner_nb), 0);
	slot = (unsigned long)kp.ainsn.insn;
	len = kp.ainsn.decoded.length;
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)site + 1;               /* just past the int3 */
	regs.cs = KERNEL_CS;
	regs.eflags = 0x302;                               /* TF and IF */
	local_irq_save(flags);
	handled = kprobe_int3_handler(&regs);
	unsigned long step_eip = regs.eip, step_flags = regs.eflags;
	mid = kprobe_debug_handler(&regs, &dr6);          /* an iteration: eip still on it */
	unsigned long mid_eip = regs.eip, mid_flags = regs.eflags, mid_dr6 = dr6;
	regs.eip = slot + len;                             /* the last iteration done */
	dr6 = DR_STEP;
	last = kprobe_debug_handler(&regs, &dr6);
	local_irq_restore(flags);
	unregister_die_notifier(&owner_nb);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, handled, 1);
	KEXPECT_EQ(t, pre_hits, 1);
	KEXPECT_EQ(t, step_eip, slot);
	KEXPECT_EQ(t, step_flags & (X86_EFLAGS_TF | X86_EFLAGS_IF), X86_EFLAGS_TF);
	KEXPECT_EQ(t, mid, 1);
	KASSERT_EQ(t, steps.n, 1);                        /* the owner's iteration trap */
	KEXPECT_EQ(t, steps.eip[0], (unsigned long)site);
	KEXPECT_EQ(t, steps.dr6[0], DR_STEP);
	KEXPECT_EQ(t, steps.flags[0], X86_EFLAGS_TF | X86_EFLAGS_IF);
	KEXPECT_EQ(t, mid_eip, slot);
	KEXPECT_EQ(t, mid_flags & (X86_EFLAGS_TF | X86_EFLAGS_IF), X86_EFLAGS_TF);
	KEXPECT_EQ(t, mid_dr6, DR_STEP);
	KEXPECT_EQ(t, last, 0);                            /* the last trap is the owner's too */
	KEXPECT_EQ(t, dr6, DR_STEP);
	KEXPECT_EQ(t, regs.eip, (unsigned long)site + len);
	KEXPECT_EQ(t, regs.eflags & (X86_EFLAGS_TF | X86_EFLAGS_IF),
		   X86_EFLAGS_TF | X86_EFLAGS_IF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/*
 * A stepped popf that faults (its stack read) has not run: it decides no flag, and the
 * fault is the probed code's own -- eip on the original, TF and IF as they were at the
 * int3 (here TF off, IF on), not the step's TF on and IF off. Replayed: the copy's fault
 * is handed to kprobe_fault_handler as trap.c would.
 */
static void faulting_popf_resumes_with_the_codes_flags(struct ktest *t)
{
	const char *site = kpo_popf_clear_seq + 2;

	skip_if_probed(t, site);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = count_pre };
	struct pt_regs regs;
	unsigned long flags;
	int handled, fixed;

	pre_hits = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)site + 1;
	regs.cs = KERNEL_CS;
	regs.eflags = 0x202;
	local_irq_save(flags);
	handled = kprobe_int3_handler(&regs);
	unsigned long step_eip = regs.eip;
	fixed = kprobe_fault_handler(&regs, X86_TRAP_PF);  /* the copy faulted: eip on it */
	local_irq_restore(flags);
	unsigned long slot = (unsigned long)kp.ainsn.insn;
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, handled, 1);
	KEXPECT_EQ(t, step_eip, slot);
	KEXPECT_EQ(t, fixed, 0);                           /* the kernel's to handle */
	KEXPECT_EQ(t, regs.eip, (unsigned long)site);
	KEXPECT_EQ(t, regs.eflags & (X86_EFLAGS_TF | X86_EFLAGS_IF), X86_EFLAGS_IF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case kprobes_owner_cases[] = {
	KTEST_CASE(owner_steps_across_cli),
	KTEST_CASE(owner_steps_across_sti),
	KTEST_CASE(owner_steps_across_popf_clearing_tf),
	KTEST_CASE(popf_setting_tf_starts_stepping),
	KTEST_CASE(owner_steps_across_rep_iterations),
	KTEST_CASE(owner_stops_stepping_inside_a_rep),
	KTEST_CASE(rep_handover_keeps_the_copy_running_with_interrupts_off),
	KTEST_CASE(faulting_popf_resumes_with_the_codes_flags),
	KTEST_END,
};
KTEST_SUITE(kprobes_owner_suite, "kprobes_owner", kprobes_owner_cases);
