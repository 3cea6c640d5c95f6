// SPDX-License-Identifier: MIT
/*
 * The probe core's rare exits (issue 13, defects 2 and 3): what the probe fault hook is
 * offered, and what it leaves alone.
 *   - An NMI or a machine check is not an instruction's fault: a probe's fault_handler
 *     never sees one, even raised by software (int $2, int $18) inside its pre handler;
 *     the event still reaches the die chain, eip after the int.
 *   - While a step is prepared (KPROBE_HIT_SS), only a fault AT the copy is the probed
 *     instruction's: any other frame (an NMI between preparing the step and the iret)
 *     comes back untouched, and the hit goes on.
 *   - A fault in a boosted slot is fixed up by where it is: at the copy the instruction
 *     has not run (eip back on it), past it (the sti, the jmp home) it has (eip after it).
 *   - A debugger's data breakpoint (DR0) on what a stepped probed instruction writes fires
 *     during the probe's step: the die chain sees B0 once, at the original code, as
 *     without the probe, and the post handler runs all the same.
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
/* A #DB as kernel/entry.asm's stub delivers it: DR6 read at entry, hook, then do_debug. */
#define EXITS_DEBUG_ENTRY(dr6)          ((void)(dr6))
#define EXITS_DEBUG_HOOK(regs, dr6p)    kprobe_debug_handler(regs, dr6p)
#define EXITS_DO_DEBUG(regs, dr6p)      do_debug(regs, dr6p)

static struct {
	int pre, post, fault;
	int fault_trapnr;
	int vector;                     /* what the pre handler raises */
	unsigned long after;            /* eip just past that int $N */
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

static int count_fault(struct kprobe *p, struct pt_regs *regs, int trapnr)
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
			     .fault_handler = count_fault };

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
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul, .pre_handler = count_pre,
			     .post_handler = count_post };
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
	struct kprobe kp = { .addr = (kprobe_opcode_t *)site, .pre_handler = count_pre };
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

/* Stores a word: the store, "c7 02 imm32" (movl $imm, (%edx)), is at exits_store + 4. */
unsigned long exits_store(unsigned long *p);
__asm__(".pushsection .text\n"
	".globl exits_store\n"
	".type exits_store, @function\n"
	"exits_store:\n"
	"	movl 4(%esp), %edx\n"                  /* 8b 54 24 04 */
	"	movl $0x5a5a5a5a, (%edx)\n"            /* c7 02 5a 5a 5a 5a */
	"	ret\n"
	".size exits_store, . - exits_store\n"
	".popsection\n");
#define STORE_SITE ((unsigned long)exits_store + 4)
#define STORE_LEN  6

/* A debugger's die notifier: the data breakpoints it set (DR6 B0-B3), nothing else. */
static struct { int hits; unsigned long eip, eflags, dr6; } bp;

static int bp_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (val != DIE_DEBUG || !(a->err & DR_TRAP0))
		return NOTIFY_DONE;
	bp.hits++;
	bp.eip = a->regs->eip;
	bp.eflags = a->regs->eflags;
	bp.dr6 = (unsigned long)a->err;
	return NOTIFY_STOP;
}

static struct notifier_block bp_nb = { .notifier_call = bp_notify, .priority = 100 };

static unsigned long watched __attribute__((aligned(4)));

/* One call of exits_store with DR0 on watched (write, 4 bytes), as a debugger sets it;
 * with interrupts off, or (irqs_on) as the caller had them. */
static void store_watched_if(struct ktest *t, bool irqs_on)
{
	unsigned long flags;

	memset(&bp, 0, sizeof(bp));
	watched = 0;
	KASSERT_EQ(t, register_die_notifier(&bp_nb), 0);
	local_irq_save(flags);
	write_dr0((unsigned long)&watched);
	write_dr7(DR_LOCAL_ENABLE | ((DR_RW_WRITE | DR_LEN_4) << DR_CONTROL_SHIFT));
	if (irqs_on)
		local_irq_restore(flags);
	exits_store(&watched);
	if (irqs_on)
		local_irq_save(flags);
	write_dr7(0);
	write_dr0(0);
	local_irq_restore(flags);
	unregister_die_notifier(&bp_nb);
	KEXPECT_EQ(t, watched, 0x5a5a5a5aUL);
}

static void store_watched(struct ktest *t)
{
	store_watched_if(t, false);
}

/*
 * The store single-stepped by a probe (pre and post handler) while DR0 watches it. On
 * hardware the #DB that ends the step carries BS (the probe's) and B0 (the debugger's):
 * kprobes must consume BS and pass B0 on, with the frame already the original code's, so
 * the debugger sees exactly what it sees without the probe. QEMU TCG (7.2) cannot be used
 * for this: under TF it delivers the watchpoint twice, the second #DB at the first
 * instruction of the #DB stub with the first one's frame not yet handled. So the hit is
 * real up to the iret into the copy (kprobe_int3_handler on a frame at the probe), and
 * the #DB is replayed as the stub delivers it: DR6 = BS|B0, the frame at the copy's end,
 * the probe hook first, then do_debug if the hook passed it on. The unprobed run is real.
 */
