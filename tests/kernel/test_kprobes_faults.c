// SPDX-License-Identifier: MIT
/*
 * Faults while a probe is active, and who gets them (kernel/kprobe_fault.c):
 *   - a handler runs into a probe whose instruction faults (a reentered hit's step): the
 *     fault is the handler's own, exactly as without that probe -- offered to the outer
 *     probe's fault_handler, and if declined, handled by the kernel as usual;
 *   - a probe's own stepped or boosted instruction faults: the probed code's fault,
 *     never offered to that probe's fault_handler (as in Linux);
 *   - a fault in a fault_handler is not offered to it again (it would recurse);
 *   - every handler runs with kprobe_in_handler naming it, which the oops prints.
 * The fault sites are kp_load's "mov (%eax),%eax" with a NULL pointer.
 */
#include "jprobe_targets.h"
#include "jprobes.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "trap_hook.h"
#include "trapnr.h"
#include "user_probes.h"

#define LOAD_SITE ((unsigned long)kp_load + KP_LOAD_INSN_OFFSET)
static const u8 load_insn[] = { 0x8b, 0x00 };

static struct {
	bool claim;                 /* fault handler: fix the load up (else decline) */
	bool refault;               /* fault handler: fault once itself first */
	int pre, post, fault, inner, jprobe;
	bool went_on;               /* the faulting handler carried on after its fault */
	unsigned long fault_eip, fault_eflags, fault_status;
	struct kprobe *fault_cur;
	enum kprobe_handler_kind in_pre, in_post, in_fault, in_jprobe, in_break;
} rec;

static int pre_loads(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	rec.pre++;
	rec.in_pre = kprobe_in_handler;
	kp_load(NULL);
	rec.went_on = true;
	return 0;
}

static void post_loads(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	rec.post++;
	rec.in_post = kprobe_in_handler;
	kp_load(NULL);
	rec.went_on = true;
}

/* Records what it was offered; skips the 2-byte load if rec.claim. */
static int fix_load(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	rec.fault++;
	rec.in_fault = kprobe_in_handler;
	rec.fault_eip = regs->eip;
	rec.fault_eflags = regs->eflags;
	rec.fault_cur = current_kprobe;
	rec.fault_status = get_kprobe_ctlblk()->kprobe_status;
	if (rec.refault)
		kp_load(NULL);          /* caught by trap_hook, if not offered to us again */
	if (!rec.claim || trapnr != X86_TRAP_PF || regs->eip != LOAD_SITE)
		return 0;
	regs->eip += sizeof(load_insn);
	return 1;
}

static int count_inner(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	rec.inner++;
	return 0;
}

static void post_records(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	rec.post++;
	rec.in_post = kprobe_in_handler;
}

static void expect_clean(struct ktest *t)
{
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
	/* Every handler's marker was put back: the next pre-only hit pays no store. */
	KEXPECT_EQ(t, kprobe_in_handler, KPROBE_IN_PRE);
}

/*
 * "probe demo_load+4" then "demo fault", in miniature: outer's pre (or post) handler
 * faults at LOAD_SITE, where inner sits; outer's fault_handler fixes it. Returns what
 * the probed function returned; checks what both variants share.
 */
static int run_reentered_step_fault(struct ktest *t, bool in_post, struct kprobe *outer,
				    struct kprobe *inner)
{
	*outer = (struct kprobe){ .addr = (kprobe_opcode_t *)(in_post ? (void *)kp_target_mul
								    : (void *)kp_target_add),
				  .pre_handler = in_post ? NULL : pre_loads,
				  .post_handler = in_post ? post_loads : NULL,
				  .fault_handler = fix_load };
	*inner = (struct kprobe){ .addr = (kprobe_opcode_t *)LOAD_SITE,
				  .pre_handler = count_inner };

	skip_if_probed(t, outer->addr);
	skip_if_probed(t, inner->addr);
	memset(&rec, 0, sizeof(rec));
	rec.claim = true;
	KASSERT_EQ(t, register_kprobe(outer), 0);
	int ret = register_kprobe(inner);
	if (ret)
		unregister_kprobe(outer);       /* never leave a registration behind */
	KASSERT_EQ(t, ret, 0);
	int r = in_post ? kp_target_mul(6, 7) : kp_target_add(2, 3);
	unregister_kprobe(inner);
	unregister_kprobe(outer);
	KEXPECT_EQ(t, rec.fault, 1);
	KEXPECT_TRUE(t, rec.went_on);
	KEXPECT_EQ(t, rec.fault_eip, LOAD_SITE);         /* the original, not the slot */
	KEXPECT_FALSE(t, rec.fault_eflags & X86_EFLAGS_TF);
	KEXPECT_TRUE(t, rec.fault_cur == outer);         /* the outer hit's state is back */
	KEXPECT_EQ(t, rec.in_fault, KPROBE_IN_FAULT);
	KEXPECT_EQ(t, rec.inner, 0);                     /* a missed hit runs no handler */
	KEXPECT_EQ(t, inner->nmissed, 1);
	KEXPECT_EQ(t, outer->nmissed, 0);
	expect_clean(t);
	return r;
}

