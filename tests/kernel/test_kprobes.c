// SPDX-License-Identifier: MIT
/*
 * kprobes: handlers and the regs they see, several probes, repeated registration,
 * reentrancy (nmissed), every bad registration, redirection, enable/disable, a handler
 * unregistering its own probe. Faults and foreign int3s: tests/kernel/test_kprobes_traps.c;
 * threads and interrupts: tests/kernel/test_kprobes_threads.c.
 */
#include "errno.h"
#include "irqflags.h"
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "text_poke.h"
#include "user_probes.h"

static struct {
	int pre, post, fault;
	struct pt_regs pre_regs, post_regs;
	unsigned long pre_sp, post_sp;
	unsigned long pre_args[2];         /* the two stack words above the return address */
	bool pre_if, post_running, pre_preempt_off;
	unsigned long flags_in_handler;
} seen;

static int count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	seen.pre++;
	seen.pre_regs = *regs;
	seen.pre_sp = kernel_stack_pointer(regs);
	seen.pre_args[0] = ((unsigned long *)seen.pre_sp)[1];
	seen.pre_args[1] = ((unsigned long *)seen.pre_sp)[2];
	seen.pre_preempt_off = preempt_count() > 0;
	seen.flags_in_handler = native_save_fl();
	return 0;
}

static void count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)flags;
	seen.post++;
	seen.post_regs = *regs;
	seen.post_sp = kernel_stack_pointer(regs);
	seen.post_running = kprobe_running() && current_kprobe == p;
}

static void reset_seen(void)
{
	memset(&seen, 0, sizeof(seen));
}

static void pre_and_post_called_once_with_regs(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add,
			     .pre_handler = count_pre, .post_handler = count_post };
	skip_if_probed(t, kp_target_add);
	u8 orig = *(u8 *)kp_target_add;

	reset_seen();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, *(u8 *)kp_target_add, BREAKPOINT_INSTRUCTION);
	KEXPECT_EQ(t, kp.opcode, orig);
	KEXPECT_TRUE(t, get_kprobe(kp.addr) == &kp);
	int r = kp_target_add(20, 22);
	unregister_kprobe(&kp);

	KEXPECT_EQ(t, r, 42);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.post, 1);
	/* pre: at the probed instruction, nothing executed yet; the arguments are on the
	 * stack just above the return address. */
	KEXPECT_EQ(t, seen.pre_regs.eip, (unsigned long)kp_target_add);
	KEXPECT_EQ(t, seen.pre_args[0], 20);
	KEXPECT_EQ(t, seen.pre_args[1], 22);
	KEXPECT_TRUE(t, seen.pre_preempt_off);
	KEXPECT_FALSE(t, seen.flags_in_handler & X86_EFLAGS_IF);   /* int3 gate */
	KEXPECT_TRUE(t, seen.pre_regs.eflags & X86_EFLAGS_IF);     /* the caller's IF */
	/* post: the first instruction ran in the copy, eip is back in the original. */
	KEXPECT_EQ(t, seen.post_regs.eip, (unsigned long)kp_target_add + kp.ainsn.decoded.length);
	KEXPECT_TRUE(t, seen.post_running);
	KEXPECT_FALSE(t, seen.post_regs.eflags & X86_EFLAGS_TF);
	KEXPECT_TRUE(t, seen.post_regs.eflags & X86_EFLAGS_IF);
	if (orig == 0x55)   /* push %ebp: the stack grew by one word */
		KEXPECT_EQ(t, seen.post_sp, seen.pre_sp - 4);
	KEXPECT_EQ(t, *(u8 *)kp_target_add, orig);
	KEXPECT_TRUE(t, get_kprobe(kp.addr) == NULL);
	KEXPECT_FALSE(t, kprobe_running());
}

static int hits_a, hits_b, hits_c;
static int pre_a(struct kprobe *p, struct pt_regs *r) { (void)p; (void)r; hits_a++; return 0; }
static int pre_b(struct kprobe *p, struct pt_regs *r) { (void)p; (void)r; hits_b++; return 0; }
static int pre_c(struct kprobe *p, struct pt_regs *r) { (void)p; (void)r; hits_c++; return 0; }

static void several_probes_at_once(struct ktest *t)
{
	struct kprobe a = { .symbol_name = "kp_target_add", .pre_handler = pre_a };
	struct kprobe b = { .symbol_name = "kp_target_mul", .pre_handler = pre_b };
	struct kprobe c = { .symbol_name = "kp_target_neg", .pre_handler = pre_c };

	skip_if_probed(t, kp_target_add);
	skip_if_probed(t, kp_target_mul);
	skip_if_probed(t, kp_target_neg);
	hits_a = hits_b = hits_c = 0;
	KASSERT_EQ(t, register_kprobe(&a), 0);
	KASSERT_EQ(t, register_kprobe(&b), 0);
	KASSERT_EQ(t, register_kprobe(&c), 0);
	KEXPECT_TRUE(t, a.addr == (kprobe_opcode_t *)kp_target_add);
	int sum = 0;
	for (int i = 0; i < 10; i++)
		sum += kp_target_add(i, 1) + kp_target_mul(i, 2) + kp_target_neg(i);
	for (int i = 0; i < 5; i++)
		sum += kp_target_mul(i, i);
	unregister_kprobe(&b);
	for (int i = 0; i < 3; i++)
		sum += kp_target_mul(1, 1) + kp_target_neg(1);
	unregister_kprobe(&a);
	unregister_kprobe(&c);
	KEXPECT_EQ(t, hits_a, 10);
	KEXPECT_EQ(t, hits_b, 15);
	KEXPECT_EQ(t, hits_c, 13);
	KEXPECT_EQ(t, sum, 55 + 90 - 45 + 30 + 3 - 3);
}

