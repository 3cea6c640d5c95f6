// SPDX-License-Identifier: MIT
/*
 * Linux's own kprobes self-test (lib/test_kprobes.c, the KUnit suite "kprobes_test"), its
 * cases written fresh for this kernel as the suite "test_kprobes": what each checks is
 * Linux's, the code is ours. Each case probes functions of this file, calls them with a
 * known value, and checks the handlers saw it:
 *   kprobe          pre and post handler both run, on the probed call's argument
 *   kprobes         the same for a batch of two (register_kprobes) on two functions
 *   kprobe_missed   the handlers call the probed function themselves: those two hits
 *                   run no handler and count nmissed == 2, pre and post ran once each
 *   kretprobe       entry_handler ran, the return handler saw the return value
 *   kretprobes      the same for a batch of two (register_kretprobes)
 *   stacktrace_on_kretprobe, stacktrace_on_nested_kretprobe
 *                   inside the return handler stack_trace_save shows the real return
 *                   address (the caller's, after its call), never the trampoline that
 *                   stood in for it; nested: with the caller kretprobed too, both.
 * Every case ends with nothing registered, and checks the functions still compute
 * their values unprobed.
 */
#include "ktest.h"
#include "errno.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "kretprobes.h"
#include "stacktrace.h"
#include "string.h"

#define DIV_FACTOR 3
/* Linux draws rand1 at random; a fixed odd value (not a multiple of DIV_FACTOR) serves. */
#define RAND1 0x4e2d

static volatile int rand1 = RAND1;
static int preh_val, posth_val;
static unsigned long preh_arg, posth_eip;

/* The targets. __noipa: called for real, never inlined or folded into a constant. */
static __noipa int kprobe_target(int value)
{
	return value / DIV_FACTOR;
}

static __noipa int kprobe_target2(int value)
{
	return (value / DIV_FACTOR) + 9;
}

static __noipa int kprobe_recursed_target(int value)
{
	return value / DIV_FACTOR;
}

/* ---- kprobe, kprobes ---- */

/* The first stack word above the return address: the target's argument (cdecl). */
static unsigned long first_arg(struct pt_regs *regs)
{
	return ((const unsigned long *)kernel_stack_pointer(regs))[1];
}

static int kp_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	preh_arg = first_arg(regs);
	preh_val = rand1 / DIV_FACTOR;
	return 0;
}

static void kp_post_handler(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)flags;
	posth_eip = regs->eip - (unsigned long)p->addr;
	/* Linux's check: the pre handler ran first, with the value of this call. */
	posth_val = preh_val == rand1 / DIV_FACTOR ? preh_val + DIV_FACTOR : -1;
}

static void reset(void)
{
	preh_val = posth_val = 0;
	preh_arg = posth_eip = 0;
}

/* One probed call of target(rand1): both handlers saw it, the value is unchanged. */
static void check_probed_call(struct ktest *t, int (*target)(int), int want)
{
	reset();
	KEXPECT_EQ(t, target(rand1), want);
	KEXPECT_EQ(t, preh_arg, RAND1);
	KEXPECT_EQ(t, preh_val, RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, posth_val, RAND1 / DIV_FACTOR + DIV_FACTOR);
	/* Post handler: after the probed (first) instruction, a short one (push %ebp). */
	KEXPECT_GT(t, posth_eip, 0);
	KEXPECT_LT(t, posth_eip, MAX_INSN_SIZE);
}

static void kprobe(struct ktest *t)
{
	struct kprobe kp = { .symbol_name = "kprobe_target", .pre_handler = kp_pre_handler,
			     .post_handler = kp_post_handler };

	KASSERT_EQ(t, register_kprobe(&kp), 0);
	check_probed_call(t, kprobe_target, RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, kp.nmissed, 0);
	unregister_kprobe(&kp);
	reset();
	KEXPECT_EQ(t, kprobe_target(rand1), RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, preh_val, 0);             /* unregistered: no handler runs */
}

static void kprobes(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kprobe_target,
			     .pre_handler = kp_pre_handler, .post_handler = kp_post_handler };
	struct kprobe kp2 = { .symbol_name = "kprobe_target2", .pre_handler = kp_pre_handler,
			      .post_handler = kp_post_handler };
	struct kprobe bad = { .addr = (kprobe_opcode_t *)kprobe_target2 + 2,
			      .pre_handler = kp_pre_handler };
	struct kprobe *kps[2] = { &kp, &kp2 }, *with_bad[2] = { &kp, &bad };

	/* All or nothing: a batch whose second probe is refused (not an instruction
	 * boundary: push %ebp; mov %esp,%ebp is 1 + 2 bytes) arms none of them. */
	KEXPECT_EQ(t, register_kprobes(with_bad, 2), -EILSEQ);
	reset();
	kprobe_target(rand1);
	KEXPECT_EQ(t, preh_val, 0);
	KEXPECT_TRUE(t, get_kprobe((void *)kprobe_target) == NULL);
	KASSERT_EQ(t, register_kprobes(kps, 2), 0);
	check_probed_call(t, kprobe_target, RAND1 / DIV_FACTOR);
	check_probed_call(t, kprobe_target2, RAND1 / DIV_FACTOR + 9);
	unregister_kprobes(kps, 2);
	reset();
	KEXPECT_EQ(t, kprobe_target(rand1) + kprobe_target2(rand1), 2 * (RAND1 / 3) + 9);
	KEXPECT_EQ(t, preh_val, 0);
}

