// SPDX-License-Identifier: MIT
/* The in-kernel self-test runner: selection, KTAP output, per-case sanity checks. */
#include "ktest.h"
#include "errno.h"
#include "init.h"
#include "irqflags.h"
#include "kernel.h"
#include "multiboot.h"
#include "optprobes.h"
#include "preempt.h"
#include "qemu_exit.h"
#include "processor.h"
#include "string.h"
#include "timer.h"
#include "traps.h"
#include <stdarg.h>

extern const struct ktest_suite *const __ktest_suites_start[], *const __ktest_suites_end[];
extern const struct ktest_crash *const __ktest_crashes_start[], *const __ktest_crashes_end[];

#define MAX_GLOBS 8             /* the boot's (tests/runner/manifest.py mirrors it) */
#define MAX_NESTED_GLOBS 24     /* a nested run's: a case list, written in a test */
#define NESTED_SPEC_MAX 768

/* A selection: the globs of a "selftest=" value (the boot's, or a nested run's). */
struct ktest_sel {
	const char *globs[MAX_NESTED_GLOBS];
	unsigned nr_globs;
};

static char glob_buf[BOOT_CMDLINE_MAX];
static struct ktest_sel boot_sel;

/*
 * What every KTAP line starts with: "" at the top, "    # " while cases run nested in a
 * running case (ktest_run_nested), so that their KTAP is diagnostics of the outer case.
 */
static const char *pfx = "";

/* Splits "a,b,c" in place into sel's globs, at most max; an empty value selects
 * everything. Returns false if there were more than max (the rest are left out). */
