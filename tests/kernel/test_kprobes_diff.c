// SPDX-License-Identifier: MIT
/*
 * The differential test (in the spirit of ARM's kprobes test-core): for every
 * instruction boundary of the corpus (tests/kernel/kprobe_corpus_*.c), run the code once
 * unprobed and once with a probe on that instruction, from the same inputs and the same
 * start state, and require the same outcome (tests/kernel/kprobe_diff.h): registers
 * including esp and ebp, flags, memory, the stack above esp, the traps and faults the die
 * chain got, and the #DBs a debugger would see -- and handlers called exactly as often as
 * the instruction ran (counted first by single-stepping the unprobed code).
 *
 * Three start states, a pair of cases each: IF=1 (every_instruction_*), IF=0 and TF=1 (a
 * debugger single-stepping the corpus: every #DB's eip, DR6.BS and registers must be the
 * same with the probe). Each pair: pre+post handlers (everything single-stepped or
 * emulated), and pre only (boosted where it can be). The handlers are awkward on purpose,
 * within what kprobes promises: the pre handler flips IF in regs, and in the stepped
 * cases TF too (the probed code resumes with its own TF and IF either way), and faults,
 * fixed up by the probe's fault_handler -- which must never be offered the probed
 * instruction's own faults. (TF is left alone in the pre-only cases, so that a wrong TF
 * from the core itself is not hidden behind the handler's.)
 *
 * Optimization is on (the default): in the pre-only cases each site the analysis accepts
 * is a jmp to a detour right after registration. They fail if none is, if one mismatched,
 * or if one stayed an int3 probe for no good reason (kprobe_diff_report.h).
 *
 * The aggregate pair (aggregated_*, IF=1) puts a second kprobe on every site, so each site
 * is an aggregate (kernel/kprobe_aggr.c): the outcome must still be the unprobed one, both
 * probes' handlers must run as often as the instruction, and the first probe's handler
 * fault must be offered to its own fault_handler only, never to the second's.
 */
#include "errno.h"
#include "kallsyms.h"
#include "kernel.h"
#include "kprobe_diff.h"
#include "kprobes.h"
#include "ktest.h"
#include "optprobes.h"
#include "processor.h"
#include "string.h"
#include "kprobe_diff_report.h"
#include "user_probes.h"

/* A group: the function the test calls, and every function whose sites it exercises. */
struct group {
	const char *entry;
	const char *members[4];
};

static const struct group groups[] = {
	{ "corpus_arith", { "corpus_arith" } },
	{ "corpus_muldiv", { "corpus_muldiv" } },
	{ "corpus_shifts", { "corpus_shifts" } },
	{ "corpus_flags", { "corpus_flags" } },
	{ "corpus_mem", { "corpus_mem" } },
	{ "corpus_string", { "corpus_string" } },
	{ "corpus_branches", { "corpus_branches" } },
	{ "corpus_indirect", { "corpus_indirect", "corpus_helper_inc", "corpus_helper_ret4" } },
	{ "corpus_stack", { "corpus_stack" } },
	{ "corpus_misc", { "corpus_misc" } },
	{ "corpus_faults", { "corpus_faults" } },
	{ "corpus_traps", { "corpus_traps" } },
	{ "corpus_segs", { "corpus_segs" } },
	{ "corpus_w16", { "corpus_w16" } },
	{ "corpus_popf", { "corpus_popf" } },
	{ "cc_checksum", { "cc_checksum" } },
	{ "cc_sort", { "cc_sort" } },
	{ "cc_switch", { "cc_switch" } },
	{ "cc_fib", { "cc_fib", "cc_fib_rec" } },
	{ "cc_apply", { "cc_apply", "twice", "plus7" } },
	{ "cc_div64", { "cc_div64" } },
	{ "cc_bytes", { "cc_bytes" } },
};

/* ---- the probe's handlers ---- */

