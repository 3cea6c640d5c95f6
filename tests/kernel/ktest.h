/* SPDX-License-Identifier: MIT */
/*
 * In-kernel self-tests, reported as KTAP version 1 on the console.
 *
 * A suite is a named list of cases; each file registers its own suites with
 * KTEST_SUITE(), which drops a pointer into the .ktest_suites linker section, so there is
 * no central list to edit. The command line picks what runs: "selftest" runs every suite,
 * "selftest=GLOB[,GLOB...]" the cases whose "suite" or "suite.case" name matches.
 *
 * Checks come in two strengths: KEXPECT_* records a failure and the case goes on;
 * KASSERT_* records it and abandons the case (longjmp back to the runner). A case also
 * fails if it leaves preempt_count or the interrupt flag changed, or if a WARNING or BUG
 * report came that it did not expect (KEXPECT_REPORTS).
 */
#ifndef JUMPER_KTEST_H
#define JUMPER_KTEST_H

#include "compiler.h"
#include "kernel.h"
#include "setjmp.h"

struct ktest {
	const char *suite;
	const char *name;
	bool failed;
	bool skipped;
	const char *skip_reason;
	jmp_buf abort;           /* KASSERT_* and KTEST_SKIP jump here */
	/* The armed report expectation (ktest_expect_report), and the reports seen. */
	const char *expect_kind;
	unsigned expect_n;
	unsigned reports_seen;   /* expected reports that came, over the whole case */
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	const struct ktest_case *cases;   /* ended by an entry with name == NULL */
	/* Suites that prove the harness can fail: run only when named explicitly. */
	bool explicit_only;
	/*
	 * Suites about the int3 path itself (its bytes, its traps, its boost, its slots): each
	 * case runs with jump optimization off (include/optprobes.h), and the harness turns it
	 * back on after. Every other suite runs as a user's probes would, optimized.
	 */
	bool int3_only;
};

#define KTEST_CASE(fn) { #fn, fn }
#define KTEST_END      { NULL, NULL }

#define KTEST_SUITE(sym, suite_name, case_array, ...)                              \
	static const struct ktest_suite sym = {                                    \
		.name = suite_name, .cases = case_array, __VA_ARGS__ };            \
	static const struct ktest_suite *const sym##_ptr __used                    \
		__section(".ktest_suites") = &sym

/* Reports a failed check at file:line; fatal ones longjmp out of the case. */
void ktest_fail(struct ktest *t, bool fatal, const char *file, int line, const char *fmt,
		...) __printf(5, 6);
/* Marks the case skipped with a reason and abandons it. */
void __noreturn ktest_skip(struct ktest *t, const char *reason);
/* Prints a "# ..." diagnostic line inside the current case. */
void ktest_info(struct ktest *t, const char *fmt, ...) __printf(2, 3);

#define KTEST_CHECK_(t, fatal, cond, ...)                                          \
	do {                                                                       \
		if (unlikely(!(cond)))                                             \
			ktest_fail(t, fatal, __FILE__, __LINE__, __VA_ARGS__);     \
	} while (0)

/* v's bit pattern in the width of its own type (size bytes): an int -1 is 0xffffffff. */
static inline unsigned long long ktest_bits(long long v, unsigned size)
{
	return size >= 8 ? (unsigned long long)v
			 : (unsigned long long)v & ((1ULL << (8 * size)) - 1);
}

#define KTEST_CMP_(t, fatal, a, op, b)                                             \
	do {                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);              \
		KTEST_CHECK_(t, fatal, __a op __b,                                 \
			     "Expected %s %s %s, but %s == %lld (0x%llx), %s == %lld (0x%llx)", \
			     #a, #op, #b, #a, __a, ktest_bits(__a, sizeof(a)), #b, __b, \
			     ktest_bits(__b, sizeof(b)));                          \
	} while (0)

#define KTEST_STR_(t, fatal, a, b)                                                 \
	do {                                                                       \
		const char *__a = (a), *__b = (b);                                 \
		KTEST_CHECK_(t, fatal, __a && __b && !strcmp(__a, __b),            \
			     "Expected %s == %s, but \"%s\" vs \"%s\"", #a, #b,     \
			     __a ? __a : "(null)", __b ? __b : "(null)");           \
	} while (0)

