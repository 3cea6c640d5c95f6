// SPDX-License-Identifier: MIT
/*
 * Aggregate probes (kernel/kprobe_aggr.c), the hit: many probes on one address call their
 * handlers in order (kprobes in registration order, the jprobe last), count a miss on each
 * enabled sub-probe, offer a fault to the faulting sub-probe alone, and stop at a pre
 * handler that set the resume up. tests/kernel/test_kprobe_aggr_reg.c has the rest.
 */
#include "errno.h"
#include "kprobe_aggr_helpers.h"
#include "kprobe_targets.h"
#include "preempt.h"
#include "string.h"
#include "trapnr.h"
#include "user_probes.h"

#define LOAD_SITE ((unsigned long)kp_load + KP_LOAD_INSN_OFFSET)

static void post_a_loads(struct kprobe *p, struct pt_regs *r, unsigned long f)
{
	(void)r, (void)f;
	aggr_note('A', p, &aggr_ka);
	kp_load(NULL);
	aggr_note('E', p, &aggr_ka);
}

/* Sets up the resume itself: the call goes to aggr_redirect instead. */
static int pre_a_redirects(struct kprobe *p, struct pt_regs *r)
{
	aggr_note('a', p, &aggr_ka);
	r->eip = (unsigned long)aggr_redirect;
	return 1;
}

/* Pre handlers in registration order, the jprobe last (registered before c, called
 * after it) with the probed function's arguments, then the post handlers. */
static void call_order_jprobe_last(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	aggr_ka.post_handler = aggr_post_a;
	aggr_kc.post_handler = aggr_post_c;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_jprobe(&aggr_jp), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	KEXPECT_TRUE(t, aggr_kc.addr == AGGR_ADDR && !aggr_kc.symbol_name);
	/* A sub-probe is registered: again is -EINVAL, as for a lone probe. */
	KEXPECT_EQ(t, register_kprobe(&aggr_kb), -EINVAL);
	KEXPECT_EQ(t, aggr_target(7, 5), 26);
	KEXPECT_STREQ(t, aggr_rec.seq, "abcjAC");
	KEXPECT_TRUE(t, aggr_rec.self_bad == NULL);
	KEXPECT_EQ(t, aggr_rec.ja, 7);
	KEXPECT_EQ(t, aggr_rec.jb, 5);
	/* The table's readers see the user's probes, the first one for a range. */
	KEXPECT_TRUE(t, kprobe_in_range((unsigned long)AGGR_ADDR, (unsigned long)AGGR_ADDR + 1) ==
			&aggr_ka);
	KEXPECT_TRUE(t, kprobe_aggrprobe(get_kprobe(AGGR_ADDR)));
	KEXPECT_TRUE(t, get_kprobe(AGGR_ADDR)->list == &aggr_ka);
	unsigned n = registered_kprobes();
	unregister_jprobe(&aggr_jp);
	KEXPECT_EQ(t, registered_kprobes(), n - 1);
	memset(&aggr_rec, 0, sizeof(aggr_rec));
	KEXPECT_EQ(t, aggr_target(1, 1), 4);
	KEXPECT_STREQ(t, aggr_rec.seq, "abcAC");
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kb);
	unregister_kprobe(&aggr_kc);
	aggr_expect_clean(t);
}

static int outer_calls(struct kprobe *p, struct pt_regs *r)
{
	(void)p, (void)r;
	aggr_note('o', p, p);
	aggr_target(1, 2);                      /* a hit from inside a handler: a miss */
	return 0;
}

/* A hit on the aggregate from a handler runs none of its handlers and counts a miss on
 * each enabled sub-probe; a disabled one misses nothing. */
