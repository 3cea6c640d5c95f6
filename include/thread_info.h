/* SPDX-License-Identifier: MIT */
/*
 * thread_info lives at the lowest address of every kernel stack, so the running code can
 * find its own thread from nothing but the stack pointer:
 *
 *   base + THREAD_SIZE  +----------------+  <- initial esp (stack grows down)
 *                       |  stack ...     |
 *                       |       v        |
 *   base                | thread_info    |  <- current_thread_info() = esp & ~(THREAD_SIZE-1)
 *                       +----------------+
 *
 * That only works if every stack is THREAD_SIZE bytes and THREAD_SIZE-aligned, the boot
 * stack included (boot/multiboot.asm).
 */
#ifndef JUMPER_THREAD_INFO_H
#define JUMPER_THREAD_INFO_H

#include "types.h"

#ifndef THREAD_SIZE
#define THREAD_SIZE 8192
#endif
#if THREAD_SIZE != 4096 && THREAD_SIZE != 8192
#error "THREAD_SIZE must be 4096 or 8192"
#endif

#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Written at the base of each stack, just above thread_info, to catch overruns. */
#define STACK_END_MAGIC 0x57AC6E9DUL

#define TIF_NEED_RESCHED 0  /* bit number in thread_info.flags */

struct task_struct;

struct thread_info {
	struct task_struct *task;   /* the thread that owns this stack */
	unsigned long flags;        /* TIF_* bits */
	int preempt_count;          /* see include/preempt.h */
	unsigned long stack_end;    /* STACK_END_MAGIC; overwritten = overflow */
};

static inline struct thread_info *current_thread_info(void)
{
	unsigned long sp;
	__asm__("movl %%esp, %0" : "=r"(sp));
	return (struct thread_info *)(sp & ~(THREAD_SIZE - 1UL));
}

static inline unsigned long stack_base(const struct thread_info *ti)
{
	return (unsigned long)ti;
}

static inline unsigned long stack_top(const struct thread_info *ti)
{
	return (unsigned long)ti + THREAD_SIZE;
}

/* The boot thread's stack (linker.ld's .boot_stack): its base, where its thread_info is,
 * and its top, where _start points esp. */
extern char boot_stack[], boot_stack_top[];

#endif