u32 kprobe_diff_handler_load(const u32 *p);
extern const char kprobe_diff_handler_load_insn[];
__asm__(".pushsection .text\n"
	".globl kprobe_diff_handler_load\n.type kprobe_diff_handler_load, @function\n"
	"kprobe_diff_handler_load:\n	mov 4(%esp), %eax\n"
	".globl kprobe_diff_handler_load_insn\nkprobe_diff_handler_load_insn:\n"
	"	mov (%eax), %eax\n	ret\n"
	".size kprobe_diff_handler_load, . - kprobe_diff_handler_load\n.popsection\n");

static unsigned pre_hits, post_hits, handler_faults_fixed, faults_offered;
static unsigned pre2_hits, post2_hits, faults2_offered;
static bool pre_faults;
static u32 offered_trapnr, offered_eip;

static int diff_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	pre_hits++;
	regs->eflags ^= X86_EFLAGS_IF;                   /* not the probed code's: ignored */
	if (pre_faults) {
		regs->eflags ^= X86_EFLAGS_TF;               /* ignored too */
		kprobe_diff_handler_load((const u32 *)8);    /* page 0: fixed by diff_fault */
	}
	return 0;
}

static void diff_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	post_hits++;
}

static int diff_fault(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	if (trapnr == 14 && regs->eip == (unsigned long)kprobe_diff_handler_load_insn) {
		handler_faults_fixed++;
		regs->eax = 0;
		regs->eip += 2;
		return 1;
	}
	/* Anything else is the probed code's own fault: never this probe's to handle. */
	if (!faults_offered++) {
		offered_trapnr = (u32)trapnr;
		offered_eip = regs->eip;
	}
	return 0;
}

/* The second probe of an aggregate site: counts, and must never be offered a fault. */
static int diff_pre2(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	pre2_hits++;
	return 0;
}

static void diff_post2(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	post2_hits++;
}

static int diff_fault2(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	(void)regs;
	(void)trapnr;
	faults2_offered++;
	return 0;
}

/* ---- one site ---- */

/* Times the instruction at site faults (a fault: it never completes, no post handler). */
static unsigned faults_at(unsigned long site)
{
	for (const struct corpus_extable_entry *e = corpus_extable; e < corpus_extable_end; e++)
		if (e->insn == site && e->trapnr != 3 && e->trapnr != 4)
			return 1;
	return 0;
}

static int expected_refusal(unsigned long site, const char **what)
{
	for (const struct corpus_refusal *r = corpus_refused; r < corpus_refused_end; r++)
		if (r->addr == site) {
			*what = r->what;
			return -EOPNOTSUPP;
		}
	return 0;
}

