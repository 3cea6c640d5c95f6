// SPDX-License-Identifier: MIT
/*
 * The scheduler: a round-robin run queue, schedule(), the timer tick, and the two places
 * preemption happens. Single CPU: the run queue is protected by disabling interrupts.
 *
 * When may a thread be switched out against its will? Only on the way out of an
 * interrupt, and only if preempt_count is 0 (no preempt_disable() section, not nested in
 * another interrupt) and the interrupted code had IF set. kprobes depends on that: from
 * its int3 to the end of the single-step it holds preemption off, and the window runs
 * with IF clear, so the per-CPU probe state can never move to another thread.
 */
#include "sched.h"
#include "irqflags.h"
#include "kernel.h"
#include "preempt.h"
#include "string.h"
#include "timer.h"

void switch_to(unsigned long *prev_esp, unsigned long next_esp);   /* switch.asm */

struct task_struct boot_task = {
	.tid = 0,
	.comm = "kmain",
	.state = TASK_RUNNING,
	.stack = (struct thread_info *)boot_stack,
	.slot = 0,
};

void (*kprobe_optimizer_hook)(void);

static struct task_struct *running = &boot_task;
static struct task_struct *idle_task;
static struct task_struct *rq_head, *rq_tail;

void sched_init_boot_thread(void)
{
	struct thread_info *ti = (struct thread_info *)boot_stack;

	ti->task = &boot_task;
	ti->flags = 0;
	ti->preempt_count = 0;
	ti->stack_end = STACK_END_MAGIC;
	boot_task.slice = SCHED_SLICE;
	task_table[0] = &boot_task;
}

struct task_struct *sched_running_task(void)
{
	return running;
}

void set_tsk_need_resched(struct task_struct *t)
{
	t->stack->flags |= 1UL << TIF_NEED_RESCHED;
}

static void clear_tsk_need_resched(struct task_struct *t)
{
	t->stack->flags &= ~(1UL << TIF_NEED_RESCHED);
}

void sched_enqueue(struct task_struct *t)
{
	t->run_next = NULL;
	if (rq_tail)
		rq_tail->run_next = t;
	else
		rq_head = t;
	rq_tail = t;
}

static struct task_struct *dequeue(void)
{
	struct task_struct *t = rq_head;

	if (t) {
		rq_head = t->run_next;
		if (!rq_head)
			rq_tail = NULL;
		t->run_next = NULL;
	}
	return t;
}

/* The thread the latest switch_to left, for the thread it switched to. */
static struct task_struct *switched_from;

/*
 * The first thing a thread does when it is switched to (after switch_to in __schedule,
 * or in kthread_start for a new thread), interrupts still off: if the thread it took
 * over from is dead, that stack is done with for good -- the dead thread's last
 * schedule() never returns -- so the instances of return probes it still holds (calls
 * it died inside: schedule, __schedule, kthread_exit ...) go back now (Linux's
 * finish_task_switch does the same for a TASK_DEAD prev).
 */
void finish_task_switch(void)
{
	struct task_struct *prev = switched_from;

	switched_from = NULL;
	if (prev && prev->state == TASK_DEAD && kprobe_flush_task_hook)
		kprobe_flush_task_hook(prev);
}

/*
 * Picks the next thread and switches to it. prev goes to the back of the queue if it is
 * still runnable; idle never queues, it is what runs when the queue is empty.
 */
static void __schedule(bool preempt)
{
	unsigned long flags;
	struct task_struct *prev, *next;

	local_irq_save(flags);
	prev = running;
	clear_tsk_need_resched(prev);
	if (prev->state == TASK_RUNNING && prev != idle_task)
		sched_enqueue(prev);
	next = dequeue();
	if (!next)
		next = idle_task;
	next->slice = SCHED_SLICE;      /* a fresh slice, even when prev runs on */
	if (next != prev) {
		if (preempt)
			prev->nivcsw++;
		else
			prev->nvcsw++;
		running = next;
		switched_from = prev;
		switch_to(&prev->esp, next->esp);
		/* We are prev again, switched back in by someone's __schedule. */
		finish_task_switch();
	}
	local_irq_restore(flags);
}

void schedule(void)
{
	if (unlikely(preempt_count())) {
		/* Switching now would carry a held preempt section (or an interrupt) into
		 * another thread. Linux prints the same complaint. */
		report_bug("scheduling while atomic: %s/%d/0x%08x", current->comm,
			   current->tid, preempt_count());
	}
	__schedule(false);
}

void yield(void)
{
	schedule();
}

void schedule_timeout(unsigned long ticks)
{
	unsigned long flags;

	local_irq_save(flags);
	running->wake_at = jiffies + ticks;
	running->state = TASK_SLEEPING;
	schedule();
	local_irq_restore(flags);
}

bool wake_up_process(struct task_struct *t)
{
	unsigned long flags;
	bool woke = false;

	local_irq_save(flags);
	if (t->state == TASK_NEW || t->state == TASK_SLEEPING || t->state == TASK_BLOCKED) {
		t->state = TASK_RUNNING;
		sched_enqueue(t);
		if (running == idle_task)
			set_tsk_need_resched(idle_task);
		woke = true;
	}
	local_irq_restore(flags);
	return woke;
}

void __kprobes scheduler_tick(void)
{
	for (unsigned i = 0; i < MAX_THREADS; i++) {
		struct task_struct *t = task_table[i];
		if (t && t->state == TASK_SLEEPING && (long)(jiffies - t->wake_at) >= 0)
			wake_up_process(t);
	}
	if (unlikely(kprobe_optimizer_hook))
		kprobe_optimizer_hook();
	if (running == idle_task) {
		if (rq_head)
			set_tsk_need_resched(running);
	} else if (--running->slice <= 0) {
		set_tsk_need_resched(running);
	}
}

/* preempt_enable() found the count back at 0 with a reschedule pending. */
void preempt_schedule(void)
{
	if (preempt_count() || irqs_disabled())
		return;
	do {
		__schedule(true);
	} while (need_resched());
}

/* Called by do_IRQ with the hardirq count already dropped, interrupts off. */
void __kprobes preempt_schedule_irq_check(struct pt_regs *regs)
{
	if (preempt_count() || !need_resched() || !(regs->eflags & X86_EFLAGS_IF))
		return;
	do {
		__schedule(true);
	} while (need_resched());
}

/* The idle thread: sleeps in hlt until an interrupt makes something runnable. */
static int idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		local_irq_disable();
		if (rq_head) {
			local_irq_enable();
			schedule();
			continue;
		}
		/* sti's one-instruction delay makes "sti; hlt" atomic: no wakeup is lost
		 * between the check above and the hlt. */
		__asm__ volatile("sti; hlt" ::: "memory");
	}
	return 0;
}

void sched_init(void)
{
	idle_task = kthread_create(idle_loop, NULL, "idle");
	if (!idle_task)
		panic("sched: cannot create the idle thread");
	idle_task->state = TASK_RUNNING;    /* runs when the queue is empty, never queued */
}
