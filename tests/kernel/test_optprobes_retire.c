// SPDX-License-Identifier: MIT
/*
 * A detour buffer retired while code still runs in it (kernel/optprobe.c, in_buffer): a
 * pre handler that places a probe inside its own probe's region takes its own jmp out, so
 * its own buffer retires while the handler -- called from that buffer -- has yet to
 * return into it. The buffer must live until the hit has left it.
 */
#include "kprobes.h"
#include "ktest.h"
#include "optprobes.h"
#include "optprobe_targets.h"
#include "user_probes.h"

static struct optr_probe inner;
static int inner_ret = 1;

static int place_inner(struct kprobe *p, struct pt_regs *regs)
{
	optr_pre(p, regs);
	if (inner_ret == 1)
		inner_ret = register_kprobe(&inner.kp);     /* in this probe's region */
	return 0;
}

static void handler_retires_its_own_buffer(struct ktest *t)
{
	static struct optr_probe outer;
	unsigned used;

	skip_if_probed(t, optr_plain);
	skip_if_probed(t, optr_plain_in);
	optr_probe_init(&outer, optr_plain);
	optr_probe_init(&inner, optr_plain_in);
	outer.kp.pre_handler = place_inner;
	inner_ret = 1;
	KASSERT_EQ(t, register_kprobe(&outer.kp), 0);
	KASSERT_TRUE(t, kprobe_optimized(&outer.kp));
	used = kprobe_optinsn_slots_used();
	/* The hit: the handler unoptimizes its own probe, and returns into the buffer. */
	KEXPECT_EQ(t, optr_plain(4), 15);
	KEXPECT_EQ(t, inner_ret, 0);
	KEXPECT_EQ(t, outer.pre, 1);
	KEXPECT_FALSE(t, kprobe_optimized(&outer.kp));
	KEXPECT_TRUE(t, kprobe_opt_refusal(&outer.kp) == optprobe_probe_in);
	/* The retired buffer outlived the hit; nobody is in it now. */
	KEXPECT_EQ(t, kprobe_optinsn_slots_used(), used);
	/* Both probes work as int3 probes. */
	KEXPECT_EQ(t, optr_plain(5), 17);
	KEXPECT_EQ(t, outer.pre, 2);
	KEXPECT_EQ(t, inner.pre, 1);
	unregister_kprobe(&inner.kp);
	unregister_kprobe(&outer.kp);
	optr_settle();
	KEXPECT_EQ(t, kprobe_optinsn_slots_used(), used - 1);
}

static const struct ktest_case optprobes_retire_cases[] = {
	KTEST_CASE(handler_retires_its_own_buffer),
	KTEST_END
};
KTEST_SUITE(optprobes_retire_suite, "optprobes_retire", optprobes_retire_cases);
