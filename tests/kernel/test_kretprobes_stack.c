// SPDX-License-Identifier: MIT
/*
 * Backtraces through kretprobe_trampoline (Linux's stacktrace_on_kretprobe and
 * stacktrace_on_nested_kretprobe): taken in a return handler, and below two kretprobed
 * functions, they show the real return addresses (kretprobe_find_ret_addr through the
 * core's stack_trace_fixup hook), never the trampoline. The oops's Call Trace: the
 * kretprobe_oops scenarios (tests/kernel/crash_kretprobes.c).
 */
#include "kretprobes.h"
#include "kallsyms.h"
#include "kretprobe_targets.h"
#include "ktest.h"
#include "sched.h"
#include "stacktrace.h"
#include "string.h"
#include "user_probes.h"

static struct kretprobe rp, rp2;
static unsigned long seen_eip, entry_ret;

static int count_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri, (void)regs;
	return 0;
}

static unsigned long trace[16];
static unsigned trace_len;

static int trace_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri, (void)regs;
	trace_len = stack_trace_save(trace, 16, 0);
	return 0;
}

static bool trace_has(unsigned long addr)
{
	for (unsigned i = 0; i < trace_len; i++)
		if (trace[i] == addr)
			return true;
	return false;
}

static bool trace_has_trampoline(void)
{
	for (unsigned i = 0; i < trace_len; i++)
		if (in_function(trace[i], "kretprobe_trampoline") ||
		    in_function(trace[i], "kretprobe_trampoline_call_ret"))
			return true;
	return false;
}

static int record_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)regs;
	if (ri->rp == &rp)
		entry_ret = (unsigned long)ri->ret_addr;
	else
		seen_eip = (unsigned long)ri->ret_addr;
	return 0;
}

/* Linux's stacktrace_on_kretprobe: the handler's backtrace has the real return address
 * (into the function's caller) and no trampoline address. */
static void stacktrace_on_kretprobe(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	trace_len = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = trace_ret,
				 .entry_handler = record_entry };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, krp_caller(1, 1), 3);
	unregister_kretprobe(&rp);
	KEXPECT_GT(t, trace_len, 3);
	KEXPECT_TRUE(t, in_function(entry_ret, "krp_caller"));
	KEXPECT_TRUE(t, trace_has(entry_ret));
	KEXPECT_FALSE(t, trace_has_trampoline());
}

static int h_trace(void)
{
	trace_len = stack_trace_save(trace, 16, 0);
	return 0;
}

/* stacktrace_on_nested_kretprobe: krp_f and krp_g both kretprobed. In g's handler the
 * trace has g's real return (into f) and f's (into this case); so has a trace taken below
 * both, in krp_h, where the walker meets the trampoline address in two frames. */
static void stacktrace_on_nested_kretprobe(struct ktest *t)
{
	skip_if_probed(t, krp_f);
	skip_if_probed(t, krp_g);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_f,
				 .entry_handler = record_entry, .handler = count_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_g,
				  .entry_handler = record_entry, .handler = trace_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	trace_len = 0;
	KEXPECT_EQ(t, krp_f(), 2);
	KEXPECT_TRUE(t, in_function(entry_ret, "stacktrace_on_nested_kretprobe"));
	KEXPECT_TRUE(t, in_function(seen_eip, "krp_f"));
	KEXPECT_TRUE(t, trace_has(entry_ret));
	KEXPECT_TRUE(t, trace_has(seen_eip));
	KEXPECT_FALSE(t, trace_has_trampoline());
	rp2.handler = count_ret;
	krp_h_hook = h_trace;
	trace_len = 0;
	KEXPECT_EQ(t, krp_f(), 2);
	krp_h_hook = NULL;
	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
	KEXPECT_TRUE(t, trace_has(entry_ret));
	KEXPECT_TRUE(t, trace_has(seen_eip));
	KEXPECT_FALSE(t, trace_has_trampoline());
}

/* Two kretprobes on krp_g: the second entry found the first's trampoline in the slot, so
 * its instance holds the trampoline too (a chain, kernel/kretprobe.c). A trace taken in
 * krp_h still shows g's real return into krp_f (the walker skips the chained instance),
 * and both handlers run, once each. */
static void stacktrace_two_kretprobes_one_function(struct ktest *t)
{
	skip_if_probed(t, krp_g);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_g, .handler = count_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_g,
				  .entry_handler = record_entry, .handler = count_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp2), 0);
	krp_h_hook = h_trace;
	trace_len = 0;
	seen_eip = 0;
	KEXPECT_EQ(t, krp_f(), 2);
	krp_h_hook = NULL;
	unregister_kretprobe(&rp2);
	unregister_kretprobe(&rp);
	/* rp2's entry saw the trampoline (rp's) as the return address: the chain */
	KEXPECT_TRUE(t, seen_eip == (unsigned long)kretprobe_trampoline);
	KEXPECT_TRUE(t, trace_len > 2);
	KEXPECT_FALSE(t, trace_has_trampoline());
	bool into_f = false;
	for (unsigned i = 0; i < trace_len; i++)
		into_f |= in_function(trace[i], "krp_f");
	KEXPECT_TRUE(t, into_f);
	KEXPECT_TRUE(t, current->kretprobe_instances == NULL);
}

static const struct ktest_case kretprobe_stack_cases[] = {
	KTEST_CASE(stacktrace_on_kretprobe),
	KTEST_CASE(stacktrace_on_nested_kretprobe),
	KTEST_CASE(stacktrace_two_kretprobes_one_function),
	KTEST_END,
};
KTEST_SUITE(kretprobe_stack_suite, "kretprobes_stack", kretprobe_stack_cases);
