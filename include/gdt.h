/* SPDX-License-Identifier: MIT */
/* The TSSs: the running CPU's, and the double-fault task's (kernel/gdt.c). */
#ifndef JUMPER_GDT_H
#define JUMPER_GDT_H

#include "compiler.h"

/* The i386 hardware task-state segment. */
struct tss_struct {
	u16 back_link, __blh;
	u32 esp0;
	u16 ss0, __ss0h;
	u32 esp1;
	u16 ss1, __ss1h;
	u32 esp2;
	u16 ss2, __ss2h;
	u32 cr3, eip, eflags;
	u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
	u16 es, __esh, cs, __csh, ss, __ssh, ds, __dsh, fs, __fsh, gs, __gsh, ldt, __ldth;
	u16 trace, io_bitmap_base;
} __packed;

/*
 * The CPU's own TSS. When the double fault switches tasks, the CPU saves the state of
 * the code that faulted here: the double-fault handler reads it.
 */
extern struct tss_struct cpu_tss;

/*
 * Installs both TSS descriptors, loads the task register, and points vector 8 at a task
 * gate. Call after paging_init(): the double-fault task runs with the current CR3.
 */
void gdt_init_tss(void);

#endif
