// SPDX-License-Identifier: MIT
/*
 * Expected-oops scenarios for memory protection and stack guards (see tests/kernel/crash.c and
 * tests/runner/scenarios.py).
 */
#include "kernel.h"
#include "ktest.h"
#include "sched.h"

static void __noinline crash_text_write(void)
{
	/* Kernel text is mapped read-only and CR0.WP makes that bind ring 0 too. */
	*(volatile u8 *)(unsigned long)crash_text_write = 0x90;
}
KTEST_CRASH(crash_text_write_s, "text_write", crash_text_write);

static void __noinline crash_null_deref(void)
{
	volatile unsigned long *volatile p = NULL;
	(void)*p;
}
KTEST_CRASH(crash_null_s, "null_deref", crash_null_deref);

/* Each call eats ~512 bytes more stack until esp runs into the guard page. The depth
 * limit is never reached (it is far beyond any stack); it only tells the compiler the
 * recursion is not infinite, so it keeps the calls. */
static volatile int depth_limit = 1 << 30;

static int __noinline recurse(int depth)
{
	volatile char pad[500];

	pad[0] = (char)depth;
	if (depth >= depth_limit)
		return 0;
	return recurse(depth + 1) + pad[0];
}

static int overflow_fn(void *arg)
{
	(void)arg;
	return recurse(0);
}

static void crash_stack_overflow(void)
{
	struct task_struct *t = kthread_run(overflow_fn, NULL, "overflower");

	if (t)
		kthread_join(t);
}
KTEST_CRASH(crash_stack_overflow_s, "stack_overflow", crash_stack_overflow);

static void crash_boot_stack_overflow(void)
{
	recurse(0);
}
KTEST_CRASH(crash_boot_stack_overflow_s, "boot_stack_overflow", crash_boot_stack_overflow);
