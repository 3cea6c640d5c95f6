// SPDX-License-Identifier: MIT
/*
 * Aggregate probes (kernel/kprobe_aggr.c): many probes on one address. The call order
 * (kprobes in registration order, the jprobe last), a miss counted on each enabled
 * sub-probe, a fault offered to the faulting sub-probe alone, unregistering and
 * enabling one sub-probe at a time, one jprobe per address, boosting while no sub-probe
 * has a post handler, and the table's readers seeing sub-probes, never the manager.
 */
#include "errno.h"
#include "jprobes.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "mm.h"
#include "ktest.h"
#include "preempt.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"
#include "user_probes.h"

/* The probed functions: this file's own, so no other suite's probes meet these. */
__noipa int aggr_target(int a, int b)
{
	return 3 * a + b;
}

__noipa int aggr_outer(int a)
{
	return aggr_target(a, 1) + 1;
}

#define T_ADDR ((kprobe_opcode_t *)aggr_target)
#define LOAD_SITE ((unsigned long)kp_load + KP_LOAD_INSN_OFFSET)

static struct {
	char seq[32];                   /* one letter per handler call, in call order */
	unsigned n;
	struct kprobe *self_bad;        /* a handler got a struct other than its own */
	int ja, jb;                     /* the jprobe handler's arguments */
	int faults_a, faults_b, faults_c;
	bool unreg_self;                /* pre_a: try to unregister itself */
} rec;

static struct kprobe ka, kb, kc;
static struct jprobe jp, jp2;

static void note(char c, struct kprobe *p, struct kprobe *own)
{
	if (rec.n < sizeof(rec.seq) - 1)
		rec.seq[rec.n++] = c;
	if (p != own)
		rec.self_bad = p;
}

static int pre_a(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	note('a', p, &ka);
	if (rec.unreg_self)
		unregister_kprobe(&ka);         /* refused: its hit is in progress */
	return 0;
}

static int pre_b(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	note('b', p, &kb);
	return 0;
}

static int pre_c(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	note('c', p, &kc);
	return 0;
}

static void post_a(struct kprobe *p, struct pt_regs *r, unsigned long f)
{
	(void)r, (void)f;
	note('A', p, &ka);
}

static void post_c(struct kprobe *p, struct pt_regs *r, unsigned long f)
{
	(void)r, (void)f;
	note('C', p, &kc);
}

static int j_target(int a, int b)
{
	note('j', kprobe_current_instance(), &jp.kp);
	rec.ja = a;
	rec.jb = b;
	jprobe_return();
	return 0;
}

static void reset(void)
{
	memset(&rec, 0, sizeof(rec));
	ka = (struct kprobe){ .addr = T_ADDR, .pre_handler = pre_a };
	kb = (struct kprobe){ .addr = T_ADDR, .pre_handler = pre_b };
	kc = (struct kprobe){ .symbol_name = "aggr_target", .pre_handler = pre_c };
	jp = (struct jprobe){ .kp.symbol_name = "aggr_target", .entry = j_target };
	jp2 = (struct jprobe){ .kp.addr = T_ADDR, .entry = j_target };
}

static void expect_clean(struct ktest *t)
{
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_TRUE(t, kprobe_instance == NULL);
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);        /* push %ebp: nothing left armed */
}

/* Pre handlers in registration order, the jprobe last (registered before c, called
 * after it) with the probed function's arguments, then the post handlers. */
static void call_order_jprobe_last(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	ka.post_handler = post_a;
	kc.post_handler = post_c;
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	KEXPECT_TRUE(t, kc.addr == T_ADDR && !kc.symbol_name);
	KEXPECT_EQ(t, aggr_target(7, 5), 26);
	KEXPECT_STREQ(t, rec.seq, "abcjAC");
	KEXPECT_TRUE(t, rec.self_bad == NULL);
	KEXPECT_EQ(t, rec.ja, 7);
	KEXPECT_EQ(t, rec.jb, 5);
	/* The table's readers see the user's probes, the first one for a range. */
	KEXPECT_TRUE(t, kprobe_in_range((unsigned long)T_ADDR, (unsigned long)T_ADDR + 1) ==
			&ka);
	KEXPECT_TRUE(t, kprobe_aggrprobe(get_kprobe(T_ADDR)));
	unsigned n = registered_kprobes();
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, registered_kprobes(), n - 1);
	memset(&rec, 0, sizeof(rec));
	KEXPECT_EQ(t, aggr_target(1, 1), 4);
	KEXPECT_STREQ(t, rec.seq, "abcAC");
	unregister_kprobe(&ka);
	unregister_kprobe(&kb);
	unregister_kprobe(&kc);
	expect_clean(t);
}

