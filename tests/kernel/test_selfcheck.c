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

/* A failed check prints each value in its own type's width: an int -1 is 0xffffffff. */
static void expect_fails_with_values_in_their_width(struct ktest *t)
{
	int r = -1;
	long long w = -1;
	unsigned char b = 0xff;

	KEXPECT_EQ(t, r, 0);
	KEXPECT_EQ(t, w, 0);
	KEXPECT_EQ(t, b, 0);
}

/* A report the case announced: passes, and its line carries the mark. */
static void expected_warning_is_marked(struct ktest *t)
{
	KEXPECT_WARNS(t, 1, WARN(1, "ktest_selfcheck: provoked on purpose"));
}

/* An announced report that never comes fails the case when it ends. */
static void expected_report_never_comes(struct ktest *t)
{
	ktest_expect_report(t, "BUG", 1);
}

/* A WARNING the case did not announce fails it (the kernel's own check). */
static void unexpected_warning_fails(struct ktest *t)
{
	(void)t;
	WARN(1, "ktest_selfcheck: a warning this case did not announce");
}

/*
 * A WARNING nobody expected, hidden from the kernel's own per-case check (as a kernel
 * with a broken check would): the case "passes", and only the runner, reading the
 * unmarked line in the log, can fail the boot.
 */
static void unexpected_warning_hidden(struct ktest *t)
{
	(void)t;
	WARN(1, "ktest_selfcheck: a warning no case expected");
	warn_count--;
}

static const struct ktest_case selfcheck_cases[] = {
	KTEST_CASE(passes),
	KTEST_CASE(expect_fails_then_continues),
	KTEST_CASE(assert_fails_and_stops),
	KTEST_CASE(skips),
	KTEST_CASE(leaks_preempt_count),
	KTEST_CASE(expect_fails_with_values_in_their_width),
	KTEST_CASE(expected_warning_is_marked),
	KTEST_CASE(expected_report_never_comes),
	KTEST_CASE(unexpected_warning_fails),
	KTEST_CASE(unexpected_warning_hidden),
	KTEST_END,
};
KTEST_SUITE(selfcheck_suite, "ktest_selfcheck", selfcheck_cases, .explicit_only = true);