static void register_unregister_repeatedly(struct ktest *t)
{
	struct kprobe kp = { .pre_handler = pre_a };
	skip_if_probed(t, kp_target_mul);
	u8 orig = *(u8 *)kp_target_mul;

	hits_a = 0;
	for (int i = 0; i < 200; i++) {
		kp.addr = (kprobe_opcode_t *)kp_target_mul;
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		KEXPECT_EQ(t, kp_target_mul(i, 3), 3 * i);
		unregister_kprobe(&kp);
		KASSERT_EQ(t, *(u8 *)kp_target_mul, orig);
		KEXPECT_EQ(t, kp_target_mul(i, 2), 2 * i);     /* unprobed in between */
	}
	KEXPECT_EQ(t, hits_a, 200);
}

/* The pre handler calls its own probed function twice: two misses, no recursion. */
static struct kprobe recursive_kp;
static int recursion_result;

static int pre_recursive(struct kprobe *p, struct pt_regs *regs)
{
	(void)regs;
	hits_a++;
	recursion_result = kp_target_neg(5) + kp_target_neg(6);
	(void)p;
	return 0;
}

static void recursive_hit_counts_nmissed(struct ktest *t)
{
	skip_if_probed(t, kp_target_neg);
	recursive_kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_neg,
					.pre_handler = pre_recursive };
	hits_a = 0;
	KASSERT_EQ(t, register_kprobe(&recursive_kp), 0);
	int r = kp_target_neg(7);
	int r2 = kp_target_neg(8);          /* still armed: the 2004 code disarmed it */
	unregister_kprobe(&recursive_kp);
	KEXPECT_EQ(t, r, -7);
	KEXPECT_EQ(t, r2, -8);
	KEXPECT_EQ(t, recursion_result, -11);
	KEXPECT_EQ(t, hits_a, 2);
	KEXPECT_EQ(t, recursive_kp.nmissed, 4);
	KEXPECT_EQ(t, preempt_count(), 0);
}

static int data_word = 5;

/*
 * Each rejected registration: its errno, and nothing armed or changed. One accepted by
 * mistake is a failure, and is unregistered again at once: kp may live on this stack
 * frame, and a registration left in the table would outlive it.
 */
static void expect_rejected(struct ktest *t, struct kprobe *kp, int err, const char *what)
{
	unsigned long pokes = text_poke_count;
	int ret = register_kprobe(kp);

	if (ret != err)
		ktest_fail(t, false, __FILE__, __LINE__, "%s: got %d (%s), want %d (%s)", what,
			   ret, errno_name(ret), err, errno_name(err));
	if (ret == 0) {
		unregister_kprobe(kp);
		return;
	}
	KEXPECT_EQ(t, text_poke_count, pokes);
}

static void bad_registrations_rejected(struct ktest *t)
{
	struct kprobe good = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = pre_a };
	unsigned long neg = (unsigned long)kp_target_neg, mid = neg;
	u8 code[32];
	struct insn in;

	skip_if_probed(t, kp_target_add);
	u8 add0 = *(u8 *)kp_target_add, neg0 = *(u8 *)kp_target_neg;
	/* An address inside kp_target_neg's first multi-byte instruction, found in its
	 * original bytes: the user's int3s (probe kp_target_neg+1) would move it. */
	read_original_text(neg, code, sizeof(code));
	while (mid - neg < 16 && insn_decode(&in, code + (mid - neg), 16, (u32)mid) == 1)
		mid += 1;
	KASSERT_TRUE(t, mid - neg < 16);
	mid += 1;

	expect_rejected(t, NULL, -EINVAL, "NULL kprobe");
	expect_rejected(t, &(struct kprobe){ .pre_handler = pre_a }, -EINVAL, "no address");
	expect_rejected(t, &(struct kprobe){ .addr = (void *)&data_word }, -EFAULT, "data");
	expect_rejected(t, &(struct kprobe){ .addr = (void *)mid }, -EILSEQ, "mid-instruction");
	expect_rejected(t, &(struct kprobe){ .symbol_name = "do_trap" }, -EPERM, "blacklisted");
	expect_rejected(t, &(struct kprobe){ .symbol_name = "kprobe_int3_handler" },
			-EPERM, "the int3 handler itself");
	expect_rejected(t, &(struct kprobe){ .symbol_name = "no_such_symbol" }, -ENOENT,
			"unknown symbol");
	expect_rejected(t, &(struct kprobe){ .symbol_name = "kp_target_add",
					     .addr = (void *)kp_target_add }, -EINVAL,
			"both symbol and address");
	expect_rejected(t, &(struct kprobe){ .symbol_name = "insn_probe_target", .offset = 10 },
			-EOPNOTSUPP, "hlt");
	KASSERT_EQ(t, register_kprobe(&good), 0);
	expect_rejected(t, &good, -EINVAL, "the same kprobe twice");
	unregister_kprobe(&good);

	KEXPECT_EQ(t, *(u8 *)kp_target_add, add0);
	KEXPECT_EQ(t, *(u8 *)kp_target_neg, neg0);
	KEXPECT_EQ(t, *(u8 *)mid, code[mid - neg]);
	KEXPECT_TRUE(t, get_kprobe((void *)mid) == NULL);
	KEXPECT_TRUE(t, get_kprobe((void *)kp_target_add) == NULL);
	/* Unregistering something never registered is reported, not done. */
	KEXPECT_WARNS(t, 1, unregister_kprobe(&good));
}