static void nmissed_per_sub_probe(struct ktest *t)
{
	struct kprobe outer = { .addr = (kprobe_opcode_t *)aggr_outer,
				.pre_handler = outer_calls };

	skip_if_probed(t, aggr_target);
	skip_if_probed(t, aggr_outer);
	aggr_reset();
	aggr_ka.post_handler = aggr_post_a;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	aggr_kc.flags = KPROBE_FLAG_DISABLED;
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	KASSERT_EQ(t, register_kprobe(&outer), 0);
	KEXPECT_EQ(t, aggr_outer(2), 8);
	KEXPECT_STREQ(t, aggr_rec.seq, "oabA");       /* the nested hit ran nothing */
	KEXPECT_EQ(t, aggr_ka.nmissed, 1);
	KEXPECT_EQ(t, aggr_kb.nmissed, 1);
	KEXPECT_EQ(t, aggr_kc.nmissed, 0);
	KEXPECT_EQ(t, outer.nmissed, 0);
	unregister_kprobe(&outer);
	unregister_kprobe(&aggr_kc);
	unregister_kprobe(&aggr_kb);
	unregister_kprobe(&aggr_ka);
	aggr_expect_clean(t);
}

static int pre_b_loads(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	aggr_note('b', p, &aggr_kb);
	kp_load(NULL);
	aggr_note('B', p, &aggr_kb);                      /* went on after the fix-up */
	return 0;
}

static int fault_skip_load(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	aggr_rec.faults_a += p == &aggr_ka;
	aggr_rec.faults_b += p == &aggr_kb;
	aggr_rec.faults_c += p == &aggr_kc;
	if (trapnr != X86_TRAP_PF || regs->eip != LOAD_SITE)
		return 0;
	regs->eip += 2;                         /* mov (%eax),%eax */
	return 1;
}

/* b's pre handler faults: offered to b's fault handler alone, not a's or c's. */
static void fault_goes_to_the_faulting_sub_probe(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	aggr_ka.fault_handler = fault_skip_load;
	aggr_kb.pre_handler = pre_b_loads;
	aggr_kb.fault_handler = fault_skip_load;
	aggr_kc.fault_handler = fault_skip_load;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	KEXPECT_EQ(t, aggr_target(2, 3), 9);
	KEXPECT_STREQ(t, aggr_rec.seq, "abBc");
	KEXPECT_EQ(t, aggr_rec.faults_a, 0);
	KEXPECT_EQ(t, aggr_rec.faults_b, 1);
	KEXPECT_EQ(t, aggr_rec.faults_c, 0);
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kb);
	unregister_kprobe(&aggr_kc);
	aggr_expect_clean(t);
	/* The same for post handlers: a's faults (c's pre handler ran last), c's fault
	 * handler is not asked. */
	aggr_reset();
	aggr_ka.post_handler = post_a_loads;
	aggr_ka.fault_handler = fault_skip_load;
	aggr_kc.post_handler = aggr_post_c;
	aggr_kc.fault_handler = fault_skip_load;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	KEXPECT_EQ(t, aggr_target(2, 3), 9);
	KEXPECT_STREQ(t, aggr_rec.seq, "acAEC");
	KEXPECT_EQ(t, aggr_rec.faults_a, 1);
	KEXPECT_EQ(t, aggr_rec.faults_c, 0);
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kc);
	aggr_expect_clean(t);
}

/* A pre handler that returns 1 has set the resume up: the rest are not called, and the
 * hit is over -- also when a jprobe there would otherwise keep it open. */
static void pre_handler_returning_1_stops_the_rest(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	for (int with_jprobe = 0; with_jprobe < 2; with_jprobe++) {
		aggr_reset();
		aggr_ka.pre_handler = pre_a_redirects;
		aggr_kb.post_handler = aggr_post_a;     /* never reached: the insn never runs */
		KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
		KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
		if (with_jprobe)
			KASSERT_EQ(t, register_jprobe(&aggr_jp), 0);
		KEXPECT_EQ(t, aggr_target(1, 2), 1000);
		KEXPECT_STREQ(t, aggr_rec.seq, "a");
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
		if (with_jprobe)
			unregister_jprobe(&aggr_jp);
		unregister_kprobe(&aggr_kb);
		unregister_kprobe(&aggr_ka);
		aggr_expect_clean(t);
	}
}

static const struct ktest_case aggr_cases[] = {
	KTEST_CASE(call_order_jprobe_last),
	KTEST_CASE(nmissed_per_sub_probe),
	KTEST_CASE(fault_goes_to_the_faulting_sub_probe),
	KTEST_CASE(pre_handler_returning_1_stops_the_rest),
	KTEST_END,
};
KTEST_SUITE(kprobe_aggr_suite, "kprobe_aggr", aggr_cases);
