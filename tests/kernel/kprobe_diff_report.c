// SPDX-License-Identifier: MIT
/* The differential test's bookkeeping: see tests/kernel/kprobe_diff_report.h. */
#include "kprobe_diff_report.h"
#include "kallsyms.h"
#include "kernel.h"
#include "optprobes.h"
#include "sprintf.h"
#include "string.h"
#include <stdarg.h>

#define MAX_REPORTS  16     /* mismatch lines a case prints ... */
#define MAX_PER_KIND 4      /* ... and of one kind, so that one defect hides no other */

static const char *const kind_name[DIFF_NR_KINDS] = {
	"registration", "handlers", "registers", "flags", "memory", "stack",
	"traps/faults", "#DB sequence", "DR6",
};

/* Per start state and pass (stepped, boosted): what the cases that ran found. */
static struct {
	bool ran;
	unsigned sites, mismatches;
} per_state[DIFF_NR_STARTS][2];

void diff_report_init(struct diff_report *rep, struct ktest *t, enum diff_start start)
{
	memset(rep, 0, sizeof(*rep));
	rep->t = t;
	rep->start = start;
}

void diff_mismatch(struct diff_report *rep, unsigned long site, enum diff_kind kind,
		   const char *fmt, ...)
{
	char sym[KSYM_NAME_LEN + 32];
	static char msg[200];
	va_list ap;

	rep->by_kind[kind]++;
	if (site != rep->last_bad) {
		rep->mismatches++;
		rep->last_bad = site;
	}
	if (rep->shown[kind] >= MAX_PER_KIND || rep->reported >= MAX_REPORTS) {
		rep->hidden++;
		return;
	}
	rep->shown[kind]++;
	rep->reported++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sprint_symbol(sym, sizeof(sym), site);
	ktest_info(rep->t, "MISMATCH %s probing %s: %s", diff_start_name[rep->start], sym, msg);
}

/* Up to three differing words of one kind in a line: "name got (unprobed want)". */
static void compare_words(struct diff_report *rep, unsigned long site, enum diff_kind kind,
			  const char *what, const char *const *names, const u32 *got,
			  const u32 *want, unsigned n, int base_off)
{
	static char line[160];
	unsigned shown = 0, differ = 0;
	size_t len = 0;

	for (unsigned i = 0; i < n; i++) {
		if (got[i] == want[i])
			continue;
		if (differ++ >= 3)
			continue;
		shown++;
		if (names)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s %08x "
						"(unprobed %08x)", shown > 1 ? ", " : "", names[i],
						got[i], want[i]);
		else
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s[%d] %08x "
						"(unprobed %08x)", shown > 1 ? ", " : "", what,
						base_off + (int)i * (base_off ? 4 : 1), got[i],
						want[i]);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	if (differ)
		diff_mismatch(rep, site, kind, "%s%s", line,
			      differ > 3 ? " and more" : "");
}

static void compare_events(struct diff_report *rep, unsigned long site,
			   const struct diff_outcome *out, const struct diff_outcome *base)
{
	char a[KSYM_NAME_LEN + 32], b[KSYM_NAME_LEN + 32];

	if (out->nevents != base->nevents) {
		diff_mismatch(rep, site, DIFF_K_EVENTS, "%u traps/faults reached the die chain, "
			      "unprobed %u", out->nevents, base->nevents);
		return;
	}
	for (unsigned i = 0; i < out->nevents && i < DIFF_MAX_EVENTS; i++) {
		const struct diff_event *g = &out->ev[i], *w = &base->ev[i];
		if (!memcmp(g, w, sizeof(*g)))
			continue;
		sprint_symbol(a, sizeof(a), g->eip);
		sprint_symbol(b, sizeof(b), w->eip);
		diff_mismatch(rep, site, DIFF_K_EVENTS, "trap %u: vector %u at %s err %x cr2 %x "
			      "esp %08x flags %03x (unprobed: vector %u at %s err %x cr2 %x esp "
			      "%08x flags %03x)", i, g->trapnr, a, g->err, g->cr2, g->esp,
			      g->eflags, w->trapnr, b, w->err, w->cr2, w->esp, w->eflags);
		return;
	}
}

