/* SPDX-License-Identifier: MIT */
/* Functions the kprobes tests probe (tests/kernel/kprobe_targets.c): plain, unblacklisted. */
#ifndef JUMPER_TESTS_KPROBE_TARGETS_H
#define JUMPER_TESTS_KPROBE_TARGETS_H

#include "compiler.h"

int kp_target_add(int a, int b);     /* a + b */
int kp_target_mul(int a, int b);     /* a * b */
int kp_target_neg(int a);            /* -a */
int kp_target_other(int a, int b);   /* 1000 + a - b: where a redirect lands */
unsigned long kp_target_tick(unsigned long x);  /* called from the timer tick */
/* Loads the word at p: a fault when p is NULL. The load is "8b 00" (mov (%eax),%eax)
 * at kp_load + KP_LOAD_INSN_OFFSET. */
unsigned long kp_load(const unsigned long *p);
#define KP_LOAD_INSN_OFFSET 4
/* Returns the eflags its first instruction, pushf, pushed. */
unsigned long kp_pushf(void);

#endif
