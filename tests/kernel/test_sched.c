// SPDX-License-Identifier: MIT
/*
 * Threads, the scheduler and preemption, on a kernel that really preempts: the PIT ticks
 * at HZ and a thread whose slice ran out is switched on the way out of the interrupt.
 */
#include "irqflags.h"
#include "ktest.h"
#include "ktest_helpers.h"
#include "mm.h"
#include "pic.h"
#include "preempt.h"
#include "sched.h"
#include "timer.h"
#include "trap_hook.h"
#include "trapnr.h"


/* ---- current_thread_info() everywhere ---- */

struct whoami {
	struct task_struct *self, *cur, *running;
	struct thread_info *ti;
	unsigned long sp;
};

static int whoami_fn(void *arg)
{
	struct whoami *w = arg;

	yield();                           /* be switched at least once first */
	w->ti = current_thread_info();
	w->cur = current;
	w->running = sched_running_task();
	w->sp = current_stack_pointer();
	return 7;
}

static void current_thread_info_in_every_thread(struct ktest *t)
{
	static struct whoami w[4];
	struct task_struct *th[4];

	for (int i = 0; i < 4; i++) {
		th[i] = kthread_run(whoami_fn, &w[i], "whoami");
		KASSERT_TRUE(t, th[i] != NULL);
		w[i].self = th[i];
	}
	for (int i = 0; i < 4; i++) {
		struct thread_info *stack = th[i]->stack;
		KEXPECT_EQ(t, kthread_join(th[i]), 7);
		KEXPECT_TRUE(t, w[i].ti == stack);
		KEXPECT_TRUE(t, w[i].cur == w[i].self);
		KEXPECT_TRUE(t, w[i].running == w[i].self);
		KEXPECT_TRUE(t, w[i].sp > (unsigned long)stack &&
				w[i].sp < (unsigned long)stack + THREAD_SIZE);
		KEXPECT_EQ(t, (unsigned long)stack % THREAD_SIZE, 0);
	}
	KEXPECT_TRUE(t, current == &boot_task);
}

/* ---- inside the timer interrupt ---- */

static volatile int tick_samples;
static volatile int tick_bad_ti, tick_no_hardirq;

static void tick_probe(struct pt_regs *regs)
{
	(void)regs;
	tick_samples++;
	if (current_thread_info()->task != sched_running_task())
		tick_bad_ti++;
	if (!(preempt_count() & HARDIRQ_MASK) || !in_interrupt())
		tick_no_hardirq++;
}

static int spinner_fn(void *arg)
{
	volatile unsigned long *counter = arg;
	while (counter[1] == 0)        /* counter[1]: stop flag */
		counter[0]++;
	return 0;
}

static void current_thread_info_and_hardirq_in_timer(struct ktest *t)
{
	static volatile unsigned long spin[2];
	struct task_struct *th;

	spin[0] = spin[1] = 0;
	tick_samples = tick_bad_ti = tick_no_hardirq = 0;
	th = kthread_run(spinner_fn, (void *)spin, "spinner");
	KASSERT_TRUE(t, th != NULL);
	timer_tick_hook = tick_probe;
	spin_ticks(3 * SCHED_SLICE);       /* ticks land in this thread and the spinner */
	timer_tick_hook = NULL;
	spin[1] = 1;
	kthread_join(th);
	KEXPECT_GE(t, tick_samples, 3 * SCHED_SLICE);
	KEXPECT_EQ(t, tick_bad_ti, 0);
	KEXPECT_EQ(t, tick_no_hardirq, 0);
	KEXPECT_EQ(t, preempt_count(), 0);  /* and the count is back out of the handler */
	KEXPECT_GT(t, spin[0], 0);
}

/* ---- preemption ---- */

static void cpu_bound_threads_both_progress(struct ktest *t)
{
	static volatile unsigned long a[2], b[2];
	struct task_struct *ta, *tb;

	a[0] = a[1] = b[0] = b[1] = 0;
	ta = kthread_run(spinner_fn, (void *)a, "spin-a");
	tb = kthread_run(spinner_fn, (void *)b, "spin-b");
	KASSERT_TRUE(t, ta && tb);
	/* Sleep: only the two spinners are runnable, and neither ever yields. */
	schedule_timeout(6 * SCHED_SLICE);
	a[1] = b[1] = 1;
	unsigned long a_pre = ta->nivcsw, b_pre = tb->nivcsw;
	kthread_join(ta);
	kthread_join(tb);
	KEXPECT_GT(t, a[0], 0);
	KEXPECT_GT(t, b[0], 0);
	KEXPECT_GE(t, a_pre, 2);            /* each was preempted, repeatedly */
	KEXPECT_GE(t, b_pre, 2);
}

