// SPDX-License-Identifier: MIT
/*
 * The trap machinery the probes stand on: gate types, the pt_regs frame, the debug and
 * breakpoint paths, faults caught on the die notifier chain, and the chain's order.
 *
 * Each case arms a notifier (hook) that records what it saw; the checks run after the
 * trap returned, never inside the handler.
 */
#include "desc.h"
#include "errno.h"
#include "ktest.h"
#include "pic.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "trap_hook.h"
#include "trapnr.h"

#define hook trap_hook
#define arm(t, want, trapnr) trap_hook_arm(t, want, trapnr, NULL, 0)
#define disarm() trap_hook_disarm()

static void gates_1_and_3_are_interrupt_gates(struct ktest *t)
{
	for (unsigned v = 0; v < NR_EXCEPTIONS + NR_IRQS; v++) {
		const struct gate_desc *g = idt_gate(v);
		u8 type = g->type_attr & 0xF;
		bool want_intr = v == X86_TRAP_DB || v == X86_TRAP_NMI || v == X86_TRAP_BP ||
				 v == X86_TRAP_PF || v >= IRQ_BASE_VECTOR;

		KEXPECT_TRUE(t, g->type_attr & 0x80);              /* present */
		KEXPECT_EQ(t, (g->type_attr >> 5) & 3, 0);         /* DPL 0 */
		if (v == X86_TRAP_DF) {   /* double fault: a task gate to its own TSS and stack */
			KEXPECT_EQ(t, type, GATE_TASK);
			KEXPECT_EQ(t, g->selector, DF_TSS_SEL);
			continue;
		}
		KEXPECT_EQ(t, g->selector, KERNEL_CS);
		KEXPECT_EQ(t, type, want_intr ? GATE_INTERRUPT : GATE_TRAP);
	}
}

/* The heart of the jprobe trick: for a ring-0 trap, &regs->esp is the pre-trap esp. */
static void int3_regs_esp_is_pre_trap_esp(struct ktest *t)
{
	unsigned long esp_before, resume;

	arm(t, DIE_INT3, -1);
	__asm__ volatile("movl %%esp, %0\n\t"
			 "int3\n\t"
			 "1: movl $1b, %1"
			 : "=&r"(esp_before), "=r"(resume) : : "memory");
	disarm();
	KASSERT_EQ(t, hook.hits, 1);
	KEXPECT_EQ(t, hook.regs_esp, esp_before);
	KEXPECT_EQ(t, hook.regs.eip, resume);            /* eip is just past the int3 */
	KEXPECT_EQ(t, hook.regs.cs, KERNEL_CS);
	KEXPECT_EQ(t, hook.regs.ds & 0xffff, KERNEL_DS);
	KEXPECT_EQ(t, hook.regs.orig_eax, ~0UL);         /* -1: an exception */
	KEXPECT_EQ(t, sizeof(struct pt_regs), 15 * 4);
}

/* Registers go into pt_regs and come back out of it: a handler can change them. */
static int regs_hook(struct notifier_block *nb, unsigned long val, void *data)
{
	struct pt_regs *regs = ((struct die_args *)data)->regs;

	(void)nb;
	if (val != DIE_INT3)
		return NOTIFY_DONE;
	hook.hits++;
	hook.regs = *regs;
	regs->eax = 0x600dcafe;
	regs->esi ^= 0xffffffff;
	return NOTIFY_STOP;
}

