// SPDX-License-Identifier: MIT
/*
 * Jump-optimized probes (include/optprobes.h): a pre-only probe becomes a jmp to its detour
 * buffer, and a hit through it is what an int3 hit is -- the same pt_regs, interrupts off
 * and preemption off in the handler, current_kprobe set, the probed code's flags and
 * registers afterwards -- without a trap.
 *
 * Every case asserts kprobe_optimized() first, so it cannot quietly test the int3 path,
 * and where it compares with an int3 hit it runs the very same call again with
 * optimization off (optprobes_switch(false), back on at the end). Handlers in
 * other contexts and kretprobes: test_optprobes_ctx.c; a debugger: test_optprobes_debug.c;
 * threads and the optimizer's waits: test_optprobes_threads.c.
 */
#include "desc.h"
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "optprobe_helpers.h"
#include "optprobes.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "trapnr.h"
#include "user_probes.h"

__noipa int opt_target(int a, int b)
{
	return a * 3 + b;
}

static struct {
	int pre;
	struct pt_regs regs;
	unsigned long sp, args[2], flags, status;
	bool preempt_off, running, cur_is_p;
} seen;

static int opt_pre(struct kprobe *p, struct pt_regs *regs)
{
	seen.pre++;
	seen.regs = *regs;
	seen.sp = kernel_stack_pointer(regs);
	seen.args[0] = ((unsigned long *)seen.sp)[1];
	seen.args[1] = ((unsigned long *)seen.sp)[2];
	seen.flags = native_save_fl();
	seen.preempt_off = preempt_count() > 0;
	seen.cur_is_p = current_kprobe == p;
	seen.running = kprobe_running();
	seen.status = get_kprobe_ctlblk()->kprobe_status;
	return 0;
}

static unsigned long traps_now(void)
{
	unsigned long n = 0;

	for (unsigned v = 0; v < X86_NR_HW_TRAPS; v++)
		n += trap_counts[v];
	return n;
}

static void pre_only_probe_is_optimized(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_target, .pre_handler = opt_pre };
	unsigned long flags_after, traps;
	int r;

	skip_if_probed(t, opt_target);
	memset(&seen, 0, sizeof(seen));
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_OPTIMIZED(t, &kp);
	KEXPECT_EQ(t, *(u8 *)opt_target, 0xe9);
	traps = traps_now();
	local_irq_enable();
	r = opt_target(5, 7);
	flags_after = native_save_fl();
	KEXPECT_EQ(t, traps_now(), traps);
	KEXPECT_EQ(t, r, 22);
	KEXPECT_EQ(t, seen.pre, 1);
	KEXPECT_EQ(t, seen.regs.eip, (unsigned long)opt_target);
	KEXPECT_EQ(t, seen.args[0], 5UL);
	KEXPECT_EQ(t, seen.args[1], 7UL);
	KEXPECT_FALSE(t, seen.flags & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, seen.regs.eflags & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, flags_after & X86_EFLAGS_IF);
	KEXPECT_TRUE(t, seen.preempt_off);
	KEXPECT_TRUE(t, seen.running);
	KEXPECT_EQ(t, seen.regs.cs, (unsigned long)KERNEL_CS);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, *(u8 *)opt_target, 0x55);
}

/* ---- 1. the pt_regs of a hit, int3 and optimized, field by field ---- */

/*
 * Calls opt_target(5, 7) with every general register and the arithmetic flags set to
 * known values, from one call site: two hits of this call see the same registers, the
 * same esp and ebp (the caller's frame is the same each time).
 */
static __noinline int call_opt_target_fixed(void)
{
	unsigned long b = 0xb0b0b0b0, c = 0xc0c0c0c0, d = 0xd0d0d0d0, s = 0x5151a5a5;
	unsigned long di = 0xd1d1d1d1;
	int r;

	__asm__ volatile("pushl $7\n\t"
			 "pushl $5\n\t"
			 "cmpl %%eax, %%eax\n\t"        /* ZF, PF set; CF, SF, OF, AF clear */
			 "call opt_target\n\t"
			 "addl $8, %%esp"
			 : "=a"(r), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
			 : "a"(0xa0a0a0a0) : "memory", "cc");
	return r;
}

