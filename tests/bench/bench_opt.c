// SPDX-License-Identifier: MIT
/*
 * The jump-optimized rows of make bench (tests/bench/bench_jprobe.c's bench_more_rows calls
 * them; docs/optprobes.md, What it costs). Every other kprobe row measures the int3 path
 * with optimization off; these switch it on, so a pre-only probe on bench_target becomes a
 * jmp to its detour buffer (kernel/optprobe.c):
 *   kprobe_optimized     one pre-only kprobe, bench_pre (the kprobe_pre row, optimized)
 *   kprobe_x2_optimized  two pre-only kprobes on the address: the aggregate's manager is
 *                        what is optimized (the kprobe_x2 row, optimized; no target)
 * bench.py asserts optimized=1 and 0 traps per hit for both.
 */
#include "bench.h"
#include "kprobes.h"
#include "optprobes.h"
#include "printk.h"

void bench_opt_rows(u64 baseline)
{
	static struct kprobe kp;
	bool was_on = kprobes_optimization_enabled();

	kprobes_set_optimization(true);
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target, .pre_handler = bench_pre };
	if (register_kprobe(&kp) == 0) {
		bench_row("kprobe_optimized", baseline, &kp);
		unregister_kprobe(&kp);
	} else {
		printk("BENCH kprobe_optimized: register_kprobe failed\n");
	}
	bench_aggr_row("kprobe_x2_optimized", baseline);
	kprobes_set_optimization(was_on);
}