static void int3_frame_round_trip(struct ktest *t)
{
	struct notifier_block nb = { .notifier_call = regs_hook, .priority = 100 };
	unsigned long a = 0x11111111, b = 0x22222222, c = 0x33333333, d = 0x44444444;
	unsigned long s = 0x55555555, di = 0x66666666;

	memset(&hook, 0, sizeof(hook));
	KASSERT_EQ(t, register_die_notifier(&nb), 0);
	__asm__ volatile("int3" : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
			 : : "memory");
	unregister_die_notifier(&nb);
	KASSERT_EQ(t, hook.hits, 1);
	KEXPECT_EQ(t, hook.regs.eax, 0x11111111);
	KEXPECT_EQ(t, hook.regs.ebx, 0x22222222);
	KEXPECT_EQ(t, hook.regs.ecx, 0x33333333);
	KEXPECT_EQ(t, hook.regs.edx, 0x44444444);
	KEXPECT_EQ(t, hook.regs.esi, 0x55555555);
	KEXPECT_EQ(t, hook.regs.edi, 0x66666666);
	KEXPECT_EQ(t, a, 0x600dcafe);                    /* the handler's change landed */
	KEXPECT_EQ(t, s, 0xaaaaaaaa);
	KEXPECT_EQ(t, b, 0x22222222);                    /* the rest came back intact */
	KEXPECT_EQ(t, di, 0x66666666);
}

static void int3_runs_with_interrupts_off(struct ktest *t)
{
	KASSERT_TRUE(t, native_save_fl() & X86_EFLAGS_IF);   /* the test boot runs with IF=1 */
	arm(t, DIE_INT3, -1);
	__asm__ volatile("int3" ::: "memory");
	disarm();
	KASSERT_EQ(t, hook.hits, 1);
	KEXPECT_FALSE(t, hook.flags & X86_EFLAGS_IF);          /* the gate cleared IF */
	KEXPECT_TRUE(t, hook.regs.eflags & X86_EFLAGS_IF);     /* the frame remembers it */
	KEXPECT_TRUE(t, native_save_fl() & X86_EFLAGS_IF);     /* iret restored it */
}

static void single_step_reaches_debug_notifier(struct ktest *t)
{
	unsigned long stepped_to;

	arm(t, DIE_DEBUG, -1);
	/* popf sets TF; the instruction after popf runs, then #DB fires before label 2. */
	__asm__ volatile("pushfl\n\t"
			 "orl $0x100, (%%esp)\n\t"
			 "popfl\n\t"
			 "nop\n\t"
			 "2: movl $2b, %0"
			 : "=r"(stepped_to) : : "memory", "cc");
	disarm();
	KASSERT_EQ(t, hook.hits, 1);                      /* the hook cleared TF: one trap */
	KEXPECT_EQ(t, hook.regs.eip, stepped_to);
	KEXPECT_TRUE(t, hook.err & DR6_BS);               /* DR6 says: single-step */
	KEXPECT_TRUE(t, hook.regs.eflags & X86_EFLAGS_TF);
	KEXPECT_FALSE(t, hook.flags & X86_EFLAGS_IF);     /* vector 1 is an interrupt gate */
	KEXPECT_FALSE(t, native_save_fl() & X86_EFLAGS_TF);
}

static const u8 div_ecx[] = { 0xf7, 0xf1 };       /* div %ecx */
static const u8 mov_ax_ds[] = { 0x8e, 0xd8 };     /* mov %ax, %ds */

static void divide_error_caught_by_hook(struct ktest *t)
{
	unsigned long q = 1, zero = 0, rem = 0;

	trap_hook_arm(t, DIE_TRAP, X86_TRAP_DE, div_ecx, sizeof(div_ecx));
	__asm__ volatile(".byte 0xf7, 0xf1" : "+a"(q), "+d"(rem) : "c"(zero) : "cc");
	disarm();
	/* The hook claims the fault only if eip points at the div: a fault's eip is the
	 * faulting instruction, not the next one (unlike int3's). */
	KEXPECT_EQ(t, hook.hits, 1);
	KEXPECT_EQ(t, hook.regs.ecx, 0);
}