static void data_breakpoint_during_step_reaches_debugger(struct ktest *t)
{
	skip_if_probed(t, (void *)STORE_SITE);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)STORE_SITE, .pre_handler = count_pre,
			     .post_handler = count_post };
	struct pt_regs regs;
	unsigned long flags, dr6, step_eip, step_flags, slot;
	int int3, hook;

	store_watched(t);                       /* without the probe, on the CPU */
	KEXPECT_EQ(t, bp.hits, 1);
	KEXPECT_EQ(t, bp.eip, STORE_SITE + STORE_LEN);
	KEXPECT_FALSE(t, bp.dr6 & DR_STEP);

	memset(&seen, 0, sizeof(seen));
	memset(&bp, 0, sizeof(bp));
	memset(&regs, 0, sizeof(regs));
	regs.eip = STORE_SITE + 1;              /* just past the probe's int3 */
	regs.cs = KERNEL_CS;
	regs.ds = regs.es = KERNEL_DS;
	regs.eflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	regs.edx = (unsigned long)&watched;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	slot = (unsigned long)kp.ainsn.insn;
	KASSERT_EQ(t, register_die_notifier(&bp_nb), 0);
	local_irq_save(flags);
	int3 = kprobe_int3_handler(&regs);
	step_eip = regs.eip;
	step_flags = regs.eflags;
	watched = 0x5a5a5a5a;                   /* the copy ran ... */
	regs.eip += STORE_LEN;                  /* ... and trapped after itself */
	dr6 = DR_STEP | DR_TRAP0;
	EXITS_DEBUG_ENTRY(dr6);
	hook = EXITS_DEBUG_HOOK(&regs, &dr6);
	if (!hook)
		EXITS_DO_DEBUG(&regs, &dr6);
	local_irq_restore(flags);
	unregister_die_notifier(&bp_nb);
	unregister_kprobe(&kp);

	KEXPECT_EQ(t, int3, 1);
	KEXPECT_EQ(t, step_eip, slot);                  /* a step, not a boost */
	KEXPECT_TRUE(t, step_flags & X86_EFLAGS_TF);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.post, 1);
	KEXPECT_EQ(t, hook, 0);                         /* not the probe's alone */
	KEXPECT_EQ(t, bp.hits, 1);                      /* the debugger saw B0, once */
	KEXPECT_EQ(t, bp.eip, STORE_SITE + STORE_LEN);  /* the original code, not the slot */
	KEXPECT_TRUE(t, bp.dr6 & DR_TRAP0);
	KEXPECT_FALSE(t, bp.dr6 & DR_STEP);             /* the step was kprobes' own */
	KEXPECT_EQ(t, regs.eip, STORE_SITE + STORE_LEN);
	KEXPECT_FALSE(t, regs.eflags & X86_EFLAGS_TF);
	KEXPECT_TRUE(t, regs.eflags & X86_EFLAGS_IF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/*
 * The same store boosted (pre handler only): no step, no TF, so this runs for real. The
 * data breakpoint is a trap after the store, with eip on the slot's jmp home (or the +16
 * copy's sti): the instruction has run, and the debugger must see eip after it in the
 * original code -- the boosted-slot rule for faults (by offset: past the copy means
 * addr + len), which a #DB at the same place needs as much.
 */
static void data_breakpoint_in_boosted_copy_reported_at_original(struct ktest *t)
{
	skip_if_probed(t, (void *)STORE_SITE);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)STORE_SITE, .pre_handler = count_pre };
	unsigned long slot;

	KEXPECT_FALSE(t, irqs_disabled());              /* so the second run is the +16 copy */
	memset(&seen, 0, sizeof(seen));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	slot = (unsigned long)kp.ainsn.insn;
	KEXPECT_TRUE(t, kp.ainsn.boostable);
	for (int irqs_on = 0; irqs_on <= 1; irqs_on++) {
		store_watched_if(t, irqs_on);
		if (bp.eip - slot < KPROBE_SLOT_SIZE)
			ktest_info(t, "IF=%d: the debugger saw eip %08lx = slot+%lu", irqs_on,
				   bp.eip, bp.eip - slot);
		KEXPECT_EQ(t, bp.hits, 1);
		KEXPECT_EQ(t, bp.eip, STORE_SITE + STORE_LEN);  /* the original code */
		KEXPECT_EQ(t, !!(bp.eflags & X86_EFLAGS_IF), irqs_on); /* its IF, too */
		KEXPECT_FALSE(t, bp.dr6 & DR_STEP);
	}
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.pre, 2);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case kprobes_exits_cases[] = {
	KTEST_CASE(nmi_in_pre_handler_not_offered),
	KTEST_CASE(machine_check_in_pre_handler_not_offered),
	KTEST_CASE(step_state_frame_elsewhere_untouched),
	KTEST_CASE(boosted_slot_fault_fixed_by_offset),
	KTEST_CASE(data_breakpoint_during_step_reaches_debugger),
	KTEST_CASE(data_breakpoint_in_boosted_copy_reported_at_original),
	KTEST_END,
};
KTEST_SUITE(kprobes_exits_suite, "kprobes_exits", kprobes_exits_cases);
