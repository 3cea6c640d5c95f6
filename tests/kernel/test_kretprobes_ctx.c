// SPDX-License-Identifier: MIT
/*
 * kretprobes where calls overlap: threads sleeping inside the probed function, the timer
 * interrupt calling a kretprobed function while the interrupted thread has an instance
 * outstanding, unregistering while instances are outstanding, a thread that exits inside
 * the function, a non-local exit (longjmp) past a probed call, and a return while a probe
 * is being handled.
 */
#include "kretprobes.h"
#include "irqflags.h"
#include "kretprobe_targets.h"
#include "ktest.h"
#include "ktest_helpers.h"
#include "preempt.h"
#include "sched.h"
#include "timer.h"
#include "user_probes.h"

static struct kretprobe rp, rp2;
static volatile int hits, bad;

static int count_free(const struct kretprobe *r)
{
	int n = 0;

	for (const struct kretprobe_instance *ri = r->free_instances; ri; ri = ri->next)
		n++;
	return n;
}

static int x_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(int *)ri->data = (int)(&regs->esp)[1];
	return 0;
}

static int sleep_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	hits++;
	if ((int)regs_return_value(regs) != 2 * *(int *)ri->data || ri->task != current)
		bad++;
	return 0;
}

#define SLEEPERS 4
#define SLEEPS   50

static int sleeper(void *arg)
{
	int base = (int)(unsigned long)arg * 1000, wrong = 0;

	for (int i = 0; i < SLEEPS; i++)
		wrong += krp_sleep(base + i) != 2 * (base + i);
	return wrong;
}

/* Four threads call a function that yields inside: every return pairs with its own
 * thread's instance (per-task lists), and every caller gets its own value back. */
static void threads_sleeping_inside(struct ktest *t)
{
	struct task_struct *th[SLEEPERS];
	int wrong = 0;

	skip_if_probed(t, krp_sleep);
	hits = bad = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_sleep, .handler = sleep_ret,
				 .entry_handler = x_entry, .data_size = sizeof(int),
				 .maxactive = SLEEPERS };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	for (int i = 0; i < SLEEPERS; i++)
		th[i] = kthread_run(sleeper, (void *)(unsigned long)(i + 1), "krp-sleeper");
	for (int i = 0; i < SLEEPERS; i++)
		wrong += th[i] ? kthread_join(th[i]) : 1;
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, wrong, 0);
	KEXPECT_EQ(t, hits, SLEEPERS * SLEEPS);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, rp.nmissed, 0);
}

static volatile unsigned long tick_calls, tick_hits, tick_bad, tick_nested;
static struct task_struct *spinner;

static int tick_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)regs;
	tick_hits++;
	/* In the interrupt, on the interrupted thread's list, above its krp_spin call. */
	if (!in_irq() || ri->task != spinner || regs_return_value(regs) != tick_calls + 1)
		tick_bad++;
	if (ri->next && ri->next->rp == &rp)
		tick_nested++;
	return 0;
}

static int spin_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	hits++;
	if (regs_return_value(regs) != 7 || in_irq())
		bad++;
	return 0;
}

static void call_from_tick(struct pt_regs *regs)
{
	(void)regs;
	tick_calls = krp_tick(tick_calls);
}

/* The timer interrupt calls kretprobed krp_tick while the thread it interrupts is inside
 * kretprobed krp_spin: the tick's instances nest on that thread's list, above its own. */
static void from_interrupt_context(struct ktest *t)
{
	skip_if_probed(t, krp_tick);
	skip_if_probed(t, krp_spin);
	hits = bad = 0;
	tick_calls = tick_hits = tick_bad = tick_nested = 0;
	spinner = current;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_spin, .handler = spin_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_tick, .handler = tick_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	timer_tick_hook = call_from_tick;
	KEXPECT_EQ(t, krp_spin(5), 7);
	timer_tick_hook = NULL;
	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_GE(t, tick_calls, 4);
	KEXPECT_EQ(t, tick_hits, tick_calls);
	KEXPECT_EQ(t, tick_nested, tick_calls);
	KEXPECT_EQ(t, tick_bad, 0);
}

static volatile int go;

static int blocker(void *arg)
{
	(void)arg;
	return krp_block(&go);
}

/* Unregistered while a thread sleeps inside: that call returns to its real caller with
 * its value, runs no handler, and frees its instance. */
static void unregister_with_instance_outstanding(struct ktest *t)
{
	struct task_struct *th;

	skip_if_probed(t, krp_block);
	hits = 0;
	go = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_block,
				 .handler = spin_ret, .maxactive = 2 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	th = kthread_run(blocker, NULL, "krp-blocker");
	KASSERT_TRUE(t, th != NULL);
	schedule_timeout(3);                    /* it is inside krp_block now */
	KEXPECT_EQ(t, count_free(&rp), 1);
	KEXPECT_TRUE(t, th->kretprobe_instances != NULL);
	unregister_kretprobe(&rp);
	struct kretprobe_instance *ri = th->kretprobe_instances;
	KEXPECT_TRUE(t, ri && ri->rp == NULL);
	go = 1;
	KEXPECT_EQ(t, kthread_join(th), 42);
	KEXPECT_EQ(t, hits, 0);
}

static int exiter(void *arg)
{
	krp_exit_inside((int)(unsigned long)arg);
}

/* A thread that exits inside the function gives its instance back (kprobe_flush_task):
 * to the pool while the kretprobe is registered, freed once it is not. */
