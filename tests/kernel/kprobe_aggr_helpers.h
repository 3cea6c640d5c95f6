/* SPDX-License-Identifier: MIT */
/*
 * What the aggregate suites (tests/kernel/test_kprobe_aggr.c, test_kprobe_aggr_reg.c)
 * share (tests/kernel/kprobe_aggr_helpers.c): the probed functions, three kprobes and two
 * jprobes on aggr_target, and a record of which handler ran, in order.
 */
#ifndef JUMPER_TESTS_KPROBE_AGGR_HELPERS_H
#define JUMPER_TESTS_KPROBE_AGGR_HELPERS_H

#include "jprobes.h"
#include "kprobes.h"
#include "ktest.h"

int aggr_target(int a, int b);          /* 3a + b; its first byte is push %ebp (0x55) */
int aggr_redirect(int a, int b);        /* 1000: where a redirecting pre handler goes */
int aggr_outer(int a);                  /* aggr_target(a, 1) + 1 */

#define AGGR_ADDR ((kprobe_opcode_t *)aggr_target)

extern struct aggr_rec {
	char seq[32];                   /* one letter per handler call, in call order */
	unsigned n;
	struct kprobe *self_bad;        /* a handler got a struct other than its own */
	int ja, jb;                     /* the jprobe handler's arguments */
	int faults_a, faults_b, faults_c;
	bool unreg_self;                /* a's pre handler: try to unregister a */
} aggr_rec;

/* a, b, c: pre handlers noting 'a', 'b', 'c' (c by symbol name); jp, jp2: jprobes whose
 * handler notes 'j' and the arguments (jp by name, jp2 by address). */
extern struct kprobe aggr_ka, aggr_kb, aggr_kc;
extern struct jprobe aggr_jp, aggr_jp2;

/* Notes c; and p in aggr_rec.self_bad unless it is own. */
void aggr_note(char c, struct kprobe *p, struct kprobe *own);
/* Post handlers noting 'A' (for a) and 'C' (for c). */
void aggr_post_a(struct kprobe *p, struct pt_regs *r, unsigned long f);
void aggr_post_c(struct kprobe *p, struct pt_regs *r, unsigned long f);
/* The record cleared, the probes as described above, unregistered. */
void aggr_reset(void);
/* No hit in progress, preemption on, aggr_target's first byte its own. */
void aggr_expect_clean(struct ktest *t);

#endif
