/* SPDX-License-Identifier: MIT */
/* The pair of 8259A interrupt controllers, remapped to vectors 32..47. */
#ifndef JUMPER_PIC_H
#define JUMPER_PIC_H

#include "types.h"

#define IRQ_BASE_VECTOR 32
#define NR_IRQS         16

/* Remaps IRQ 0-15 to vectors 32-47 and masks them all. */
void pic_init(void);
void pic_mask(unsigned irq);
void pic_unmask(unsigned irq);
/* Acknowledges irq at the controller(s). */
void pic_eoi(unsigned irq);
/*
 * True if irq (7 or 15) is spurious: the in-service bit is clear, so the 8259 raised the
 * line and withdrew it. A spurious IRQ 15 still needs an EOI to the master.
 */
bool pic_is_spurious(unsigned irq);

#endif
