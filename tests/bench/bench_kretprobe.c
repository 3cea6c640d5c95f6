// SPDX-License-Identifier: MIT
/*
 * The kretprobe row of make bench: a return probe on bench_target whose handler counts, in
 * the default configuration -- optimization on, so its entry is jump-optimized (no trap at
 * either end; bench.py asserts optimized=1), where the other rows measure the int3 path.
 */
#include "bench.h"
#include "kretprobes.h"
#include "optprobes.h"
#include "printk.h"

static int bench_ret_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	(void)regs;
	bench_hits++;           /* as the kprobe rows' pre handler does */
	return 0;
}

void bench_kretprobe_row(u64 baseline)
{
	static struct kretprobe rp;
	bool was_on = kprobes_optimization_enabled();

	kprobes_set_optimization(true);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)bench_target,
				 .handler = bench_ret_handler };
	if (register_kretprobe(&rp) == 0) {
		bench_row("kretprobe", baseline, &rp.kp);
		unregister_kretprobe(&rp);
	} else {
		printk("BENCH kretprobe: register_kretprobe failed\n");
	}
	kprobes_set_optimization(was_on);
}
