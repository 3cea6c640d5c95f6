/* Threads. For now: the boot thread, with its thread_info at the base of its stack. */
#include "sched.h"
#include "string.h"
#include "preempt.h"

extern char boot_stack[];   /* linker.ld: base of the boot thread's stack */

struct task_struct boot_task = {
	.tid = 0,
	.comm = "kmain",
	.stack = (struct thread_info *)boot_stack,
};

void sched_init_boot_thread(void)
{
	struct thread_info *ti = (struct thread_info *)boot_stack;

	ti->task = &boot_task;
	ti->flags = 0;
	ti->preempt_count = 0;
	ti->stack_end = STACK_END_MAGIC;
}

/* Until the scheduler exists there is one thread and nothing to switch to. */
void preempt_schedule(void)
{
}

void __kprobes preempt_schedule_irq_check(struct pt_regs *regs)
{
	(void)regs;
}