static void probe_site(struct diff_report *rep, const struct group *g, unsigned long site,
		       const struct diff_outcome *base, bool with_post)
{
	static struct kprobe kp, kp2;
	static struct diff_outcome out;
	const char *what = NULL;
	int want = expected_refusal(site, &what);
	unsigned expected = diff_count_of(site);

	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)site, .pre_handler = diff_pre,
			      .post_handler = with_post ? diff_post : NULL,
			      .fault_handler = diff_fault };
	int ret = register_kprobe(&kp);
	if (ret != want) {
		diff_mismatch(rep, site, DIFF_K_REGISTER, "register_kprobe: %d (%s), expected "
			      "%d (%s)%s%s", ret, ret ? errno_name(ret) : "accepted", want,
			      want ? errno_name(want) : "accepted",
			      what ? ": " : "", what ? what : "");
		if (!ret)
			unregister_kprobe(&kp);     /* never run what should be refused */
		return;
	}
	if (ret) {
		rep->refused++;
		return;
	}
	kp2 = (struct kprobe){ .addr = (kprobe_opcode_t *)site, .pre_handler = diff_pre2,
			       .post_handler = with_post ? diff_post2 : NULL,
			       .fault_handler = diff_fault2 };
	if (rep->aggr && (ret = register_kprobe(&kp2))) {
		diff_mismatch(rep, site, DIFF_K_REGISTER, "register_kprobe (second): %d (%s)",
			      ret, errno_name(ret));
		unregister_kprobe(&kp);
		return;
	}
	if (rep->aggr && !kprobe_aggrprobe(get_kprobe((void *)site)))
		diff_mismatch(rep, site, DIFF_K_REGISTER, "two probes but no aggregate");
	bool optimized = !with_post && diff_note_optimization(rep, &kp, expected > 0);
	unsigned mismatches = rep->mismatches;

	pre_hits = post_hits = handler_faults_fixed = faults_offered = 0;
	pre2_hits = post2_hits = faults2_offered = 0;
	pre_faults = with_post;
	diff_run(g->entry, rep->start, &out, false);
	if (rep->aggr) {
		unregister_kprobe(&kp2);
		if (pre2_hits != pre_hits || post2_hits != post_hits || faults2_offered)
			diff_mismatch(rep, site, DIFF_K_HANDLERS, "second probe: pre %u post %u, "
				      "offered %u faults; first: pre %u post %u", pre2_hits,
				      post2_hits, faults2_offered, pre_hits, post_hits);
	}
	unregister_kprobe(&kp);

	rep->sites++;
	rep->executed += expected > 0;
	rep->hits += pre_hits;
	rep->boosted += !with_post && kp.ainsn.boostable;
	if (pre_hits != expected || post_hits != (with_post ? expected - faults_at(site) : 0))
		diff_mismatch(rep, site, DIFF_K_HANDLERS, "handlers pre %u post %u, the "
			      "instruction ran %u times", pre_hits, post_hits, expected);
	if (faults_offered)
		diff_mismatch(rep, site, DIFF_K_HANDLERS, "fault_handler offered the probed "
			      "code's trap %u at %08x (%u times)", offered_trapnr, offered_eip,
			      faults_offered);
	if (handler_faults_fixed != (with_post ? pre_hits : 0))
		diff_mismatch(rep, site, DIFF_K_HANDLERS, "the pre handler's fault fixed %u "
			      "times in %u hits", handler_faults_fixed, pre_hits);
	diff_compare(rep, site, &out, base);
	rep->opt_mismatches += optimized && rep->mismatches != mismatches;
}

/*
 * A probe placed before the suite (by the user, at the monitor) inside one of g's
 * functions, or NULL. Such a group is left out: its sites are taken (-EEXIST), and the
 * user's handler runs in the middle of the trace and of the compared runs.
 */
static struct kprobe *user_probe_in_group(const struct group *g)
{
	for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
		unsigned long start = kallsyms_lookup_name(g->members[m]), size = 0;
		kallsyms_lookup(start, NULL, &size);
		struct kprobe *p = kprobe_in_range(start, start + size);
		if (p)
			return p;
	}
	return NULL;
}

static void probe_group(struct ktest *t, struct diff_report *rep, const struct group *g,
			bool with_post)
{
	static struct diff_outcome base;
	unsigned long lo = ~0UL, hi = 0;

	KASSERT_TRUE(t, diff_group_exists(g->entry));
	for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
		unsigned long start = kallsyms_lookup_name(g->members[m]), size = 0;
		KASSERT_NE(t, start, 0);
		kallsyms_lookup(start, NULL, &size);
		lo = min(lo, start);
		hi = max(hi, start + size);
	}
	diff_count(g->entry, lo, hi);
	diff_run(g->entry, rep->start, &base, true);

	for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
		unsigned long pc = kallsyms_lookup_name(g->members[m]), size = 0;
		kallsyms_lookup(pc, NULL, &size);
		for (unsigned long end = pc + size; pc < end;) {
			struct insn in;
			u8 code[16];
			size_t n = min(16UL, end - pc);
			read_original_text(pc, code, n);
			int len = insn_decode(&in, code, n, (u32)pc);
			KASSERT_TRUE(t, len > 0);
			probe_site(rep, g, pc, &base, with_post);
			pc += (unsigned long)len;
		}
	}
}

