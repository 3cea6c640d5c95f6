/* SPDX-License-Identifier: MIT */
/*
 * The x86 exception vectors, by Linux's names (arch/x86/include/asm/trapnr.h).
 *
 * A vector number is what the CPU indexes the IDT with and what every trap handler is told
 * (trapnr, die_args.trapnr, a kprobe's fault handler): code that compares one says which
 * exception it means by name, never by number. The assembly side (kernel/entry.asm) gets
 * the same values through the generated asm-offsets.inc (kernel/asm-offsets.c), so this
 * file is their only definition.
 */
#ifndef JUMPER_TRAPNR_H
#define JUMPER_TRAPNR_H

#define X86_TRAP_DE        0   /* divide error */
#define X86_TRAP_DB        1   /* debug: single-step, breakpoint registers (DR6 says which) */
#define X86_TRAP_NMI       2   /* non-maskable interrupt */
#define X86_TRAP_BP        3   /* breakpoint: int3, the probe's trap */
#define X86_TRAP_OF        4   /* overflow (into) */
#define X86_TRAP_BR        5   /* bound range exceeded */
#define X86_TRAP_UD        6   /* invalid opcode */
#define X86_TRAP_NM        7   /* device (FPU) not available */
#define X86_TRAP_DF        8   /* double fault: through a task gate (kernel/gdt.c) */
#define X86_TRAP_OLD_MF    9   /* coprocessor segment overrun (before the 486) */
#define X86_TRAP_TS       10   /* invalid TSS */
#define X86_TRAP_NP       11   /* segment not present */
#define X86_TRAP_SS       12   /* stack segment fault */
#define X86_TRAP_GP       13   /* general protection fault */
#define X86_TRAP_PF       14   /* page fault: CR2 holds the address */
#define X86_TRAP_SPURIOUS 15   /* reserved (Linux: spurious interrupt) */
#define X86_TRAP_MF       16   /* x87 floating-point error */
#define X86_TRAP_AC       17   /* alignment check */
#define X86_TRAP_MC       18   /* machine check */
#define X86_TRAP_XF       19   /* SIMD floating-point exception */
#define X86_TRAP_VE       20   /* virtualization exception */
#define X86_TRAP_CP       21   /* control protection exception */
#define X86_TRAP_HV       28   /* hypervisor injection (AMD SEV-SNP) */
#define X86_TRAP_VC       29   /* VMM communication exception (AMD SEV-ES) */
/* AMD's security exception. Linux names no constant for it (it never sees one), but the
 * entry stubs must know it pushes an error code, so it gets a name here. */
#define X86_TRAP_SX       30

/* Vectors 0-31 are the CPU's; hardware interrupts come after them (include/pic.h). */
#define X86_NR_HW_TRAPS   32

#endif
