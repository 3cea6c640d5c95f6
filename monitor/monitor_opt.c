// SPDX-License-Identifier: MIT
/*
 * The monitor and jump optimization (include/optprobes.h, docs/optprobes.md): what 'list'
 * and 'dis' say about an optimized probe, and "optimize [on|off]", the switch Linux has
 * as the debug.kprobes-optimization sysctl (here also kprobes_optimization=0 on the kernel
 * command line).
 */
#include "monitor_internal.h"
#include "kprobes.h"
#include "optprobes.h"
#include "printk.h"
#include "string.h"

void mon_print_opt_state(const struct mon_probe *m)
{
	const char *why;

	if (kprobe_optimized(&m->jp.kp)) {
		printk("  [OPTIMIZED]");
		return;
	}
	why = kprobe_opt_refusal(&m->jp.kp);
	if (why)
		printk("  (int3: %s)", why);
}

const struct optimized_kprobe *mon_optimized_at(unsigned long addr)
{
	struct kprobe *ap = get_kprobe((void *)addr);  /* a lone probe, or a manager */

	return ap && kprobe_optimized(ap) ? ap->op : NULL;
}

const struct optimized_kprobe *mon_opt_region_of(unsigned long addr)
{
	for (unsigned long a = addr - 1; a > addr - OPTPROBE_MAX_REGION; a--) {
		const struct optimized_kprobe *op = mon_optimized_at(a);

		if (op && a + op->len > addr)
			return op;
	}
	return NULL;
}

unsigned long mon_jmp_target(unsigned long addr)
{
	u32 rel;

	memcpy(&rel, (const u8 *)addr + 1, sizeof(rel));
	return addr + OPTPROBE_JMP_SIZE + rel;
}

static void print_state(void)
{
	printk("optimization %s: %u optimized, %u waiting\n",
	       kprobes_optimization_enabled() ? "on" : "off", nr_optimized_kprobes(),
	       nr_pending_optprobes());
}

/*
 * "optimize": the state and the counts. "optimize off" takes every jmp out (the probes
 * stay armed int3 probes, 'list' says why: optimization is off); "optimize on" tries every
 * registered probe again.
 */
void mon_optimize(int argc, char **argv)
{
	bool on;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "on") && strcmp(argv[1], "off"))) {
		printk("usage: optimize [on|off]\n");
		return;
	}
	if (argc == 2) {
		on = !strcmp(argv[1], "on");
		kprobes_set_optimization(on);
	}
	print_state();
}
