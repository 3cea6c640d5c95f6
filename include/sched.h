/* Threads (task_struct) and the current-thread accessors. */
#ifndef JUMPER_SCHED_H
#define JUMPER_SCHED_H

#include "thread_info.h"

#define TASK_COMM_LEN 16

struct task_struct {
	int tid;
	char comm[TASK_COMM_LEN];       /* the thread's name, as Linux calls it */
	struct thread_info *stack;      /* base of the THREAD_SIZE stack */
};

/* The thread that booted the kernel; its stack is boot_stack in linker.ld. */
extern struct task_struct boot_task;

static inline struct task_struct *get_current(void)
{
	return current_thread_info()->task;
}
#define current get_current()

/* Sets up the boot thread's thread_info; the first thing kmain does. */
void sched_init_boot_thread(void);

#endif
