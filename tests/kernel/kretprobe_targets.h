/* SPDX-License-Identifier: MIT */
/* Functions the kretprobes tests probe (tests/kernel/kretprobe_targets.c). */
#ifndef JUMPER_TESTS_KRETPROBE_TARGETS_H
#define JUMPER_TESTS_KRETPROBE_TARGETS_H

#include "compiler.h"
#include "setjmp.h"

int krp_add(int a, int b);              /* a + b */
int krp_caller(int a, int b);           /* krp_add(a, b) + 1: a known caller */
int krp_recurse(int n);                 /* n + (n - 1) + ... + 0, one call per level */
int krp_sleep(int x);                   /* yields the CPU, then returns 2 * x */
int krp_block(volatile int *go);        /* sleeps until *go, then returns 42 */
unsigned long krp_tick(unsigned long x); /* x + 1; called from the timer tick */
int krp_spin(unsigned long ticks);      /* spins, interrupts on, for ticks; returns 7 */
void __noreturn krp_exit_inside(int code); /* kthread_exit(code) from inside */
int krp_longjmp(jmp_buf env);           /* longjmp(env, 5): never returns */
/* f calls g, g calls h: a chain for nested kretprobes and backtraces; each returns what
 * the next one did plus 1, and h returns hook() (the test's) or 0 */
int krp_f(void);
int krp_g(void);
int krp_h(void);
extern int (*krp_h_hook)(void);
/* Sets ecx = 0x11111111, edx = 0x22222222, eax = 0x12345678 and CF, and returns
 * (tests/kernel/kretprobe_targets.c, in assembly). */
void krp_regs_target(void);
/* Callee-pops (stdcall: ret $8): a + b; and an ordinary caller of it, krp_stdcall(x, 4). */
int __attribute__((stdcall)) krp_stdcall(int a, int b);
int krp_stdcall_caller(int x);
/* True if addr is inside the function named name (its symbol is name+off/size): where a
 * return address or a backtrace entry points. */
bool in_function(unsigned long addr, const char *name);

#endif
