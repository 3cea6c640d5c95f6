// SPDX-License-Identifier: MIT
/*
 * jprobes: the handler sees the caller's arguments (0 to 6, mixed types, a struct by
 * value); the probed function still gets them even when the handler overwrites its own
 * argument slots or tail-calls (Linus's point); registration rules; Andi's preempt
 * question. Stack bounds, threads and interrupts: tests/kernel/test_jprobes_ctx.c.
 */
#include "errno.h"
#include "irqflags.h"
#include "jprobe_targets.h"
#include "jprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "sched.h"
#include "string.h"
#include "timer.h"
#include "user_probes.h"

static struct {
	int hits;
	char c;
	short s;
	int i;
	long long ll;
	const int *p;
	struct small sm;
	int preempt;
	bool irqs_on, running;
} rec;

static int j_f0(void)
{
	rec.hits++;
	rec.preempt = preempt_count();
	rec.irqs_on = !irqs_disabled();
	rec.running = kprobe_running();
	jprobe_return();
}

static int j_f1(char c)
{
	rec.hits++;
	rec.c = c;
	jprobe_return();
}

static int j_f2(char c, short s)
{
	rec.hits++;
	rec.c = c;
	rec.s = s;
	jprobe_return();
}

static int j_f3(char c, short s, int i)
{
	rec.hits++;
	rec.c = c;
	rec.s = s;
	rec.i = i;
	jprobe_return();
}

static int j_f4(char c, short s, int i, long long ll)
{
	rec.hits++;
	rec.c = c;
	rec.s = s;
	rec.i = i;
	rec.ll = ll;
	jprobe_return();
}

static int j_f5(char c, short s, int i, long long ll, const int *p)
{
	rec.hits++;
	rec.c = c;
	rec.s = s;
	rec.i = i;
	rec.ll = ll;
	rec.p = p;
	jprobe_return();
}

static int j_f6(char c, short s, int i, long long ll, const int *p, struct small sm)
{
	rec.hits++;
	rec.c = c;
	rec.s = s;
	rec.i = i;
	rec.ll = ll;
	rec.p = p;
	rec.sm = sm;
	jprobe_return();
}

/* Registers jp on fn with handler h, runs call, unregisters; asserts registration.
 * Skips the case instead if a probe placed before the suite is on fn. */
#define WITH_JPROBE(t, fn, h, call)                                                  \
	do {                                                                         \
		static struct jprobe jp_;                                            \
		skip_if_probed(t, fn);                                               \
		jp_ = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)(fn), .entry = (h) }; \
		KASSERT_EQ(t, register_jprobe(&jp_), 0);                             \
		call;                                                                \
		unregister_jprobe(&jp_);                                             \
	} while (0)

static const int pointee = 77;