static int pre_redirect(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	hits_a++;
	regs->eip = (unsigned long)kp_target_other;   /* same prototype: a clean swap */
	return 1;
}

static void pre_handler_redirects_execution(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add,
			     .pre_handler = pre_redirect, .post_handler = count_post };

	skip_if_probed(t, kp_target_add);
	hits_a = 0;
	reset_seen();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	int r = kp_target_add(50, 8);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, r, 1042);
	KEXPECT_EQ(t, hits_a, 1);
	KEXPECT_EQ(t, seen.post, 0);          /* no single-step, so no post handler */
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void disable_and_enable(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kp_target_add, .pre_handler = pre_a };
	skip_if_probed(t, kp_target_add);
	u8 orig = *(u8 *)kp_target_add;

	hits_a = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	kp_target_add(1, 1);
	KEXPECT_EQ(t, disable_kprobe(&kp), 0);
	KEXPECT_TRUE(t, kprobe_disabled(&kp));
	KEXPECT_EQ(t, *(u8 *)kp_target_add, orig);
	kp_target_add(1, 1);
	kp_target_add(1, 1);
	KEXPECT_EQ(t, disable_kprobe(&kp), 0);            /* idempotent */
	KEXPECT_EQ(t, enable_kprobe(&kp), 0);
	KEXPECT_EQ(t, *(u8 *)kp_target_add, BREAKPOINT_INSTRUCTION);
	kp_target_add(1, 1);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, hits_a, 2);
	KEXPECT_EQ(t, enable_kprobe(&kp), -EINVAL);       /* not registered any more */
	/* Registered disabled: armed only on enable. */
	kp.flags = KPROBE_FLAG_DISABLED;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, *(u8 *)kp_target_add, orig);
	KEXPECT_EQ(t, enable_kprobe(&kp), 0);
	kp_target_add(1, 1);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, hits_a, 3);
	KEXPECT_EQ(t, *(u8 *)kp_target_add, orig);
}

/* A handler may not unregister its own probe: the hit still needs the probe's slot. */
static struct kprobe self_kp;
static int self_unregister_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)regs;
	hits_a++;
	unregister_kprobe(p);       /* refused with a warning */
	return 0;
}

static void handler_cannot_unregister_its_probe(struct ktest *t)
{
	skip_if_probed(t, kp_target_add);
	hits_a = 0;
	self_kp = (struct kprobe){ .addr = (kprobe_opcode_t *)kp_target_add,
				   .pre_handler = self_unregister_pre };
	KASSERT_EQ(t, register_kprobe(&self_kp), 0);
	int r = 0;
	KEXPECT_WARNS(t, 1, r = kp_target_add(2, 3));
	KEXPECT_EQ(t, r, 5);
	KEXPECT_EQ(t, hits_a, 1);
	KEXPECT_TRUE(t, get_kprobe((void *)kp_target_add) == &self_kp);   /* still there */
	self_kp.pre_handler = pre_a;
	unregister_kprobe(&self_kp);
	KEXPECT_TRUE(t, get_kprobe((void *)kp_target_add) == NULL);
}

static const struct ktest_case kprobes_cases[] = {
	KTEST_CASE(pre_and_post_called_once_with_regs),
	KTEST_CASE(several_probes_at_once),
	KTEST_CASE(register_unregister_repeatedly),
	KTEST_CASE(recursive_hit_counts_nmissed),
	KTEST_CASE(bad_registrations_rejected),
	KTEST_CASE(pre_handler_redirects_execution),
	KTEST_CASE(disable_and_enable),
	KTEST_CASE(handler_cannot_unregister_its_probe),
	KTEST_END,
};
KTEST_SUITE(kprobes_suite, "kprobes", kprobes_cases,
	    .int3_only = true);
