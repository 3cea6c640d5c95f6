/* SPDX-License-Identifier: MIT */
/* The PIT tick: jiffies at HZ ticks per second (HZ is a build option, default 100). */
#ifndef JUMPER_TIMER_H
#define JUMPER_TIMER_H

#include "ptrace.h"

#ifndef HZ
#define HZ 100
#endif

#define PIT_HZ 1193182UL   /* the PIT's input clock */

extern volatile unsigned long jiffies;

/* Programs PIT channel 0 for HZ interrupts per second and installs the IRQ 0 handler. */
void timer_init(void);

/*
 * Called from the timer interrupt, after jiffies moved and before the scheduler tick,
 * with the interrupted registers. For tests and the monitor; NULL when unused.
 */
extern void (*timer_tick_hook)(struct pt_regs *regs);

#endif
