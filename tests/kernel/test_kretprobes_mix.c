// SPDX-License-Identifier: MIT
/*
 * kretprobes beside other probes on the same function (kernel/kretprobe.c, and the
 * aggregate of kernel/kprobe_aggr.c): a jprobe, a kprobe with a post handler, a second
 * kretprobe, and a tail call from one kretprobed function into another (both returns
 * through one stack slot). Every handler runs, in order, with the right values; the
 * caller gets its value back.
 */
#include "kretprobes.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "kretprobe_targets.h"
#include "ktest.h"
#include "sched.h"
#include "string.h"
#include "user_probes.h"

/* Tail-calls krp_add with the caller's arguments: returns through krp_tail_add's slot. */
int krp_tail_add(int a, int b);
__asm__(".text\n"
	".globl krp_tail_add\n"
	".type krp_tail_add, @function\n"
	"krp_tail_add:\n"
	"	jmp krp_add\n"
	".size krp_tail_add, . - krp_tail_add\n");

static struct kretprobe rp, rp2;
static struct jprobe jp;
static struct kprobe kp;
static char order[8];
static int order_len;
static volatile int bad, saw_trampoline, jp_a, jp_b;
static unsigned long eip_seen[2], ret_seen[2];

static void note(char c)
{
	if (order_len < (int)sizeof(order) - 1)
		order[order_len++] = c;
	order[order_len] = '\0';
}

static void reset(void)
{
	order_len = 0;
	order[0] = '\0';
	bad = saw_trampoline = jp_a = jp_b = 0;
	memset(eip_seen, 0, sizeof(eip_seen));
	memset(ret_seen, 0, sizeof(ret_seen));
}

/* rp's handler notes 'r' (rp2's 'R') and what it saw: regs->eip, the return value. */
static int mix_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int i = ri->rp == &rp2;

	note(i ? 'R' : 'r');
	eip_seen[i] = regs->eip;
	ret_seen[i] = regs_return_value(regs);
	if (regs->eip == (unsigned long)kretprobe_trampoline)
		saw_trampoline++;       /* a chained return told the trampoline */
	if (regs->eip != (unsigned long)ri->ret_addr || ri->task != current)
		bad++;
	return 0;
}

static int jp_add(int a, int b)
{
	jp_a = a;
	jp_b = b;
	note('j');
	jprobe_return();
}

/* A jprobe and a kretprobe on krp_add, registered in either order: the jprobe's handler
 * gets the arguments at the entry, the kretprobe's the value and the real return
 * address at the return ("jr"), and the caller its value. */
static void with_jprobe(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	for (int kret_first = 0; kret_first < 2; kret_first++) {
		reset();
		rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add,
					 .handler = mix_ret };
		jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .entry = jp_add };
		if (kret_first)
			KASSERT_EQ(t, register_kretprobe(&rp), 0);
		KASSERT_EQ(t, register_jprobe(&jp), 0);
		if (!kret_first)
			KASSERT_EQ(t, register_kretprobe(&rp), 0);
		int v = krp_add(30, 12);

		unregister_jprobe(&jp);
		unregister_kretprobe(&rp);
		KEXPECT_EQ(t, v, 42);
		KEXPECT_STREQ(t, order, "jr");
		KEXPECT_EQ(t, jp_a, 30);
		KEXPECT_EQ(t, jp_b, 12);
		KEXPECT_EQ(t, ret_seen[0], 42);
		KEXPECT_TRUE(t, in_function(eip_seen[0], "with_jprobe"));
		KEXPECT_EQ(t, bad, 0);
		KEXPECT_EQ(t, rp.nmissed, 0);
		KEXPECT_TRUE(t, current->kretprobe_instances == NULL);
	}
}

static int kp_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p, (void)regs;
	note('p');
	return 0;
}

static void kp_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p, (void)regs, (void)flags;
	note('P');
}

/* A kprobe with pre and post handlers and a kretprobe on krp_add, either order: "pPr",
 * the value and the real return address at the return. */
static void with_kprobe_post(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	for (int kret_first = 0; kret_first < 2; kret_first++) {
		reset();
		rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add,
					 .handler = mix_ret };
		kp = (struct kprobe){ .addr = (kprobe_opcode_t *)krp_add, .pre_handler = kp_pre,
				      .post_handler = kp_post };
		if (kret_first)
			KASSERT_EQ(t, register_kretprobe(&rp), 0);
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		if (!kret_first)
			KASSERT_EQ(t, register_kretprobe(&rp), 0);
		int v = krp_add(-8, 3);

		unregister_kprobe(&kp);
		unregister_kretprobe(&rp);
		KEXPECT_EQ(t, v, -5);
		KEXPECT_STREQ(t, order, "pPr");
		KEXPECT_EQ(t, (int)ret_seen[0], -5);
		KEXPECT_TRUE(t, in_function(eip_seen[0], "with_kprobe_post"));
		KEXPECT_EQ(t, bad, 0);
		KEXPECT_EQ(t, rp.nmissed, 0);
	}
}

/* Both handlers saw the real return address (into fn_name) and value v, each once. */
static void expect_both_returns(struct ktest *t, const char *fn_name, int v)
{
	KEXPECT_EQ(t, order_len, 2);
	KEXPECT_TRUE(t, strchr(order, 'r') && strchr(order, 'R'));
	for (int i = 0; i < 2; i++) {
		KEXPECT_EQ(t, (int)ret_seen[i], v);
		KEXPECT_TRUE(t, in_function(eip_seen[i], fn_name));
	}
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, rp.nmissed + rp2.nmissed, 0);
	KEXPECT_TRUE(t, current->kretprobe_instances == NULL);
}

/* Two kretprobes on krp_add: both handlers see regs->eip == the real return address and
 * the value. The second entry finds the first one's trampoline in the slot; it must take
 * the real address from the first's instance (kretprobe_slot_ret_addr). */
static void two_kretprobes_one_function(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	reset();
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = mix_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = mix_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	int v = krp_add(5, 6);

	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, v, 11);
	KEXPECT_FALSE(t, saw_trampoline);      /* the second entry kept the real address */
	expect_both_returns(t, "two_kretprobes_one_function", 11);
}

/* krp_tail_add ends in a jmp to krp_add, both kretprobed: krp_add's entry finds
 * krp_tail_add's trampoline in the slot (kretprobe_slot_ret_addr again). Both handlers see the real
 * return address (into this function) and the value. */
static void tail_call_between_kretprobes(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	skip_if_probed(t, krp_tail_add);
	reset();
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_tail_add,
				 .handler = mix_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = mix_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	int v = krp_tail_add(9, 10);

	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, v, 19);
	KEXPECT_FALSE(t, saw_trampoline);      /* krp_add's entry kept the real address */
	expect_both_returns(t, "tail_call_between_kretprobes", 19);
	KEXPECT_STREQ(t, order, "Rr");  /* krp_add returns first, then krp_tail_add */
}

static const struct ktest_case kretprobe_mix_cases[] = {
	KTEST_CASE(with_jprobe),
	KTEST_CASE(with_kprobe_post),
	KTEST_CASE(two_kretprobes_one_function),
	KTEST_CASE(tail_call_between_kretprobes),
	KTEST_END,
};
KTEST_SUITE(kretprobe_mix_suite, "kretprobes_mix", kretprobe_mix_cases);
