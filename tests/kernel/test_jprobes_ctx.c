// SPDX-License-Identifier: MIT
/*
 * jprobes and their stack: Andi Kleen's questions on MIN_STACK_SIZE as tests, and
 * jprobes in threads, in the timer interrupt, and against concurrent registration.
 */
#include "jprobe_targets.h"
#include "jprobes.h"
#include "ktest.h"
#include "ktest_helpers.h"
#include "mm.h"
#include "preempt.h"
#include "processor.h"
#include "sched.h"
#include "timer.h"
#include "user_probes.h"

/*
 * int call_on_stack(unsigned long entry_esp, int (*fn)(int x6), const int args[6])
 * Calls fn(args[0..5]) so that fn starts with esp == entry_esp: the arguments sit at
 * entry_esp + 4 ... + 24. Lets a test put a function's frame exactly where it wants in
 * the current thread's stack (below the current esp).
 */
__asm__(".pushsection .text\n"
	".globl call_on_stack\n.type call_on_stack, @function\n"
	"call_on_stack:\n"
	"	push %ebp\n mov %esp, %ebp\n push %esi\n"
	"	mov 8(%ebp), %eax\n mov 12(%ebp), %ecx\n mov 16(%ebp), %edx\n"
	"	lea 28(%eax), %esp\n"            /* after six pushes and the call: entry_esp */
	"	pushl 20(%edx)\n pushl 16(%edx)\n pushl 12(%edx)\n"
	"	pushl 8(%edx)\n pushl 4(%edx)\n pushl 0(%edx)\n"
	"	call *%ecx\n"
	"	lea -4(%ebp), %esp\n pop %esi\n pop %ebp\n ret\n"
	".size call_on_stack, . - call_on_stack\n"
	".popsection\n");
int call_on_stack(unsigned long entry_esp, int (*fn)(int, int, int, int, int, int),
		  const int args[6]);

static volatile unsigned long seen_esp;
static volatile int seen_hits, seen_clobbered;

static int j_clobber6(int a, int b, int c, int d, int e, int f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;   /* reached through &a */
	seen_hits++;
	seen_esp = (unsigned long)&a - 4;
	jp_overwrite_args(&a, 6, -1);
	seen_clobbered = jp_sum_ints(&a, 6);     /* -6 if the writes landed */
	jprobe_return();
}

/* ---- a hit within 64 bytes of the stack top ---- */

__noipa int jp_thread_body(void *arg)
{
	return (int)(unsigned long)arg + 1;
}

static int j_thread_body(void *arg)
{
	seen_hits++;
	seen_esp = (unsigned long)&arg - 4;
	jprobe_return();
}

static void hit_near_stack_top_copies_only_to_the_top(struct ktest *t)
{
	skip_if_probed(t, jp_thread_body);
	static struct jprobe jp;
	struct task_struct *th;

	seen_hits = 0;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_thread_body,
			      .entry = j_thread_body };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	/* A thread whose first function is the probed one: its entry esp is a few words
	 * below the stack top, and the page above the top is unmapped. Copying 64 bytes
	 * would fault there (an oops inside the int3 handler); the thread bound stops at
	 * the top. */
	th = kthread_run((int (*)(void *))jp_thread_body, (void *)41UL, "jp-top");
	KASSERT_TRUE(t, th != NULL);
	unsigned long top = stack_top(th->stack);
	int r = kthread_join(th);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, seen_hits, 1);
	KEXPECT_LT(t, top - seen_esp, MAX_STACK_SIZE);  /* the case the bound is for */
	KEXPECT_FALSE(t, page_mapped(top));               /* and the guard is real */
	ktest_info(t, "entry esp %lu bytes below the top of a %d-byte stack", top - seen_esp,
		   THREAD_SIZE);
}

/* ---- a hit in the lower page of an 8K stack, just below the page boundary ---- */

static int lower_page_fn(void *arg)
{
	static const int args[6] = { 1, 2, 3, 4, 5, 6 };
	unsigned long boundary = stack_base(current_thread_info()) + PAGE_SIZE;

	(void)arg;
	/* Entry esp 16 bytes below the boundary: the return address and three arguments
	 * lie below it, the last three above it, in the upper page. */
	return call_on_stack(boundary - 16, jp_sum6, args);
}

static void lower_page_args_survive(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	static struct jprobe jp;
	struct task_struct *th;

	if (THREAD_SIZE != 2 * PAGE_SIZE)
		ktest_skip(t, "needs an 8K stack (a 4K stack is one page: both bounds agree)");
	seen_hits = 0;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .entry = j_clobber6 };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	th = kthread_run(lower_page_fn, NULL, "jp-lower");
	KASSERT_TRUE(t, th != NULL);
	unsigned long boundary = stack_base(th->stack) + PAGE_SIZE;
	int r = kthread_join(th);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, seen_hits, 1);
	KEXPECT_EQ(t, boundary - seen_esp, 16);
	KEXPECT_EQ(t, seen_clobbered, -6);
	/* jp_sum6(1..6) = 91. With the page-bound macro only the 16 bytes below the
	 * boundary are saved: arguments 4-6 stay clobbered (-1) and the sum comes out
	 * 1 + 4 + 9 - 4 - 5 - 6 = -1. */
	KEXPECT_EQ(t, r, 91);
}

