// SPDX-License-Identifier: MIT
/* The aggregate suites' shared targets, probes and record (kprobe_aggr_helpers.h). */
#include "kprobe_aggr_helpers.h"
#include "preempt.h"
#include "string.h"

/* The probed functions: the suites' own, so no other suite's probes meet these. */
__noipa int aggr_target(int a, int b)
{
	return 3 * a + b;
}

/* Where a redirecting pre handler sends aggr_target's callers. */
__noipa int aggr_redirect(int a, int b)
{
	(void)a, (void)b;
	return 1000;
}

__noipa int aggr_outer(int a)
{
	return aggr_target(a, 1) + 1;
}

struct aggr_rec aggr_rec;

struct kprobe aggr_ka, aggr_kb, aggr_kc;
struct jprobe aggr_jp, aggr_jp2;

void aggr_note(char c, struct kprobe *p, struct kprobe *own)
{
	if (aggr_rec.n < sizeof(aggr_rec.seq) - 1)
		aggr_rec.seq[aggr_rec.n++] = c;
	if (p != own)
		aggr_rec.self_bad = p;
}

static int pre_a(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	aggr_note('a', p, &aggr_ka);
	if (aggr_rec.unreg_self)
		unregister_kprobe(&aggr_ka);         /* refused: its hit is in progress */
	return 0;
}

static int pre_b(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	aggr_note('b', p, &aggr_kb);
	return 0;
}

static int pre_c(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	aggr_note('c', p, &aggr_kc);
	return 0;
}

void aggr_post_a(struct kprobe *p, struct pt_regs *r, unsigned long f)
{
	(void)r, (void)f;
	aggr_note('A', p, &aggr_ka);
}

void aggr_post_c(struct kprobe *p, struct pt_regs *r, unsigned long f)
{
	(void)r, (void)f;
	aggr_note('C', p, &aggr_kc);
}

static int j_target(int a, int b)
{
	aggr_note('j', kprobe_current_instance(), &aggr_jp.kp);
	aggr_rec.ja = a;
	aggr_rec.jb = b;
	jprobe_return();
	return 0;
}

void aggr_reset(void)
{
	memset(&aggr_rec, 0, sizeof(aggr_rec));
	aggr_ka = (struct kprobe){ .addr = AGGR_ADDR, .pre_handler = pre_a };
	aggr_kb = (struct kprobe){ .addr = AGGR_ADDR, .pre_handler = pre_b };
	aggr_kc = (struct kprobe){ .symbol_name = "aggr_target", .pre_handler = pre_c };
	aggr_jp = (struct jprobe){ .kp.symbol_name = "aggr_target", .entry = j_target };
	aggr_jp2 = (struct jprobe){ .kp.addr = AGGR_ADDR, .entry = j_target };
}

void aggr_expect_clean(struct ktest *t)
{
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_TRUE(t, kprobe_current_instance() == NULL);
	KEXPECT_EQ(t, preempt_count(), 0);
	KEXPECT_EQ(t, *(u8 *)aggr_target, 0x55);        /* push %ebp: nothing left armed */
}
