/* SPDX-License-Identifier: MIT */
/*
 * struct pt_regs: the register frame every trap and interrupt builds on the stack.
 *
 * The order is i386 Linux 2.6's. The entry stubs (kernel/entry.asm) push the general
 * registers below what the CPU pushed, so the struct is read from the lowest address up:
 *
 *   high  | ss       |  pushed by the CPU only on a privilege change (ring 3 -> 0);
 *         | esp      |  never for a ring-0 trap: these two words are NOT on the stack
 *         | eflags   |  \
 *         | cs       |   } pushed by the CPU
 *         | eip      |  /
 *         | orig_eax |  hardware error code slot; -1 for exceptions, ~irq for IRQs
 *         | es, ds   |
 *         | eax ebp edi esi edx ecx |
 *   low   | ebx      |  <- struct pt_regs *regs
 *
 * For a trap taken in ring 0 the CPU pushes only eflags/cs/eip, so the word where
 * regs->esp would be is exactly where the interrupted code's stack pointer pointed:
 * &regs->esp IS the interrupted esp (kernel_stack_pointer()). jprobes rely on this to find
 * the probed function's arguments; tests/kernel/test_traps.c proves it.
 */
#ifndef JUMPER_PTRACE_H
#define JUMPER_PTRACE_H

#include "types.h"

struct pt_regs {
	unsigned long ebx;
	unsigned long ecx;
	unsigned long edx;
	unsigned long esi;
	unsigned long edi;
	unsigned long ebp;
	unsigned long eax;
	unsigned long ds;
	unsigned long es;
	unsigned long orig_eax;
	unsigned long eip;
	unsigned long cs;
	unsigned long eflags;
	unsigned long esp;   /* valid only when (cs & 3) != 0 */
	unsigned long ss;    /* valid only when (cs & 3) != 0 */
};

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) != 0;
}

/* The stack pointer of the interrupted code (see the diagram above). */
static inline unsigned long kernel_stack_pointer(struct pt_regs *regs)
{
	return user_mode(regs) ? regs->esp : (unsigned long)&regs->esp;
}

/* Linux's name for the register dump in an oops; kernel/trap.c. */
void show_registers(struct pt_regs *regs);

#endif