static void gp_fault_caught_with_error_code(struct ktest *t)
{
	/* Selector 0x1230 (GDT index 0x246) is past the GDT limit: #GP(selector). */
	trap_hook_arm(t, DIE_GPF, X86_TRAP_GP, mov_ax_ds, sizeof(mov_ax_ds));
	__asm__ volatile("movw $0x1230, %%ax\n\t.byte 0x8e, 0xd8" : : : "eax", "memory");
	disarm();
	KEXPECT_EQ(t, hook.hits, 1);
	KEXPECT_EQ(t, hook.err, 0x1230);       /* the selector: GDT (TI=0), not external */
	unsigned short ds;
	__asm__ volatile("movw %%ds, %0" : "=r"(ds));
	KEXPECT_EQ(t, ds, KERNEL_DS);          /* the load never happened */
}

/* Notifier order: priorities high to low, equal priorities first-registered first. */
static int order[8], norder;

#define ORDER_NOTIFIER(name, id, result)                                          \
	static int name##_fn(struct notifier_block *nb, unsigned long val, void *d) \
	{                                                                         \
		(void)nb; (void)d;                                                \
		if (val != DIE_INT3 || norder >= 8)                               \
			return NOTIFY_DONE;                                       \
		order[norder++] = id;                                             \
		return result;                                                    \
	}
ORDER_NOTIFIER(n10, 10, NOTIFY_STOP)
ORDER_NOTIFIER(n20a, 21, NOTIFY_OK)
ORDER_NOTIFIER(n20b, 22, NOTIFY_DONE)
ORDER_NOTIFIER(n30, 30, NOTIFY_DONE)
ORDER_NOTIFIER(n5, 5, NOTIFY_STOP)

static struct notifier_block b10 = { .notifier_call = n10_fn, .priority = 10 };
static struct notifier_block b20a = { .notifier_call = n20a_fn, .priority = 20 };
static struct notifier_block b20b = { .notifier_call = n20b_fn, .priority = 20 };
static struct notifier_block b30 = { .notifier_call = n30_fn, .priority = 30 };
static struct notifier_block b5 = { .notifier_call = n5_fn, .priority = 5 };
static struct notifier_block *const order_blocks[] = { &b10, &b20a, &b5, &b30, &b20b };

static void notifier_priority_order(struct ktest *t)
{
	norder = 0;
	/* Registered out of priority order on purpose. */
	for (unsigned i = 0; i < ARRAY_SIZE(order_blocks); i++)
		KEXPECT_EQ(t, register_die_notifier(order_blocks[i]), 0);
	KEXPECT_EQ(t, register_die_notifier(&b20b), -EEXIST);
	__asm__ volatile("int3" ::: "memory");
	/* b10 returns NOTIFY_STOP, so b5 must not run. */
	KEXPECT_EQ(t, norder, 4);
	KEXPECT_EQ(t, order[0], 30);
	KEXPECT_EQ(t, order[1], 21);
	KEXPECT_EQ(t, order[2], 22);
	KEXPECT_EQ(t, order[3], 10);
	KEXPECT_EQ(t, unregister_die_notifier(&b10), 0);
	KEXPECT_EQ(t, unregister_die_notifier(&b10), -ENOENT);
	norder = 0;
	__asm__ volatile("int3" ::: "memory");
	KEXPECT_EQ(t, norder, 4);                      /* now b5 is reached and stops */
	KEXPECT_EQ(t, order[3], 5);
	for (unsigned i = 0; i < ARRAY_SIZE(order_blocks); i++)
		unregister_die_notifier(order_blocks[i]);
}

static const struct ktest_case trap_cases[] = {
	KTEST_CASE(gates_1_and_3_are_interrupt_gates),
	KTEST_CASE(int3_regs_esp_is_pre_trap_esp),
	KTEST_CASE(int3_frame_round_trip),
	KTEST_CASE(int3_runs_with_interrupts_off),
	KTEST_CASE(single_step_reaches_debug_notifier),
	KTEST_CASE(divide_error_caught_by_hook),
	KTEST_CASE(gp_fault_caught_with_error_code),
	KTEST_CASE(notifier_priority_order),
	KTEST_END,
};
KTEST_SUITE(traps_suite, "traps", trap_cases);
