// SPDX-License-Identifier: MIT
/* The jprobe row of make bench (tests/bench/bench.c calls bench_more_rows). */
#include "bench.h"
#include "jprobes.h"
#include "printk.h"

static int bench_jhandler(int a, int b)
{
	(void)a;
	(void)b;
	bench_hits++;           /* as the kprobe rows' pre handler does */
	jprobe_return();
}

void bench_more_rows(u64 baseline)
{
	static struct jprobe jp;

	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)bench_target, .entry = bench_jhandler };
	if (register_jprobe(&jp) == 0) {
		bench_row("jprobe", baseline, &jp.kp);
		unregister_jprobe(&jp);
	} else {
		printk("BENCH jprobe: register_jprobe failed\n");
	}
	bench_kretprobe_row(baseline);
	bench_aggr_rows(baseline);
	bench_family_rows(baseline);
	bench_many_rows(baseline);
	bench_opt_rows(baseline);
}
