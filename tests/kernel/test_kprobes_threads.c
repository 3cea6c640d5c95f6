// SPDX-License-Identifier: MIT
/*
 * kprobes under interrupts and preemption: probes hit in the timer interrupt, a million
 * hits from eight preempted threads, and registration racing with hits.
 */
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "ktest_helpers.h"
#include "preempt.h"
#include "processor.h"
#include "sched.h"
#include "timer.h"
#include "user_probes.h"

static volatile unsigned long tick_calls, tick_hits, tick_hits_outside_irq;

static int tick_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	tick_hits++;
	if (!in_irq())
		tick_hits_outside_irq++;
	return 0;
}

static void call_probed_from_tick(struct pt_regs *regs)
{
	(void)regs;
	tick_calls = kp_target_tick(tick_calls);
}

static void probe_hit_in_timer_interrupt(struct ktest *t)
{
	skip_if_probed(t, kp_target_tick);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_tick, .pre_handler = tick_pre };

	tick_calls = tick_hits = tick_hits_outside_irq = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	timer_tick_hook = call_probed_from_tick;
	spin_ticks(20);
	timer_tick_hook = NULL;
	unregister_kprobe(&kp);
	KEXPECT_GE(t, tick_calls, 20);
	KEXPECT_EQ(t, tick_hits, tick_calls);
	KEXPECT_EQ(t, tick_hits_outside_irq, 0);
	KEXPECT_EQ(t, kp.nmissed, 0);
}

/* ---- a million hits from eight threads that the timer keeps preempting ---- */

#define LOAD_THREADS 8
#define LOAD_CALLS   125000

static volatile unsigned long load_hits;
static struct load_result {
	unsigned long calls, wrong, preempted;
	int preempt_after;
} load_res[LOAD_THREADS];

static int load_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	load_hits++;            /* handlers run with IF=0: this increment cannot tear */
	return 0;
}

static int load_fn(void *arg)
{
	struct load_result *r = arg;

	for (int i = 0; i < LOAD_CALLS; i++) {
		if (kp_target_add(i, 1) != i + 1)
			r->wrong++;
		r->calls++;
	}
	r->preempted = current->nivcsw;
	r->preempt_after = preempt_count();
	return 0;
}

static void million_hits_from_eight_preempted_threads(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = load_pre };
	struct task_struct *th[LOAD_THREADS];
	unsigned long preempted = 0, calls = 0, wrong = 0;

	load_hits = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	for (int i = 0; i < LOAD_THREADS; i++) {
		load_res[i] = (struct load_result){ 0, 0, 0, -1 };
		th[i] = kthread_run(load_fn, &load_res[i], "kp-load");
		KASSERT_TRUE(t, th[i] != NULL);
	}
	unsigned preempted_threads = 0;
	for (int i = 0; i < LOAD_THREADS; i++) {
		kthread_join(th[i]);
		preempted += load_res[i].preempted;
		preempted_threads += load_res[i].preempted > 0;
		calls += load_res[i].calls;
		wrong += load_res[i].wrong;
		KEXPECT_EQ(t, load_res[i].preempt_after, 0);
	}
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, calls, LOAD_THREADS * LOAD_CALLS);
	KEXPECT_EQ(t, load_hits, LOAD_THREADS * LOAD_CALLS);
	KEXPECT_EQ(t, wrong, 0);
	KEXPECT_EQ(t, kp.nmissed, 0);
	/* Most threads were preempted mid-run (each runs for about two slices). */
	KEXPECT_GE(t, preempted_threads, LOAD_THREADS / 2);
	ktest_info(t, "%lu hits, %lu involuntary switches", load_hits, preempted);
}

/* ---- registering and unregistering while other threads hit the probe ---- */

static volatile bool race_stop;
static volatile unsigned long race_hits;

static volatile unsigned long race_posts;

static int race_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	race_hits++;
	return 0;
}

/* A post handler makes every hit single-step (no boosting): the two-trap path runs
 * while threads are preempted and the probe comes and goes. */
static void race_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	race_posts++;
}

static int race_caller(void *arg)
{
	unsigned long *wrong = arg;

	for (int i = 0; !race_stop; i++) {
		if (kp_target_mul(i, 3) != 3 * i)
			(*wrong)++;
		if ((i & 1023) == 0)
			yield();        /* keep the registering thread's turns short */
	}
	return 0;
}

static void register_unregister_while_hit(struct ktest *t)
{
	skip_if_probed(t, kp_target_mul);
	static struct kprobe kp;
	static unsigned long wrong[2];
	struct task_struct *c[2];
	u8 orig = *(u8 *)kp_target_mul;
	int cycles = 0, failures = 0;

	race_stop = false;
	race_hits = race_posts = 0;
	wrong[0] = wrong[1] = 0;
	for (int i = 0; i < 2; i++) {
		c[i] = kthread_run(race_caller, &wrong[i], "kp-caller");
		KASSERT_TRUE(t, c[i] != NULL);
	}
	for (; cycles < 100; cycles++) {
		kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_mul,
				      .pre_handler = race_pre, .post_handler = race_post };
		failures += register_kprobe(&kp) != 0;
		schedule_timeout(1);        /* let the callers hit it for a tick */
		unregister_kprobe(&kp);
	}
	race_stop = true;
	kthread_join(c[0]);
	kthread_join(c[1]);
	KEXPECT_EQ(t, failures, 0);
	KEXPECT_EQ(t, wrong[0] + wrong[1], 0);
	KEXPECT_GT(t, race_hits, 0);
	KEXPECT_EQ(t, race_posts, race_hits);        /* every hit completed its step */
	KEXPECT_EQ(t, *(u8 *)kp_target_mul, orig);
	KEXPECT_TRUE(t, get_kprobe((void *)kp_target_mul) == NULL);
}

static const struct ktest_case kprobes_threads_cases[] = {
	KTEST_CASE(probe_hit_in_timer_interrupt),
	KTEST_CASE(million_hits_from_eight_preempted_threads),
	KTEST_CASE(register_unregister_while_hit),
	KTEST_END,
};
/* The int3 path's state under preemption; optimized hits under preempted threads are
 * tests/kernel/test_optprobes_threads.c's. */
KTEST_SUITE(kprobes_threads_suite, "kprobes_threads", kprobes_threads_cases,
	    .int3_only = true);
