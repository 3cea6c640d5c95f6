// SPDX-License-Identifier: MIT
/* The in-kernel self-test runner: selection, KTAP output, per-case sanity checks. */
#include "ktest.h"
#include "init.h"
#include "irqflags.h"
#include "kernel.h"
#include "multiboot.h"
#include "preempt.h"
#include "qemu_exit.h"
#include "processor.h"
#include "string.h"
#include "timer.h"
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
			printk("selftest: more than %d patterns; the rest are ignored\n",
			       MAX_GLOBS);
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
	if (file)
		printk("    # %s: %s FAILED at %s:%d\n", t->name,
		       fatal ? "ASSERTION" : "EXPECTATION", file, line);
	else
		printk("    # %s: EXPECTATION FAILED at the end of the case\n", t->name);
	printk("    # %s\n", msg);
	if (fatal)
		longjmp(t->abort, 1);
}

void ktest_expect_report(struct ktest *t, const char *kind, unsigned n)
{
	char tag[96];

	if (t->expect_kind)
		ktest_expect_report_done(t, NULL, 0);
	snprintf(tag, sizeof(tag), " (expected by %s.%s)", t->suite, t->name);
	t->expect_kind = kind;
	t->expect_n = n;
	report_expect(kind, n, tag);
}

/* file == NULL: checked because the case ended (or re-armed) with it still armed. */
void ktest_expect_report_done(struct ktest *t, const char *file, int line)
{
	const char *kind = t->expect_kind;
	unsigned seen = report_expect_end();

	if (!kind)
		return;
	t->expect_kind = NULL;
	t->reports_seen += seen;
	if (seen != t->expect_n)
		ktest_fail(t, false, file, line, "Expected %u %s report(s), %u came",
			   t->expect_n, kind, seen);
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
 * Case durations, for the host runner's per-case times (JUnit). The TSC counts at a rate
 * the guest cannot know (under TCG, the host's), so it is measured once against the PIT:
 * TSC cycles over CAL_TICKS jiffies. Without interrupts there are no ticks to measure
 * against, and then no duration is printed rather than a made-up one.
 */
#define CAL_TICKS 4
static u64 tsc_per_tick;

static inline u64 read_tsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static void calibrate_tsc(void)
{
	if (tsc_per_tick || !(native_save_fl() & X86_EFLAGS_IF))
		return;
	unsigned long j = jiffies;
	while (jiffies == j)            /* start on a tick edge */
		cpu_relax();
	u64 t0 = read_tsc();
	j = jiffies;
	while (jiffies - j < CAL_TICKS)
		cpu_relax();
	tsc_per_tick = (read_tsc() - t0) / CAL_TICKS;
}

/* "# case: duration N us": the case's wall-clock time, if the TSC could be calibrated. */
static void print_duration(const char *name, u64 t0)
{
	if (!tsc_per_tick)
		return;
	u64 us = (read_tsc() - t0) * 1000000ULL / (tsc_per_tick * HZ);
	printk("    # %s: duration %llu us\n", name, (unsigned long long)us);
}

/*
 * Runs one case. Besides its own checks, a case fails if it changed state it should have
 * put back (the preempt count, the interrupt flag, the die notifiers), or if a WARNING or
 * BUG report came that it had not announced with ktest_expect_report.
 */
static bool run_case(const struct ktest_suite *s, const struct ktest_case *c, unsigned idx,
		     const char *shown, unsigned *skipped)
{
	struct ktest t = { .suite = s->name, .name = c->name };
	int pc = preempt_count();
	unsigned long fl = native_save_fl() & X86_EFLAGS_IF;
	unsigned long warns = warn_count;
	unsigned notifiers = die_chain_length();
	u64 t0 = read_tsc();

	if (setjmp(t.abort) == 0)
		c->run(&t);
	print_duration(c->name, t0);

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
	ktest_expect_report_done(&t, NULL, 0);
	if (warn_count - warns != t.reports_seen) {
		printk("    # %s: %lu unexpected WARNING/BUG report(s) during the case\n",
		       c->name, warn_count - warns - t.reports_seen);
		t.failed = true;
	}
	if (t.skipped && !t.failed) {
		printk("    ok %u %s # SKIP %s\n", idx, shown, t.skip_reason);
		(*skipped)++;
		return true;
	}
	printk("    %s %u %s\n", t.failed ? "not ok" : "ok", idx, shown);
	return !t.failed;
}

/*
 * Forged output, to prove the host runner cannot be fooled (tests/run.py, runner.*):
 * "ktest_forge=dup|drop|rename" on the command line makes the first selected suite lie
 * in a self-consistent way -- dup reports its first case twice (renumbered, the plan
 * raised by one), drop leaves out its last case (plan lowered), rename reports its first
 * case under a name no suite registers. Numbering and plans stay well-formed, so only a
 * check against the cases the image registers can tell.
 */
static enum { FORGE_NONE, FORGE_DUP, FORGE_DROP, FORGE_RENAME } forge;

static void parse_forge(void)
{
	char mode[16];

	forge = FORGE_NONE;
	if (!cmdline_get("ktest_forge", mode, sizeof(mode)))
		return;
	if (!strcmp(mode, "dup"))
		forge = FORGE_DUP;
	else if (!strcmp(mode, "drop"))
		forge = FORGE_DROP;
	else if (!strcmp(mode, "rename"))
		forge = FORGE_RENAME;
	if (forge)
		printk("selftest: ktest_forge=%s: the KTAP below lies on purpose\n", mode);
	else
		printk("selftest: ktest_forge=%s: unknown (dup, drop, rename); not forging\n",
		       mode);
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

	calibrate_tsc();
	printk("KTAP version 1\n1..%u\n", nsuites);
	unsigned sidx = 0;
	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++) {
		const struct ktest_suite *s = *sp;
		unsigned n = selected_cases(s), cidx = 0, suite_failed = 0;
		if (!n)
			continue;
		/* The forged suite: the first one, and for drop one with a case to spare. */
		int forged = !sidx && (forge != FORGE_DROP || n >= 2) ? forge : FORGE_NONE;
		unsigned plan = forged == FORGE_DUP ? n + 1 : forged == FORGE_DROP ? n - 1 : n;
		printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", s->name, plan);
		for (const struct ktest_case *c = s->cases; c->name && cidx < plan; c++) {
			if (!case_selected(s, c))
				continue;
			char shown[96];
			bool first = forged && !cidx;
			snprintf(shown, sizeof(shown), "%s%s", c->name,
				 first && forge == FORGE_RENAME ? "_forged" : "");
			unsigned sk = skipped;
			bool ok = run_case(s, c, ++cidx, shown, &skipped);
			if (ok && first && forge == FORGE_DUP) {
				printk("    ok %u %s\n", ++cidx, c->name);
				passed++;
			}
			if (ok) {
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

/* "crash=NAME" on the command line: run that scenario, which must oops. */
static void crash_program(void)
{
	char name[64];

	cmdline_get("crash", name, sizeof(name));
	run_crash(name);
}
BOOT_PROGRAM(10, "crash", crash_program);

/* "selftest[=GLOB,...]" on the command line: run the suites, end the boot with the verdict. */
static void selftest_program(void)
{
	cmdline_get("selftest", glob_buf, sizeof(glob_buf));
	parse_globs(glob_buf);
	parse_forge();
	qemu_exit(run_selftests() == 0);
}
BOOT_PROGRAM(30, "selftest", selftest_program);