#define KEXPECT_TRUE(t, c)    KTEST_CHECK_(t, false, c, "Expected %s to be true", #c)
#define KEXPECT_FALSE(t, c)   KTEST_CHECK_(t, false, !(c), "Expected %s to be false", #c)
#define KEXPECT_EQ(t, a, b)   KTEST_CMP_(t, false, a, ==, b)
#define KEXPECT_NE(t, a, b)   KTEST_CMP_(t, false, a, !=, b)
#define KEXPECT_LT(t, a, b)   KTEST_CMP_(t, false, a, <, b)
#define KEXPECT_LE(t, a, b)   KTEST_CMP_(t, false, a, <=, b)
#define KEXPECT_GT(t, a, b)   KTEST_CMP_(t, false, a, >, b)
#define KEXPECT_GE(t, a, b)   KTEST_CMP_(t, false, a, >=, b)
#define KEXPECT_STREQ(t, a, b) KTEST_STR_(t, false, a, b)
#define KASSERT_TRUE(t, c)    KTEST_CHECK_(t, true, c, "Asserted %s to be true", #c)
#define KASSERT_EQ(t, a, b)   KTEST_CMP_(t, true, a, ==, b)
#define KASSERT_NE(t, a, b)   KTEST_CMP_(t, true, a, !=, b)
#define KASSERT_STREQ(t, a, b) KTEST_STR_(t, true, a, b)

/*
 * Expected reports. A case about to provoke a "WARNING:" or "BUG:" line on purpose (a
 * misuse the kernel must complain about) arms an expectation of n reports of that kind
 * (kind is "WARNING" or "BUG"); the printing site marks each such line
 * "(expected by suite.case)" at its end (kernel.h, report_mark), and the host runner fails
 * a boot that prints a report without the mark. ktest_expect_report_done() checks that
 * all n came (an EXPECTATION failure at file:line if not) and disarms; the end of the
 * case does the same for an expectation still armed. Arming again first checks and
 * disarms the previous one. Reports that were expected do not fail the case.
 */
void ktest_expect_report(struct ktest *t, const char *kind, unsigned n);
void ktest_expect_report_done(struct ktest *t, const char *file, int line);

/* Runs stmt, which must provoke exactly n reports of kind, and checks that they came. */
#define KEXPECT_REPORTS(t, kind, n, stmt)                                          \
	do {                                                                       \
		ktest_expect_report(t, kind, n);                                   \
		stmt;                                                              \
		ktest_expect_report_done(t, __FILE__, __LINE__);                   \
	} while (0)

/* Runs stmt, which must trigger exactly n WARN()/WARN_ON() reports. */
#define KEXPECT_WARNS(t, n, stmt) KEXPECT_REPORTS(t, "WARNING", n, stmt)

/*
 * Deliberate-crash scenarios for the host runner's expected-oops checks: "crash=NAME" on
 * the command line runs one. Registered like suites, in .ktest_crashes.
 */
struct ktest_crash {
	const char *name;
	void (*run)(void);
};

#define KTEST_CRASH(sym, crash_name, fn)                                           \
	static const struct ktest_crash sym = { crash_name, fn };                 \
	static const struct ktest_crash *const sym##_ptr __used                    \
		__section(".ktest_crashes") = &sym

/*
 * Runs the self-tests matching spec ("" = all, else GLOB[,GLOB...]) and prints KTAP.
 * Returns the number of failed cases, or -1 if nothing matched. (The monitor's
 * "selftest" command, tests/kernel/selftest_command.c. A boot asks for them with
 * "selftest[=GLOBS]" and a crash scenario with "crash=NAME": the boot programs of
 * tests/kernel/ktest.c, include/init.h.)
 */
int ktest_run(const char *spec);

/*
 * Runs the cases spec selects (GLOB[,GLOB...], as "selftest=" takes; explicit-only suites
 * only if named) nested inside the running case t, each with the checks of a case of its
 * own (preempt count, interrupt flag, die notifiers, unexpected reports). Their KTAP is
 * printed as "# " diagnostic lines of t, so the boot's KTAP keeps one level of suites; a
 * nested case must not provoke a WARNING/BUG report (the host grader takes its mark for
 * another case's). Each failed nested case is a failed expectation of t naming
 * suite.case and its first message. If summary is not NULL, it receives (truncated to
 * size) "suite P/N, ..." per suite: P passed of N run, skips apart.
 * Returns the number of failed nested cases; -EBUSY if t already runs nested cases or
 * has a report expectation armed; -EINVAL if spec is empty, too long, or selects a case
 * of t's own suite (t itself, perhaps); -ENOENT if it selects nothing. Refused, it runs
 * and prints nothing, and t is as it was.
 */
int ktest_run_nested(struct ktest *t, const char *spec, char *summary, size_t size);

#endif
