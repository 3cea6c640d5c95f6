// SPDX-License-Identifier: MIT
/* IRQ dispatch: spurious-interrupt filtering, the handler table, end of interrupt. */
#include "irq.h"
#include "errno.h"
#include "irqflags.h"
#include "printk.h"
#include "preempt.h"

static struct {
	irq_handler_t handler;
	void *dev;
	unsigned long count;
} irq_desc[NR_IRQS];

static unsigned long spurious;

int request_irq(unsigned irq, irq_handler_t handler, void *dev)
{
	unsigned long flags;

	if (irq >= NR_IRQS || !handler)
		return -EINVAL;
	local_irq_save(flags);
	if (irq_desc[irq].handler) {
		local_irq_restore(flags);
		return -EBUSY;
	}
	irq_desc[irq].handler = handler;
	irq_desc[irq].dev = dev;
	pic_unmask(irq);
	local_irq_restore(flags);
	return 0;
}

void free_irq(unsigned irq)
{
	unsigned long flags;

	if (irq >= NR_IRQS)
		return;
	local_irq_save(flags);
	pic_mask(irq);
	irq_desc[irq].handler = NULL;
	irq_desc[irq].dev = NULL;
	local_irq_restore(flags);
}

unsigned long irq_count(unsigned irq)
{
	return irq < NR_IRQS ? irq_desc[irq].count : 0;
}

unsigned long irq_spurious_count(void)
{
	return spurious;
}

/*
 * Runs with IF=0 (IRQ gates are interrupt gates). irq_enter/irq_exit count the hardirq
 * nesting in preempt_count, so in_interrupt() is true in handlers and nothing schedules.
 */
void __kprobes do_IRQ(struct pt_regs *regs, unsigned irq)
{
	/* A glitch on IRQ 7/15 raises the line with no in-service bit: no EOI for it on
	 * its own controller (a spurious 15 still needs one on the master's cascade). */
	if ((irq == 7 || irq == 15) && pic_is_spurious(irq)) {
		spurious++;
		if (irq == 15)
			pic_eoi(2);
		return;
	}
	irq_enter();
	irq_desc[irq].count++;
	if (irq_desc[irq].handler) {
		irq_desc[irq].handler(irq, regs, irq_desc[irq].dev);
	} else {
		printk("irq: unexpected IRQ %u, masking it\n", irq);
		pic_mask(irq);
	}
	pic_eoi(irq);
	irq_exit();
	preempt_schedule_irq_check(regs);
}
