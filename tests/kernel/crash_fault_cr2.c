// SPDX-License-Identifier: MIT
/*
 * Expected-oops scenarios: the oops names the CR2 of the trap it reports, even when code
 * that ran after the trap's entry (a probe's fault_handler, a die notifier) took and
 * handled a page fault of its own, which rewrote CR2 (issue 13, defect 7).
 *   kprobe_fault_cr2   a pre handler loads from 0x123; its fault_handler loads from 0x456
 *                      (a die notifier steps over that one), then declines: the oops is
 *                      for 0x123.
 *   notifier_cr2       a handled #PF at 0x789, then an invalid opcode whose die notifier
 *                      takes a handled #PF at 0x456 and declines: the #UD oops shows the
 *                      cr2 the #UD found at its entry, 0x789.
 *   step_owner_cr2     a handled #PF at 0x789; then code single-stepped by nobody (TF set,
 *                      no notifier claims its #DB) runs into a stepped probe whose post
 *                      handler takes a handled #PF at 0x456: the #DB oops (the step trap
 *                      is the owner's, kprobes passes it on after the post handler) must
 *                      show the cr2 the #DB found at its entry, 0x789.
 *   break_handler_cr2  the same for an int3: a pre handler runs into an int3 that is no
 *                      probe's; the probe's break_handler takes a handled #PF at 0x456
 *                      and declines: the int3 oops shows cr2 0x789.
 * tests/runner/scenarios.py lists the lines each must show.
 */
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "traps.h"
#include "trapnr.h"

/* Loads from fixed unmapped addresses; each load ("a1 imm32", 5 bytes) is the first
 * instruction, so a notifier can recognize it by eip and step over it. */
unsigned long cr2_load_a(void);         /* from 0x123 */
unsigned long cr2_load_b(void);         /* from 0x456 */
unsigned long cr2_load_c(void);         /* from 0x789 */
__asm__(".pushsection .text\n"
	".globl cr2_load_a, cr2_load_b, cr2_load_c\n"
	".type cr2_load_a, @function\n"
	"cr2_load_a: movl 0x123, %eax\n ret\n"
	".size cr2_load_a, . - cr2_load_a\n"
	".type cr2_load_b, @function\n"
	"cr2_load_b: movl 0x456, %eax\n ret\n"
	".size cr2_load_b, . - cr2_load_b\n"
	".type cr2_load_c, @function\n"
	"cr2_load_c: movl 0x789, %eax\n ret\n"
	".size cr2_load_c, . - cr2_load_c\n"
	".popsection\n");
#define CR2_LOAD_LEN 5

/* Claims the #PF of cr2_load_b and cr2_load_c only (eax = 0, eip past the load). */
static int step_over_loads(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;
	unsigned long eip = a->regs->eip;

	(void)nb;
	if (val != DIE_PAGE_FAULT ||
	    (eip != (unsigned long)cr2_load_b && eip != (unsigned long)cr2_load_c))
		return NOTIFY_DONE;
	a->regs->eax = 0;
	a->regs->eip = eip + CR2_LOAD_LEN;
	return NOTIFY_STOP;
}

static struct notifier_block loads_nb = { .notifier_call = step_over_loads, .priority = 200 };

static int pre_loads_a(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	cr2_load_a();
	return 0;
}

/* Takes a fault of its own (handled), then declines the pre handler's. */
static int fault_loads_b(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	(void)regs;
	(void)trapnr;
	cr2_load_b();
	return 0;
}

static struct kprobe cr2_kp = { .symbol_name = "kp_target_add", .pre_handler = pre_loads_a,
				.fault_handler = fault_loads_b };

static void crash_kprobe_fault_cr2(void)
{
	if (register_die_notifier(&loads_nb) || register_kprobe(&cr2_kp))
		return;
	kp_target_add(1, 2);
}
KTEST_CRASH(crash_kprobe_fault_cr2_s, "kprobe_fault_cr2", crash_kprobe_fault_cr2);

/* Looks at every invalid opcode, faulting (handled) on the way, and claims none. */
static int ud_notifier_loads_b(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (val == DIE_TRAP && a->trapnr == X86_TRAP_UD)
		cr2_load_b();
	return NOTIFY_DONE;
}

static struct notifier_block ud_nb = { .notifier_call = ud_notifier_loads_b, .priority = 100 };

static void crash_notifier_cr2(void)
{
	if (register_die_notifier(&loads_nb) || register_die_notifier(&ud_nb))
		return;
	cr2_load_c();                           /* CR2 = 0x789, handled */
	__asm__ volatile("ud2");
}
KTEST_CRASH(crash_notifier_cr2_s, "notifier_cr2", crash_notifier_cr2);

/* Sets TF and runs into the probed "mov $1, %eax" right after the popf: the first
 * single-step trap is the one after that instruction (after popf, TF traps one
 * instruction late). Nobody claims it: the boot dies there. */
unsigned long cr2_tf_target(void);
__asm__(".pushsection .text\n"
	".globl cr2_tf_target\n"
	".type cr2_tf_target, @function\n"
	"cr2_tf_target:\n"
	"	pushf\n"                               /* 9c */
	"	orl $0x100, (%esp)\n"                  /* 81 0c 24 00 01 00 00 */
	"	popf\n"                                /* 9d */
	"	movl $1, %eax\n"                       /* cr2_tf_target + 9 */
	"	pushf\n"
	"	andl $~0x100, (%esp)\n"
	"	popf\n"
	"	ret\n"
	".size cr2_tf_target, . - cr2_tf_target\n"
	".popsection\n");

static void post_loads_b(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	cr2_load_b();
}

static struct kprobe tf_kp = { .symbol_name = "cr2_tf_target", .offset = 9,
			       .post_handler = post_loads_b };

static void crash_step_owner_cr2(void)
{
	if (register_die_notifier(&loads_nb) || register_kprobe(&tf_kp))
		return;
	cr2_load_c();                           /* CR2 = 0x789, handled */
	cr2_tf_target();
}
KTEST_CRASH(crash_step_owner_cr2_s, "step_owner_cr2", crash_step_owner_cr2);

static int pre_int3(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	__asm__ volatile("int3" ::: "memory");
	return 0;
}

static int break_loads_b(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	cr2_load_b();
	return 0;                               /* not its trap */
}

static struct kprobe break_kp = { .symbol_name = "kp_target_mul", .pre_handler = pre_int3,
				  .break_handler = break_loads_b };

static void crash_break_handler_cr2(void)
{
	if (register_die_notifier(&loads_nb) || register_kprobe(&break_kp))
		return;
	cr2_load_c();                           /* CR2 = 0x789, handled */
	kp_target_mul(2, 3);
}
KTEST_CRASH(crash_break_handler_cr2_s, "break_handler_cr2", crash_break_handler_cr2);
