/* SPDX-License-Identifier: MIT */
/* panic, BUG and WARN. */
#ifndef JUMPER_KERNEL_H
#define JUMPER_KERNEL_H

#include "compiler.h"
#include "printk.h"

/* Prints the message and a backtrace, then ends the boot as a failure. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

/*
 * BUG(): a state the code cannot go on from. Like Linux it executes ud2, so the invalid
 * opcode oops shows the registers and backtrace at the exact spot; the line before it
 * says which file and line.
 */
#define BUG()                                                                   \
	do {                                                                    \
		printk("------------[ cut here ]------------\n");               \
		printk("kernel BUG at %s:%d!\n", __FILE__, __LINE__);            \
		__asm__ volatile("ud2");                                        \
		__builtin_unreachable();                                        \
	} while (0)

#define BUG_ON(cond)                     \
	do {                             \
		if (unlikely(cond))      \
			BUG();           \
	} while (0)

void warn_slowpath(const char *file, int line, const char *fmt, ...) __printf(3, 4);
/*
 * WARN_ON(cond): reports "WARNING: at file:line: cond" with a backtrace and goes on;
 * evaluates to cond. The line quotes the condition, so WARN_ON(1) says nothing: where
 * the condition is already decided, use WARN(1, fmt, ...) and say what went wrong.
 */
#define WARN_ON(cond)                                                   \
	({                                                              \
		bool __c = !!(cond);                                    \
		if (unlikely(__c))                                      \
			warn_slowpath(__FILE__, __LINE__, "%s", #cond); \
		__c;                                                    \
	})

/* WARN(cond, fmt, ...): as WARN_ON, the line carrying the formatted message. */
#define WARN(cond, ...)                                                 \
	({                                                              \
		bool __c = !!(cond);                                    \
		if (unlikely(__c))                                      \
			warn_slowpath(__FILE__, __LINE__, __VA_ARGS__); \
		__c;                                                    \
	})

/*
 * A non-fatal "BUG: ..." report (Linux's "BUG: scheduling while atomic" style): the
 * line, then a backtrace; the kernel goes on. Counted in warn_count like a WARN.
 */
void report_bug(const char *fmt, ...) __printf(1, 2);

/*
 * Counts WARN and report_bug reports since boot: the self-test runner fails a case
 * during which one came that the case did not expect.
 */
extern unsigned long warn_count;

/*
 * Reports provoked on purpose. A self-test that is about to make the kernel print a
 * "WARNING:" or "BUG:" line arms an expectation: report_expect("WARNING", n, tag). Each
 * printing site asks report_mark(kind) for the end of its line: the next n reports of
 * that kind get tag (" (expected by suite.case)"), so the host runner can tell them from
 * real failures on the line itself; any other report gets "" and stays a failure.
 * report_expect_end() disarms and returns how many of the n came. One expectation at a
 * time; arming again replaces it. The match is by kind only, from any thread (a BUG a
 * case provokes is often printed by a thread it started): arm it right around the
 * statement that provokes the report (KEXPECT_REPORTS), so that the window in which a
 * real report could take the tag is as short as the provocation itself.
 */
void report_expect(const char *kind, unsigned n, const char *tag);
unsigned report_expect_end(void);
const char *report_mark(const char *kind);

#endif