/* Runs the fixed call with IF as irq_on says; seen gets the hit. Returns its result. */
static int hit_fixed(bool irq_on, unsigned long *flags_after)
{
	unsigned long flags;
	int r;

	memset(&seen, 0, sizeof(seen));
	get_kprobe_ctlblk()->kprobe_status = 0;         /* the hit must set it, not find it */
	local_irq_save(flags);
	if (irq_on)
		local_irq_enable();
	r = call_opt_target_fixed();
	*flags_after = native_save_fl();
	local_irq_restore(flags);
	return r;
}

static void handler_sees_the_int3_pt_regs(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_target, .pre_handler = opt_pre };

	skip_if_probed(t, opt_target);
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_OPTIMIZED(t, &kp);
	for (int irq_on = 1; irq_on >= 0; irq_on--) {
		struct pt_regs int3;
		unsigned long int3_sp, after;

		/* The int3 hit first, as the reference. */
		optprobes_switch(false);
		KEXPECT_FALSE(t, kprobe_optimized(&kp));
		KEXPECT_EQ(t, hit_fixed(irq_on, &after), 22);
		KEXPECT_EQ(t, seen.pre, 1);
		int3 = seen.regs;
		int3_sp = seen.sp;
		optprobes_switch(true);
		KEXPECT_OPTIMIZED(t, &kp);

		unsigned long traps = traps_now();
		KEXPECT_EQ(t, hit_fixed(irq_on, &after), 22);
		KEXPECT_EQ(t, traps_now(), traps);
		KEXPECT_EQ(t, seen.pre, 1);
		KEXPECT_EQ(t, seen.regs.eip, (unsigned long)opt_target);
		KEXPECT_EQ(t, seen.regs.eip, int3.eip);
		KEXPECT_EQ(t, seen.regs.cs, int3.cs);
		KEXPECT_EQ(t, seen.regs.eflags, int3.eflags);
		KEXPECT_EQ(t, seen.sp, int3_sp);
		KEXPECT_EQ(t, seen.args[0], 5UL);
		KEXPECT_EQ(t, seen.args[1], 7UL);
		KEXPECT_EQ(t, seen.regs.eax, 0xa0a0a0a0UL);
		KEXPECT_EQ(t, seen.regs.eax, int3.eax);
		KEXPECT_EQ(t, seen.regs.ebx, int3.ebx);
		KEXPECT_EQ(t, seen.regs.ecx, int3.ecx);
		KEXPECT_EQ(t, seen.regs.edx, int3.edx);
		KEXPECT_EQ(t, seen.regs.esi, int3.esi);
		KEXPECT_EQ(t, seen.regs.edi, int3.edi);
		KEXPECT_EQ(t, seen.regs.ebp, int3.ebp);
		KEXPECT_EQ(t, seen.regs.ds, int3.ds);
		KEXPECT_EQ(t, seen.regs.es, int3.es);
		KEXPECT_EQ(t, seen.regs.orig_eax, int3.orig_eax);
		/* The flags the probed code had: IF as the caller set it, the cmp's ZF. */
		KEXPECT_EQ(t, !!(seen.regs.eflags & X86_EFLAGS_IF), irq_on);
		KEXPECT_TRUE(t, seen.regs.eflags & X86_EFLAGS_ZF);
		KEXPECT_FALSE(t, seen.regs.eflags & X86_EFLAGS_CF);
		/* The handler's context: an int3's (interrupt gate, preempt_disable). */
		KEXPECT_FALSE(t, seen.flags & X86_EFLAGS_IF);
		KEXPECT_TRUE(t, seen.preempt_off);
		KEXPECT_TRUE(t, seen.cur_is_p);
		KEXPECT_TRUE(t, seen.running);
		KEXPECT_EQ(t, seen.status, KPROBE_HIT_ACTIVE);
		KEXPECT_EQ(t, !!(after & X86_EFLAGS_IF), irq_on);
		KEXPECT_FALSE(t, kprobe_running());
		KEXPECT_EQ(t, preempt_count(), 0);
	}
	unregister_kprobe(&kp);
}