static bool parse_globs(char *spec, struct ktest_sel *sel, unsigned max)
{
	sel->nr_globs = 0;
	for (char *p = spec; *p;) {
		if (sel->nr_globs == max)
			return false;
		sel->globs[sel->nr_globs++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return true;
}

/* The boot's selection, from glob_buf: the first MAX_GLOBS patterns. */
static void parse_boot_globs(void)
{
	if (!parse_globs(glob_buf, &boot_sel, MAX_GLOBS))
		printk("selftest: more than %d patterns; the rest are ignored\n", MAX_GLOBS);
}

/* An explicit-only suite runs only if a glob names it literally (or one of its cases). */
static bool names_suite(const char *glob, const char *suite)
{
	size_t n = strlen(suite);
	return !strncmp(glob, suite, n) && (glob[n] == '\0' || glob[n] == '.');
}

static bool case_selected(const struct ktest_sel *sel, const struct ktest_suite *s,
			  const struct ktest_case *c)
{
	char full[96];

	if (!sel->nr_globs)
		return !s->explicit_only;
	snprintf(full, sizeof(full), "%s.%s", s->name, c->name);
	for (unsigned i = 0; i < sel->nr_globs; i++) {
		const char *g = sel->globs[i];
		if (s->explicit_only && !names_suite(g, s->name))
			continue;
		if (glob_match(g, s->name) || glob_match(g, full))
			return true;
	}
	return false;
}

static unsigned selected_cases(const struct ktest_sel *sel, const struct ktest_suite *s)
{
	unsigned n = 0;
	for (const struct ktest_case *c = s->cases; c->name; c++)
		n += case_selected(sel, s, c);
	return n;
}

/* While cases run nested: the case they run in, and the first failure message of the
 * nested case running now ("" until one comes), for the outer case's own failure. */
static struct ktest *nest_outer;
static char nest_msg[160];

void ktest_fail(struct ktest *t, bool fatal, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	t->failed = true;
	if (nest_outer && t != nest_outer && !nest_msg[0])
		snprintf(nest_msg, sizeof(nest_msg), "%s", msg);
	if (file)
		printk("%s    # %s: %s FAILED at %s:%d\n", pfx, t->name,
		       fatal ? "ASSERTION" : "EXPECTATION", file, line);
	else
		printk("%s    # %s: EXPECTATION FAILED at the end of the case\n", pfx, t->name);
	printk("%s    # %s\n", pfx, msg);
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
	printk("%s    # %s: %s\n", pfx, t->name, msg);
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
	printk("%s    # %s: duration %llu us\n", pfx, name, (unsigned long long)us);
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
	bool optimizing = kprobes_optimization_enabled();
	u64 t0 = read_tsc();

	if (s->int3_only && optimizing)
		kprobes_set_optimization(false);
	if (setjmp(t.abort) == 0)
		c->run(&t);
	print_duration(c->name, t0);

	if (s->int3_only && optimizing)
		kprobes_set_optimization(true);
	if (kprobes_optimization_enabled() != optimizing) {
		printk("%s    # %s: jump optimization left %s\n", pfx, c->name,
		       optimizing ? "off" : "on");
		kprobes_set_optimization(optimizing);
		t.failed = true;
	}
	if (preempt_count() != pc) {
		printk("%s    # %s: preempt_count leaked: %08x before, %08x after\n", pfx,
		       c->name, pc, preempt_count());
		current_thread_info()->preempt_count = pc;
		t.failed = true;
	}
	if ((native_save_fl() & X86_EFLAGS_IF) != fl) {
		printk("%s    # %s: interrupt flag left %s\n", pfx, c->name, fl ? "off" : "on");
		native_restore_fl(native_save_fl() ^ X86_EFLAGS_IF);
		t.failed = true;
	}
	if (die_chain_length() != notifiers) {
		printk("%s    # %s: die notifiers left registered: %u before, %u after\n", pfx,
		       c->name, notifiers, die_chain_length());
		t.failed = true;
	}
	ktest_expect_report_done(&t, NULL, 0);
	if (nest_outer)                 /* the outer case saw them come too */
		nest_outer->reports_seen += t.reports_seen;
	if (warn_count - warns != t.reports_seen) {
		printk("%s    # %s: %lu unexpected WARNING/BUG report(s) during the case\n", pfx,
		       c->name, warn_count - warns - t.reports_seen);
		t.failed = true;
	}
	if (t.skipped && !t.failed) {
		printk("%s    ok %u %s # SKIP %s\n", pfx, idx, shown, t.skip_reason);
		(*skipped)++;
		return true;
	}
	printk("%s    %s %u %s\n", pfx, t.failed ? "not ok" : "ok", idx, shown);
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
		nsuites += selected_cases(&boot_sel, *sp) > 0;
	if (!nsuites) {
		printk("selftest: no test matches '%s'\n", glob_buf);
		return -1;
	}

	calibrate_tsc();
	printk("KTAP version 1\n1..%u\n", nsuites);
	unsigned sidx = 0;
	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++) {
		const struct ktest_suite *s = *sp;
		unsigned n = selected_cases(&boot_sel, s), cidx = 0, suite_failed = 0;
		if (!n)
			continue;
		/* The forged suite: the first one, and for drop one with a case to spare. */
		int forged = !sidx && (forge != FORGE_DROP || n >= 2) ? forge : FORGE_NONE;
		unsigned plan = forged == FORGE_DUP ? n + 1 : forged == FORGE_DROP ? n - 1 : n;
		printk("    KTAP version 1\n    # Subtest: %s\n    1..%u\n", s->name, plan);
		for (const struct ktest_case *c = s->cases; c->name && cidx < plan; c++) {
			if (!case_selected(&boot_sel, s, c))
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
	parse_boot_globs();
	return run_selftests();
}

/*
 * The nested cases of one suite, in registration order: KTAP lines under pfx, and for
 * each failure one of the outer case t naming suite.case and its first message. Adds
 * "name P/N" (P passed, skips apart) to sum at *len. Returns the failures.
 */
static unsigned run_nested_suite(struct ktest *t, const struct ktest_sel *sel,
				 const struct ktest_suite *s, unsigned idx, char *sum,
				 size_t size, size_t *len)
{
	unsigned n = selected_cases(sel, s), cidx = 0, failed = 0, skipped = 0;

	printk("%s    KTAP version 1\n%s    # Subtest: %s\n%s    1..%u\n", pfx, pfx, s->name,
	       pfx, n);
	for (const struct ktest_case *c = s->cases; c->name; c++) {
		if (!case_selected(sel, s, c))
			continue;
		nest_msg[0] = '\0';
		if (run_case(s, c, ++cidx, c->name, &skipped))
			continue;
		failed++;
		/* The outer line, printed as the outer case's own (no prefix). */
		const char *saved = pfx;
		pfx = "";
		ktest_fail(t, false, __FILE__, __LINE__, "nested %s.%s failed: %s", s->name,
			   c->name, nest_msg[0] ? nest_msg : "reported not ok (its lines above)");
		pfx = saved;
	}
	printk("%s%s %u %s\n", pfx, failed ? "not ok" : "ok", idx, s->name);
	if (*len < size)
		*len += (size_t)snprintf(sum + *len, size - *len, "%s%s %u/%u", *len ? ", " : "",
					 s->name, n - failed - skipped, n);
	if (skipped && *len < size)
		*len += (size_t)snprintf(sum + *len, size - *len, " (%u skipped)", skipped);
	return failed;
}

int ktest_run_nested(struct ktest *t, const char *spec, char *summary, size_t size)
{
	static char buf[NESTED_SPEC_MAX];
	struct ktest_sel sel;
	const struct ktest_suite *const *sp;
	unsigned nsuites = 0, failed = 0, sidx = 0;
	size_t len = 0;

	if (nest_outer || t->expect_kind)
		return -EBUSY;
	if (!spec[0] || strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strlcpy(buf, spec, sizeof(buf));
	if (!parse_globs(buf, &sel, MAX_NESTED_GLOBS))
		return -EINVAL;
	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++) {
		unsigned n = selected_cases(&sel, *sp);
		if (n && !strcmp((*sp)->name, t->suite))
			return -EINVAL;         /* the running case itself, perhaps */
		nsuites += n > 0;
	}
	if (!nsuites)
		return -ENOENT;
	if (summary && size)
		summary[0] = '\0';
	nest_outer = t;
	pfx = "    # ";
	printk("%sKTAP version 1\n%s1..%u\n", pfx, pfx, nsuites);
	for (sp = __ktest_suites_start; sp < __ktest_suites_end; sp++)
		if (selected_cases(&sel, *sp))
			failed += run_nested_suite(t, &sel, *sp, ++sidx, summary,
						   summary ? size : 0, &len);
	pfx = "";
	nest_outer = NULL;
	return (int)failed;
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
	parse_boot_globs();
	parse_forge();
	qemu_exit(run_selftests() == 0);
}
BOOT_PROGRAM(30, "selftest", selftest_program);
