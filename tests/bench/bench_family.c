// SPDX-License-Identifier: MIT
/*
 * The rows of make bench for probes sharing one address (tests/bench/bench_jprobe.c's
 * bench_more_rows calls bench_family_rows): a kprobe and a kretprobe on bench_target, and
 * a jprobe and a kretprobe -- "jr", the pair Linux's Documentation/kprobes.txt measures:
 * the arguments at the entry, the return value at the exit. Each handler counts a hit,
 * so hits= is twice the calls; extra_per_hit is per call (both probes together).
 */
#include "bench.h"
#include "jprobes.h"
#include "kretprobes.h"
#include "printk.h"

static int bench_family_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	bench_hits++;
	return 0;
}

static int bench_family_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	(void)regs;
	bench_hits++;
	return 0;
}

static int bench_family_jhandler(int a, int b)
{
	(void)a;
	(void)b;
	bench_hits++;
	jprobe_return();
}

/* Adds a kretprobe on bench_target, beside the probe already there, and times row. */
static void with_kretprobe(const char *row, u64 baseline)
{
	static struct kretprobe rp;
	int ret;

	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)bench_target,
				 .handler = bench_family_ret };
	ret = register_kretprobe(&rp);
	if (ret) {
		printk("BENCH %s: register_kretprobe failed (%d)\n", row, ret);
		return;
	}
	bench_row(row, baseline, &rp.kp);
	unregister_kretprobe(&rp);
}

void bench_family_rows(u64 baseline)
{
	static struct kprobe kp;
	static struct jprobe jp;
	int ret;

	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target,
			      .pre_handler = bench_family_pre };
	ret = register_kprobe(&kp);
	if (ret) {
		printk("BENCH kprobe_kretprobe: register_kprobe failed (%d)\n", ret);
	} else {
		with_kretprobe("kprobe_kretprobe", baseline);
		unregister_kprobe(&kp);
	}
	jp = (struct jprobe){ .kp.addr = (kprobe_opcode_t *)bench_target,
			      .entry = bench_family_jhandler };
	ret = register_jprobe(&jp);
	if (ret) {
		printk("BENCH jprobe_kretprobe: register_jprobe failed (%d)\n", ret);
	} else {
		with_kretprobe("jprobe_kretprobe", baseline);
		unregister_jprobe(&jp);
	}
}
