// SPDX-License-Identifier: MIT
/*
 * A debugger's breakpoint registers and a probe hit (issue 13, defect 3). A debugger sets
 * DR0 on a word (break on write) and watches DIE_DEBUG for DR6 B0; the probed instruction
 * writes that word. Whatever the probe does with the instruction, the debugger must see
 * what it sees without the probe: one #DB with B0, eip after the store in the original
 * code, and DR6.BS only if it is single-stepping the code itself (TF: the owner).
 *   - stepped (pre and post handler): the #DB that ends the step carries the probe's BS
 *     and the debugger's B0; kprobes consumes BS (unless the owner steps too) and passes
 *     the rest on, and the post handler still runs;
 *   - boosted (pre handler only): the trap comes with eip in the slot, past the copy.
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

/* A #DB as kernel/entry.asm's stub delivers it: DR6 read at entry, hook, then do_debug. */
#define DR_DEBUG_ENTRY(dr6)          ((void)(dr6))
#define DR_DEBUG_HOOK(regs, dr6p)    kprobe_debug_handler(regs, dr6p)
#define DR_DO_DEBUG(regs, dr6p)      do_debug(regs, dr6p)

static struct {
	int pre, post;
} seen;

static int dr_count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.pre++;
	return 0;
}

static void dr_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	seen.post++;
}

/* Stores a word: the store, "c7 02 imm32" (movl $imm, (%edx)), is at dr_store + 4. */
unsigned long dr_store(unsigned long *p);
__asm__(".pushsection .text\n"
	".globl dr_store\n"
	".type dr_store, @function\n"
	"dr_store:\n"
	"	movl 4(%esp), %edx\n"                  /* 8b 54 24 04 */
	"	movl $0x5a5a5a5a, (%edx)\n"            /* c7 02 5a 5a 5a 5a */
	"	ret\n"
	".size dr_store, . - dr_store\n"
	".popsection\n");
#define STORE_SITE ((unsigned long)dr_store + 4)
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

/* One call of dr_store with DR0 on watched (write, 4 bytes), as a debugger sets it;
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
	dr_store(&watched);
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
 * With owner, the debugger single-steps the code too (TF at the int3): BS is its as well.
 */
static void replay_watched_step(struct ktest *t, bool owner)
{
	skip_if_probed(t, (void *)STORE_SITE);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)STORE_SITE, .pre_handler = dr_count_pre,
			     .post_handler = dr_count_post };
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
	regs.eflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF | (owner ? X86_EFLAGS_TF : 0);
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
	DR_DEBUG_ENTRY(dr6);
	hook = DR_DEBUG_HOOK(&regs, &dr6);
	if (!hook)
		DR_DO_DEBUG(&regs, &dr6);
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
	KEXPECT_EQ(t, !!(bp.dr6 & DR_STEP), owner);     /* BS only if the step is its own */
	KEXPECT_EQ(t, regs.eip, STORE_SITE + STORE_LEN);
	KEXPECT_EQ(t, !!(regs.eflags & X86_EFLAGS_TF), owner);
	KEXPECT_TRUE(t, regs.eflags & X86_EFLAGS_IF);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void data_breakpoint_during_step_reaches_debugger(struct ktest *t)
{
	replay_watched_step(t, false);
}

static void data_breakpoint_during_owners_step_reaches_debugger(struct ktest *t)
{
	replay_watched_step(t, true);
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
	struct kprobe kp = { .addr = (kprobe_opcode_t *)STORE_SITE, .pre_handler = dr_count_pre };
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

static const struct ktest_case kprobes_dr_cases[] = {
	KTEST_CASE(data_breakpoint_during_step_reaches_debugger),
	KTEST_CASE(data_breakpoint_during_owners_step_reaches_debugger),
	KTEST_CASE(data_breakpoint_in_boosted_copy_reported_at_original),
	KTEST_END,
};
KTEST_SUITE(kprobes_dr_suite, "kprobes_dr", kprobes_dr_cases);
