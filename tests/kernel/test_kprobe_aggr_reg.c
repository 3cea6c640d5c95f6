// SPDX-License-Identifier: MIT
/*
 * Aggregate probes (kernel/kprobe_aggr.c), registration: unregistering and enabling one
 * sub-probe at a time (the int3 stays while any is enabled; the last one takes the slot
 * and the manager along), a sub-probe's own handler may not unregister it, one jprobe per
 * address, and boosting while no sub-probe has a post handler.
 */
#include "errno.h"
#include "kprobe_aggr_helpers.h"
#include "mm.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"
#include "user_probes.h"

/* One goes, the others stay armed; the last one takes the slot and the manager along. */
static void unregister_one_then_last(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	kprobe_opcode_t *slot = aggr_ka.ainsn.insn;
	KEXPECT_TRUE(t, slot != NULL && aggr_kb.ainsn.insn == slot && aggr_kc.ainsn.insn == slot);
	unregister_kprobe(&aggr_kb);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, aggr_rec.seq, "ac");
	unregister_kprobe(&aggr_ka);                 /* the first, whose place the manager took */
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, aggr_rec.seq, "acc");
	/* One left: alone in the table again, the manager gone, the slot the same. */
	KEXPECT_TRUE(t, get_kprobe(AGGR_ADDR) == &aggr_kc);
	KEXPECT_TRUE(t, aggr_kc.list == NULL && aggr_kc.ainsn.insn == slot);
	KEXPECT_TRUE(t, kprobe_by_slot((unsigned long)slot) == &aggr_kc);
	unregister_kprobe(&aggr_kc);
	KEXPECT_TRUE(t, get_kprobe(AGGR_ADDR) == NULL);
	KEXPECT_TRUE(t, kprobe_by_slot((unsigned long)slot) == NULL);
	/* A freed slot is int3s, or its page went with it (kernel/kprobe_insn_slots.c). */
	if (is_kprobe_insn_slot((unsigned long)slot))
		KEXPECT_EQ(t, slot[0], BREAKPOINT_INSTRUCTION);
	else
		KEXPECT_FALSE(t, page_mapped((unsigned long)slot));
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, aggr_rec.seq, "acc");
	/* Gone for good: a second unregister is reported, not done. */
	KEXPECT_WARNS(t, 1, unregister_kprobe(&aggr_kc));
	aggr_expect_clean(t);
}

/* A sub-probe's own handler may not unregister it: refused, and it stays. */
static void unregister_from_own_handler_refused(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	aggr_rec.unreg_self = true;
	KEXPECT_WARNS(t, 1, aggr_target(0, 0));
	aggr_rec.unreg_self = false;
	KEXPECT_EQ(t, aggr_target(0, 0), 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "abab");
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kb);
	aggr_expect_clean(t);
}

