// SPDX-License-Identifier: MIT
/*
 * ktest_selfcheck: cases that fail on purpose, so the host runner can prove it reports
 * failures (tests/run.py, runner self-tests). Explicit-only: plain "selftest" skips it;
 * "selftest=ktest_selfcheck" runs it. Each case's expected outcome is in its name.
 */
#include "ktest.h"
#include "preempt.h"

static void passes(struct ktest *t)
{
	KEXPECT_EQ(t, 1 + 1, 2);
}

static void expect_fails_then_continues(struct ktest *t)
{
	KEXPECT_EQ(t, 1 + 1, 3);
	ktest_info(t, "still running after a failed expectation");
	KEXPECT_TRUE(t, 0);
}

static void assert_fails_and_stops(struct ktest *t)
{
	KASSERT_EQ(t, 2 * 2, 5);
	ktest_info(t, "BUG: reached after a failed assertion");
}

static void skips(struct ktest *t)
{
	ktest_skip(t, "skipped on purpose");
}

static void leaks_preempt_count(struct ktest *t)
{
	(void)t;
	preempt_disable();      /* the runner must notice and restore the count */
}

static const struct ktest_case selfcheck_cases[] = {
	KTEST_CASE(passes),
	KTEST_CASE(expect_fails_then_continues),
	KTEST_CASE(assert_fails_and_stops),
	KTEST_CASE(skips),
	KTEST_CASE(leaks_preempt_count),
	KTEST_END,
};
KTEST_SUITE(selfcheck_suite, "ktest_selfcheck", selfcheck_cases, .explicit_only = true);
