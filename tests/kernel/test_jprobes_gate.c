// SPDX-License-Identifier: MIT
/*
 * Cases make mutants asked for (tests/mutants/): a handler that overwrites the whole
 * MAX_STACK_SIZE area (return address and fifteen argument words) leaves the probed
 * function every word of it, the last included; the break handler claims exactly
 * jprobe_return's own int3, nothing just below or at its end.
 */
#include "desc.h"
#include "irqflags.h"
#include "jprobe_targets.h"
#include "jprobes.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "user_probes.h"

_Static_assert(MAX_STACK_SIZE == 16 * sizeof(int), "return address + 15 argument words");

#define ARGS15 int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, \
	int a9, int a10, int a11, int a12, int a13, int a14

static int hits;

__noipa int kpt_sum15(ARGS15)
{
	return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 +
	       10 * a9 + 11 * a10 + 12 * a11 + 13 * a12 + 14 * a13 + 15 * a14;
}

static int j_clobber15(ARGS15)
{
	(void)a1; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6; (void)a7; (void)a8;
	(void)a9; (void)a10; (void)a11; (void)a12; (void)a13; (void)a14;
	hits++;
	jp_overwrite_args(&a0, 15, 0);            /* a0..a14 are consecutive stack slots */
	jprobe_return();
}

static void last_argument_word_is_restored(struct ktest *t)
{
	skip_if_probed(t, kpt_sum15);
	static struct jprobe jp;
	int want = kpt_sum15(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1000);

	hits = 0;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)kpt_sum15, .entry = j_clobber15 };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	int r = kpt_sum15(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1000);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, r, want);
	KEXPECT_EQ(t, preempt_count(), 0);
}

/*
 * From inside a jprobe handler, replay int3 frames for the bytes just below
 * jprobe_return and at jprobe_return_end (the first outside it): neither is the
 * jprobe's return, so kprobes must not claim them (claimed, the longjmp's esp check
 * would BUG). Interrupts are off in the handler, as the hit path needs.
 */
extern char jprobe_return_end[];
static int claimed_below, claimed_end;

static int j_replay(int a, int b, int c, int d, int e, int f)
{
	struct pt_regs regs;

	(void)a; (void)b; (void)c; (void)d; (void)e; (void)f;
	hits++;
	memset(&regs, 0, sizeof(regs));
	regs.cs = KERNEL_CS;
	regs.eip = (unsigned long)jprobe_return;          /* an int3 at jprobe_return - 1 */
	claimed_below = kprobe_int3_handler(&regs);
	regs.eip = (unsigned long)jprobe_return_end + 1;  /* an int3 at jprobe_return_end */
	claimed_end = kprobe_int3_handler(&regs);
	jprobe_return();
}

static void break_handler_claims_only_jprobe_return(struct ktest *t)
{
	skip_if_probed(t, jp_sum6);
	static struct jprobe jp;

	hits = 0;
	claimed_below = claimed_end = -1;
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)jp_sum6, .entry = j_replay };
	KASSERT_EQ(t, register_jprobe(&jp), 0);
	int r = jp_sum6(1, 2, 3, 4, 5, 6);
	unregister_jprobe(&jp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, claimed_below, 0);
	KEXPECT_EQ(t, claimed_end, 0);
	KEXPECT_EQ(t, r, 91);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

static const struct ktest_case jprobes_gate_cases[] = {
	KTEST_CASE(last_argument_word_is_restored),
	KTEST_CASE(break_handler_claims_only_jprobe_return),
	KTEST_END,
};
KTEST_SUITE(jprobes_gate_suite, "jprobes_gate", jprobes_gate_cases);