/* ---- kprobe_missed ---- */

static int missed_pre, missed_post;

static int missed_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	missed_pre++;
	kprobe_recursed_target(rand1);          /* a hit inside a handler: missed */
	return 0;
}

static void missed_post_handler(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	missed_post++;
	kprobe_recursed_target(rand1);          /* and one in the post handler */
}

static void kprobe_missed(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)kprobe_recursed_target,
			     .pre_handler = missed_pre_handler,
			     .post_handler = missed_post_handler };

	missed_pre = missed_post = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, kprobe_recursed_target(rand1), RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, kp.nmissed, 2);
	KEXPECT_EQ(t, missed_pre, 1);
	KEXPECT_EQ(t, missed_post, 1);
	unregister_kprobe(&kp);
}

/* ---- kretprobe, kretprobes ---- */

static int entry_val;
static long ret_val, ret_val2;

static int entry_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	entry_val = (int)first_arg(regs) / DIV_FACTOR;
	return 0;
}

static int return_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	ret_val = (long)regs_return_value(regs);
	/* Linux's check: the entry handler ran for this call. */
	return 0;
}

static int return_handler2(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	ret_val2 = (long)regs_return_value(regs);
	return 0;
}

static void kretprobe(struct ktest *t)
{
	struct kretprobe rp = { .kp.symbol_name = "kprobe_target", .handler = return_handler,
				.entry_handler = entry_handler };

	entry_val = 0;
	ret_val = 0;
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, kprobe_target(rand1), RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, entry_val, RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, ret_val, RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, rp.nmissed, 0);
	unregister_kretprobe(&rp);
	ret_val = 0;
	KEXPECT_EQ(t, kprobe_target(rand1), RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, ret_val, 0);
}

static void kretprobes(struct ktest *t)
{
	struct kretprobe rp = { .kp.addr = (kprobe_opcode_t *)kprobe_target,
				.handler = return_handler, .entry_handler = entry_handler };
	struct kretprobe rp2 = { .kp.symbol_name = "kprobe_target2",
				 .handler = return_handler2 };
	struct kretprobe bad = { .kp.addr = (kprobe_opcode_t *)kprobe_target2 + 1,
				 .handler = return_handler2 };
	struct kretprobe *rps[2] = { &rp, &rp2 }, *with_bad[2] = { &rp, &bad };

	/* All or nothing: the second is not on a function's first byte. */
	KEXPECT_EQ(t, register_kretprobes(with_bad, 2), -EINVAL);
	KEXPECT_TRUE(t, get_kprobe((void *)kprobe_target) == NULL);
	entry_val = 0;
	ret_val = 0;
	kprobe_target(rand1);
	KEXPECT_EQ(t, entry_val + ret_val, 0);
	KEXPECT_EQ(t, rp.nmissed, 0);
	KEXPECT_EQ(t, bad.nmissed, 0);
	ret_val = ret_val2 = 0;
	KASSERT_EQ(t, register_kretprobes(rps, 2), 0);
	KEXPECT_EQ(t, kprobe_target(rand1), RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, kprobe_target2(rand1 + 3), (RAND1 + 3) / DIV_FACTOR + 9);
	KEXPECT_EQ(t, entry_val, RAND1 / DIV_FACTOR);   /* rp2 has none: rp's value stays */
	KEXPECT_EQ(t, ret_val, RAND1 / DIV_FACTOR);
	KEXPECT_EQ(t, ret_val2, (RAND1 + 3) / DIV_FACTOR + 9);
	unregister_kretprobes(rps, 2);
	ret_val = ret_val2 = 0;
	kprobe_target(rand1);
	kprobe_target2(rand1);
	KEXPECT_EQ(t, ret_val + ret_val2, 0);
}

/* ---- stacktrace_on_kretprobe, stacktrace_on_nested_kretprobe ---- */

#define STACK_BUF_SIZE 16
/* [0]: stacktrace_driver's return address (into the case), [1]: stacktrace_target's (into
 * stacktrace_driver), recorded by an unprobed call before the probes go on. */
static unsigned long target_return_address[2];
static unsigned long trace_buf[STACK_BUF_SIZE];
static unsigned trace_len;
static int stacktrace_hits;
static bool target_saw_trampoline;