/* ---- 2. what a handler writes in regs is what the probed code gets (TF, IF apart) ---- */

/* movl $7, %ecx is the region (5 bytes); the function returns in ecx the flags just after. */
__asm__(".pushsection .text\n"
	".globl opt_gpr_target\n"
	".type opt_gpr_target, @function\n"
	"opt_gpr_target:\n"
	"	movl $7, %ecx\n"
	"	pushfl\n"
	"	popl %ecx\n"
	"	ret\n"
	".size opt_gpr_target, . - opt_gpr_target\n"
	".popsection\n");
extern char opt_gpr_target[];

enum gpr_mode { GPR_NONE, GPR_SET, GPR_FLIP_IF, GPR_SET_TF, GPR_FLIP_CF, GPR_MODES };
static enum gpr_mode gpr_mode;

struct gpr_out {
	unsigned long a, b, d, s, di, flags;
};

static const struct gpr_out gpr_in = { 0x1a, 0x1b, 0x1d, 0x15, 0x1e, 0 };
static const struct gpr_out gpr_set = { 0x2a, 0x2b, 0x2d, 0x25, 0x2e, 0 };

static int gpr_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	seen.pre++;
	switch (gpr_mode) {
	case GPR_SET:
		regs->eax = gpr_set.a;
		regs->ebx = gpr_set.b;
		regs->edx = gpr_set.d;
		regs->esi = gpr_set.s;
		regs->edi = gpr_set.di;
		break;
	case GPR_FLIP_IF:
		regs->eflags ^= X86_EFLAGS_IF;
		break;
	case GPR_SET_TF:
		regs->eflags |= X86_EFLAGS_TF;
		break;
	case GPR_FLIP_CF:
		regs->eflags ^= X86_EFLAGS_CF;
		break;
	default:
		break;
	}
	return 0;
}

/* A #DB nobody expected (a TF the handler set, let through): counted and stopped. */
static unsigned gpr_debug_traps;

static int gpr_debug_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	gpr_debug_traps++;
	a->regs->eflags &= ~X86_EFLAGS_TF;
	return NOTIFY_STOP;
}

static struct notifier_block gpr_debug_nb = { .notifier_call = gpr_debug_notify,
					      .priority = 100 };

/* Calls opt_gpr_target with CF = cf and IF = irq_on and the registers of gpr_in. */
static __noinline void call_gpr_target(bool irq_on, bool cf, struct gpr_out *o)
{
	unsigned long a = gpr_in.a, b = gpr_in.b, d = gpr_in.d, s = gpr_in.s, di = gpr_in.di;
	unsigned long fl, cfv = cf, flags;

	local_irq_save(flags);
	if (irq_on)
		local_irq_enable();
	__asm__ volatile("btl $0, %[cf]\n\t"            /* CF = cf */
			 "call opt_gpr_target"
			 : "+a"(a), "+b"(b), "=c"(fl), "+d"(d), "+S"(s), "+D"(di)
			 : [cf] "m"(cfv) : "memory", "cc");
	local_irq_restore(flags);
	*o = (struct gpr_out){ a, b, d, s, di, fl };
}

static void expect_gpr_out(struct ktest *t, const struct gpr_out *o, enum gpr_mode mode,
			   bool irq_on, bool cf)
{
	const struct gpr_out *want = mode == GPR_SET ? &gpr_set : &gpr_in;

	KEXPECT_EQ(t, o->a, want->a);
	KEXPECT_EQ(t, o->b, want->b);
	KEXPECT_EQ(t, o->d, want->d);
	KEXPECT_EQ(t, o->s, want->s);
	KEXPECT_EQ(t, o->di, want->di);
	KEXPECT_EQ(t, !!(o->flags & X86_EFLAGS_IF), irq_on);            /* never the handler's */
	KEXPECT_FALSE(t, o->flags & X86_EFLAGS_TF);                     /* never the handler's */
	KEXPECT_EQ(t, !!(o->flags & X86_EFLAGS_CF), cf ^ (mode == GPR_FLIP_CF));  /* its */
}

