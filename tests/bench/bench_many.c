// SPDX-License-Identifier: MIT
/*
 * The kprobe_pre_10k row of make bench (tests/bench/bench_jprobe.c's bench_more_rows calls
 * it): the kprobe_pre row's hit while BENCH_MANY other probes are registered, on a stretch
 * of nops the bench loop never runs. What it measures is the registry (kprobe_table,
 * sized for 10,000 probes) and the slots (79 pages of them): a hit's lookup must not grow
 * with the number of probes. bench.py's target: within 5% of kprobe_pre's extra cost.
 */
#include "bench.h"
#include "irqflags.h"
#include "kprobes.h"
#include "printk.h"
#include "slab.h"

#define BENCH_MANY 10000

/*
 * The probes' text: BENCH_MANY nops in functions of MANY_FN_NOPS nops and a ret each
 * (registration decodes from a function's start to the probe point, so one function of
 * 10,000 nops would cost 10,000 decodes for its last probe). Named bmany_N, not bench_*,
 * so that bench.py's logged boot leaves them out of its ranges.
 */
#define MANY_FN_NOPS 16
#define MANY_FN_LEN  (MANY_FN_NOPS + 1)
void bmany_filler(void);
__asm__(".pushsection .text\n"
	".macro bmany_fn\n"
	".type bmany_\\@, @function\n"
	"bmany_\\@:\n"
	".rept " STRINGIFY(MANY_FN_NOPS) "\n"
	"	nop\n"
	".endr\n"
	"	ret\n"
	".size bmany_\\@, . - bmany_\\@\n"
	".endm\n"
	".globl bmany_filler\n"
	"bmany_filler:\n"
	".rept " STRINGIFY(BENCH_MANY) " / " STRINGIFY(MANY_FN_NOPS) "\n"
	"	bmany_fn\n"
	".endr\n"
	".purgem bmany_fn\n"
	".popsection\n");

/* The 10,000's handler: never runs (nothing calls the filler); counts if it does. */
static int bench_many_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	bench_hits += 1000000;
	return 0;
}

/* The probes' structs, kzalloc'd; their pointers in kzalloc'd chunks of 2048 bytes. */
#define PER_CHUNK (KMALLOC_MAX_SIZE / sizeof(struct kprobe *))
static struct kprobe **many[(BENCH_MANY + PER_CHUNK - 1) / PER_CHUNK];

static struct kprobe **probe_at(unsigned i)
{
	return &many[i / PER_CHUNK][i % PER_CHUNK];
}

/* Unregisters and frees the first n probes, and the chunks. */
static void release(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unregister_kprobe(*probe_at(i));
		kfree(*probe_at(i));
	}
	for (unsigned i = 0; i < ARRAY_SIZE(many); i++) {
		kfree(many[i]);
		many[i] = NULL;
	}
}

/* BENCH_MANY probes on the filler; how many went in (all of them, or the boot says why). */
static unsigned register_many(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
		if (!(many[i] = kzalloc(KMALLOC_MAX_SIZE)))
			return 0;
	for (; n < BENCH_MANY; n++) {
		struct kprobe *p = kzalloc(sizeof(*p));
		if (!p)
			break;
		p->addr = (kprobe_opcode_t *)bmany_filler + n / MANY_FN_NOPS * MANY_FN_LEN +
			  n % MANY_FN_NOPS;
		p->pre_handler = bench_many_pre;
		int ret = register_kprobe(p);
		if (ret) {
			printk("BENCH kprobe_pre_10k: probe %u: register_kprobe: %d\n", n, ret);
			kfree(p);
			break;
		}
		*probe_at(n) = p;
	}
	return n;
}

void bench_many_rows(u64 baseline)
{
	static struct kprobe kp;
	unsigned n = 0;

	/* The probe that is hit goes in first: the 10,000 published after it stand before
	 * it in any hash chain it shares (publish puts a probe at its chain's head), so the
	 * row sees what a crowded table costs a lookup. */
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)bench_target, .pre_handler = bench_pre };
	if (register_kprobe(&kp)) {
		printk("BENCH kprobe_pre_10k: register_kprobe failed\n");
		return;
	}
	n = register_many();
	if (n == BENCH_MANY) {
		/* The 10,000 went in after kp, so kp may lie behind one of them in its hash
		 * chain; its first hit moves it to the front (get_kprobe_hit, include/
		 * kprobes.h) and costs a few instructions more, once. Do that lookup here,
		 * as the first hit would (interrupts off, as in the int3 handler), so that
		 * the row's calls all cost the same: the steady state of a probe being hit. */
		unsigned long flags;

		local_irq_save(flags);
		get_kprobe_hit(kp.addr);
		local_irq_restore(flags);
		bench_row("kprobe_pre_10k", baseline, &kp);
	}
	else
		printk("BENCH kprobe_pre_10k: %u of %u probes registered\n", n, BENCH_MANY);
	release(n);
	unregister_kprobe(&kp);
}
