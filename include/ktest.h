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
 * fails if it leaves preempt_count, the interrupt flag or the WARN count changed.
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

#define KTEST_CMP_(t, fatal, a, op, b)                                             \
	do {                                                                       \
		long long __a = (long long)(a), __b = (long long)(b);              \
		KTEST_CHECK_(t, fatal, __a op __b,                                 \
			     "Expected %s %s %s, but %s == %lld (0x%llx), %s == %lld (0x%llx)", \
			     #a, #op, #b, #a, __a, __a, #b, __b, __b);             \
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
 * Runs stmt, which must trigger exactly n WARN_ONs (a deliberate misuse the kernel is
 * supposed to report); those warnings are then consumed so the case does not fail.
 */
#define KEXPECT_WARNS(t, n, stmt)                                                  \
	do {                                                                       \
		unsigned long __w = warn_count;                                    \
		stmt;                                                              \
		KEXPECT_EQ(t, warn_count - __w, n);                                \
		warn_count = __w;                                                  \
	} while (0)

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
 * "selftest" command; the boot path uses ktest_main.)
 */
int ktest_run(const char *spec);

/*
 * Runs the self-tests selected by the command line ("selftest[=GLOBS]") or the crash
 * scenario ("crash=NAME"), then ends the boot with the verdict. Returns only if the
 * command line asks for neither.
 */
void ktest_main(void);

#endif