static void compare_steps(struct diff_report *rep, unsigned long site)
{
	const struct diff_steps_cmp *c = &diff_cmp;
	char a[KSYM_NAME_LEN + 32], b[KSYM_NAME_LEN + 32];
	static char regs[120];
	size_t len = 0;

	if (c->dr6_bad) {
		sprint_symbol(a, sizeof(a), c->dr6_eip);
		diff_mismatch(rep, site, DIFF_K_DR6, "#DB %u at %s: DR6 %x (unprobed %x)",
			      c->dr6_first, a, c->dr6_got, c->dr6_want);
	}
	if (!c->bad)
		return;
	if (c->first_bad >= diff_nbase_steps) {
		sprint_symbol(a, sizeof(a), c->got.eip);
		diff_mismatch(rep, site, DIFF_K_DEBUG, "%u #DBs, unprobed %u: extra #DB %u at "
			      "%s DR6 %x", c->n, diff_nbase_steps, c->first_bad, a, c->got.dr6);
		return;
	}
	if (c->first_bad >= c->n) {
		sprint_symbol(b, sizeof(b), c->want.eip);
		diff_mismatch(rep, site, DIFF_K_DEBUG, "%u #DBs, unprobed %u: #DB %u missing "
			      "(unprobed: at %s DR6 %x)", c->n, diff_nbase_steps, c->first_bad, b,
			      c->want.dr6);
		return;
	}
	for (unsigned i = 0; i < DIFF_NR_REGS && len < sizeof(regs) - 40; i++)
		if (c->got.regs[i] != c->want.regs[i])
			len += (size_t)snprintf(regs + len, sizeof(regs) - len, " %s %x (%x)",
						diff_reg_name[i], c->got.regs[i],
						c->want.regs[i]);
	if (c->got.stack != c->want.stack && len < sizeof(regs) - 20)
		len += (size_t)snprintf(regs + len, sizeof(regs) - len, " live stack");
	regs[len] = 0;
	sprint_symbol(a, sizeof(a), c->got.eip);
	sprint_symbol(b, sizeof(b), c->want.eip);
	diff_mismatch(rep, site, DIFF_K_DEBUG, "#DB %u of %u: at %s DR6 %x (unprobed: at %s "
		      "DR6 %x)%s%s", c->first_bad, diff_nbase_steps, a, c->got.dr6, b,
		      c->want.dr6, len ? ", differ:" : "", regs);
}

void diff_compare(struct diff_report *rep, unsigned long site, const struct diff_outcome *out,
		  const struct diff_outcome *base)
{
	compare_words(rep, site, DIFF_K_REGS, "regs", diff_reg_name, out->regs, base->regs,
		      DIFF_NR_REGS - 1, 0);
	compare_words(rep, site, DIFF_K_FLAGS, "flags", diff_reg_name + 8, out->regs + 8,
		      base->regs + 8, 1, 0);
	compare_words(rep, site, DIFF_K_MEM, "mem", NULL, out->mem, base->mem,
		      CORPUS_MEM_WORDS, 0);
	compare_words(rep, site, DIFF_K_MEM, "fault page tail", NULL, out->page_tail,
		      base->page_tail, DIFF_PAGE_TAIL, 0);
	compare_words(rep, site, DIFF_K_STACK, "stack top", NULL, out->stack, base->stack,
		      DIFF_STACK_WORDS, -8);
	compare_events(rep, site, out, base);
	compare_steps(rep, site);
}

