/* SPDX-License-Identifier: MIT */
/* Hardware interrupt handlers (IRQ 0-15 through the 8259 PIC). */
#ifndef JUMPER_IRQ_H
#define JUMPER_IRQ_H

#include "pic.h"
#include "ptrace.h"

typedef void (*irq_handler_t)(unsigned irq, struct pt_regs *regs, void *dev);

/*
 * Installs handler for irq and unmasks the line. Returns 0, -EINVAL for a bad irq or NULL
 * handler, -EBUSY if the line already has a handler.
 */
int request_irq(unsigned irq, irq_handler_t handler, void *dev);
/* Masks the line and removes its handler. */
void free_irq(unsigned irq);
/* Called from the trap entry for vectors 32-47. */
void do_IRQ(struct pt_regs *regs, unsigned irq);
/* Interrupts seen per line since boot, and spurious ones (IRQ 7/15 with no ISR bit). */
unsigned long irq_count(unsigned irq);
unsigned long irq_spurious_count(void);

#endif
