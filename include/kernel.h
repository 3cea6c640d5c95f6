/* SPDX-License-Identifier: MIT */
/* panic, BUG and WARN. */
#ifndef JUMPER_KERNEL_H
#define JUMPER_KERNEL_H

#include "compiler.h"
#include "printk.h"

/* Prints the message and a backtrace, then ends the boot as a failure. */
void __noreturn panic(const char *fmt, ...) __printf(1, 2);

/*
 * BUG(): a state the code cannot go on from. Like Linux it executes ud2, so the invalid
 * opcode oops shows the registers and backtrace at the exact spot; the line before it
 * says which file and line.
 */
#define BUG()                                                                   \
	do {                                                                    \
		printk("------------[ cut here ]------------\n");               \
		printk("kernel BUG at %s:%d!\n", __FILE__, __LINE__);            \
		__asm__ volatile("ud2");                                        \
		__builtin_unreachable();                                        \
	} while (0)

#define BUG_ON(cond)                     \
	do {                             \
		if (unlikely(cond))      \
			BUG();           \
	} while (0)

void warn_slowpath(const char *file, int line, const char *cond);
/* WARN_ON(cond): reports with a backtrace and goes on; evaluates to cond. */
#define WARN_ON(cond)                                                   \
	({                                                              \
		bool __c = !!(cond);                                    \
		if (unlikely(__c))                                      \
			warn_slowpath(__FILE__, __LINE__, #cond);       \
		__c;                                                    \
	})

/* Counts WARN_ON hits since boot: the self-test runner fails a case that triggered one. */
extern unsigned long warn_count;

#endif
