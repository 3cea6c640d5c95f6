/* SPDX-License-Identifier: MIT */
/*
 * Kernel threads and the scheduler (kernel/sched.c: run queue, schedule, tick, preemption;
 * kernel/kthread.c: creating, ending and joining threads, stacks, the thread list).
 *
 * One CPU. Mutual exclusion is "interrupts off"; preemption happens only on the way out
 * of an interrupt (preempt_schedule_irq_check) or in preempt_enable(), and only when
 * preempt_count is 0 — see include/preempt.h.
 */
#ifndef JUMPER_SCHED_H
#define JUMPER_SCHED_H

#include "compiler.h"
#include "thread_info.h"

#define TASK_COMM_LEN   16
#define MAX_THREADS     128     /* kmain and idle included */
#define SCHED_SLICE     2       /* ticks a thread runs before the timer preempts it */

enum task_state {
	TASK_NEW,        /* created, not yet woken */
	TASK_RUNNING,    /* running or on the run queue */
	TASK_SLEEPING,   /* waiting for jiffies to reach wake_at */
	TASK_BLOCKED,    /* waiting for an event: kthread_join, serial_getc (no timeout) */
	TASK_DEAD,       /* exited, waiting to be joined */
};

struct task_struct {
	int tid;
	char comm[TASK_COMM_LEN];       /* the thread's name, as Linux calls it */
	enum task_state state;
	struct thread_info *stack;      /* base of the THREAD_SIZE stack */
	unsigned long esp;              /* saved by switch_to while switched out */
	int (*fn)(void *arg);
	void *arg;
	int exit_code;
	unsigned long wake_at;          /* jiffies, for TASK_SLEEPING */
	int slice;                      /* ticks left in this time slice */
	struct task_struct *run_next;   /* run queue link */
	struct task_struct *joiner;     /* thread blocked in kthread_join on us */
	unsigned long nvcsw, nivcsw;    /* voluntary / involuntary context switches */
	int slot;                       /* index in the task table (and stack area) */
	/* The return probes' instances of this thread's calls in flight, most recent first
	 * (include/kretprobes.h). Only the probes layer reads or writes it. */
	struct kretprobe_instance *kretprobe_instances;
};

/* The boot thread (slot 0): it runs kmain and becomes an ordinary thread. */
extern struct task_struct boot_task;

static inline struct task_struct *get_current(void)
{
	return current_thread_info()->task;
}
#define current get_current()

/* ---- kernel/sched.c ---- */

/* Sets up the boot thread's thread_info: the first thing kmain does. */
void sched_init_boot_thread(void);
/* Creates the idle thread; after this the timer may switch threads. */
void sched_init(void);
/* Gives the CPU to the next runnable thread (or idle); returns when we run again. */
void schedule(void);
/* Runnable -> back of the run queue, and schedule (Linux's yield()). */
void yield(void);
/* Sleeps at least ticks timer ticks. */
void schedule_timeout(unsigned long ticks);
/* Makes a new, sleeping or blocked thread runnable. Returns false if it already was. */
bool wake_up_process(struct task_struct *t);
/* Asks for t to be switched out at the next preemption point. */
void set_tsk_need_resched(struct task_struct *t);
/* From the timer interrupt: wakes sleepers, counts down the slice. */
void scheduler_tick(void);
/*
 * The thread the scheduler last switched to. Equal to current everywhere except where
 * current cannot be trusted: the double-fault task, after a stack overflow.
 */
struct task_struct *sched_running_task(void);
/*
 * Right after a switch, in the thread switched to (interrupts off): if the thread
 * switched away from is TASK_DEAD, calls kprobe_flush_task_hook on it. __schedule and a
 * new thread's first code (kthread_start) call it.
 */
void finish_task_switch(void);
/* Puts t on the run queue (interrupts must be off); kthread.c's helper. */
void sched_enqueue(struct task_struct *t);

/* ---- kernel/kthread.c ---- */

/*
 * Creates a thread that will run fn(arg) and exit with its return value. Like Linux's,
 * it does not run until wake_up_process(); kthread_run() does both. Returns NULL if the
 * task table or memory is exhausted (nothing is left allocated then).
 */
struct task_struct *kthread_create(int (*fn)(void *arg), void *arg, const char *name);
struct task_struct *kthread_run(int (*fn)(void *arg), void *arg, const char *name);
/* Ends the calling thread with code. Reports a preempt_count leak first. */
void __noreturn kthread_exit(int code);
/*
 * Called by finish_task_switch, interrupts off, for a dead thread just switched away
 * from for the last time: a hook the probes layer installs (kprobe_flush_task gives back
 * the return probes' instances the thread still holds, its stack being done with). NULL
 * until then.
 */
extern void (*kprobe_flush_task_hook)(struct task_struct *t);
/*
 * Called from every timer tick while not NULL (interrupts off, in the interrupt): the probes
 * layer sets it while an optimization waits for a thread to leave a probed region, or a
 * detour buffer for its last thread to leave it (kernel/optprobe.c).
 */
extern void (*kprobe_optimizer_hook)(void);
/* Waits for t to exit, frees its stack and slot, returns its exit code. */
int kthread_join(struct task_struct *t);
/* Bytes of t's stack ever used (the highest point written, measured from the top). */
unsigned long stack_high_water(const struct task_struct *t);
/* Calls fn for every live thread (interrupts off during the walk). */
void for_each_thread(void (*fn)(struct task_struct *t, void *data), void *data);
/* Prints the thread list: tid, name, state, preempt_count, stack high-water. */
void show_threads(void);
const char *task_state_name(enum task_state s);
/* Stack slots and task slots in use (for leak checks). */
unsigned nr_threads(void);

/* Task table, shared by sched.c and kthread.c. */
extern struct task_struct *task_table[MAX_THREADS];

#endif
