// SPDX-License-Identifier: MIT
/*
 * The probe core's rare exits (issue 13, defect 2): what the probe fault hook is
 * offered, and what it leaves alone.
 *   - An NMI or a machine check is not an instruction's fault: a probe's fault_handler
 *     never sees one, even raised by software (int $2, int $18) inside its pre handler;
 *     the event still reaches the die chain, eip after the int.
 *   - While a step is prepared (KPROBE_HIT_SS), only a fault AT the copy is the probed
 *     instruction's: any other frame (an NMI between preparing the step and the iret)
 *     comes back untouched, and the hit goes on.
 *   - A fault in a boosted slot is fixed up by where it is: at the copy the instruction
 *     has not run (eip back on it), past it (the sti, the jmp home) it has (eip after it).
 * (A debugger's breakpoint registers during a hit, defect 3: test_kprobes_dr.c.)
 * The replays call the fault hook the way kernel/trap.c does: trap_handlers[vector], the
 * C side of entry.asm, with a frame built here.
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

/* The hit state a replay sets up by hand (struct kprobe_ctlblk, include/kprobes.h). */
#define EXITS_STATUS   (get_kprobe_ctlblk()->kprobe_status)
#define EXITS_OLDFLAGS (get_kprobe_ctlblk()->kprobe_old_flags)

static struct {
	int pre, post, fault;
	int fault_trapnr;
	int vector;                     /* what the pre handler raises */
	unsigned long after;            /* eip just past that int $N */
} seen;

static int exits_count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	return 0;
}

static void exits_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	seen.post++;
}

static int exits_count_fault(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	(void)regs;
	seen.fault++;
	seen.fault_trapnr = trapnr;
	return 0;                       /* declined: the die chain gets it next */
}

/* A pre handler that raises an NMI or a machine check by software. */
static int pre_raises(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long after;

	(void)p;
	(void)regs;
	seen.pre++;
	if (seen.vector == X86_TRAP_NMI)
		__asm__ volatile("int $2\n1: movl $1b, %0" : "=r"(after) : : "memory");
	else
		__asm__ volatile("int $18\n1: movl $1b, %0" : "=r"(after) : : "memory");
	seen.after = after;
	return 0;
}

/* int $N is a trap: the frame's eip is already after it, the hook steps over nothing. */
static void raise_in_pre_handler(struct ktest *t, int vector, enum die_val val)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = pre_raises,
			     .fault_handler = exits_count_fault };

	memset(&seen, 0, sizeof(seen));
	seen.vector = vector;
	seen.fault_trapnr = -1;
	trap_hook_arm(t, val, vector, NULL, 0);
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_add(2, 3);
	unregister_kprobe(&kp);
	trap_hook_disarm();
	KEXPECT_EQ(t, r, 5);
	KEXPECT_EQ(t, seen.pre, 1);
	if (seen.fault)
		ktest_info(t, "fault_handler offered trapnr %d", seen.fault_trapnr);
	KEXPECT_EQ(t, seen.fault, 0);                   /* never offered */
	KEXPECT_EQ(t, seen.fault_trapnr, -1);
	KEXPECT_EQ(t, trap_hook.hits, 1);               /* the chain still sees it */
	KEXPECT_EQ(t, trap_hook.regs.eip, seen.after);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void nmi_in_pre_handler_not_offered(struct ktest *t)
{
	raise_in_pre_handler(t, X86_TRAP_NMI, DIE_NMI);
}

static void machine_check_in_pre_handler_not_offered(struct ktest *t)
{
	raise_in_pre_handler(t, X86_TRAP_MC, DIE_TRAP);
}

/*
 * The moment between preparing a step (status KPROBE_HIT_SS, eip on the copy) and the
 * iret, or a trap in the middle of the copy's run that is not the copy's: a frame whose
 * eip is elsewhere. Replayed as a #PF straight into kprobe_fault_handler, and as an NMI
 * through the trap layer. Either way: not the probed instruction's fault, so regs and the
 * hit state stay as they are and the fault is left to the kernel (0).
 */