static int outer_calls(struct kprobe *p, struct pt_regs *r)
{
	(void)p, (void)r;
	note('o', p, p);
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
	reset();
	ka.post_handler = post_a;
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	kc.flags = KPROBE_FLAG_DISABLED;
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	KASSERT_EQ(t, register_kprobe(&outer), 0);
	KEXPECT_EQ(t, aggr_outer(2), 8);
	KEXPECT_STREQ(t, rec.seq, "oabA");       /* the nested hit ran nothing */
	KEXPECT_EQ(t, ka.nmissed, 1);
	KEXPECT_EQ(t, kb.nmissed, 1);
	KEXPECT_EQ(t, kc.nmissed, 0);
	KEXPECT_EQ(t, outer.nmissed, 0);
	unregister_kprobe(&outer);
	unregister_kprobe(&kc);
	unregister_kprobe(&kb);
	unregister_kprobe(&ka);
	expect_clean(t);
}

static int pre_b_loads(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	note('b', p, &kb);
	kp_load(NULL);
	note('B', p, &kb);                      /* went on after the fix-up */
	return 0;
}

static int fault_skip_load(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	rec.faults_a += p == &ka;
	rec.faults_b += p == &kb;
	rec.faults_c += p == &kc;
	if (trapnr != X86_TRAP_PF || regs->eip != LOAD_SITE)
		return 0;
	regs->eip += 2;                         /* mov (%eax),%eax */
	return 1;
}

/* b's pre handler faults: offered to b's fault handler alone, not a's or c's. */
static void fault_goes_to_the_faulting_sub_probe(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	ka.fault_handler = fault_skip_load;
	kb.pre_handler = pre_b_loads;
	kb.fault_handler = fault_skip_load;
	kc.fault_handler = fault_skip_load;
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	KEXPECT_EQ(t, aggr_target(2, 3), 9);
	KEXPECT_STREQ(t, rec.seq, "abBc");
	KEXPECT_EQ(t, rec.faults_a, 0);
	KEXPECT_EQ(t, rec.faults_b, 1);
	KEXPECT_EQ(t, rec.faults_c, 0);
	unregister_kprobe(&ka);
	unregister_kprobe(&kb);
	unregister_kprobe(&kc);
	expect_clean(t);
}

/* One goes, the others stay armed; the last one takes the slot and the manager along. */
static void unregister_one_then_last(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	kprobe_opcode_t *slot = ka.ainsn.insn;
	KEXPECT_TRUE(t, slot != NULL && kb.ainsn.insn == slot && kc.ainsn.insn == slot);
	unregister_kprobe(&kb);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, rec.seq, "ac");
	unregister_kprobe(&ka);                 /* the first, whose place the manager took */
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, rec.seq, "acc");
	KEXPECT_TRUE(t, kprobe_by_slot((unsigned long)slot) != NULL);
	unregister_kprobe(&kc);
	KEXPECT_TRUE(t, get_kprobe(T_ADDR) == NULL);
	KEXPECT_TRUE(t, kprobe_by_slot((unsigned long)slot) == NULL);
	/* A freed slot is int3s, or its page went with it (kernel/kprobe_insn_slots.c). */
	if (is_kprobe_insn_slot((unsigned long)slot))
		KEXPECT_EQ(t, slot[0], BREAKPOINT_INSTRUCTION);
	else
		KEXPECT_FALSE(t, page_mapped((unsigned long)slot));
	KEXPECT_EQ(t, aggr_target(1, 0), 3);
	KEXPECT_STREQ(t, rec.seq, "acc");
	/* Gone for good: a second unregister is reported, not done. */
	KEXPECT_WARNS(t, 1, unregister_kprobe(&kc));
	expect_clean(t);
}

