// SPDX-License-Identifier: MIT
/*
 * What happens inside a jprobe handler. It runs with the jprobe's hit still open
 * (current_kprobe set, status KPROBE_HIT_ACTIVE), so:
 *   - a probe it runs into is a reentered hit: its instruction runs, its handlers do not,
 *     its nmissed counts it -- whether that probe single-steps, is boosted, or is another
 *     jprobe;
 *   - a fault in it goes to the jprobe's fault_handler, which may fix it up and let the
 *     handler go on to its jprobe_return.
 * Either way the probed function gets its arguments, and the next hit is a normal one.
 */
#include "errno.h"
#include "irqflags.h"
#include "jprobe_targets.h"
#include "jprobes.h"
#include "kprobe_targets.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "trapnr.h"
#include "user_probes.h"

static struct {
	int hits, inner_pre, inner_post, faults;
	int add, mul, tick;             /* what the inner calls returned in the handler */
	bool loaded;                    /* the handler went on after the fault */
} rec;

static int inner_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	rec.inner_pre++;
	return 0;
}

static void inner_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	rec.inner_post++;
}

static int j_calls_probed(int a, int b, int c, int d, int e, int f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	rec.hits++;
	rec.add = kp_target_add(1, 2);  /* a kprobe with a post handler: single-stepped */
	rec.mul = kp_target_mul(3, 4);  /* a pre-only kprobe: boosted */
	rec.tick = jp_tick(5);          /* another jprobe */
	jprobe_return();
}

static int j_plain(int a, int b, int c, int d, int e, int f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	rec.hits++;
	jprobe_return();
}

/* After the nested hits: nothing running, counts and IF back, and a normal next hit. */
static void expect_clean_after(struct ktest *t, struct jprobe *jp)
{
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_FALSE(t, irqs_disabled());
	jp->entry = j_plain;            /* same probe, now a handler that does nothing else */
	int hits = rec.hits;
	KEXPECT_EQ(t, jp_sum6(6, 5, 4, 3, 2, 1), 6 + 10 + 12 + 12 + 10 + 6);
	KEXPECT_EQ(t, rec.hits, hits + 1);
}

static void probes_hit_in_handler_are_missed(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	skip_if_probed(t, jp_tick);
	skip_if_probed(t, kp_target_add);
	skip_if_probed(t, kp_target_mul);
	static struct jprobe jp, other;
	static struct kprobe stepped, boosted;

	memset(&rec, 0, sizeof(rec));
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .entry = j_calls_probed };
	other = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_tick, .entry = j_calls_probed };
	stepped = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_add,
				   .pre_handler = inner_pre, .post_handler = inner_post };
	boosted = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_mul,
				   .pre_handler = inner_pre };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	KASSERT_EQ(t, register_jprobe(&other), 0);
	KASSERT_EQ(t, register_kprobe(&stepped), 0);
	KASSERT_EQ(t, register_kprobe(&boosted), 0);
	KEXPECT_TRUE(t, boosted.ainsn.boostable);       /* or this case tests nothing new */
	int r = jp_sum6(1, 2, 3, 4, 5, 6);
	KEXPECT_EQ(t, r, 91);
	KEXPECT_EQ(t, rec.hits, 1);     /* the other jprobe's handler never ran */
	KEXPECT_EQ(t, rec.add, 3);
	KEXPECT_EQ(t, rec.mul, 12);
	KEXPECT_EQ(t, rec.tick, 6);
	KEXPECT_EQ(t, rec.inner_pre, 0);
	KEXPECT_EQ(t, rec.inner_post, 0);
	KEXPECT_EQ(t, stepped.nmissed, 1);
	KEXPECT_EQ(t, boosted.nmissed, 1);
	KEXPECT_EQ(t, other.kp.nmissed, 1);
	KEXPECT_EQ(t, jp.kp.nmissed, 0);
	expect_clean_after(t, &jp);
	unregister_kprobe(&boosted);
	unregister_kprobe(&stepped);
	unregister_jprobe(&other);
	unregister_jprobe(&jp);
}

static int j_faults(int a, int b, int c, int d, int e, int f)
{
	(void)a, (void)b, (void)c, (void)d, (void)e, (void)f;
	rec.hits++;
	kp_load(NULL);                  /* #PF at kp_load + KP_LOAD_INSN_OFFSET */
	rec.loaded = true;
	jprobe_return();
}

/* Skips the faulting load (2 bytes: 8b 00), as an exception-table fixup would. */
static int skip_load(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	if (trapnr != X86_TRAP_PF || regs->eip != (unsigned long)kp_load + KP_LOAD_INSN_OFFSET)
		return 0;
	rec.faults++;
	regs->eip += 2;
	return 1;
}

static void fault_in_handler_fixed_by_fault_handler(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	static struct jprobe jp;

	memset(&rec, 0, sizeof(rec));
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .kp.fault_handler = skip_load,
			      .entry = j_faults };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	int r = jp_sum6(1, 2, 3, 4, 5, 6);
	KEXPECT_EQ(t, r, 91);
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.faults, 1);
	KEXPECT_TRUE(t, rec.loaded);
	expect_clean_after(t, &jp);
	unregister_jprobe(&jp);
}

/*
 * The same fault with a kprobe on the faulting load ("probe kp_load+4" at the monitor,
 * then this suite): the handler's hit on it is reentered and single-stepped, and the
 * step faults. Without that probe the fault would be the jprobe handler's own, so it
 * must still reach the jprobe's fault_handler, at the original instruction.
 */
static void fault_at_probed_insn_in_handler_fixed_by_fault_handler(struct ktest *t)
{
	static struct jprobe jp;
	static struct kprobe on_load;

	skip_if_probed(t, jp_sum6);
	memset(&rec, 0, sizeof(rec));
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .kp.fault_handler = skip_load,
			      .entry = j_faults };
	on_load = (struct kprobe){ .addr = (kprobe_opcode_t *)((unsigned long)kp_load +
							  KP_LOAD_INSN_OFFSET),
				   .pre_handler = inner_pre };
	struct kprobe *on = &on_load;
	int ret = register_kprobe(&on_load);
	if (ret == -EEXIST) {
		/* Run from the monitor after "probe kp_load+4": that probe will do. */
		on = get_kprobe(on_load.addr);
		ktest_info(t, "a probe is already on the load; using it");
	} else {
		KASSERT_EQ(t, ret, 0);
	}
	unsigned long missed = on->nmissed;
	ret = register_jprobe(&jp);
	if (ret && on == &on_load)
		unregister_kprobe(&on_load);
	KASSERT_EQ(t, ret, 0);
	int r = jp_sum6(1, 2, 3, 4, 5, 6);
	KEXPECT_EQ(t, r, 91);
	KEXPECT_EQ(t, rec.hits, 1);
	KEXPECT_EQ(t, rec.faults, 1);
	KEXPECT_TRUE(t, rec.loaded);
	KEXPECT_EQ(t, rec.inner_pre, 0);
	KEXPECT_EQ(t, on->nmissed, missed + 1);
	if (on == &on_load)
		unregister_kprobe(&on_load);
	expect_clean_after(t, &jp);
	unregister_jprobe(&jp);
}

static const struct ktest_case jprobes_nested_cases[] = {
	KTEST_CASE(probes_hit_in_handler_are_missed),
	KTEST_CASE(fault_in_handler_fixed_by_fault_handler),
	KTEST_CASE(fault_at_probed_insn_in_handler_fixed_by_fault_handler),
	KTEST_END,
};
KTEST_SUITE(jprobes_nested_suite, "jprobes_nested", jprobes_nested_cases);
