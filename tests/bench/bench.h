/* SPDX-License-Identifier: MIT */
/* The probe benchmark (tests/bench/bench.c). */
#ifndef JUMPER_TESTS_BENCH_H
#define JUMPER_TESTS_BENCH_H

#include "compiler.h"
#include "kprobes.h"

int bench_target(int a, int b);
/* Hits counted by the handlers of the row being timed (printed as hits=). */
extern unsigned long bench_hits;
/*
 * Runs every row and prints "BENCH ..." lines on the console, each row timing `calls`
 * calls (the command line's bench=N; make bench uses the default, BENCH_CALLS, and its
 * profile a handful, since it logs every instruction).
 */
#define BENCH_CALLS     2000
#define BENCH_CALLS_MAX 100000
void bench_main(unsigned long calls);
/*
 * Times the calls of bench_target and prints a BENCH line, saying whether probe (NULL: an
 * unprobed row) was jump-optimized; returns the ticks.
 */
u64 bench_row(const char *name, u64 baseline, const struct kprobe *probe);
/* Rows for other probe types (tests/bench/bench_jprobe.c). */
void bench_more_rows(u64 baseline);
/* The kretprobe row (tests/bench/bench_kretprobe.c). */
void bench_kretprobe_row(u64 baseline);
/* Two probes on one address: kprobe + kretprobe, jprobe + kretprobe (bench_family.c). */
void bench_family_rows(u64 baseline);
/* Two kprobes on one address, an aggregate (tests/bench/bench_aggr.c): row kprobe_x2, and
 * bench_aggr_row times the pair under another row name (the optimization as it is set). */
void bench_aggr_rows(u64 baseline);
void bench_aggr_row(const char *row, u64 baseline);
/* The jump-optimized rows: kprobe_optimized, kprobe_x2_optimized (tests/bench/bench_opt.c). */
void bench_opt_rows(u64 baseline);
/* The kprobe_pre row with 10,000 other probes registered (tests/bench/bench_many.c). */
void bench_many_rows(u64 baseline);
/* The kprobe rows' pre handler (bench.c): counts a hit in bench_hits. */
int bench_pre(struct kprobe *p, struct pt_regs *regs);

#endif