static void arguments_zero_to_six(struct ktest *t)
{
	const char c = -5;
	const short s = -1234;
	const int i = 0x12345678;
	const long long ll = -0x123456789abLL;
	const struct small sm = { -3, 'z', 99999 };
	const void *const targets[] = { jp_f0, jp_f1, jp_f2, jp_f3, jp_f4, jp_f5, jp_f6 };
	int r;

	for (unsigned n = 0; n < ARRAY_SIZE(targets); n++)
		skip_if_probed(t, targets[n]);      /* all up front: skip before any hit */
	memset(&rec, 0, sizeof(rec));
	WITH_JPROBE(t, jp_f0, j_f0, r = jp_f0());
	KEXPECT_EQ(t, r, 1000);
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.preempt, 1);          /* the hit holds preemption off ... */
	KEXPECT_FALSE(t, rec.irqs_on);          /* ... and interrupts */
	KEXPECT_TRUE(t, rec.running);

	WITH_JPROBE(t, jp_f1, j_f1, r = jp_f1(c));
	KEXPECT_EQ(t, rec.c, c);
	KEXPECT_EQ(t, r, c * 3);
	WITH_JPROBE(t, jp_f2, j_f2, r = jp_f2(c, s));
	KEXPECT_EQ(t, rec.s, s);
	KEXPECT_EQ(t, r, c * 3 + s * 5);
	WITH_JPROBE(t, jp_f3, j_f3, r = jp_f3(c, s, i));
	KEXPECT_EQ(t, rec.i, i);
	KEXPECT_EQ(t, r, jp_f3(c, s, i));
	WITH_JPROBE(t, jp_f4, j_f4, r = jp_f4(c, s, i, ll));
	KEXPECT_EQ(t, rec.ll, ll);
	KEXPECT_EQ(t, r, jp_f4(c, s, i, ll));
	WITH_JPROBE(t, jp_f5, j_f5, r = jp_f5(c, s, i, ll, &pointee));
	KEXPECT_TRUE(t, rec.p == &pointee);
	KEXPECT_EQ(t, r, jp_f5(c, s, i, ll, &pointee));
	memset(&rec, 0, sizeof(rec));
	WITH_JPROBE(t, jp_f6, j_f6, r = jp_f6(c, s, i, ll, &pointee, sm));
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.c, c);
	KEXPECT_EQ(t, rec.s, s);
	KEXPECT_EQ(t, rec.i, i);
	KEXPECT_EQ(t, rec.ll, ll);
	KEXPECT_TRUE(t, rec.p == &pointee);
	KEXPECT_EQ(t, rec.sm.a, sm.a);
	KEXPECT_EQ(t, rec.sm.b, sm.b);
	KEXPECT_EQ(t, rec.sm.c, sm.c);
	KEXPECT_EQ(t, r, jp_f6(c, s, i, ll, &pointee, sm));
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_FALSE(t, irqs_disabled());
}

/* The handler owns "its" argument slots -- which are the probed function's. */
static int j_clobber(int a, int b, int c, int d, int e, int f)
{
	rec.hits++;
	rec.i = a + b + c + d + e + f;
	jp_overwrite_args(&a, 6, 0);            /* a..f are consecutive stack slots */
	rec.ll = jp_sum_ints(&a, 6);             /* reads the slots back: all zero now */
	jprobe_return();
}

static void handler_overwrites_its_argument_slots(struct ktest *t)
{
	int r;

	memset(&rec, 0, sizeof(rec));
	WITH_JPROBE(t, jp_sum6, j_clobber, r = jp_sum6(1, 2, 3, 4, 5, 6));
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.i, 21);
	KEXPECT_EQ(t, rec.ll, 0);                /* the handler really overwrote them */
	KEXPECT_EQ(t, r, 1 + 4 + 9 + 16 + 25 + 36);
}

/*
 * Linus's point: at -O2 gcc turns "return g(f, e, d, c, b, a)" into a sibling call,
 * rewriting the six argument slots in place and jumping to g. Here g ends the handler.
 * (objdump -d on the kernel shows j_tail as the argument shuffle and a jmp.)
 */
__noipa int j_tail_end(int a, int b, int c, int d, int e, int f)
{
	rec.hits++;
	rec.i = a * 100000 + b * 10000 + c * 1000 + d * 100 + e * 10 + f;
	jprobe_return();
}

static int j_tail(int a, int b, int c, int d, int e, int f)
{
	return j_tail_end(f, e, d, c, b, a);
}

static void handler_tail_call_keeps_arguments(struct ktest *t)
{
	int r;

	memset(&rec, 0, sizeof(rec));
	WITH_JPROBE(t, jp_sum6, j_tail, r = jp_sum6(1, 2, 3, 4, 5, 6));
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.i, 654321);           /* the tail call saw them reversed */
	KEXPECT_EQ(t, r, 91);                   /* the probed function did not */
}

