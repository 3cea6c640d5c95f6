/* SPDX-License-Identifier: MIT */
/* EFLAGS bits and accessors for CPU state registers. */
#ifndef JUMPER_PROCESSOR_H
#define JUMPER_PROCESSOR_H

#include "types.h"

#define X86_EFLAGS_CF   0x00000001
#define X86_EFLAGS_FIXED 0x00000002 /* bit 1 always reads as 1 */
#define X86_EFLAGS_PF   0x00000004
#define X86_EFLAGS_ZF   0x00000040
#define X86_EFLAGS_SF   0x00000080
#define X86_EFLAGS_TF   0x00000100  /* trap flag: #DB after the next instruction */
#define X86_EFLAGS_IF   0x00000200  /* interrupts enabled */
#define X86_EFLAGS_DF   0x00000400
#define X86_EFLAGS_OF   0x00000800
#define X86_EFLAGS_NT   0x00004000
#define X86_EFLAGS_RF   0x00010000
#define X86_EFLAGS_VM   0x00020000
#define X86_EFLAGS_AC   0x00040000  /* alignment check (only faults at CPL 3) */

#define X86_CR0_PE      0x00000001
#define X86_CR0_WP      0x00010000
#define X86_CR0_PG      0x80000000

#define DR6_BS          0x00004000  /* debug status: single-step caused the #DB */

static inline unsigned long native_save_fl(void)
{
	unsigned long f;
	__asm__ volatile("pushfl; popl %0" : "=rm"(f) : : "memory");
	return f;
}

static inline void native_restore_fl(unsigned long f)
{
	__asm__ volatile("pushl %0; popfl" : : "g"(f) : "memory", "cc");
}

#define DEFINE_READ_CR(n)                                                  \
	static inline unsigned long read_cr##n(void)                       \
	{                                                                  \
		unsigned long v;                                           \
		__asm__ volatile("movl %%cr" #n ", %0" : "=r"(v));         \
		return v;                                                  \
	}
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline void write_cr2(unsigned long v)
{
	__asm__ volatile("movl %0, %%cr2" : : "r"(v) : "memory");
}

/* DR6, the debug status (Linux's asm/debugreg.h names): why a #DB came. */
#define DR_TRAP0     0x0001     /* B0-B3: debug register 0-3's breakpoint fired */
#define DR_TRAP_BITS 0x000f
#define DR_STEP      0x4000     /* BS: a single-step (TF) trap */
/* The bits of DR6 that read as 1 when nothing is reported: its value "cleared". */
#define DR6_RESERVED 0xffff0ff0

static inline unsigned long read_dr6(void)
{
	unsigned long v;
	__asm__ volatile("movl %%db6, %0" : "=r"(v));
	return v;
}

static inline void write_dr6(unsigned long v)
{
	__asm__ volatile("movl %0, %%db6" : : "r"(v));
}

/*
 * DR0 and DR7: a breakpoint register and the control that arms it (Linux's names). The
 * kernel itself never sets them; a debugger would, and the self-tests play one to see
 * that its breakpoints reach the die chain through a probe's single-step.
 */
#define DR_LOCAL_ENABLE    0x1  /* L0: DR0 enabled (DR7 bit 0) */
#define DR_CONTROL_SHIFT   16   /* DR0's R/W and LEN field; DR1-3's follow, 4 bits each */
#define DR_RW_WRITE        0x1  /* R/W: break on data writes */
#define DR_LEN_4           0xc  /* LEN: 4 bytes (the address must be 4-aligned) */

static inline unsigned long read_dr0(void)
{
	unsigned long v;
	__asm__ volatile("movl %%db0, %0" : "=r"(v));
	return v;
}

static inline void write_dr0(unsigned long v)
{
	__asm__ volatile("movl %0, %%db0" : : "r"(v));
}

static inline unsigned long read_dr7(void)
{
	unsigned long v;
	__asm__ volatile("movl %%db7, %0" : "=r"(v));
	return v;
}

static inline void write_dr7(unsigned long v)
{
	__asm__ volatile("movl %0, %%db7" : : "r"(v) : "memory");
}

static inline unsigned long current_stack_pointer(void)
{
	unsigned long sp;
	__asm__ volatile("movl %%esp, %0" : "=r"(sp));
	return sp;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void halt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

#endif
