// SPDX-License-Identifier: MIT
/*
 * Expected-oops scenarios: a BUG() below kretprobed functions. Their return addresses on
 * the stack are kretprobe_trampoline's by then; the oops's Call Trace must name the real
 * callers (kernel/stacktrace.c asks kretprobe_find_ret_addr), one kretprobe deep and two.
 */
#include "kretprobe_targets.h"
#include "kretprobes.h"
#include "ktest.h"

static int count_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri, (void)regs;
	return 0;
}

static struct kretprobe rp_f = { .kp.symbol_name = "krp_f", .handler = count_ret };
static struct kretprobe rp_g = { .kp.symbol_name = "krp_g", .handler = count_ret };

static int __noipa krp_h_bug(void)
{
	BUG();
}

/* krp_f (kretprobed) -> krp_g -> krp_h -> BUG(): the trace shows krp_f's caller. */
static void __noipa crash_kretprobe_oops(void)
{
	if (register_kretprobe(&rp_f))
		return;
	krp_h_hook = krp_h_bug;
	krp_f();
	barrier();              /* no tail call: this frame stays on the stack */
}
KTEST_CRASH(crash_kretprobe_oops_s, "kretprobe_oops", crash_kretprobe_oops);

/* Both krp_f and krp_g kretprobed: both frames read through the trampoline. */
static void __noipa crash_kretprobe_oops_nested(void)
{
	if (register_kretprobe(&rp_f) || register_kretprobe(&rp_g))
		return;
	krp_h_hook = krp_h_bug;
	krp_f();
	barrier();              /* no tail call: this frame stays on the stack */
}
KTEST_CRASH(crash_kretprobe_oops_nested_s, "kretprobe_oops_nested",
	    crash_kretprobe_oops_nested);