/* ---- in the timer interrupt, in preempted threads, against registration ---- */

static volatile unsigned long tick_calls, tick_hits, tick_bad;

static int j_tick(int x)
{
	tick_hits++;
	if (x != (int)tick_calls || !in_irq())
		tick_bad++;
	jprobe_return();
}

static void call_from_tick(struct pt_regs *regs)
{
	(void)regs;
	tick_calls = (unsigned long)jp_tick((int)tick_calls);
}

static void jprobe_in_timer_interrupt(struct ktest *t)
{
	skip_if_probed(t, jp_tick);
	static struct jprobe jp;

	tick_calls = tick_hits = tick_bad = 0;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_tick, .entry = j_tick };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	timer_tick_hook = call_from_tick;
	spin_ticks(20);
	timer_tick_hook = NULL;
	unregister_jprobe(&jp);
	KEXPECT_GE(t, tick_calls, 20);
	KEXPECT_EQ(t, tick_hits, tick_calls);
	KEXPECT_EQ(t, tick_bad, 0);
}

#define JP_THREADS 4
#define JP_CALLS   25000

static volatile unsigned long jp_hits, jp_bad_args;

static int j_check6(int a, int b, int c, int d, int e, int f)
{
	jp_hits++;
	if (b != a + 1 || c != a + 2 || d != a + 3 || e != a + 4 || f != a + 5)
		jp_bad_args++;
	jprobe_return();
}

static int jp_load_fn(void *arg)
{
	unsigned long *wrong = arg;

	for (int i = 0; i < JP_CALLS; i++)
		if (jp_sum6(i, i + 1, i + 2, i + 3, i + 4, i + 5) != 21 * i + 70)
			(*wrong)++;
	return preempt_count();
}

static void jprobes_in_preempted_threads(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	static struct jprobe jp;
	static unsigned long wrong[JP_THREADS];
	struct task_struct *th[JP_THREADS];
	unsigned long bad = 0;
	int counts = 0;

	jp_hits = jp_bad_args = 0;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .entry = j_check6 };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	for (int i = 0; i < JP_THREADS; i++) {
		wrong[i] = 0;
		th[i] = kthread_run(jp_load_fn, &wrong[i], "jp-load");
		KASSERT_TRUE(t, th[i] != NULL);
	}
	for (int i = 0; i < JP_THREADS; i++) {
		counts += kthread_join(th[i]);          /* each returns its preempt_count */
		bad += wrong[i];
	}
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, jp_hits, JP_THREADS * JP_CALLS);
	KEXPECT_EQ(t, jp_bad_args, 0);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, counts, 0);
	KEXPECT_EQ(t, jp.kp.nmissed, 0);
}

static volatile bool race_stop;

static int race_caller(void *arg)
{
	unsigned long *wrong = arg;

	for (int i = 0; !race_stop; i++) {
		if (jp_sum6(i, i + 1, i + 2, i + 3, i + 4, i + 5) != 21 * i + 70)
			(*wrong)++;
		if ((i & 511) == 0)
			yield();
	}
	return 0;
}

static void register_unregister_while_hit(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	static struct jprobe jp;
	static unsigned long wrong[2];
	struct task_struct *c[2];
	int failures = 0;

	race_stop = false;
	jp_hits = jp_bad_args = 0;
	wrong[0] = wrong[1] = 0;
	for (int i = 0; i < 2; i++) {
		c[i] = kthread_run(race_caller, &wrong[i], "jp-caller");
		KASSERT_TRUE(t, c[i] != NULL);
	}
	for (int n = 0; n < 50; n++) {
		jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .entry = j_check6 };
		failures += register_jprobe(&jp) != 0;
		schedule_timeout(1);
		unregister_jprobe(&jp);
	}
	race_stop = true;
	kthread_join(c[0]);
	kthread_join(c[1]);
	KEXPECT_EQ(t, failures, 0);
	KEXPECT_EQ(t, wrong[0] + wrong[1], 0);
	KEXPECT_EQ(t, jp_bad_args, 0);
	KEXPECT_GT(t, jp_hits, 0);
}

static const struct ktest_case jprobes_stack_cases[] = {
	KTEST_CASE(hit_near_stack_top_copies_only_to_the_top),
	KTEST_CASE(lower_page_args_survive),
	KTEST_END,
};
KTEST_SUITE(jprobes_stack_suite, "jprobes_stack", jprobes_stack_cases);

static const struct ktest_case jprobes_ctx_cases[] = {
	KTEST_CASE(jprobe_in_timer_interrupt),
	KTEST_CASE(jprobes_in_preempted_threads),
	KTEST_CASE(register_unregister_while_hit),
	KTEST_END,
};
KTEST_SUITE(jprobes_ctx_suite, "jprobes_ctx", jprobes_ctx_cases);
