/* SPDX-License-Identifier: MIT */
/*
 * What the optprobe rule suites share (tests/kernel/test_optprobes_rules.c,
 * test_optprobes_patch.c): functions written in asm (tests/kernel/optprobe_targets.c), so
 * that every byte of each probed region is known and each one breaks exactly one rule of
 * kernel/optprobe_prepare.c, and the checks every case repeats -- a refused probe still
 * works as an int3 probe, and unregistering gives the text back byte for byte.
 *
 * Every target is called as int f(int) (cdecl; it clobbers eax, ecx, edx only).
 * An optr_*_p (or other inner) label is a probe point inside a function: it is global
 * for C, and kallsyms drops it (no size inside a sized function), so the function's
 * bounds stay its own.
 */
#ifndef JUMPER_TESTS_OPTPROBE_TARGETS_H
#define JUMPER_TESTS_OPTPROBE_TARGETS_H

#include "kprobes.h"
#include "ktest.h"

typedef int (*optr_fn)(int);

/* (a + 3) * 2 + 1. Region at +0 is [0, 7) (mov, add); optr_plain_in is +4 (the add). */
int optr_plain(int a);
extern const u8 optr_plain_in[];
/* 5 + n (n >= 1). optr_jin_p's region [+6, +11) holds +9, the target of the loop's jnz. */
int optr_jin(int n);
extern const u8 optr_jin_p[];
/* 3n (n >= 1). The loop's jnz, inside optr_jfirst_p's region, jumps to its first byte. */
int optr_jfirst(int n);
extern const u8 optr_jfirst_p[];
/* i odd: 20, else 10, through jmp *table(,%eax,4). Region at +0: mov, and (no jump in). */
int optr_indirect(int i);
/* 1: xor, inc, ret at +3, then four nops (the function goes on past the region). */
int optr_ret(int unused);
/* 5: pushf; cli; mov $5; popf (at optr_irq_popf); mov; mov; ret. */
int optr_irq(int unused);
extern const u8 optr_irq_popf[];
/* a + 1: call (5 bytes at +0) to a leaf that loads a, then add $1. */
int optr_call(int a);
/* n: jecxz at optr_loop_jcxz, then inc; loop at optr_loop_top. */
int optr_loop(int n);
extern const u8 optr_loop_jcxz[], optr_loop_top[];
/* x + 7: a function of three bytes (nop; jmp rel8 to its body, a tail call). */
int optr_tail(int x);
/* x == 0: 100, else 200. optr_br8_p's region: test; jz rel8; jmp rel8. */
int optr_br8(int x);
extern const u8 optr_br8_p[];
/* The same with jmp rel32 (region of its own at optr_br32_jmp, jumping over a ud2) then
 * test and jz rel32 (region of its own at optr_br32_jz): both reached whatever x is. */
int optr_br32(int x);
extern const u8 optr_br32_jz[], optr_br32_jmp[];

/* Loops while optr_spin_go is not 0. optr_spin_p's region holds two jz that QEMU ends a
 * translation block at, so a thread preempted there stands on P, P + 2 or P + 4. */
int optr_spin(int unused);
extern const u8 optr_spin_p[];
extern volatile int optr_spin_go;

/* A probe that counts its handlers' runs; kp first, so a handler's p is the struct. */
struct optr_probe {
	struct kprobe kp;
	int pre, post;
	unsigned long eip;                      /* regs->eip of the last pre handler run */
};
int optr_pre(struct kprobe *p, struct pt_regs *regs);
void optr_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags);
/* A pre-only probe at addr, counts cleared. */
void optr_probe_init(struct optr_probe *o, const void *addr);

/* A copy of a whole function's text, taken before a case probes it. */
struct optr_text {
	unsigned long start, size;
	u8 bytes[64];
};
/* Copies the function holding addr (kallsyms' bounds); skips if a probe is in it. */
void optr_text_take(struct ktest *t, const void *addr, struct optr_text *c);
/*
 * True if the function's text is byte for byte what optr_text_take copied. A case calls
 * it last, after unregistering: it settles the optimizer first (optr_settle), so no
 * buffer of the case is left retired for a later tick to free under another suite that
 * counts frames (mm's).
 */
bool optr_text_restored(const struct optr_text *c);

/*
 * Text as it is now. The compiler may take what a const pointer points to as unchanging
 * and read it once, before the call that patched it (it did: a byte read after
 * register_kprobe came from before it), so every read of text here is volatile.
 */
u8 optr_byte(const void *addr);
void optr_read(const void *addr, u8 *buf, size_t len);

/* Traps taken since boot, every vector (a hit through a detour takes none). */
unsigned long optr_traps(void);
/*
 * kprobe_optimizer() on a clean stack. A retired detour buffer is freed once no stack word
 * points into it, and the last hit's return address into it stays behind in the dead
 * stack below the caller, where the optimizer's own frames may leave it unwritten. So
 * the dead stack is zeroed first, and the count of buffers can be compared.
 */
void optr_settle(void);
/* Skips the case if jump optimization is off (kprobes_optimization=0 on the command line). */
void optr_need_optimization(struct ktest *t);

/*
 * o, registered, is an int3 probe refused for why: kprobe_opt_refusal gives that very
 * pointer, it is not optimized, its first byte is 0xCC, and a call fn(arg) returns want,
 * runs its pre handler once with regs->eip its address, and takes a trap.
 */
void optr_check_int3_(struct ktest *t, const char *file, int line, struct optr_probe *o,
		      const char *why, optr_fn fn, int arg, int want);
#define optr_check_int3(t, o, why, fn, arg, want) \
	optr_check_int3_(t, __FILE__, __LINE__, o, why, fn, arg, want)
/* o is optimized: no reason, byte 0xE9, and fn(arg) == want with one hit and no trap. */
void optr_check_jmp_(struct ktest *t, const char *file, int line, struct optr_probe *o,
		     optr_fn fn, int arg, int want);
#define optr_check_jmp(t, o, fn, arg, want) \
	optr_check_jmp_(t, __FILE__, __LINE__, o, fn, arg, want)

/*
 * A whole refusal case: a pre-only probe at addr is refused for why, works as an int3
 * probe (fn(arg) as unprobed), and unregistering leaves the function's text as it was.
 */
void optr_refused_case_(struct ktest *t, const char *file, int line, const void *addr,
			const char *why, optr_fn fn, int arg);
#define optr_refused_case(t, addr, why, fn, arg) \
	optr_refused_case_(t, __FILE__, __LINE__, addr, why, fn, arg)

#endif
