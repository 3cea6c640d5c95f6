// SPDX-License-Identifier: MIT
/*
 * The aggregate row of make bench (tests/bench/bench_jprobe.c's bench_more_rows calls it):
 * two pre-only kprobes on bench_target, so every hit goes through the manager
 * (kernel/kprobe_aggr.c) and is still boosted: one trap per hit. bench_opt.c times the same
 * pair jump-optimized (kprobe_x2_optimized).
 */
#include "bench.h"
#include "kprobes.h"
#include "printk.h"

static unsigned long second_hits;

static int bench_pre_first(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	bench_hits++;           /* the row's hits: one per call, as in the kprobe rows */
	return 0;
}

static int bench_pre_second(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	second_hits++;
	return 0;
}

void bench_aggr_row(const char *row, u64 baseline)
{
	static struct kprobe k1, k2;

	k1 = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target,
			      .pre_handler = bench_pre_first };
	k2 = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target,
			      .pre_handler = bench_pre_second };
	if (register_kprobe(&k1) || register_kprobe(&k2)) {
		printk("BENCH %s: register_kprobe failed\n", row);
		unregister_kprobe(&k1);
		return;
	}
	second_hits = 0;
	bench_row(row, baseline, &k1);
	if (second_hits != bench_hits)
		printk("BENCH %s: the second probe ran %lu times, the first %lu\n", row,
		       second_hits, bench_hits);
	unregister_kprobe(&k2);
	unregister_kprobe(&k1);
}

void bench_aggr_rows(u64 baseline)
{
	bench_aggr_row("kprobe_x2", baseline);
}