static __noipa unsigned long stacktrace_target(void)
{
	unsigned long ret = (unsigned long)__builtin_return_address(0);

	if (!target_return_address[1])
		target_return_address[1] = ret;
	/* Probed, the return address this function sees is the trampoline's. */
	target_saw_trampoline = ret == (unsigned long)kretprobe_trampoline;
	return ret;
}

static __noipa unsigned long stacktrace_driver(void)
{
	if (!target_return_address[0])
		target_return_address[0] = (unsigned long)__builtin_return_address(0);
	return stacktrace_target() + 1;         /* + 1: not a tail call */
}

/* In stacktrace_target's return handler: the trace, taken here, must show the real
 * return addresses. */
static int stacktrace_return_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	(void)regs;
	stacktrace_hits++;
	trace_len = stack_trace_save(trace_buf, STACK_BUF_SIZE, 0);
	return 0;
}

static int driver_return_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	(void)regs;
	return 0;
}

/* True if an entry of the trace lies in kretprobe_trampoline (at any offset). */
static bool trace_has_trampoline(void)
{
	unsigned long start;

	for (unsigned i = 0; i < trace_len; i++)
		if (kallsyms_lookup(trace_buf[i], &start, NULL) &&
		    start == (unsigned long)kretprobe_trampoline)
			return true;
	return false;
}

static bool trace_has(unsigned long addr)
{
	for (unsigned i = 0; i < trace_len; i++)
		if (trace_buf[i] == addr)
			return true;
	return false;
}

/* Calls the driver unprobed (recording the real return addresses), then with the
 * kretprobes rps registered; checks the handler's trace. */
static void stacktrace_case(struct ktest *t, struct kretprobe **rps, int n, bool nested)
{
	unsigned long myretaddr = (unsigned long)__builtin_return_address(0);

	memset(target_return_address, 0, sizeof(target_return_address));
	stacktrace_hits = 0;
	trace_len = 0;
	/* One call site for both calls, so both have the same return addresses: the first
	 * (unprobed) records them, the second runs with the kretprobes registered. */
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			KASSERT_EQ(t, register_kretprobes(rps, n), 0);
		/* Not inlined: the driver returns somewhere else than this function does. */
		unsigned long inner = stacktrace_driver() - 1;
		KEXPECT_NE(t, inner, myretaddr);
		KASSERT_TRUE(t, kernel_text_address(target_return_address[0]));
		KASSERT_TRUE(t, kernel_text_address(target_return_address[1]));
	}
	unregister_kretprobes(rps, n);
	KEXPECT_EQ(t, stacktrace_hits, 1);
	KEXPECT_TRUE(t, target_saw_trampoline);    /* the return address was swapped */
	KEXPECT_GT(t, trace_len, 2);
	KEXPECT_TRUE(t, trace_has(target_return_address[1]));
	/* The driver's own return address (into this case): beyond it when it is probed. */
	KEXPECT_TRUE(t, trace_has(target_return_address[0]));
	KEXPECT_FALSE(t, trace_has((unsigned long)kretprobe_trampoline));
	KEXPECT_FALSE(t, trace_has_trampoline());
	if (nested)
		ktest_info(t, "nested: driver and target kretprobed, %u frames", trace_len);
	for (unsigned i = 0; i < trace_len && (t->failed); i++) {
		char sym[KSYM_NAME_LEN + 32];
		sprint_backtrace(sym, sizeof(sym), trace_buf[i]);
		ktest_info(t, "trace[%u] %08lx %s", i, trace_buf[i], sym);
	}
}

static void stacktrace_on_kretprobe(struct ktest *t)
{
	struct kretprobe rp = { .kp.addr = (kprobe_opcode_t *)stacktrace_target,
				.handler = stacktrace_return_handler };
	struct kretprobe *rps[1] = { &rp };

	stacktrace_case(t, rps, 1, false);
}

static void stacktrace_on_nested_kretprobe(struct ktest *t)
{
	struct kretprobe rp = { .kp.addr = (kprobe_opcode_t *)stacktrace_target,
				.handler = stacktrace_return_handler };
	struct kretprobe rp2 = { .kp.addr = (kprobe_opcode_t *)stacktrace_driver,
				 .handler = driver_return_handler };
	struct kretprobe *rps[2] = { &rp, &rp2 };

	stacktrace_case(t, rps, 2, true);
}

static const struct ktest_case test_kprobes_cases[] = {
	KTEST_CASE(kprobe),
	KTEST_CASE(kprobes),
	KTEST_CASE(kprobe_missed),
	KTEST_CASE(kretprobe),
	KTEST_CASE(kretprobes),
	KTEST_CASE(stacktrace_on_kretprobe),
	KTEST_CASE(stacktrace_on_nested_kretprobe),
	KTEST_END,
};
KTEST_SUITE(test_kprobes_suite, "test_kprobes", test_kprobes_cases);