static void reentered_step_fault_goes_to_outer_fault_handler(struct ktest *t)
{
	struct kprobe outer, inner;

	KEXPECT_EQ(t, run_reentered_step_fault(t, false, &outer, &inner), 5);
	KEXPECT_EQ(t, rec.pre, 1);
	KEXPECT_EQ(t, rec.fault_status, KPROBE_HIT_ACTIVE);
}

static void reentered_step_fault_in_post_handler_goes_to_outer(struct ktest *t)
{
	struct kprobe outer, inner;

	KEXPECT_EQ(t, run_reentered_step_fault(t, true, &outer, &inner), 42);
	KEXPECT_EQ(t, rec.post, 1);
	KEXPECT_EQ(t, rec.fault_status, KPROBE_HIT_SSDONE);
}

/* What the kernel saw of one unclaimed fault in outer's pre handler. */
struct fault_view {
	int r, hook_hits, offered;
	unsigned long eip, eflags, cr2;
	bool went_on;
};

static void run_declined(struct ktest *t, bool with_inner, struct fault_view *v)
{
	struct kprobe outer = { .addr = (kprobe_opcode_t *)kp_target_add,
				.pre_handler = pre_loads, .fault_handler = fix_load };
	struct kprobe inner = { .addr = (kprobe_opcode_t *)LOAD_SITE, .pre_handler = count_inner };

	memset(&rec, 0, sizeof(rec));
	KASSERT_EQ(t, register_kprobe(&outer), 0);
	if (with_inner)
		KASSERT_EQ(t, register_kprobe(&inner), 0);
	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_insn, sizeof(load_insn));
	v->r = kp_target_add(20, 22);
	trap_hook_disarm();
	if (with_inner) {
		unregister_kprobe(&inner);
		KEXPECT_EQ(t, inner.nmissed, 1);
	}
	unregister_kprobe(&outer);
	v->hook_hits = trap_hook.hits;
	v->offered = rec.fault;
	v->eip = trap_hook.regs.eip;
	v->eflags = trap_hook.regs.eflags & (X86_EFLAGS_TF | X86_EFLAGS_IF);
	v->cr2 = trap_hook.addr;
	v->went_on = rec.went_on;
}

/* The outer fault_handler declines: the kernel's own handling (here the die chain's
 * trap_hook, an exception-table stand-in) sees exactly the fault it sees without the
 * inner probe. */
static void declined_reentered_step_fault_is_as_without_the_probe(struct ktest *t)
{
	struct fault_view plain, probed;

	skip_if_probed(t, kp_target_add);
	skip_if_probed(t, (const void *)LOAD_SITE);
	run_declined(t, false, &plain);
	run_declined(t, true, &probed);
	KEXPECT_EQ(t, plain.r, 42);
	KEXPECT_EQ(t, plain.hook_hits, 1);
	KEXPECT_EQ(t, plain.offered, 1);
	KEXPECT_EQ(t, plain.eip, LOAD_SITE);
	KEXPECT_TRUE(t, plain.went_on);
	KEXPECT_EQ(t, probed.r, plain.r);
	KEXPECT_EQ(t, probed.hook_hits, plain.hook_hits);
	KEXPECT_EQ(t, probed.offered, plain.offered);
	KEXPECT_EQ(t, probed.eip, plain.eip);
	KEXPECT_EQ(t, probed.eflags, plain.eflags);
	KEXPECT_EQ(t, probed.cr2, plain.cr2);
	KEXPECT_TRUE(t, probed.went_on);
	expect_clean(t);
}

