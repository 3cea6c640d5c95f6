// SPDX-License-Identifier: MIT
/*
 * A debugger single-stepping into a jump-optimized probe (kernel/optprobe.c,
 * optprobe_debug_trap): stepping the jmp would land in the detour buffer, where no
 * debugger may ever see eip. The probed code, stepped, must look as it does with the int3
 * probe -- the same #DB eips, the handler run once -- and the probe stays an int3 probe
 * afterwards, its refusal optprobe_stepped.
 */
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "optprobe_helpers.h"
#include "optprobes.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "user_probes.h"

/* The region is the 5-byte mov; the steps are: entry, addl, ret, back in the caller. */
__asm__(".pushsection .text\n"
	".globl ctx_stepped_seq\n"
	".type ctx_stepped_seq, @function\n"
	"ctx_stepped_seq:\n"
	"	movl $5, %eax\n"
	"	addl $1, %eax\n"
	"	ret\n"
	".size ctx_stepped_seq, . - ctx_stepped_seq\n"
	".popsection\n");
extern char ctx_stepped_seq[];
#define CTX_SEQ_LEN   9
#define CTX_MAX_STEPS 8

static struct {
	unsigned long eip[CTX_MAX_STEPS];
	int n, in_buffer;
} steps;

static int ctx_step_pre_hits;

static int ctx_step_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	ctx_step_pre_hits++;
	return 0;
}

/* The debugger: records each #DB's eip, and stops stepping once back in the caller. */
static int ctx_step_recorder(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;
	unsigned long eip = a->regs->eip, seq = (unsigned long)ctx_stepped_seq;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	if (is_kprobe_optinsn_slot(eip))
		steps.in_buffer++;
	if (steps.n < CTX_MAX_STEPS)
		steps.eip[steps.n++] = eip;
	if (eip < seq || eip >= seq + CTX_SEQ_LEN || steps.n == CTX_MAX_STEPS)
		a->regs->eflags &= ~X86_EFLAGS_TF;
	return NOTIFY_STOP;
}

static struct notifier_block ctx_step_nb = { .notifier_call = ctx_step_recorder,
					     .priority = 100 };

/* Steps through ctx_stepped_seq from its call (TF set by popf); returns its result. */
static int ctx_step_through(struct ktest *t)
{
	unsigned long flags;
	int r;

	memset(&steps, 0, sizeof(steps));
	ctx_step_pre_hits = 0;
	KASSERT_EQ(t, register_die_notifier(&ctx_step_nb), 0);
	local_irq_save(flags);
	__asm__ volatile("pushfl\n\t"
			 "orl $0x100, (%%esp)\n\t"
			 "popfl\n\t"
			 "call ctx_stepped_seq"
			 : "=a"(r) : : "ecx", "edx", "memory", "cc");
	local_irq_restore(flags);
	unregister_die_notifier(&ctx_step_nb);
	KEXPECT_FALSE(t, native_save_fl() & X86_EFLAGS_TF);
	return r;
}

static void debugger_steps_into_an_optimized_probe(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)ctx_stepped_seq,
			     .pre_handler = ctx_step_pre };
	unsigned long plain[CTX_MAX_STEPS];
	int n_plain;

	skip_if_probed(t, ctx_stepped_seq);
	KEXPECT_EQ(t, ctx_step_through(t), 6);
	n_plain = steps.n;
	memcpy(plain, steps.eip, sizeof(plain));
	KASSERT_EQ(t, n_plain, 4);
	KEXPECT_EQ(t, plain[0], (unsigned long)ctx_stepped_seq);
	for (int opt = 0; opt < 2; opt++) {
		optprobes_switch(opt);
		scrub_dead_stack();
		int err = register_kprobe(&kp);
		KASSERT_EQ(t, err, 0);
		bool optimized = kprobe_optimized(&kp);
		int r = ctx_step_through(t);
		bool still = kprobe_optimized(&kp);
		const char *why = kprobe_opt_refusal(&kp);
		u8 first = *(u8 *)ctx_stepped_seq;

		unregister_kprobe(&kp);
		KEXPECT_EQ(t, optimized, opt);
		KEXPECT_EQ(t, r, 6);
		KEXPECT_EQ(t, ctx_step_pre_hits, 1);
		KEXPECT_EQ(t, steps.n, n_plain);
		for (int i = 0; i < n_plain && i < steps.n; i++)
			KEXPECT_EQ(t, steps.eip[i], plain[i]);
		KEXPECT_EQ(t, steps.in_buffer, 0);
		KEXPECT_FALSE(t, still);
		KEXPECT_EQ(t, first, BREAKPOINT_INSTRUCTION);   /* an int3 probe now */
		if (opt)
			KEXPECT_TRUE(t, why == optprobe_stepped);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
	optprobes_switch(true);
	KEXPECT_EQ(t, *(u8 *)ctx_stepped_seq, 0xb8);
}

static const struct ktest_case optprobes_debug_cases[] = {
	KTEST_CASE(debugger_steps_into_an_optimized_probe),
	KTEST_END
};
KTEST_SUITE(optprobes_debug_suite, "optprobes_debug", optprobes_debug_cases);
