// SPDX-License-Identifier: MIT
/*
 * Putting a jmp in and taking it out (kernel/optprobe.c): relative branches in the region
 * relocated into the detour buffer, the order of the pokes (Linux's text_poke_bp), cycles
 * that must leave the text and the buffers as they found them, and the switch
 * (kprobes_set_optimization). The targets are tests/kernel/optprobe_targets.c's.
 */
#include "optprobes.h"
#include "optprobe_targets.h"
#include "sched.h"
#include "string.h"
#include "user_probes.h"

/* A pre-only probe on a region holding a branch: optimized, and fn gives what it gives
 * unprobed with the branch taken (arg 0) and not taken (arg 5). */
static void branch_case(struct ktest *t, const void *addr, optr_fn fn)
{
	struct optr_probe o;
	struct optr_text text;
	int taken = fn(0), not_taken = fn(5);

	optr_need_optimization(t);
	optr_text_take(t, addr, &text);
	optr_probe_init(&o, addr);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	optr_check_jmp(t, &o, fn, 0, taken);
	optr_check_jmp(t, &o, fn, 5, not_taken);
	unregister_kprobe(&o.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

/* test; jz rel8; jmp rel8 in one region: both branches relocated to rel32 in the buffer. */
static void rel8_jz_and_jmp_are_relocated(struct ktest *t)
{
	branch_case(t, optr_br8_p, optr_br8);
}

/* jz rel32 and jmp rel32, each a region of its own. */
static void rel32_jz_and_jmp_are_relocated(struct ktest *t)
{
	branch_case(t, optr_br32_jz, optr_br32);
	branch_case(t, optr_br32_jmp, optr_br32);
}

/* Set when other probes' pokes pushed ours out of the log: the case then skips. */
static bool log_wrapped;

/*
 * The pokes at addr's jmp (addr and addr + 1) since the log stood at n, oldest first, into
 * out[2]; how many there were, or -1 if the log has wrapped since n. Other probes' pokes
 * (a user's probes: the switch changes them all) are passed over.
 */
static int pokes_at(unsigned long addr, unsigned n, struct optprobe_poke out[2])
{
	int got = 0;

	if (optprobe_npokes - n > OPTPROBE_POKE_LOG) {
		log_wrapped = true;
		return -1;
	}
	for (unsigned i = n; i != optprobe_npokes; i++) {
		const struct optprobe_poke *pk = &optprobe_pokes[i % OPTPROBE_POKE_LOG];

		if (pk->addr != addr && pk->addr != addr + 1)
			continue;
		if (got < 2)
			out[got] = *pk;
		got++;
	}
	return got;
}

/* Since n, two pokes of a jmp going in at addr: bytes 1-4 (rel32) first, then byte 0. */
static void expect_jmp_in_order(struct ktest *t, unsigned long addr, unsigned n)
{
	struct optprobe_poke pk[2];
	int got = pokes_at(addr, n, pk);

	if (got < 0)
		return;
	KEXPECT_EQ(t, got, 2);
	if (got < 2)
		return;
	KEXPECT_EQ(t, pk[0].addr, addr + 1);
	KEXPECT_EQ(t, pk[0].len, 4);
	KEXPECT_EQ(t, pk[0].first, optr_byte((const u8 *)addr + 1));
	KEXPECT_EQ(t, pk[1].addr, addr);
	KEXPECT_EQ(t, pk[1].len, 1);
	KEXPECT_EQ(t, pk[1].first, 0xe9);
}

/* Since n, two pokes of the jmp coming out: byte 0 (int3) first, then the original 1-4. */
static void expect_jmp_out_order(struct ktest *t, unsigned long addr, unsigned n,
				 const u8 *orig)
{
	struct optprobe_poke pk[2];
	int got = pokes_at(addr, n, pk);

	if (got < 0)
		return;
	KEXPECT_EQ(t, got, 2);
	if (got < 2)
		return;
	KEXPECT_EQ(t, pk[0].addr, addr);
	KEXPECT_EQ(t, pk[0].len, 1);
	KEXPECT_EQ(t, pk[0].first, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, pk[1].addr, addr + 1);
	KEXPECT_EQ(t, pk[1].len, 4);
	KEXPECT_EQ(t, pk[1].first, orig[1]);
}

/*
 * text_poke_bp's order. With optimization off the probe is an int3 followed by the
 * original bytes 1-4; turning it on pokes bytes 1-4 while byte 0 is that int3, then
 * byte 0; turning it off pokes the int3 back first, then bytes 1-4. Registering and
 * unregistering with optimization on do the same.
 */
static void jmp_is_poked_int3_first(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;
	unsigned long addr = (unsigned long)optr_plain;
	u8 p[5];
	u32 rel;
	unsigned n;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(&o, optr_plain);
	log_wrapped = false;
	kprobes_set_optimization(false);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	optr_read(optr_plain, p, sizeof(p));
	KEXPECT_EQ(t, p[0], BREAKPOINT_INSTRUCTION);
	KEXPECT_TRUE(t, !memcmp(p + 1, text.bytes + 1, 4));
	n = optprobe_npokes;
	kprobes_set_optimization(true);
	KEXPECT_TRUE(t, kprobe_optimized(&o.kp));
	expect_jmp_in_order(t, addr, n);
	/* The rel32 reaches a detour buffer. */
	optr_read(optr_plain + 1, (u8 *)&rel, sizeof(rel));
	KEXPECT_TRUE(t, is_kprobe_optinsn_slot(addr + 5 + rel));

	n = optprobe_npokes;
	kprobes_set_optimization(false);
	expect_jmp_out_order(t, addr, n, text.bytes);
	optr_read(optr_plain, p, sizeof(p));
	KEXPECT_EQ(t, p[0], BREAKPOINT_INSTRUCTION);
	KEXPECT_TRUE(t, !memcmp(p + 1, text.bytes + 1, 4));
	kprobes_set_optimization(true);

	unregister_kprobe(&o.kp);
	n = optprobe_npokes;
	KEXPECT_EQ(t, register_kprobe(&o.kp), 0);
	KEXPECT_EQ(t, optprobe_npokes, n + 2);          /* its own pokes only */
	expect_jmp_in_order(t, addr, n);
	n = optprobe_npokes;
	unregister_kprobe(&o.kp);
	KEXPECT_EQ(t, optprobe_npokes, n + 2);
	expect_jmp_out_order(t, addr, n, text.bytes);
	KEXPECT_TRUE(t, optr_text_restored(&text));
	if (log_wrapped)
		ktest_skip(t, "other probes' pokes pushed this probe's out of the poke log");
}

#define CYCLES 50

/* 50 disables and enables: optimized every time it is enabled, the original byte 0 back
 * every time it is disabled, and at the end the text and the buffer count as before. */
static void enable_disable_cycles_leave_no_trace(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;
	unsigned slots, optimized = 0, bare = 0;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_settle();
	slots = kprobe_optinsn_slots_used();
	optr_probe_init(&o, optr_plain);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	for (int i = 0; i < CYCLES; i++) {
		KEXPECT_EQ(t, disable_kprobe(&o.kp), 0);
		bare += !kprobe_optimized(&o.kp) && optr_byte(optr_plain) == text.bytes[0];
		KEXPECT_EQ(t, enable_kprobe(&o.kp), 0);
		optimized += kprobe_optimized(&o.kp) && optr_byte(optr_plain) == 0xe9;
		KEXPECT_EQ(t, optr_plain(i), 2 * i + 7);
	}
	KEXPECT_EQ(t, o.pre, CYCLES);
	KEXPECT_EQ(t, optimized, CYCLES);
	KEXPECT_EQ(t, bare, CYCLES);
	unregister_kprobe(&o.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
	optr_settle();
	KEXPECT_EQ(t, kprobe_optinsn_slots_used(), slots);
}

/* 50 registrations and unregistrations: the same. */
static void register_cycles_leave_no_trace(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;
	unsigned slots, optimized = 0, same = 0;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_settle();
	slots = kprobe_optinsn_slots_used();
	optr_probe_init(&o, optr_plain);
	for (int i = 0; i < CYCLES; i++) {
		KASSERT_EQ(t, register_kprobe(&o.kp), 0);
		optimized += kprobe_optimized(&o.kp) && optr_byte(optr_plain) == 0xe9;
		KEXPECT_EQ(t, optr_plain(i), 2 * i + 7);
		unregister_kprobe(&o.kp);
		same += optr_text_restored(&text);
	}
	KEXPECT_EQ(t, o.pre, CYCLES);
	KEXPECT_EQ(t, optimized, CYCLES);
	KEXPECT_EQ(t, same, CYCLES);
	optr_settle();
	KEXPECT_EQ(t, kprobe_optinsn_slots_used(), slots);
}

/* The switch: off takes the jmp out (reason off, an int3 probe that works), on puts it
 * back. The harness checks the case leaves the switch as it found it. */
static void switch_unoptimizes_and_reoptimizes(struct ktest *t)
{
	struct optr_probe o;
	struct optr_text text;

	optr_need_optimization(t);
	optr_text_take(t, optr_plain, &text);
	optr_probe_init(&o, optr_plain);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	optr_check_jmp(t, &o, optr_plain, 1, 9);
	kprobes_set_optimization(false);
	KEXPECT_FALSE(t, kprobes_optimization_enabled());
	optr_check_int3(t, &o, optprobe_off, optr_plain, 2, 11);
	kprobes_set_optimization(true);
	optr_check_jmp(t, &o, optr_plain, 3, 13);
	unregister_kprobe(&o.kp);
	KEXPECT_TRUE(t, optr_text_restored(&text));
}

static int spinner(void *arg)
{
	(void)arg;
	return optr_spin(0);
}

#define SPIN_TRIES 40

/* Lets the spinner run until a tick preempts it, then registers o at P: true if the
 * spinner's place made o wait. */
static bool try_behind_spinner(struct ktest *t, struct optr_probe *o)
{
	schedule_timeout(1);
	optr_probe_init(o, optr_spin_p);
	KEXPECT_EQ(t, register_kprobe(&o->kp), 0);
	return kprobe_opt_refusal(&o->kp) == optprobe_waiting;
}

/*
 * A thread preempted on an instruction of the region after the first holds the jmp back
 * (it would resume inside it): the probe waits as an int3 probe, and its jmp goes in once
 * the thread has gone. Where the spinner stopped decides each try; some must wait (else
 * nothing was proven), the others are optimized at once, and the spinner, resumed each
 * time, never runs into half a jmp (it would crash).
 */
static void thread_in_region_holds_the_jmp_back(struct ktest *t)
{
	struct optr_probe o;
	struct task_struct *th;
	unsigned waited = 0, at_once = 0;
	bool waits = false;
	int pre;

	optr_need_optimization(t);
	skip_if_probed(t, optr_spin_p);
	optr_spin_go = 1;
	th = kthread_run(spinner, NULL, "optr-spin");
	KASSERT_TRUE(t, th != NULL);
	for (int i = 0; i < SPIN_TRIES; i++) {
		if (try_behind_spinner(t, &o)) {
			waited++;
			KEXPECT_EQ(t, optr_byte(optr_spin_p), BREAKPOINT_INSTRUCTION);
		} else {
			at_once += kprobe_optimized(&o.kp);
		}
		unregister_kprobe(&o.kp);
	}
	ktest_info(t, "%u of %d tries waited for the spinner, %u optimized at once", waited,
		   SPIN_TRIES, at_once);
	KEXPECT_GT(t, waited, 0U);
	KEXPECT_EQ(t, waited + at_once, (unsigned)SPIN_TRIES);

	/* One more that waits, kept: the spinner goes through its int3; once the spinner
	 * has exited, the optimizer puts the jmp in. */
	for (int i = 0; i < SPIN_TRIES && !waits; i++)
		if (!(waits = try_behind_spinner(t, &o)))
			unregister_kprobe(&o.kp);
	pre = o.pre;
	if (waits)
		schedule_timeout(2);            /* the spinner loops through the int3 */
	optr_spin_go = 0;
	KEXPECT_EQ(t, kthread_join(th), 1);             /* optr_spin's eax: the or's 1 */
	if (waits) {
		KEXPECT_GT(t, o.pre, pre);
		kprobe_optimizer();
		optr_check_jmp(t, &o, optr_spin, 0, 1);
		unregister_kprobe(&o.kp);
	}
	optr_settle();                          /* no buffer left retired (optr_text_restored) */
}

static const struct ktest_case optprobes_patch_cases[] = {
	KTEST_CASE(rel8_jz_and_jmp_are_relocated),
	KTEST_CASE(rel32_jz_and_jmp_are_relocated),
	KTEST_CASE(jmp_is_poked_int3_first),
	KTEST_CASE(enable_disable_cycles_leave_no_trace),
	KTEST_CASE(register_cycles_leave_no_trace),
	KTEST_CASE(switch_unoptimizes_and_reoptimizes),
	KTEST_CASE(thread_in_region_holds_the_jmp_back),
	KTEST_END
};
KTEST_SUITE(optprobes_patch_suite, "optprobes_patch", optprobes_patch_cases);
