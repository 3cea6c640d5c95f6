/* SPDX-License-Identifier: MIT */
/*
 * The differential-test corpus (tests/kernel/kprobe_corpus_asm.c, kprobe_corpus_traps.c,
 * kprobe_corpus_c.c): functions covering every instruction class kprobes must single-step
 * out of line, and the traps and faults such instructions raise.
 */
#ifndef JUMPER_TESTS_KPROBE_CORPUS_H
#define JUMPER_TESTS_KPROBE_CORPUS_H

#include "compiler.h"

#define CORPUS_MEM_WORDS   32
/* Words above the run's stack top that corpus_call fills from corpus_stack_image (the
 * last two are a fake frame [0][0] that ebp points at, so a backtrace ends there). */
#define CORPUS_STACK_ABOVE 16
/* A page the harness maps for the faults; the page after it stays unmapped. */
#define CORPUS_FAULT_PAGE  0xC0000000

/*
 * One run of a corpus function, through corpus_call(): it switches to the stack at esp
 * (a fixed place in the current thread's stack, so that esp, ebp and pushed addresses are
 * the same in every run), copies corpus_stack_image above it, pushes arg[1] and arg[0]
 * (a C function's two arguments), loads the eight general registers and EFLAGS, calls fn
 * and stores them all back -- esp as it was after fn returned. fn may change any register
 * but esp and the memory in mem[] (esi and edi point into it in the asm corpus).
 */
struct cpu_state {
	u32 eax, ebx, ecx, edx, esi, edi, ebp, esp;
	u32 eflags;
	u32 arg[2];
	u32 fn;
	u32 caller_esp;                 /* corpus_call's own */
	u32 mem[CORPUS_MEM_WORDS];
};
extern struct cpu_state corpus_state;
extern u32 corpus_stack_image[CORPUS_STACK_ABOVE];
void corpus_call(void);
/* corpus_call's bounds: a #DB there is the harness's own, before or after fn. */
extern const char corpus_call_end[];

struct asm_corpus_fn {
	const char *name;
	void (*fn)(void);
};
extern const struct asm_corpus_fn asm_corpus[];
extern const unsigned asm_corpus_count;
extern const struct asm_corpus_fn asm_corpus_traps[];
extern const unsigned asm_corpus_traps_count;

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

/*
 * The traps and faults the corpus raises on purpose, like Linux's exception table: the
 * instruction, where execution goes on (the next instruction), and the vector. A fault
 * (#PF, #GP, #DE) must be reported at insn, a trap (int3, int $N, into) at next.
 */
struct corpus_extable_entry {
	u32 insn, next, trapnr;
};
extern const struct corpus_extable_entry corpus_extable[], corpus_extable_end[];

/* Instructions register_kprobe must refuse with -EOPNOTSUPP, and why. */
struct corpus_refusal {
	u32 addr;
	const char *what;
};
extern const struct corpus_refusal corpus_refused[], corpus_refused_end[];

#endif
