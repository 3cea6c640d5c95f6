/* SPDX-License-Identifier: MIT */
/*
 * Preemption counting, as in Linux. preempt_count lives in thread_info and packs:
 *
 *   bits  0-7   PREEMPT  preempt_disable() nesting
 *   bits 16-23  HARDIRQ  interrupt handler nesting (irq_enter/irq_exit)
 *
 * The thread may be switched out (preempted) only when the whole count is 0. kprobes
 * raises it for the span of a probe hit: the per-CPU probe state must not be carried to
 * another thread halfway through a single-step.
 */
#ifndef JUMPER_PREEMPT_H
#define JUMPER_PREEMPT_H

#include "compiler.h"
#include "thread_info.h"
#include "ptrace.h"

#define PREEMPT_SHIFT   0
#define HARDIRQ_SHIFT   16
#define PREEMPT_OFFSET  (1 << PREEMPT_SHIFT)
#define HARDIRQ_OFFSET  (1 << HARDIRQ_SHIFT)
#define PREEMPT_MASK    0x000000ff
#define HARDIRQ_MASK    0x00ff0000

static inline int preempt_count(void)
{
	return READ_ONCE(current_thread_info()->preempt_count);
}

static inline void preempt_count_add(int n)
{
	current_thread_info()->preempt_count += n;
	barrier();
}

static inline void preempt_count_sub(int n)
{
	barrier();
	current_thread_info()->preempt_count -= n;
}

static inline bool test_thread_flag(int flag)
{
	return (READ_ONCE(current_thread_info()->flags) >> flag) & 1;
}

static inline bool need_resched(void)
{
	return test_thread_flag(TIF_NEED_RESCHED);
}

#define in_irq()        (preempt_count() & HARDIRQ_MASK)
#define in_interrupt()  (preempt_count() & HARDIRQ_MASK)
#define preemptible()   (preempt_count() == 0)

/* Switches to another thread if one is due; called when preemption becomes possible. */
void preempt_schedule(void);

#define preempt_disable()           preempt_count_add(PREEMPT_OFFSET)
/* Drops the count without checking for a pending reschedule (jprobe_return uses this). */
#define preempt_enable_no_resched() preempt_count_sub(PREEMPT_OFFSET)
#define preempt_enable()                                         \
	do {                                                     \
		preempt_count_sub(PREEMPT_OFFSET);               \
		if (unlikely(preempt_count() == 0 && need_resched())) \
			preempt_schedule();                      \
	} while (0)

#define irq_enter()     preempt_count_add(HARDIRQ_OFFSET)
#define irq_exit()      preempt_count_sub(HARDIRQ_OFFSET)

/*
 * On the way out of an interrupt: preempt the interrupted thread only if it was
 * preemptible (count 0) and had interrupts enabled. A hardware IRQ cannot arrive with
 * IF=0, so the IF test matters for software interrupts (int $0x20 from a cli section,
 * tests/kernel/test_sched.c): such a context is inside a critical section even at count 0.
 */
void preempt_schedule_irq_check(struct pt_regs *regs);

#endif