static void preempt_disable_holds_off_the_switch(struct ktest *t)
{
	static volatile unsigned long other[2];
	struct task_struct *th;

	other[0] = other[1] = 0;
	th = kthread_run(spinner_fn, (void *)other, "other");
	KASSERT_TRUE(t, th != NULL);
	yield();                             /* let it start: it is now runnable */
	unsigned long switches = boot_task.nivcsw;

	preempt_disable();
	unsigned long seen = other[0];
	spin_ticks(SCHED_SLICE + 3);         /* the slice expires inside the section */
	bool pending = need_resched();
	unsigned long seen_after = other[0];
	unsigned long switches_inside = boot_task.nivcsw;
	preempt_enable();                    /* the pending switch happens right here */
	unsigned long switches_after = boot_task.nivcsw;

	other[1] = 1;
	kthread_join(th);
	KEXPECT_TRUE(t, pending);
	KEXPECT_EQ(t, seen_after, seen);     /* the other thread never ran meanwhile */
	KEXPECT_EQ(t, switches_inside, switches);
	KEXPECT_EQ(t, switches_after, switches + 1);
	KEXPECT_GT(t, other[0], seen);       /* and it did run once we let go */
}

static int yielder_fn(void *arg)
{
	volatile unsigned long *counter = arg;
	while (counter[1] == 0) {
		counter[0]++;
		yield();
	}
	return 0;
}

/* Starts a thread that counts in other[0] and yields until other[1] is set, and lets it
 * run once: it is then runnable, so a pending reschedule has somewhere to go. */
static struct task_struct *start_yielder(volatile unsigned long *other)
{
	struct task_struct *th;

	other[0] = other[1] = 0;
	th = kthread_run(yielder_fn, (void *)other, "other");
	if (th)
		yield();
	return th;
}

static void preempt_enable_no_resched_does_not_switch(struct ktest *t)
{
	static volatile unsigned long other[2];
	struct task_struct *th = start_yielder(other);

	KASSERT_TRUE(t, th != NULL);
	unsigned long switches = boot_task.nivcsw;

	preempt_disable();
	spin_ticks(SCHED_SLICE + 3);         /* the slice runs out: a switch is pending */
	/* Keep the timer from preempting between the checks, but leave IF on: with IF
	 * off even a preempt_enable() would not switch, and this test could not fail. */
	pic_mask(0);
	preempt_enable_no_resched();
	bool still_pending = need_resched();
	unsigned long switches_after = boot_task.nivcsw;
	pic_unmask(0);                       /* the next tick will preempt */

	other[1] = 1;
	kthread_join(th);
	KEXPECT_TRUE(t, still_pending);
	KEXPECT_EQ(t, switches_after, switches);
}

/*
 * The IF rule on interrupt exit: a (software) timer interrupt taken with IF=0 must not
 * switch threads even with a reschedule pending and preempt_count 0; with IF=1 it must.
 */
static void no_preemption_from_an_irqs_off_context(struct ktest *t)
{
	static volatile unsigned long other[2];
	struct task_struct *th = start_yielder(other);

	KASSERT_TRUE(t, th != NULL);

	preempt_disable();
	spin_ticks(SCHED_SLICE + 3);
	local_irq_disable();
	preempt_enable_no_resched();         /* count 0, reschedule pending, IF=0 */
	unsigned long before = boot_task.nivcsw;
	__asm__ volatile("int %0" : : "i"(IRQ_BASE_VECTOR) : "memory");   /* IRQ 0, by hand */
	unsigned long after_irqs_off = boot_task.nivcsw;
	bool pending = need_resched();
	local_irq_enable();
	set_tsk_need_resched(current);
	__asm__ volatile("int %0" : : "i"(IRQ_BASE_VECTOR) : "memory");
	unsigned long after_irqs_on = boot_task.nivcsw;

	other[1] = 1;
	kthread_join(th);
	KEXPECT_TRUE(t, pending);
	KEXPECT_EQ(t, after_irqs_off, before);
	KEXPECT_EQ(t, after_irqs_on, before + 1);
}

static void preempt_count_nesting_returns_to_zero(struct ktest *t)
{
	KEXPECT_EQ(t, preempt_count(), 0);
	preempt_disable();
	preempt_disable();
	preempt_disable();
	KEXPECT_EQ(t, preempt_count(), 3);
	KEXPECT_FALSE(t, preemptible());
	preempt_enable();
	preempt_enable_no_resched();
	KEXPECT_EQ(t, preempt_count(), 1);
	preempt_enable();
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_FALSE(t, in_interrupt());
}

static int leak_preempt_fn(void *arg)
{
	(void)arg;
	preempt_disable();
	return 0;
}

static void preempt_imbalance_reported(struct ktest *t)
{
	struct task_struct *th;

	/* A thread exiting with preemption still off. */
	KEXPECT_REPORTS(t, "BUG", 1, {
		th = kthread_run(leak_preempt_fn, NULL, "leaker");
		KASSERT_TRUE(t, th != NULL);
		kthread_join(th);
	});
	/* schedule() from inside a preempt_disable() section. */
	KEXPECT_REPORTS(t, "BUG", 1, {
		preempt_disable();
		schedule();
		preempt_enable();
	});
}