/* Each sub-probe on its own; the int3 stays while any is enabled. */
static void enable_disable_per_sub_probe(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	aggr_ka.post_handler = aggr_post_a;     /* a disabled one's post handler: not run */
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	KEXPECT_EQ(t, disable_kprobe(&aggr_ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "b");
	KEXPECT_EQ(t, disable_kprobe(&aggr_kb), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "b");
	KEXPECT_EQ(t, enable_kprobe(&aggr_ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "baA");
	/* Disabled, a sub-probe can still go; then the rest. */
	unregister_kprobe(&aggr_kb);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, disable_kprobe(&aggr_ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	unregister_kprobe(&aggr_ka);
	/* Registered disabled, joining disabled ones: nothing armed; enabled: armed. */
	aggr_reset();
	aggr_ka.flags = aggr_kb.flags = KPROBE_FLAG_DISABLED;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "c");
	unregister_kprobe(&aggr_kc);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	KEXPECT_EQ(t, enable_kprobe(&aggr_kc), -EINVAL);
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kb);
	aggr_expect_clean(t);
}

/* One jprobe per address: a second is -EEXIST with its struct, the text and the
 * aggregate as they were. A kprobe and a jprobe share a function. */
static void second_jprobe_refused(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	KASSERT_EQ(t, register_jprobe(&aggr_jp), 0);
	struct jprobe before = aggr_jp2;
	KEXPECT_EQ(t, register_jprobe(&aggr_jp2), -EEXIST);  /* onto a lone jprobe */
	KEXPECT_EQ(t, memcmp(&before, &aggr_jp2, sizeof(aggr_jp2)), 0);
	KEXPECT_FALSE(t, kprobe_aggrprobe(get_kprobe(AGGR_ADDR)));
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KEXPECT_EQ(t, register_jprobe(&aggr_jp2), -EEXIST);  /* onto an aggregate's */
	KEXPECT_EQ(t, memcmp(&before, &aggr_jp2, sizeof(aggr_jp2)), 0);
	KEXPECT_EQ(t, aggr_target(4, 4), 16);
	KEXPECT_STREQ(t, aggr_rec.seq, "aj");
	KEXPECT_EQ(t, aggr_rec.ja, 4);
	unregister_jprobe(&aggr_jp);
	KASSERT_EQ(t, register_jprobe(&aggr_jp2), 0);        /* the place is free again */
	KEXPECT_EQ(t, aggr_target(4, 5), 17);
	KEXPECT_STREQ(t, aggr_rec.seq, "ajaj");
	KEXPECT_EQ(t, aggr_rec.jb, 5);
	unregister_jprobe(&aggr_jp2);
	unregister_kprobe(&aggr_ka);
	aggr_expect_clean(t);
}

/* Breakpoint and debug traps for one call of aggr_target. */
static void traps_per_call(unsigned long *bp, unsigned long *db)
{
	unsigned long b = trap_counts[X86_TRAP_BP], d = trap_counts[X86_TRAP_DB];

	aggr_target(1, 1);
	*bp = trap_counts[X86_TRAP_BP] - b;
	*db = trap_counts[X86_TRAP_DB] - d;
}

/* No post handler among the sub-probes: one trap per hit (boosted). One with a post
 * handler: stepped, two. It gone: boosted again. */
static void boosted_while_no_post_handler(struct ktest *t)
{
	unsigned long bp, db;

	skip_if_probed(t, aggr_target);
	aggr_reset();
	aggr_kc.post_handler = aggr_post_c;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kb), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 1);
	/* A disabled sub-probe's post handler does not run, so it does not stop boosting. */
	KASSERT_EQ(t, disable_kprobe(&aggr_kc), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, db, 0);
	KASSERT_EQ(t, enable_kprobe(&aggr_kc), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, db, 1);
	unregister_kprobe(&aggr_kc);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "ababcCababcCab");
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kb);
	aggr_expect_clean(t);
}

/* A disabled sub-probe's post handler is not run, also while another sub-probe's post
 * handler makes the hit a stepped one (aggr_post_handler skips it). */
static void disabled_post_handler_beside_an_enabled_one(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	aggr_reset();
	aggr_ka.post_handler = aggr_post_a;
	aggr_kc.post_handler = aggr_post_c;
	KASSERT_EQ(t, register_kprobe(&aggr_ka), 0);
	KASSERT_EQ(t, register_kprobe(&aggr_kc), 0);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "acAC");
	KEXPECT_EQ(t, disable_kprobe(&aggr_ka), 0);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, aggr_rec.seq, "acACcC");
	unregister_kprobe(&aggr_ka);
	unregister_kprobe(&aggr_kc);
	aggr_expect_clean(t);
}

static const struct ktest_case aggr_reg_cases[] = {
	KTEST_CASE(unregister_one_then_last),
	KTEST_CASE(unregister_from_own_handler_refused),
	KTEST_CASE(enable_disable_per_sub_probe),
	KTEST_CASE(second_jprobe_refused),
	KTEST_CASE(boosted_while_no_post_handler),
	KTEST_CASE(disabled_post_handler_beside_an_enabled_one),
	KTEST_END,
};
KTEST_SUITE(kprobe_aggr_reg_suite, "kprobe_aggr_reg", aggr_reg_cases,
	    .int3_only = true);