void diff_report_totals(struct diff_report *rep, bool with_post)
{
	static char kinds[200], opt[48];
	size_t len = 0;

	/* Appended to the totals line, after what docs/ quotes of it. */
	opt[0] = 0;
	if (!with_post)
		snprintf(opt, sizeof(opt), rep->waited ? "; %u sites optimized, %u waited"
			 : "; %u sites optimized", rep->optimized, rep->waited);

	/* The IF=1 cases keep the line docs/ quotes (tests/runner/docs_sources.py). */
	if (rep->aggr)
		ktest_info(rep->t, "aggregates: %u probe sites (%u executed, %u boosted), %u hits, "
			   "%u mismatches; %u refused as expected%s", rep->sites, rep->executed,
			   rep->boosted, rep->hits, rep->mismatches, rep->refused, opt);
	else if (rep->start == DIFF_IF1)
		ktest_info(rep->t, "%u probe sites (%u executed, %u boosted), %u hits, "
			   "%u mismatches; %u refused as expected%s", rep->sites, rep->executed,
			   rep->boosted, rep->hits, rep->mismatches, rep->refused, opt);
	else
		ktest_info(rep->t, "%s: %u probe sites (%u executed, %u boostable), %u hits, "
			   "%u mismatches; %u refused as expected%s", diff_start_name[rep->start],
			   rep->sites, rep->executed, rep->boosted, rep->hits, rep->mismatches,
			   rep->refused, opt);
	for (unsigned k = 0; k < DIFF_NR_KINDS; k++)
		if (rep->by_kind[k] && len < sizeof(kinds) - 30)
			len += (size_t)snprintf(kinds + len, sizeof(kinds) - len, "%s%s %u",
						len ? ", " : "", kind_name[k], rep->by_kind[k]);
	if (len)
		ktest_info(rep->t, "mismatches by kind: %s", kinds);
	if (rep->hidden)
		ktest_info(rep->t, "(%u more not shown)", rep->hidden);
	if (rep->aggr)
		return;
	per_state[rep->start][!with_post].ran = true;
	per_state[rep->start][!with_post].sites = rep->sites;
	per_state[rep->start][!with_post].mismatches = rep->mismatches;
}

static void diff_count_refusal(struct diff_report *rep, const char *why)
{
	unsigned i = 0;

	while (i < rep->nreasons && rep->reason[i] != why)
		i++;
	if (i == rep->nreasons) {
		if (i == DIFF_MAX_REASONS)
			i--;                    /* the last entry takes what does not fit */
		else
			rep->reason[rep->nreasons++] = why;
	}
	rep->reason_count[i]++;
}

unsigned diff_optimizable_left_int3(const struct diff_report *rep)
{
	unsigned n = 0;

	for (unsigned i = 0; i < rep->nreasons; i++)
		if (!rep->reason[i] || rep->reason[i] == optprobe_off ||
		    rep->reason[i] == optprobe_no_memory)
			n += rep->reason_count[i];
	return n;
}

bool diff_note_optimization(struct diff_report *rep, const struct kprobe *kp, bool executed)
{
	char sym[KSYM_NAME_LEN + 32];
	bool optimized = kprobe_optimized(kp);

	/* A wait: a word on a stack looks like an address in the region after its first
	 * byte. Retried once, as Linux's wait_for_kprobe_optimizer would run the optimizer;
	 * it may go on waiting, as the search is conservative: a dead word of an earlier
	 * run of the corpus, in a live frame of this thread's callers, may hold such an eip
	 * (seen: corpus_branches' jmp short over an add, in the aggregate pass). Counted. */
	if (kprobe_opt_refusal(kp) == optprobe_waiting) {
		kprobe_optimizer();
		optimized = kprobe_optimized(kp);
		rep->waited++;
		sprint_symbol(sym, sizeof(sym), (unsigned long)kp->addr);
		ktest_info(rep->t, "%s %s: %s", diff_start_name[rep->start], sym, optimized
			   ? "optimized after a wait" : "still waiting after kprobe_optimizer()");
	}
	if (optimized)
		rep->optimized++;
	else if (executed)
		diff_count_refusal(rep, kprobe_opt_refusal(kp));
	return optimized;
}

void diff_report_refusals(struct diff_report *rep)
{
	static char line[400];
	size_t len = 0;

	for (unsigned i = 0; i < rep->nreasons && len < sizeof(line) - 1; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%u %s",
					i ? ", " : "", rep->reason_count[i],
					rep->reason[i] ? rep->reason[i] : "(no reason given)");
	if (len)
		ktest_info(rep->t, "refused: %s", line);
}

void diff_report_per_state(struct ktest *t)
{
	static char line[200];
	size_t len = 0;

	for (unsigned s = 0; s < DIFF_NR_STARTS; s++) {
		unsigned sites = 0, bad = 0;
		bool ran = false;
		for (unsigned pass = 0; pass < 2; pass++) {
			ran |= per_state[s][pass].ran;
			sites = max(sites, per_state[s][pass].sites);
			bad += per_state[s][pass].mismatches;
		}
		if (ran)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s: %u sites, "
						"%u mismatches", len ? "; " : "",
						diff_start_name[s], sites, bad);
		else
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s: not run",
						len ? "; " : "", diff_start_name[s]);
	}
	ktest_info(t, "kprobes_diff: %s", line);
}
