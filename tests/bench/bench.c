// SPDX-License-Identifier: MIT
/*
 * The probe benchmark ("bench" on the command line; tests/bench/bench.py runs it under
 * QEMU -icount, where rdtsc advances one tick per instruction executed -- and per
 * iteration of a rep-prefixed one, which bench.py accounts for). Every row times
 * BENCH_CALLS calls of one small function with interrupts off, so nothing but the probe
 * adds instructions; the difference from the unprobed row, per call, is the cost of a hit.
 */
#include "bench.h"
#include "init.h"
#include "irqflags.h"
#include "kprobes.h"
#include "multiboot.h"
#include "optprobes.h"
#include "printk.h"
#include "qemu_exit.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"

static unsigned long bench_calls = BENCH_CALLS;

__noipa int bench_target(int a, int b)
{
	return a * 3 + b;
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* Hits in the row being timed, counted by its probe handler (bench_jprobe.c too). */
unsigned long bench_hits;

int bench_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	bench_hits++;
	return 0;
}

static void bench_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
}

static unsigned long total_traps(void)
{
	unsigned long n = 0;
	for (unsigned v = 0; v < X86_NR_HW_TRAPS; v++)
		n += trap_counts[v];
	return n;
}

/*
 * Times the calls; prints one BENCH line, with whether probe's address was jump-optimized
 * (optimized=1) -- bench.py asserts it row by row -- and, if it was not, why. Returns the
 * ticks taken.
 */
u64 bench_row(const char *name, u64 baseline, const struct kprobe *probe)
{
	bool optimized = probe && kprobe_optimized(probe);
	const char *why = probe && !optimized ? kprobe_opt_refusal(probe) : NULL;
	unsigned long flags, traps;
	volatile int sink = 0;
	u64 t0, t1;

	local_irq_save(flags);
	traps = total_traps();
	bench_hits = 0;
	t0 = rdtsc();
	for (unsigned long i = 0; i < bench_calls; i++)
		sink += bench_target((int)i, sink);
	t1 = rdtsc();
	traps = total_traps() - traps;
	local_irq_restore(flags);
	u64 ticks = t1 - t0;
	long long extra = baseline ? (long long)(ticks - baseline) : 0;
	printk("BENCH row=%s calls=%lu ticks=%llu per_call=%llu extra_per_hit=%lld "
	       "traps_per_hit=%lu.%02lu hits=%lu optimized=%d\n", name, bench_calls, ticks,
	       ticks / bench_calls, extra / (long long)bench_calls, traps / bench_calls,
	       traps * 100 / bench_calls % 100, bench_hits, optimized);
	if (why)
		printk("BENCH %s: not jump-optimized: %s\n", name, why);
	if (optimized) {
		/* Where its detour buffer is: bench.py's profile names the instructions run
		 * there (the slot pages' other name is the int3 path's kprobe_insn_slots). */
		unsigned long buf = (unsigned long)get_kprobe(probe->addr)->op->buf;

		printk("BENCH %s: detour buffer %08lx-%08lx\n", name, buf, buf + OPTPROBE_BUF_SIZE);
	}
	return ticks;
}

void bench_main(unsigned long calls)
{
	static struct kprobe kp;
	bool was_on;
	u64 base;

	bench_calls = calls;
	bench_row("warmup", 0, NULL);
	base = bench_row("plain", 0, NULL);

	/* The rows measure the int3 path, except those that say otherwise: they switch
	 * optimization on around their probes (kretprobe, bench_opt.c's rows). */
	was_on = kprobes_optimization_enabled();
	kprobes_set_optimization(false);

	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target, .pre_handler = bench_pre };
	if (register_kprobe(&kp) == 0) {
		bench_row("kprobe_pre", base, &kp);
		disable_kprobe(&kp);
		bench_row("kprobe_disabled", base, &kp);
		unregister_kprobe(&kp);
	}
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target, .pre_handler = bench_pre,
			      .post_handler = bench_post };
	if (register_kprobe(&kp) == 0) {
		bench_row("kprobe_pre_post", base, &kp);
		unregister_kprobe(&kp);
	}
	bench_more_rows(base);
	kprobes_set_optimization(was_on);
	printk("BENCH done\n");
}

/* "bench[=N]" on the command line: every row, N calls each, then the boot ends. */
static void bench_program(void)
{
	char val[64];
	unsigned long calls = BENCH_CALLS;

	cmdline_get("bench", val, sizeof(val));
	if (val[0] && (parse_ulong(val, &calls) || !calls || calls > BENCH_CALLS_MAX)) {
		printk("bench: bench=%s: want 1..%d calls per row\n", val, BENCH_CALLS_MAX);
		qemu_exit(false);
	}
	bench_main(calls);
	qemu_exit(true);
}
BOOT_PROGRAM(20, "bench", bench_program);
