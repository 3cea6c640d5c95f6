/* SPDX-License-Identifier: MIT */
/*
 * The differential test's bookkeeping (tests/kernel/kprobe_diff_report.c): totals, the
 * mismatches by kind, the first few in full (site, what, got, unprobed), and the counts
 * per start state.
 */
#ifndef JUMPER_TESTS_KPROBE_DIFF_REPORT_H
#define JUMPER_TESTS_KPROBE_DIFF_REPORT_H

#include "kprobe_diff.h"
#include "kprobes.h"

enum diff_kind {
	DIFF_K_REGISTER,        /* register_kprobe's answer */
	DIFF_K_HANDLERS,        /* handler calls, fault_handler offers */
	DIFF_K_REGS,            /* general registers, esp and ebp */
	DIFF_K_FLAGS,
	DIFF_K_MEM,
	DIFF_K_STACK,           /* the window above esp */
	DIFF_K_EVENTS,          /* traps and faults the die chain got */
	DIFF_K_DEBUG,           /* the #DBs a debugger sees: where, registers, stack */
	DIFF_K_DR6,             /* ... and what DR6 told it */
	DIFF_NR_KINDS
};

#define DIFF_MAX_REASONS 16     /* distinct refusal reasons a case tells apart */

struct diff_report {
	struct ktest *t;
	enum diff_start start;
	bool aggr;                      /* a second kprobe on every site (an aggregate) */
	unsigned sites, executed, hits, boosted, refused, left_out;
	/*
	 * Pre-only passes: executed sites jump-optimized right after registration, those of
	 * them that mismatched, and why the other executed ones stayed int3 probes (the
	 * kprobe_opt_refusal pointers, each with its count; a site with no reason counts as
	 * NULL).
	 */
	unsigned optimized, opt_mismatches, waited;
	unsigned nreasons;
	const char *reason[DIFF_MAX_REASONS];
	unsigned reason_count[DIFF_MAX_REASONS];
	unsigned mismatches;            /* sites with at least one */
	unsigned reported, hidden;
	unsigned shown[DIFF_NR_KINDS];
	unsigned long last_bad;
	unsigned by_kind[DIFF_NR_KINDS];
};

void diff_report_init(struct diff_report *rep, struct ktest *t, enum diff_start start);
/* One mismatch at site: counted, and printed if among the first few. */
void diff_mismatch(struct diff_report *rep, unsigned long site, enum diff_kind kind,
		   const char *fmt, ...) __printf(4, 5);
/* Everything of out that differs from base, and diff_cmp's #DB verdict. */
void diff_compare(struct diff_report *rep, unsigned long site, const struct diff_outcome *out,
		  const struct diff_outcome *base);
/* The case's totals line (and the kinds, if any mismatched); kept for per_start_state,
 * except an aggregate run's (its own line, "aggregates: ..."). */
void diff_report_totals(struct diff_report *rep, bool with_post);
/*
 * A pre-only pass, right after registration (the optimizer runs at every change of a
 * probe): true if kp is optimized (counted; a wait is ended by kprobe_optimizer() first,
 * and said); if not and executed, its refusal is counted.
 */
bool diff_note_optimization(struct diff_report *rep, const struct kprobe *kp, bool executed);
/* Of those, the ones left int3 probes for a reason that says they could have been
 * optimized: optimization off, no memory, or no reason at all. (Not "waiting": see
 * diff_note_optimization.) */
unsigned diff_optimizable_left_int3(const struct diff_report *rep);
/* "# case: refused: 12 a post handler ..., 30 ..." (nothing if no site was refused). */
void diff_report_refusals(struct diff_report *rep);
/* "# per_start_state: IF=1: N sites, M mismatches; IF=0: ...; TF=1: ..." */
void diff_report_per_state(struct ktest *t);

#endif
