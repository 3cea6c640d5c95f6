/* SPDX-License-Identifier: MIT */
/*
 * Functions the jprobe tests probe, and their handlers' shared record
 * (tests/kernel/jprobe_targets.c).
 */
#ifndef JUMPER_TESTS_JPROBE_TARGETS_H
#define JUMPER_TESTS_JPROBE_TARGETS_H

#include "compiler.h"

struct small {
	short a;
	char b;
	int c;
};

/* Each returns a checksum of its arguments, so a clobbered argument shows in the result. */
int jp_f0(void);
int jp_f1(char c);
int jp_f2(char c, short s);
int jp_f3(char c, short s, int i);
int jp_f4(char c, short s, int i, long long ll);
int jp_f5(char c, short s, int i, long long ll, const int *p);
int jp_f6(char c, short s, int i, long long ll, const int *p, struct small sm);
int jp_sum6(int a, int b, int c, int d, int e, int f);   /* a + 2b + 3c + 4d + 5e + 6f */
int jp_tick(int x);                                        /* x + 1 */
/*
 * Writes value into n consecutive ints from first. A handler overwrites its argument
 * slots through this: gcc drops even volatile stores to parameters that nothing reads
 * before a noreturn call (jprobe_return), which is Linus's point in miniature -- the
 * compiler treats the argument area as the callee's to do with as it likes.
 */
void jp_overwrite_args(int *first, int n, int value);
/* Sum of n consecutive ints from first (reads the slots back from memory). */
int jp_sum_ints(const int *first, int n);

#endif
