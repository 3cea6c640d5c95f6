/* SPDX-License-Identifier: MIT */
/* Interrupt-flag helpers with Linux's names. */
#ifndef JUMPER_IRQFLAGS_H
#define JUMPER_IRQFLAGS_H

#include "processor.h"

static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long f = native_save_fl();
	local_irq_disable();
	return f;
}

#define local_irq_save(flags)    ((flags) = arch_local_irq_save())
#define local_irq_restore(flags) native_restore_fl(flags)

static inline bool irqs_disabled(void)
{
	return !(native_save_fl() & X86_EFLAGS_IF);
}

#endif
