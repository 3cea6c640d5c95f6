// SPDX-License-Identifier: MIT
/*
 * A stepped rep instruction's #DB is someone else's too, sometimes: a debug register
 * that fired during an iteration (B0-B3), or a debugger stepping the probed code. Each
 * iteration's trap must reach the die chain as it would without the probe -- on the rep
 * instruction itself, once -- and what the debugger decides there (a "continue" clears
 * TF) must hold for the rest of the hit. The #DBs are replayed as kernel/entry.asm's stub
 * delivers them (DR6 read at entry, the hook, then do_debug): a real data breakpoint in a
 * TF-stepped instruction makes QEMU raise two #DBs (see test_kprobes_dr.c).
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "user_probes.h"

static int rep_hits_pre, rep_hits_post;

static int rep_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	rep_hits_pre++;
	return 0;
}

static void rep_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	rep_hits_post++;
}

/* Two iterations of "rep stosl" (f3 ab) at rep_store + 12. */
unsigned long rep_store(unsigned long *p);
__asm__(".pushsection .text\n"
	".globl rep_store\n"
	".type rep_store, @function\n"
	"rep_store:\n"
	"	pushl %edi\n"                          /* 57 */
	"	movl 8(%esp), %edi\n"                  /* 8b 7c 24 08 */
	"	movl $2, %ecx\n"                       /* b9 02 00 00 00 */
	"	xorl %eax, %eax\n"                     /* 31 c0 */
	"	rep stosl\n"                           /* f3 ab */
	"	popl %edi\n"
	"	ret\n"
	".size rep_store, . - rep_store\n"
	".popsection\n");
#define REP_SITE ((unsigned long)rep_store + 12)

/* The debugger: counts #DBs by kind; on a step, "continue" (TF off) if asked to. */
static struct {
	int b0, steps;
	unsigned long eip;
	bool cont;
} dbg;

static int dbg_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	dbg.eip = a->regs->eip;
	if (a->err & DR_TRAP0)
		dbg.b0++;
	if (a->err & DR_STEP) {
		dbg.steps++;
		if (dbg.cont)
			a->regs->eflags &= ~X86_EFLAGS_TF;
	}
	return NOTIFY_STOP;
}

static struct notifier_block dbg_nb = { .notifier_call = dbg_notify, .priority = 100 };

/* A frame for the int3 at REP_SITE, as the CPU builds it. */
static void rep_frame(struct pt_regs *regs, unsigned long eflags)
{
	memset(regs, 0, sizeof(*regs));
	regs->eip = REP_SITE + 1;
	regs->cs = KERNEL_CS;
	regs->ds = regs->es = KERNEL_DS;
	regs->eflags = X86_EFLAGS_FIXED | eflags;
}

/* One #DB through the hook, then (unclaimed) through do_debug, as the stub does. */
static int replay_debug(struct pt_regs *regs, unsigned long dr6)
{
	int claimed = kprobe_debug_handler(regs, &dr6);

	if (!claimed)
		do_debug(regs, &dr6);
	return claimed;
}

static void rep_iteration_data_breakpoint_reaches_debugger(struct ktest *t)
{
	skip_if_probed(t, (void *)REP_SITE);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)REP_SITE, .pre_handler = rep_pre,
			     .post_handler = rep_post };
	struct pt_regs regs;
	unsigned long flags, slot;
	int first, last;

	rep_hits_pre = rep_hits_post = 0;
	memset(&dbg, 0, sizeof(dbg));
	rep_frame(&regs, X86_EFLAGS_IF);
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	slot = (unsigned long)kp.ainsn.insn;
	KASSERT_EQ(t, register_die_notifier(&dbg_nb), 0);
	local_irq_save(flags);
	kprobe_int3_handler(&regs);
	KEXPECT_EQ(t, regs.eip, slot);
	first = replay_debug(&regs, DR6_RESERVED | DR_STEP | DR_TRAP0);  /* iteration 1 */
	KEXPECT_EQ(t, regs.eip, slot);                  /* still stepping the copy */
	regs.eip = slot + 2;                            /* the last iteration is done */
	last = replay_debug(&regs, DR6_RESERVED | DR_STEP);
	local_irq_restore(flags);
	unregister_die_notifier(&dbg_nb);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, first, 1);                        /* handed over, then stepped on */
	KEXPECT_EQ(t, last, 1);
	KEXPECT_EQ(t, dbg.b0, 1);                       /* the debugger saw its breakpoint */
	KEXPECT_EQ(t, dbg.steps, 0);                    /* and no step of ours */
	KEXPECT_EQ(t, dbg.eip, REP_SITE);               /* on the rep, not in the slot */
	KEXPECT_EQ(t, regs.eip, REP_SITE + 2);
	KEXPECT_EQ(t, rep_hits_pre, 1);
	KEXPECT_EQ(t, rep_hits_post, 1);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void rep_iteration_debugger_continue_holds(struct ktest *t)
{
	skip_if_probed(t, (void *)REP_SITE);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)REP_SITE, .pre_handler = rep_pre,
			     .post_handler = rep_post };
	struct pt_regs regs;
	unsigned long flags, slot;
	int last;

	rep_hits_pre = rep_hits_post = 0;
	memset(&dbg, 0, sizeof(dbg));
	dbg.cont = true;
	rep_frame(&regs, X86_EFLAGS_IF | X86_EFLAGS_TF);    /* a debugger steps the code */
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	slot = (unsigned long)kp.ainsn.insn;
	KASSERT_EQ(t, register_die_notifier(&dbg_nb), 0);
	local_irq_save(flags);
	kprobe_int3_handler(&regs);
	KEXPECT_EQ(t, regs.eip, slot);
	replay_debug(&regs, DR6_RESERVED | DR_STEP);    /* iteration 1: "continue" */
	regs.eip = slot + 2;
	last = replay_debug(&regs, DR6_RESERVED | DR_STEP);
	local_irq_restore(flags);
	unregister_die_notifier(&dbg_nb);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, dbg.steps, 1);                    /* one step, then it let go */
	KEXPECT_EQ(t, last, 1);                         /* the end of the step was ours */
	KEXPECT_FALSE(t, regs.eflags & X86_EFLAGS_TF);  /* and the code runs on untraced */
	KEXPECT_TRUE(t, regs.eflags & X86_EFLAGS_IF);
	KEXPECT_EQ(t, regs.eip, REP_SITE + 2);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case kprobes_rep_cases[] = {
	KTEST_CASE(rep_iteration_data_breakpoint_reaches_debugger),
	KTEST_CASE(rep_iteration_debugger_continue_holds),
	KTEST_END,
};
KTEST_SUITE(kprobes_rep_suite, "kprobes_rep", kprobes_rep_cases);