static void probe_the_corpus(struct ktest *t, enum diff_start start, bool with_post,
			     bool aggr)
{
	static char why[KSYM_NAME_LEN + 96];
	static struct diff_report rep;

	diff_report_init(&rep, t, start);
	rep.aggr = aggr;
	diff_setup(t);
	for (unsigned gi = 0; gi < ARRAY_SIZE(groups); gi++) {
		const struct group *g = &groups[gi];
		struct kprobe *user = user_probe_in_group(g);

		if (user) {
			char sym[KSYM_NAME_LEN + 32];
			sprint_symbol(sym, sizeof(sym), (unsigned long)user->addr);
			ktest_info(t, "group %s left out: a probe placed before the suite is on %s",
				   g->entry, sym);
			snprintf(why, sizeof(why), "%s: a probe placed before the suite is on %s",
				 g->entry, sym);
			rep.left_out++;
			continue;
		}
		probe_group(t, &rep, g, with_post);
	}
	diff_teardown();
	diff_report_totals(&rep, with_post);
	if (rep.left_out == ARRAY_SIZE(groups))
		ktest_skip(t, why);             /* the user probed every group */
	if (!rep.left_out)
		KEXPECT_GE(t, rep.sites, 300);  /* the whole corpus was probed */
	KEXPECT_EQ(t, rep.mismatches, 0);
	KEXPECT_GT(t, rep.executed, rep.sites / 2);
	if (with_post)
		return;
	KEXPECT_GT(t, rep.boosted, rep.sites / 2);
	diff_report_refusals(&rep);
	KEXPECT_TRUE(t, kprobes_optimization_enabled());
	KEXPECT_GT(t, rep.optimized, 0);
	KEXPECT_EQ(t, rep.opt_mismatches, 0);
	KEXPECT_EQ(t, diff_optimizable_left_int3(&rep), 0);
}

/* IF=1, pre + post handlers: every instruction single-stepped out of line (or emulated). */
static void every_instruction_single_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF1, true, false);
}

/*
 * IF=1, pre handler only: the sites the analysis accepts are jump-optimized, boostable
 * instructions of the others run from the slot and jump home.
 */
static void every_instruction_boosted_or_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF1, false, false);
}

static void start_if0_single_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF0, true, false);
}

static void start_if0_boosted_or_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF0, false, false);
}

/* A debugger stepping the corpus: nothing is boosted, every #DB must be as unprobed. */
static void start_tf1_single_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_TF1, true, false);
}

static void start_tf1_boosted_or_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_TF1, false, false);
}

/* IF=1, two kprobes on every site (an aggregate each): pre + post, single-stepped. */
static void aggregated_single_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF1, true, true);
}

/* IF=1, two pre-only kprobes on every site: the aggregate boosts. */
static void aggregated_boosted_or_stepped(struct ktest *t)
{
	probe_the_corpus(t, DIFF_IF1, false, true);
}

/* Unprobed, every trap and fault of the corpus is raised and reported as written. */
static void corpus_runs_as_written(struct ktest *t)
{
	kprobe_diff_corpus_as_written(t);
}

/* int3, int $N, into and 66-prefixed relative branches are refused (-EOPNOTSUPP). */
static void refuses_what_cannot_be_stepped(struct ktest *t)
{
	kprobe_diff_refusals(t);
}

/* The counts per start state of the cases above that ran. */
static void per_start_state(struct ktest *t)
{
	diff_report_per_state(t);
}

static const struct ktest_case kprobes_diff_cases[] = {
	KTEST_CASE(corpus_runs_as_written),
	KTEST_CASE(refuses_what_cannot_be_stepped),
	KTEST_CASE(every_instruction_single_stepped),
	KTEST_CASE(every_instruction_boosted_or_stepped),
	KTEST_CASE(start_if0_single_stepped),
	KTEST_CASE(start_if0_boosted_or_stepped),
	KTEST_CASE(start_tf1_single_stepped),
	KTEST_CASE(start_tf1_boosted_or_stepped),
	KTEST_CASE(per_start_state),
	KTEST_CASE(aggregated_single_stepped),
	KTEST_CASE(aggregated_boosted_or_stepped),
	KTEST_END,
};
KTEST_SUITE(kprobes_diff_suite, "kprobes_diff", kprobes_diff_cases);
