// SPDX-License-Identifier: MIT
/* The in-kernel self-test runner: selection, KTAP output, per-case sanity checks. */
#include "ktest.h"
#include "bench.h"
#include "irqflags.h"
#include "kernel.h"
#include "multiboot.h"
#include "preempt.h"
#include "qemu_exit.h"
#include "string.h"
#include "traps.h"
#include <stdarg.h>

extern const struct ktest_suite *const __ktest_suites_start[], *const __ktest_suites_end[];
extern const struct ktest_crash *const __ktest_crashes_start[], *const __ktest_crashes_end[];

#define MAX_GLOBS 8

static char glob_buf[BOOT_CMDLINE_MAX];
static const char *globs[MAX_GLOBS];
static unsigned nr_globs;

/* Splits "a,b,c" in place into globs[]; an empty value selects everything. */
static void parse_globs(char *spec)
{
	nr_globs = 0;
	for (char *p = spec; *p;) {
		if (nr_globs == MAX_GLOBS) {
			printk("selftest: more than %d patterns; the rest are ignored\n", MAX_GLOBS);
			break;
		}
		globs[nr_globs++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
}

/* An explicit-only suite runs only if a glob names it literally (or one of its cases). */
static bool names_suite(const char *glob, const char *suite)
{
	size_t n = strlen(suite);
	return !strncmp(glob, suite, n) && (glob[n] == '\0' || glob[n] == '.');
}

static bool case_selected(const struct ktest_suite *s, const struct ktest_case *c)
{
	char full[96];

	if (!nr_globs)
		return !s->explicit_only;
	snprintf(full, sizeof(full), "%s.%s", s->name, c->name);
	for (unsigned i = 0; i < nr_globs; i++) {
		if (s->explicit_only && !names_suite(globs[i], s->name))
			continue;
		if (glob_match(globs[i], s->name) || glob_match(globs[i], full))
			return true;
	}
	return false;
}

static unsigned selected_cases(const struct ktest_suite *s)
{
	unsigned n = 0;
	for (const struct ktest_case *c = s->cases; c->name; c++)
		n += case_selected(s, c);
	return n;
}

void ktest_fail(struct ktest *t, bool fatal, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->failed = true;
	printk("    # %s: %s FAILED at %s:%d\n", t->name, fatal ? "ASSERTION" : "EXPECTATION",
	       file, line);
	printk("    # %s\n", msg);
	if (fatal)
		longjmp(t->abort, 1);
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	t->skip_reason = reason;
	longjmp(t->abort, 1);
}

void ktest_info(struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("    # %s: %s\n", t->name, msg);
}

/*
 * Runs one case. Besides its own checks, a case fails if it changed state it should have
 * put back: the preempt count, the interrupt flag, or if it hit a WARN_ON.
 */
static bool run_case(const struct ktest_suite *s, const struct ktest_case *c, unsigned idx,
		     unsigned *skipped)
{
	struct ktest t = { .suite = s->name, .name = c->name };
	int pc = preempt_count();
	unsigned long fl = native_save_fl() & X86_EFLAGS_IF;
	unsigned long warns = warn_count;
	unsigned notifiers = die_chain_length();

	if (setjmp(t.abort) == 0)
		c->run(&t);

	if (preempt_count() != pc) {
		printk("    # %s: preempt_count leaked: %08x before, %08x after\n", c->name,
		       pc, preempt_count());
		current_thread_info()->preempt_count = pc;
		t.failed = true;
	}
	if ((native_save_fl() & X86_EFLAGS_IF) != fl) {
		printk("    # %s: interrupt flag left %s\n", c->name, fl ? "off" : "on");
		native_restore_fl(native_save_fl() ^ X86_EFLAGS_IF);
		t.failed = true;
	}
	if (die_chain_length() != notifiers) {
		printk("    # %s: die notifiers left registered: %u before, %u after\n", c->name,
		       notifiers, die_chain_length());
		t.failed = true;
	}
	if (warn_count != warns) {
		printk("    # %s: %lu WARN_ON hit during the case\n", c->name, warn_count - warns);
		t.failed = true;
	}
	if (t.skipped && !t.failed) {
		printk("    ok %u %s # SKIP %s\n", idx, c->name, t.skip_reason);
		(*skipped)++;
		return true;
	}
	printk("    %s %u %s\n", t.failed ? "not ok" : "ok", idx, c->name);
	return !t.failed;
}

/* Runs the selected cases, printing KTAP. Returns the failures, or -1 if none matched. */
static int run_selftests(void)
{
	unsigned nsuites = 0, passed = 0, failed = 0, skipped = 0;
	const struct ktest_suite *const *sp;

	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++)
		nsuites += selected_cases(*sp) > 0;
	if (!nsuites) {
		printk("selftest: no test matches '%s'\n", glob_buf);
		return -1;
	}

	printk("KTAP version 1\n1..%u\n", nsuites);
	unsigned sidx = 0;
	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++) {
		const struct ktest_suite *s = *sp;
		unsigned n = selected_cases(s), cidx = 0, suite_failed = 0;
		if (!n)
			continue;
		printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", s->name, n);
		for (const struct ktest_case *c = s->cases; c->name; c++) {
			if (!case_selected(s, c))
				continue;
			unsigned sk = skipped;
			if (run_case(s, c, ++cidx, &skipped)) {
				passed += skipped == sk;
			} else {
				failed++;
				suite_failed++;
			}
		}
		printk("%s %u %s\n", suite_failed ? "not ok" : "ok", ++sidx, s->name);
	}
	printk("# selftest: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return (int)failed;
}

int ktest_run(const char *spec)
{
	strlcpy(glob_buf, spec, sizeof(glob_buf));
	parse_globs(glob_buf);
	return run_selftests();
}

static void run_crash(const char *name)
{
	for (const struct ktest_crash *const *cp = __ktest_crashes_start;
	     cp < __ktest_crashes_end; cp++) {
		if (strcmp((*cp)->name, name))
			continue;
		printk("crash: running scenario '%s'\n", name);
		(*cp)->run();
		printk("crash: scenario '%s' returned without the expected fault\n", name);
		qemu_exit(false);
	}
	printk("crash: unknown scenario '%s'; known:", name);
	for (const struct ktest_crash *const *cp = __ktest_crashes_start;
	     cp < __ktest_crashes_end; cp++)
		printk(" %s", (*cp)->name);
	printk("\n");
	qemu_exit(false);
}

void ktest_main(void)
{
	char name[64];

	if (cmdline_get("crash", name, sizeof(name)))
		run_crash(name);
	if (cmdline_get("bench", name, sizeof(name))) {
		unsigned long calls = BENCH_CALLS;
		if (name[0] && (parse_ulong(name, &calls) || !calls || calls > BENCH_CALLS_MAX)) {
			printk("bench: bench=%s: want 1..%d calls per row\n", name,
			       BENCH_CALLS_MAX);
			qemu_exit(false);
		}
		bench_main(calls);
		qemu_exit(true);
	}
	if (cmdline_get("selftest", glob_buf, sizeof(glob_buf))) {
		parse_globs(glob_buf);
		qemu_exit(run_selftests() == 0);
	}
}
