// SPDX-License-Identifier: MIT
/*
 * jprobes on functions that run at the very top of their stack. A thread's first
 * function, kthread_start, starts 4 bytes below the top (its "return address" is the 0
 * that ends backtraces) with nothing above; the thread's fn has only a few words above
 * its return address. The page above the top is unmapped, so the hit's stack copy and
 * every argument read stop at current_thread_info() + THREAD_SIZE: jprobe_stack_room().
 * (At the monitor, "jprobe kthread_start" then "demo sched" once read past it and died.)
 */
#include "jprobes.h"
#include "ktest.h"
#include "sched.h"
#include "string.h"
#include "thread_info.h"

static struct {
	int hits;
	unsigned long args, top, room, arg0;
} seen;

/* What a handler sees from args, its first stack argument's address, up to the top. */
static void record(const unsigned long *args)
{
	seen.hits++;
	seen.args = (unsigned long)args;
	seen.top = stack_top(current_thread_info());
	seen.room = jprobe_stack_room(seen.args);
	if (seen.room >= sizeof(*args))
		seen.arg0 = args[0];
}

/* A handler's arguments lie above its return address: frame pointer + 2 words. */
#define HANDLER_ARGS() ((const unsigned long *)__builtin_frame_address(0) + 2)

/* kthread_start's prototype: no arguments. */
static void j_kthread_start(void)
{
	record(HANDLER_ARGS());
	jprobe_return();
}

static __noipa int stacktop_thread(void *arg)
{
	return arg == &seen ? 7 : -1;
}

static int j_stacktop_thread(void *arg)
{
	(void)arg;
	record(HANDLER_ARGS());
	jprobe_return();
}

static int run_thread(struct ktest *t)
{
	struct task_struct *th = kthread_run(stacktop_thread, &seen, "stacktop");

	KASSERT_TRUE(t, th != NULL);
	return kthread_join(th);
}

static void jprobe_at_kthread_start_has_nothing_above(struct ktest *t)
{
	static struct jprobe jp;

	memset(&seen, 0, sizeof(seen));
	jp = (struct jprobe){ .kp.symbol_name = "kthread_start", .entry = j_kthread_start };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	int ret = run_thread(t);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, ret, 7);
	KEXPECT_EQ(t, seen.hits, 1);
	KEXPECT_EQ(t, seen.args, seen.top);     /* the return address is the last word */
	KEXPECT_EQ(t, seen.room, 0);
}

static void jprobe_on_thread_fn_sees_words_up_to_the_top(struct ktest *t)
{
	static struct jprobe jp;

	memset(&seen, 0, sizeof(seen));
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)stacktop_thread,
			      .entry = j_stacktop_thread };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	int ret = run_thread(t);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, ret, 7);
	KEXPECT_EQ(t, seen.hits, 1);
	KEXPECT_EQ(t, seen.room, seen.top - seen.args);
	KEXPECT_GT(t, seen.room, 0);
	KEXPECT_LT(t, seen.room, MAX_STACK_SIZE);   /* less than a full copy: it is bounded */
	KEXPECT_EQ(t, seen.arg0, (unsigned long)&seen);
}

static const struct ktest_case jprobes_stacktop_cases[] = {
	KTEST_CASE(jprobe_at_kthread_start_has_nothing_above),
	KTEST_CASE(jprobe_on_thread_fn_sees_words_up_to_the_top),
	KTEST_END,
};
KTEST_SUITE(jprobes_stacktop_suite, "jprobes_stacktop", jprobes_stacktop_cases);
