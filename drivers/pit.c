// SPDX-License-Identifier: MIT
/* 8253/8254 PIT channel 0 as the periodic tick on IRQ 0. */
#include "timer.h"
#include "io.h"
#include "irq.h"
#include "kernel.h"
#include "sched.h"

#define PIT_CH0  0x40
#define PIT_CMD  0x43
#define PIT_MODE_RATE 0x34   /* channel 0, lobyte/hibyte, mode 2 (rate generator), binary */

volatile unsigned long jiffies;
void (*timer_tick_hook)(struct pt_regs *regs);

static void timer_interrupt(unsigned irq, struct pt_regs *regs, void *dev)
{
	(void)irq;
	(void)dev;
	jiffies++;
	if (timer_tick_hook)
		timer_tick_hook(regs);
	scheduler_tick();
}

void timer_init(void)
{
	unsigned long divisor = (PIT_HZ + HZ / 2) / HZ;

	BUG_ON(divisor < 2 || divisor > 65535);
	outb(PIT_CMD, PIT_MODE_RATE);
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	if (request_irq(0, timer_interrupt, NULL))
		panic("timer: IRQ 0 is taken");
	printk("timer: PIT at %d Hz (divisor %lu)\n", HZ, divisor);
}