static void handler_writes_reach_the_probed_code(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_gpr_target, .pre_handler = gpr_pre };

	skip_if_probed(t, opt_gpr_target);
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_OPTIMIZED(t, &kp);
	KASSERT_EQ(t, register_die_notifier(&gpr_debug_nb), 0);
	gpr_debug_traps = 0;
	for (int opt = 0; opt < 2; opt++) {
		optprobes_switch(opt);
		KEXPECT_EQ(t, kprobe_optimized(&kp), opt);
		for (int mode = 0; mode < GPR_MODES; mode++)
			for (int v = 0; v < 4; v++) {
				bool irq_on = v & 1, cf = v & 2;
				struct gpr_out o;

				gpr_mode = mode;
				seen.pre = 0;
				call_gpr_target(irq_on, cf, &o);
				KEXPECT_EQ(t, seen.pre, 1);
				expect_gpr_out(t, &o, mode, irq_on, cf);
			}
		KEXPECT_EQ(t, kprobe_optimized(&kp), opt);      /* nothing took the jmp out */
	}
	unregister_die_notifier(&gpr_debug_nb);
	optprobes_switch(true);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, gpr_debug_traps, 0);
	KEXPECT_EQ(t, preempt_count(), 0);
}

/* ---- 3. a pre handler that returns 1 resumes where it set regs->eip ---- */

static volatile int divert_runs;

__noipa int opt_divert_target(int a, int b)
{
	divert_runs++;
	return a * 3 + b;
}

__noipa int opt_divert_other(int a, int b)
{
	return a - b;
}

static int divert_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	seen.pre++;
	regs->eip = (unsigned long)opt_divert_other;    /* at an entry: the same frame fits */
	return 1;
}

static void handler_returning_1_resumes_at_its_eip(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_divert_target,
			     .pre_handler = divert_pre };

	skip_if_probed(t, opt_divert_target);
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KASSERT_OPTIMIZED(t, &kp);
	for (int opt = 1; opt >= 0; opt--) {
		optprobes_switch(opt);
		KEXPECT_EQ(t, kprobe_optimized(&kp), opt);
		for (int irq_on = 0; irq_on < 2; irq_on++) {
			unsigned long flags, after;
			int r;

			seen.pre = 0;
			divert_runs = 0;
			local_irq_save(flags);
			if (irq_on)
				local_irq_enable();
			r = opt_divert_target(5, 7);
			after = native_save_fl();
			local_irq_restore(flags);
			KEXPECT_EQ(t, r, -2);                   /* opt_divert_other's answer */
			KEXPECT_EQ(t, divert_runs, 0);          /* the probed function never ran */
			KEXPECT_EQ(t, seen.pre, 1);
			KEXPECT_EQ(t, !!(after & X86_EFLAGS_IF), irq_on);
			KEXPECT_FALSE(t, kprobe_running());
			KEXPECT_EQ(t, preempt_count(), 0);
		}
	}
	optprobes_switch(true);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, opt_divert_target(5, 7), 22);
	KEXPECT_EQ(t, divert_runs, 1);
}

static const struct ktest_case optprobes_cases[] = {
	KTEST_CASE(pre_only_probe_is_optimized),
	KTEST_CASE(handler_sees_the_int3_pt_regs),
	KTEST_CASE(handler_writes_reach_the_probed_code),
	KTEST_CASE(handler_returning_1_resumes_at_its_eip),
	KTEST_END
};
KTEST_SUITE(optprobes_suite, "optprobes", optprobes_cases);