static void exit_gives_instances_back(struct ktest *t)
{
	struct task_struct *th;

	skip_if_probed(t, krp_exit_inside);
	hits = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_exit_inside,
				 .handler = spin_ret, .maxactive = 2 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	th = kthread_run(exiter, (void *)9, "krp-exiter");
	KASSERT_TRUE(t, th != NULL);
	KEXPECT_EQ(t, kthread_join(th), 9);
	KEXPECT_EQ(t, count_free(&rp), 2);
	KEXPECT_EQ(t, hits, 0);
	unregister_kretprobe(&rp);
}

/* Calls krp_longjmp n times, each time back here by the longjmp, then returns 11. */
static int __noipa krp_catcher(int n)
{
	jmp_buf env;

	for (volatile int i = 0; i < n; i++)
		if (setjmp(env) == 0)
			krp_longjmp(env);
	return 11;
}

static int catch_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	hits++;
	if (regs_return_value(regs) != 11)
		bad++;
	return 0;
}

/* A longjmp out of a kretprobed call (krp_longjmp, inside kretprobed krp_catcher) leaves
 * its instance on the task's list, above krp_catcher's. krp_catcher's return finds them
 * first, at slots deeper than its own, and recycles them without their handler. The calls
 * and checks are in a function of their own: a return through the wrong instance lands
 * after krp_catcher's call of krp_longjmp, with krp_catcher's caller's frame, and leaves
 * that caller early -- which is then seen here (done stays 0). */
static void __noipa longjmp_catch_and_check(struct ktest *t, volatile int *done)
{
	KEXPECT_EQ(t, krp_catcher(2), 11);
	KEXPECT_EQ(t, count_free(&rp), 2);
	KEXPECT_EQ(t, rp.nmissed, 0);
	KEXPECT_EQ(t, hits, 1);                 /* krp_catcher's alone */
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_TRUE(t, current->kretprobe_instances == NULL);
	*done = 1;
}

static void longjmp_instances_recycled(struct ktest *t)
{
	volatile int done = 0;

	skip_if_probed(t, krp_longjmp);
	hits = bad = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_longjmp,
				 .handler = spin_ret, .maxactive = 2 };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_catcher,
				  .handler = catch_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	longjmp_catch_and_check(t, &done);
	KEXPECT_EQ(t, done, 1);
	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
}

/* Calls krp_longjmp n times, each time back here by the longjmp; not kretprobed itself. */
static int __noipa krp_plain_catcher(int n)
{
	jmp_buf env;

	for (volatile int i = 0; i < n; i++)
		if (setjmp(env) == 0)
			krp_longjmp(env);
	return 11;
}

/* Longjmps out of a kretprobed call with no kretprobed caller: no later return recycles
 * the instances they leave, so the entry that finds the pool empty does (their slots lie
 * at or below its own). Five such calls on a pool of two, in a thread of their own: none
 * is missed, none returned; the thread's exit gives back the last two (the exit flush). */
static int longjmp_thread(void *arg)
{
	(void)arg;
	return krp_plain_catcher(5);
}

static void longjmp_leftovers_do_not_drain_the_pool(struct ktest *t)
{
	struct task_struct *th;

	skip_if_probed(t, krp_longjmp);
	hits = bad = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_longjmp,
				 .handler = spin_ret, .maxactive = 2 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	th = kthread_run(longjmp_thread, NULL, "krp-longjmp");
	KASSERT_TRUE(t, th != NULL);
	KEXPECT_EQ(t, kthread_join(th), 11);
	KEXPECT_EQ(t, rp.nmissed, 0);
	KEXPECT_EQ(t, hits, 0);                 /* none of them returned */
	KEXPECT_EQ(t, count_free(&rp), 2);      /* the exit flush took the last two back */
	unregister_kretprobe(&rp);
}

static struct kprobe busy_kp;           /* stands for a probe being handled */

static int make_busy(void)
{
	current_kprobe = &busy_kp;      /* as if krp_h returned under a probe's handler */
	return 3;
}

/* A kretprobed function that returns while a probe is being handled (a debugger stepping
 * out of it from a handler): its return handler is skipped and counted in rp->nmissed,
 * the instance goes back to the pool (the whole pool: maxactive 2), the value arrives.
 * Interrupts off while current_kprobe is faked: nothing else may see it. */
static void return_while_probe_handled(struct ktest *t)
{
	unsigned long flags;
	int ret;

	skip_if_probed(t, krp_h);
	hits = bad = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_h, .handler = spin_ret,
				 .maxactive = 2 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	krp_h_hook = make_busy;
	local_irq_save(flags);
	ret = krp_h();
	current_kprobe = NULL;
	local_irq_restore(flags);
	krp_h_hook = NULL;
	KEXPECT_EQ(t, ret, 3);
	KEXPECT_EQ(t, hits, 0);
	KEXPECT_EQ(t, rp.nmissed, 1);
	KEXPECT_EQ(t, count_free(&rp), 2);
	KEXPECT_TRUE(t, current->kretprobe_instances == NULL);
	unregister_kretprobe(&rp);
}

static const struct ktest_case kretprobe_ctx_cases[] = {
	KTEST_CASE(threads_sleeping_inside),
	KTEST_CASE(from_interrupt_context),
	KTEST_CASE(unregister_with_instance_outstanding),
	KTEST_CASE(exit_gives_instances_back),
	KTEST_CASE(longjmp_instances_recycled),
	KTEST_CASE(longjmp_leftovers_do_not_drain_the_pool),
	KTEST_CASE(return_while_probe_handled),
	KTEST_END,
};
KTEST_SUITE(kretprobe_ctx_suite, "kretprobes_ctx", kretprobe_ctx_cases);
