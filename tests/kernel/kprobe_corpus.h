/* SPDX-License-Identifier: MIT */
/*
 * The differential-test corpus (tests/kernel/kprobe_corpus_asm.c, tests/kernel/kprobe_corpus_c.c):
 * functions covering every instruction class kprobes must single-step out of line.
 */
#ifndef JUMPER_TESTS_KPROBE_CORPUS_H
#define JUMPER_TESTS_KPROBE_CORPUS_H

#include "compiler.h"

#define CORPUS_MEM_WORDS 32

/*
 * Register-level corpus functions run through corpus_call(): it loads the six general
 * registers and EFLAGS from the state, calls fn, and stores them back. fn may change any
 * of them and the memory in mem[] (esi and edi point into it by convention); it must
 * keep esp and ebp and leave IF as it found it.
 */
struct cpu_state {
	u32 eax, ebx, ecx, edx, esi, edi;
	u32 eflags;
	u32 mem[CORPUS_MEM_WORDS];
};

void corpus_call(void (*fn)(void), struct cpu_state *s);

struct asm_corpus_fn {
	const char *name;
	void (*fn)(void);
};
extern const struct asm_corpus_fn asm_corpus[];
extern const unsigned asm_corpus_count;

/* C corpus functions: int f(int *buf, int n), buf holding CORPUS_MEM_WORDS ints. */
struct c_corpus_fn {
	const char *name;
	int (*fn)(int *buf, int n);
	int n;
};
extern const struct c_corpus_fn c_corpus[];
extern const unsigned c_corpus_count;
/* Helpers the C corpus calls (also probed: their sites count). */
extern const char *const c_corpus_helpers[];

#endif