/* A probe's own instruction faults: not its fault_handler's business, stepped or boosted. */
static void own_step_fault_not_offered_to_own_fault_handler(struct ktest *t)
{
	static const bool boosted[] = { false, true };

	skip_if_probed(t, (const void *)LOAD_SITE);
	for (unsigned i = 0; i < ARRAY_SIZE(boosted); i++) {
		struct kprobe kp = { .addr = (kprobe_opcode_t *)LOAD_SITE,
				     .pre_handler = count_inner, .fault_handler = fix_load };
		if (!boosted[i])
			kp.post_handler = post_records;
		memset(&rec, 0, sizeof(rec));
		rec.claim = true;       /* it would fix the load up, if it were asked */
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		KEXPECT_EQ(t, kp.ainsn.boostable && !kp.post_handler, boosted[i]);
		trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_insn, sizeof(load_insn));
		kp_load(NULL);
		trap_hook_disarm();
		unregister_kprobe(&kp);
		ktest_info(t, "%s copy", boosted[i] ? "boosted" : "single-stepped");
		KEXPECT_EQ(t, rec.inner, 1);
		KEXPECT_EQ(t, rec.fault, 0);
		KEXPECT_EQ(t, rec.post, 0);         /* the instruction never completed */
		KEXPECT_EQ(t, trap_hook.hits, 1);
		KEXPECT_EQ(t, trap_hook.regs.eip, LOAD_SITE);
		expect_clean(t);
	}
}

/* The fault handler faults: that fault goes to the kernel, not to it again (the old
 * code offered it again, and again, until the stack overflowed). */
static void fault_in_fault_handler_not_offered_again(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_neg,
			     .pre_handler = pre_loads, .fault_handler = fix_load };

	skip_if_probed(t, kp.addr);
	memset(&rec, 0, sizeof(rec));
	rec.claim = rec.refault = true;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_insn, sizeof(load_insn));
	int r = kp_target_neg(7);
	trap_hook_disarm();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, -7);
	KEXPECT_EQ(t, rec.fault, 1);
	KEXPECT_EQ(t, trap_hook.hits, 1);           /* the fault handler's own fault */
	KEXPECT_EQ(t, trap_hook.regs.eip, LOAD_SITE);
	KEXPECT_TRUE(t, rec.went_on);               /* and then it fixed the first one */
	expect_clean(t);
}

static int pre_records(struct kprobe *p, struct pt_regs *regs)
{
	rec.pre++;
	rec.in_pre = kprobe_in_handler;
	return p->break_handler ? setjmp_pre_handler(p, regs) : 0;
}

static int break_records(struct kprobe *p, struct pt_regs *regs)
{
	rec.in_break = kprobe_in_handler;
	return longjmp_break_handler(p, regs);
}

static int j_tick_records(int x)
{
	(void)x;
	rec.jprobe++;
	rec.in_jprobe = kprobe_in_handler;
	jprobe_return();
}

/* Each handler runs with kprobe_in_handler naming it (what an oops prints). */
static void each_handler_runs_under_its_name(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_mul,
			     .pre_handler = pre_records, .post_handler = post_records };
	static struct jprobe jp;

	skip_if_probed(t, kp.addr);
	skip_if_probed(t, jp_tick);
	memset(&rec, 0, sizeof(rec));
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, kp_target_mul(3, 5), 15);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, rec.in_pre, KPROBE_IN_PRE);
	KEXPECT_EQ(t, rec.in_post, KPROBE_IN_POST);

	memset(&rec, 0, sizeof(rec));
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_tick, .entry = j_tick_records };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	/* The jprobe's own handlers, wrapped to look at the marker on the way through. */
	jp.kp.pre_handler = pre_records;
	jp.kp.break_handler = break_records;
	KEXPECT_EQ(t, jp_tick(5), 6);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, rec.jprobe, 1);
	KEXPECT_EQ(t, rec.in_pre, KPROBE_IN_PRE);
	KEXPECT_EQ(t, rec.in_jprobe, KPROBE_IN_JPROBE);
	KEXPECT_EQ(t, rec.in_break, KPROBE_IN_BREAK);
	expect_clean(t);

	KEXPECT_STREQ(t, kprobe_handler_name(KPROBE_IN_PRE), "pre handler");
	KEXPECT_STREQ(t, kprobe_handler_name(KPROBE_IN_POST), "post handler");
	KEXPECT_STREQ(t, kprobe_handler_name(KPROBE_IN_JPROBE), "jprobe handler");
	KEXPECT_STREQ(t, kprobe_handler_name(KPROBE_IN_FAULT), "fault handler");
	KEXPECT_STREQ(t, kprobe_handler_name(KPROBE_IN_BREAK), "break handler");
}

static const struct ktest_case kprobes_faults_cases[] = {
	KTEST_CASE(reentered_step_fault_goes_to_outer_fault_handler),
	KTEST_CASE(reentered_step_fault_in_post_handler_goes_to_outer),
	KTEST_CASE(declined_reentered_step_fault_is_as_without_the_probe),
	KTEST_CASE(own_step_fault_not_offered_to_own_fault_handler),
	KTEST_CASE(fault_in_fault_handler_not_offered_again),
	KTEST_CASE(each_handler_runs_under_its_name),
	KTEST_END,
};
KTEST_SUITE(kprobes_faults_suite, "kprobes_faults", kprobes_faults_cases);
