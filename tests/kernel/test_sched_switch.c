// SPDX-License-Identifier: MIT
/*
 * The context switch keeps what each thread owns: its EFLAGS as well as its registers.
 * switch_to (kernel/switch.asm) once saved only the callee-saved registers, so a new
 * thread, which starts in kthread_start rather than returning through __schedule's
 * local_irq_restore, ran with the flags of whoever switched to it. AC is the witness: a
 * real flag, harmless in ring 0 (it only faults at CPL 3), that no code here sets, so a
 * stray AC can only have been inherited.
 */
#include "irqflags.h"
#include "ktest.h"
#include "processor.h"
#include "sched.h"

static inline void set_ac(void)
{
	__asm__ volatile("pushfl; orl %0, (%%esp); popfl" : : "i"(X86_EFLAGS_AC) : "memory", "cc");
}

static inline void clear_ac(void)
{
	__asm__ volatile("pushfl; andl %0, (%%esp); popfl" : : "i"(~X86_EFLAGS_AC)
			 : "memory", "cc");
}

static volatile bool fresh_ran;
static volatile unsigned long flagger_after, fresh_flags;

static int fresh_fn(void *arg)
{
	(void)arg;
	fresh_flags = native_save_fl();
	fresh_ran = true;
	return 0;
}

/*
 * Sets AC, starts a thread and lets it run, then reports what it finds when it is switched
 * back. The test's own thread waits in kthread_join meanwhile, so the new thread's first
 * switch comes from here, with AC set.
 */
static int flagger_fn(void *arg)
{
	struct task_struct *fresh;

	(void)arg;
	set_ac();
	fresh = kthread_run(fresh_fn, NULL, "fresh");
	if (!fresh) {
		clear_ac();
		return -1;
	}
	for (int i = 0; i < 100 && !fresh_ran; i++)
		yield();
	flagger_after = native_save_fl();
	clear_ac();
	return kthread_join(fresh) == 0 && fresh_ran ? 0 : -2;
}

static void switch_keeps_each_threads_eflags(struct ktest *t)
{
	struct task_struct *flagger;
	unsigned long mine;

	fresh_ran = false;
	flagger_after = fresh_flags = 0;
	KEXPECT_EQ(t, native_save_fl() & X86_EFLAGS_AC, 0);
	flagger = kthread_run(flagger_fn, NULL, "flagger");
	KASSERT_TRUE(t, flagger != NULL);
	KASSERT_EQ(t, kthread_join(flagger), 0);
	mine = native_save_fl();
	ktest_info(t, "EFLAGS: here %08lx, new thread %08lx, flagger after the switches %08lx",
		   mine, fresh_flags, flagger_after);
	KEXPECT_EQ(t, mine & X86_EFLAGS_AC, 0);                 /* not the flagger's */
	KEXPECT_EQ(t, fresh_flags & X86_EFLAGS_AC, 0);          /* a clean start */
	KEXPECT_EQ(t, flagger_after & X86_EFLAGS_AC, X86_EFLAGS_AC); /* its own came back */
	KEXPECT_EQ(t, fresh_flags & X86_EFLAGS_IF, X86_EFLAGS_IF); /* started with irqs on */
}

static const struct ktest_case sched_switch_cases[] = {
	KTEST_CASE(switch_keeps_each_threads_eflags),
	KTEST_END,
};
KTEST_SUITE(sched_switch_suite, "sched_switch", sched_switch_cases);
