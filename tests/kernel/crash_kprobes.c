// SPDX-License-Identifier: MIT
/* Expected-oops scenario: a probe handler faults and no fault_handler claims it. */
#include "kprobe_targets.h"
#include "kprobes.h"
#include "ktest.h"

static int faulting_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	kp_load(NULL);          /* a NULL read inside the handler */
	return 0;
}

static struct kprobe faulting_kp = {
	.symbol_name = "kp_target_add",
	.pre_handler = faulting_pre,
};

static void crash_kprobe_handler_fault(void)
{
	if (register_kprobe(&faulting_kp))
		return;
	kp_target_add(1, 2);
}
KTEST_CRASH(crash_kprobe_fault_s, "kprobe_handler_fault", crash_kprobe_handler_fault);
