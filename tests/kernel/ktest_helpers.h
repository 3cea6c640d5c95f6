/* SPDX-License-Identifier: MIT */
/* Small helpers several self-test files share. */
#ifndef JUMPER_TESTS_KTEST_HELPERS_H
#define JUMPER_TESTS_KTEST_HELPERS_H

#include "processor.h"
#include "timer.h"

/* Spins, interrupts on, until jiffies has moved by ticks (so ticks really happen). */
static inline void spin_ticks(unsigned long ticks)
{
	unsigned long end = jiffies + ticks;
	while ((long)(jiffies - end) < 0)
		cpu_relax();
}

#endif