/* ---- lifecycle ---- */

static int double_fn(void *arg)
{
	yield();
	return 2 * (int)(unsigned long)arg;
}

static void hundred_threads_no_leak(struct ktest *t)
{
	static struct task_struct *th[100];
	unsigned long free_before = nr_free_pages();
	unsigned threads_before = nr_threads();
	int bad = 0;

	for (int i = 0; i < 100; i++) {
		th[i] = kthread_run(double_fn, (void *)(unsigned long)i, "worker");
		KASSERT_TRUE(t, th[i] != NULL);
	}
	KEXPECT_EQ(t, nr_threads(), threads_before + 100);
	for (int i = 0; i < 100; i++)
		bad += kthread_join(th[i]) != 2 * i;
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, nr_threads(), threads_before);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

static int sleeper_fn(void *arg)
{
	unsigned long start = jiffies;
	schedule_timeout((unsigned long)arg);
	return (int)(jiffies - start);
}

static void sleeping_thread_wakes_after_its_ticks(struct ktest *t)
{
	struct task_struct *th = kthread_run(sleeper_fn, (void *)5UL, "sleeper");

	KASSERT_TRUE(t, th != NULL);
	yield();
	KEXPECT_EQ(t, th->state, TASK_SLEEPING);
	int slept = kthread_join(th);
	KEXPECT_GE(t, slept, 5);
	KEXPECT_LE(t, slept, 5 + SCHED_SLICE);   /* woken promptly, not a slice late */

	unsigned long start = jiffies;      /* and the boot thread sleeps too */
	schedule_timeout(3);
	KEXPECT_GE(t, jiffies - start, 3);
}

static int stack_user_fn(void *arg)
{
	volatile u8 buf[1024];

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i | 1);
	(void)arg;
	return buf[10];
}

static void stack_high_water_mark(struct ktest *t)
{
	struct task_struct *th = kthread_create(stack_user_fn, NULL, "stackuser");

	KASSERT_TRUE(t, th != NULL);
	unsigned long fresh = stack_high_water(th);
	wake_up_process(th);
	while (th->state != TASK_DEAD)
		yield();
	unsigned long used = stack_high_water(th);
	kthread_join(th);
	KEXPECT_LE(t, fresh, 32);            /* only switch_to's initial frame */
	KEXPECT_GE(t, used, 1024);
	KEXPECT_LT(t, used, THREAD_SIZE);
	show_threads();
}

/* ---- the guard above a thread's stack ---- */

static const u8 load_eax_from_eax[] = { 0x8b, 0x00 };

/* Runs in the thread: the hook was armed by the test thread (asserts stay there). */
static int over_read_fn(void *arg)
{
	unsigned long top = stack_top(current_thread_info());
	volatile bool *go = arg;

	while (!*go)
		yield();
	__asm__ volatile(".byte 0x8b, 0x00" : "+a"(top) : : "memory");
	return trap_hook.hits;
}

static void over_read_past_thread_stack_faults(struct ktest *t)
{
	static volatile bool go;
	struct task_struct *th;

	go = false;
	th = kthread_run(over_read_fn, (void *)&go, "overread");
	KASSERT_TRUE(t, th != NULL);
	unsigned long top = stack_top(th->stack);
	/* While the thread lives: nothing mapped right above its top or below its base. */
	KEXPECT_FALSE(t, page_mapped(top));
	KEXPECT_FALSE(t, page_mapped(stack_base(th->stack) - 1));
	KEXPECT_TRUE(t, page_mapped(top - 1));
	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_eax_from_eax, sizeof(load_eax_from_eax));
	go = true;
	int hits = kthread_join(th);
	trap_hook_disarm();
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, trap_hook.addr, top);
}

static const struct ktest_case sched_cases[] = {
	KTEST_CASE(current_thread_info_in_every_thread),
	KTEST_CASE(current_thread_info_and_hardirq_in_timer),
	KTEST_CASE(cpu_bound_threads_both_progress),
	KTEST_CASE(preempt_disable_holds_off_the_switch),
	KTEST_CASE(preempt_enable_no_resched_does_not_switch),
	KTEST_CASE(no_preemption_from_an_irqs_off_context),
	KTEST_CASE(preempt_count_nesting_returns_to_zero),
	KTEST_CASE(preempt_imbalance_reported),
	KTEST_CASE(hundred_threads_no_leak),
	KTEST_CASE(sleeping_thread_wakes_after_its_ticks),
	KTEST_CASE(stack_high_water_mark),
	KTEST_CASE(over_read_past_thread_stack_faults),
	KTEST_END,
};
KTEST_SUITE(sched_suite, "sched", sched_cases);