static void registration_rules(struct ktest *t)
{
	struct jprobe jp = { .kp.addr = (kprobe_opcode_t *)((unsigned long)jp_sum6 + 1),
			     .entry = j_clobber };
	struct jprobe jp2 = { .kp.symbol_name = "jp_sum6", .entry = j_clobber };
	struct kprobe kp = { .symbol_name = "jp_sum6" };

	skip_if_probed(t, jp_sum6);
	u8 orig = *(u8 *)jp_sum6;

	KEXPECT_EQ(t, register_jprobe(&jp), -EINVAL);            /* not a function entry */
	KEXPECT_EQ(t, register_jprobe(NULL), -EINVAL);
	jp = (struct jprobe){ .kp.symbol_name = "jp_sum6" };
	KEXPECT_EQ(t, register_jprobe(&jp), -EINVAL);            /* no handler */
	jp = (struct jprobe){ .kp.symbol_name = "no_such_fn", .entry = j_clobber };
	KEXPECT_EQ(t, register_jprobe(&jp), -ENOENT);
	KEXPECT_EQ(t, *(u8 *)jp_sum6, orig);                     /* nothing armed */
	/* A kprobe and a jprobe share an address (an aggregate); a second jprobe there is
	 * refused, and left as it was (kprobe_aggr has the rest). */
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_EQ(t, register_jprobe(&jp2), 0);
	jp = (struct jprobe){ .kp.symbol_name = "jp_sum6", .entry = j_clobber };
	KEXPECT_EQ(t, register_jprobe(&jp), -EEXIST);
	KEXPECT_TRUE(t, jp.kp.symbol_name && !jp.kp.addr && !jp.kp.pre_handler);
	unregister_jprobe(&jp2);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, *(u8 *)jp_sum6, orig);
}

/* ---- Andi's preempt question ---- */

static volatile unsigned long spin_per_tick;
static volatile unsigned long jiffies_in, jiffies_out, other_in, other_out;
static volatile unsigned long *other_counter;

static int j_spin(int x)
{
	rec.hits++;
	rec.preempt = preempt_count();
	rec.irqs_on = !irqs_disabled();
	jiffies_in = jiffies;
	other_in = other_counter[0];
	for (volatile unsigned long n = 0; n < 4 * spin_per_tick; n++)
		;                                 /* over three timer periods, IF=0 */
	jiffies_out = jiffies;
	other_out = other_counter[0];
	(void)x;
	jprobe_return();
}

static int spin_other(void *arg)
{
	volatile unsigned long *c = arg;
	while (!c[1])
		c[0]++;
	return 0;
}

static void handler_spanning_ticks_is_never_switched(struct ktest *t)
{
	static volatile unsigned long other[2];
	unsigned long start, n = 0;
	struct task_struct *th;

	skip_if_probed(t, jp_tick);     /* before the thread: a skip must not strand it */
	/* How long is a tick in loop iterations? */
	start = jiffies;
	while (jiffies == start)
		;
	start = jiffies;
	while (jiffies == start)
		n++;
	spin_per_tick = n;

	other[0] = other[1] = 0;
	other_counter = other;
	th = kthread_run(spin_other, (void *)other, "other");
	KASSERT_TRUE(t, th != NULL);
	yield();
	memset(&rec, 0, sizeof(rec));
	int r;
	WITH_JPROBE(t, jp_tick, j_spin, r = jp_tick(41));
	other[1] = 1;
	kthread_join(th);

	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.preempt, 1);
	KEXPECT_FALSE(t, rec.irqs_on);
	KEXPECT_EQ(t, jiffies_out, jiffies_in);   /* not one interrupt got in */
	KEXPECT_EQ(t, other_out, other_in);       /* nor did the other thread */
	KEXPECT_EQ(t, preempt_count(), 0);        /* every count back where it was */
	KEXPECT_FALSE(t, irqs_disabled());
	KEXPECT_FALSE(t, kprobe_running());
	ktest_info(t, "handler spun %lu iterations (%lu per tick) with IF=0",
		   4 * spin_per_tick, spin_per_tick);
}

static const struct ktest_case jprobes_cases[] = {
	KTEST_CASE(arguments_zero_to_six),
	KTEST_CASE(handler_overwrites_its_argument_slots),
	KTEST_CASE(handler_tail_call_keeps_arguments),
	KTEST_CASE(registration_rules),
	KTEST_CASE(handler_spanning_ticks_is_never_switched),
	KTEST_END,
};
KTEST_SUITE(jprobes_suite, "jprobes", jprobes_cases);