/* A sub-probe's own handler may not unregister it: refused, and it stays. */
static void unregister_from_own_handler_refused(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	rec.unreg_self = true;
	KEXPECT_WARNS(t, 1, aggr_target(0, 0));
	rec.unreg_self = false;
	KEXPECT_EQ(t, aggr_target(0, 0), 0);
	KEXPECT_STREQ(t, rec.seq, "abab");
	unregister_kprobe(&ka);
	unregister_kprobe(&kb);
	expect_clean(t);
}

/* Each sub-probe on its own; the int3 stays while any is enabled. */
static void enable_disable_per_sub_probe(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	KEXPECT_EQ(t, disable_kprobe(&ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, rec.seq, "b");
	KEXPECT_EQ(t, disable_kprobe(&kb), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, rec.seq, "b");
	KEXPECT_EQ(t, enable_kprobe(&ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, rec.seq, "ba");
	/* Disabled, a sub-probe can still go; then the rest. */
	unregister_kprobe(&kb);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, disable_kprobe(&ka), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	unregister_kprobe(&ka);
	/* Registered disabled, joining disabled ones: nothing armed; enabled: armed. */
	reset();
	ka.flags = kb.flags = KPROBE_FLAG_DISABLED;
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, BREAKPOINT_INSTRUCTION);
	aggr_target(0, 0);
	KEXPECT_STREQ(t, rec.seq, "c");
	unregister_kprobe(&kc);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);
	KEXPECT_EQ(t, enable_kprobe(&kc), -EINVAL);
	unregister_kprobe(&ka);
	unregister_kprobe(&kb);
	expect_clean(t);
}

/* One jprobe per address: a second is -EEXIST with its struct, the text and the
 * aggregate as they were. A kprobe and a jprobe share a function. */
static void second_jprobe_refused(struct ktest *t)
{
	skip_if_probed(t, aggr_target);
	reset();
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	struct jprobe before = jp2;
	KEXPECT_EQ(t, register_jprobe(&jp2), -EEXIST);  /* onto a lone jprobe */
	KEXPECT_EQ(t, memcmp(&before, &jp2, sizeof(jp2)), 0);
	KEXPECT_FALSE(t, kprobe_aggrprobe(get_kprobe(T_ADDR)));
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KEXPECT_EQ(t, register_jprobe(&jp2), -EEXIST);  /* onto an aggregate's */
	KEXPECT_EQ(t, memcmp(&before, &jp2, sizeof(jp2)), 0);
	KEXPECT_EQ(t, aggr_target(4, 4), 16);
	KEXPECT_STREQ(t, rec.seq, "aj");
	KEXPECT_EQ(t, rec.ja, 4);
	unregister_jprobe(&jp);
	KASSERT_EQ(t, register_jprobe(&jp2), 0);        /* the place is free again */
	KEXPECT_EQ(t, aggr_target(4, 5), 17);
	KEXPECT_STREQ(t, rec.seq, "ajaj");
	KEXPECT_EQ(t, rec.jb, 5);
	unregister_jprobe(&jp2);
	unregister_kprobe(&ka);
	expect_clean(t);
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
	reset();
	kc.post_handler = post_c;
	KASSERT_EQ(t, register_kprobe(&ka), 0);
	KASSERT_EQ(t, register_kprobe(&kb), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 0);
	KASSERT_EQ(t, register_kprobe(&kc), 0);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 1);
	unregister_kprobe(&kc);
	traps_per_call(&bp, &db);
	KEXPECT_EQ(t, bp, 1);
	KEXPECT_EQ(t, db, 0);
	KEXPECT_STREQ(t, rec.seq, "ababcCab");
	unregister_kprobe(&ka);
	unregister_kprobe(&kb);
	expect_clean(t);
}

static const struct ktest_case aggr_cases[] = {
	KTEST_CASE(call_order_jprobe_last),
	KTEST_CASE(nmissed_per_sub_probe),
	KTEST_CASE(fault_goes_to_the_faulting_sub_probe),
	KTEST_CASE(unregister_one_then_last),
	KTEST_CASE(unregister_from_own_handler_refused),
	KTEST_CASE(enable_disable_per_sub_probe),
	KTEST_CASE(second_jprobe_refused),
	KTEST_CASE(boosted_while_no_post_handler),
	KTEST_END,
};
KTEST_SUITE(kprobe_aggr_suite, "kprobe_aggr", aggr_cases);