static void step_state_frame_elsewhere_untouched(struct ktest *t)
{
	memset(&seen, 0, sizeof(seen));
	skip_if_probed(t, kp_target_mul);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul,
			     .pre_handler = exits_count_pre, .post_handler = exits_count_post };
	unsigned long saved_status = EXITS_STATUS, saved_old = EXITS_OLDFLAGS;
	struct pt_regs regs, before;
	unsigned long flags, status_pf, status_nmi;
	struct kprobe *cur_pf, *cur_nmi;
	int pc = preempt_count(), pc_pf, pc_nmi, handled;

	KASSERT_EQ(t, register_kprobe(&kp), 0);
	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)kp_target_add + 1;    /* not kp's copy */
	regs.cs = KERNEL_CS;
	regs.ds = regs.es = KERNEL_DS;
	regs.eflags = X86_EFLAGS_FIXED | X86_EFLAGS_TF; /* as the step's iret would set */
	regs.eax = 0x1234;
	before = regs;
	trap_hook_arm(t, DIE_NMI, X86_TRAP_NMI, NULL, 0);

	local_irq_save(flags);
	preempt_disable();                              /* as the int3 left it */
	current_kprobe = &kp;
	EXITS_STATUS = KPROBE_HIT_SS;
	EXITS_OLDFLAGS = X86_EFLAGS_IF;
	handled = kprobe_fault_handler(&regs, X86_TRAP_PF);
	cur_pf = current_kprobe;
	status_pf = EXITS_STATUS;
	pc_pf = preempt_count();
	KEXPECT_EQ(t, handled, 0);
	KEXPECT_TRUE(t, !memcmp(&regs, &before, sizeof(regs)));
	KEXPECT_EQ(t, regs.eip, before.eip);

	regs = before;
	current_kprobe = &kp;                           /* again, whatever the #PF did */
	EXITS_STATUS = KPROBE_HIT_SS;
	while (preempt_count() < pc + 1)
		preempt_disable();
	trap_handlers[X86_TRAP_NMI](&regs, X86_TRAP_NMI, 0);
	cur_nmi = current_kprobe;
	status_nmi = EXITS_STATUS;
	pc_nmi = preempt_count();

	current_kprobe = NULL;                          /* end the pretend hit */
	EXITS_STATUS = saved_status;
	EXITS_OLDFLAGS = saved_old;
	while (preempt_count() > pc)
		preempt_enable_no_resched();
	while (preempt_count() < pc)
		preempt_disable();
	local_irq_restore(flags);
	trap_hook_disarm();
	unregister_kprobe(&kp);

	KEXPECT_TRUE(t, cur_pf == &kp);                 /* the hit is still on */
	KEXPECT_EQ(t, status_pf, KPROBE_HIT_SS);
	KEXPECT_EQ(t, pc_pf, pc + 1);
	KEXPECT_EQ(t, trap_hook.hits, 1);               /* the NMI reached the chain */
	KEXPECT_EQ(t, trap_hook.regs.eip, before.eip);
	KEXPECT_TRUE(t, !memcmp(&regs, &before, sizeof(regs)));
	KEXPECT_TRUE(t, cur_nmi == &kp);
	KEXPECT_EQ(t, status_nmi, KPROBE_HIT_SS);
	KEXPECT_EQ(t, pc_nmi, pc + 1);
	KEXPECT_EQ(t, seen.pre + seen.post, 0);
	KEXPECT_EQ(t, kp_target_mul(6, 7), 42);
}

/* A #GP frame at slot offset off, through the trap layer; what the die chain saw. */
static unsigned long replay_slot_fault(struct ktest *t, const struct kprobe *kp,
				       unsigned off, unsigned long eflags, unsigned long *flags_out)
{
	struct pt_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.eip = (unsigned long)kp->ainsn.insn + off;
	regs.cs = KERNEL_CS;
	regs.ds = regs.es = KERNEL_DS;
	regs.eflags = eflags;
	trap_hook_arm(t, DIE_GPF, X86_TRAP_GP, NULL, 0);
	trap_handlers[X86_TRAP_GP](&regs, X86_TRAP_GP, 0);
	trap_hook_disarm();
	KEXPECT_EQ(t, trap_hook.hits, 1);
	KEXPECT_EQ(t, trap_hook.regs.eip, regs.eip);
	*flags_out = regs.eflags;
	return regs.eip;
}

/*
 * kp_load's 2-byte load, boosted. Each place in its slot a fault (or an NMI, in the old
 * trap layer) could report: the copy (not run: back on the instruction), the +0 copy's
 * jmp home, the +16 copy, its sti, its jmp (run: after the instruction; rewinding there
 * would run the instruction twice). The +16 copy runs where the probed code had IF on.
 */
static void boosted_slot_fault_fixed_by_offset(struct ktest *t)
{
	unsigned long site = (unsigned long)kp_load + KP_LOAD_INSN_OFFSET;
	skip_if_probed(t, (void *)site);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = exits_count_pre };
	static const struct { unsigned off; unsigned long eflags, eip_off, if_on; } at[] = {
		{ 0, X86_EFLAGS_FIXED, 0, 0 },
		{ 2, X86_EFLAGS_FIXED, 2, 0 },                      /* jmp home */
		{ KPROBE_BOOST_IF_ON, X86_EFLAGS_FIXED, 0, X86_EFLAGS_IF },
		{ KPROBE_BOOST_IF_ON + 2, X86_EFLAGS_FIXED, 2, X86_EFLAGS_IF },     /* sti */
		{ KPROBE_BOOST_IF_ON + 3, X86_EFLAGS_FIXED | X86_EFLAGS_IF, 2, X86_EFLAGS_IF },
	};

	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_TRUE(t, kp.ainsn.boostable);
	KEXPECT_EQ(t, kp.ainsn.decoded.length, 2);
	/* The layout the offsets assume (include/kprobes.h). */
	KEXPECT_EQ(t, kp.ainsn.insn[2], 0xe9);
	KEXPECT_EQ(t, kp.ainsn.insn[KPROBE_BOOST_IF_ON + 2], 0xfb);
	KEXPECT_EQ(t, kp.ainsn.insn[KPROBE_BOOST_IF_ON + 3], 0xe9);
	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		unsigned long fl, eip = replay_slot_fault(t, &kp, at[i].off, at[i].eflags, &fl);

		if (eip != site + at[i].eip_off || (fl & X86_EFLAGS_IF) != at[i].if_on)
			ktest_info(t, "slot+%u: eip %08lx (want %08lx) eflags %08lx", at[i].off,
				   eip, site + at[i].eip_off, fl);
		KEXPECT_EQ(t, eip, site + at[i].eip_off);
		KEXPECT_EQ(t, fl & X86_EFLAGS_IF, at[i].if_on);
	}
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.pre, 0);
	KEXPECT_FALSE(t, kprobe_running());
}

static const struct ktest_case kprobes_exits_cases[] = {
	KTEST_CASE(nmi_in_pre_handler_not_offered),
	KTEST_CASE(machine_check_in_pre_handler_not_offered),
	KTEST_CASE(step_state_frame_elsewhere_untouched),
	KTEST_CASE(boosted_slot_fault_fixed_by_offset),
	KTEST_END,
};
KTEST_SUITE(kprobes_exits_suite, "kprobes_exits", kprobes_exits_cases);
