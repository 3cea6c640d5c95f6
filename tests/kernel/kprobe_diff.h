/* SPDX-License-Identifier: MIT */
/*
 * The differential test's runs (tests/kernel/kprobe_diff_run.c): one corpus group run
 * from a start state, with everything it can be seen to do recorded -- registers, flags,
 * memory, the stack above its esp, the traps and faults the die chain got, and every #DB
 * a debugger stepping it would see. tests/kernel/test_kprobes_diff.c runs each group
 * unprobed and probed and compares.
 */
#ifndef JUMPER_TESTS_KPROBE_DIFF_H
#define JUMPER_TESTS_KPROBE_DIFF_H

#include "kprobe_corpus.h"
#include "ktest.h"

#define DIFF_FLAGS_COMPARED 0xfd5      /* CF PF AF ZF SF TF IF DF OF */
#define DIFF_MAX_EVENTS     16
#define DIFF_MAX_STEPS      4096
#define DIFF_STACK_WORDS    (2 + CORPUS_STACK_ABOVE)
#define DIFF_PAGE_TAIL      4          /* last words of CORPUS_FAULT_PAGE */

/* The start states: IF=1 (ordinary code), IF=0 (under cli), TF=1 (a debugger stepping). */
enum diff_start { DIFF_IF1, DIFF_IF0, DIFF_TF1, DIFF_NR_STARTS };
extern const char *const diff_start_name[DIFF_NR_STARTS];

/* Registers as compared: eax ebx ecx edx esi edi ebp esp, then EFLAGS (compared bits). */
#define DIFF_NR_REGS 9
extern const char *const diff_reg_name[DIFF_NR_REGS];

/* A trap or fault the die chain got (corpus_extable), as the chain saw it. */
struct diff_event {
	u32 trapnr, eip, err, cr2, eflags, esp;
};

struct diff_outcome {
	u32 regs[DIFF_NR_REGS];
	u32 mem[CORPUS_MEM_WORDS];
	u32 stack[DIFF_STACK_WORDS];     /* from the run's stack top - 8: args, then above */
	u32 page_tail[DIFF_PAGE_TAIL];
	u32 nevents;
	struct diff_event ev[DIFF_MAX_EVENTS];
};

/* One #DB the die chain got: where, DR6 (BS and B0-3), the registers, the live stack. */
struct diff_step {
	u32 eip, dr6;
	u32 regs[DIFF_NR_REGS];
	u32 stack;                       /* a hash of the live window (stack_hash) */
};

/*
 * A run's #DBs against the baseline's: how many, the first that differs in anything but
 * DR6, and apart from that the first whose DR6 differs (a lost DR6.BS would otherwise
 * hide every other difference).
 */
struct diff_steps_cmp {
	unsigned n;
	bool bad;
	unsigned first_bad;
	struct diff_step got, want;
	bool dr6_bad;
	unsigned dr6_first;
	u32 dr6_eip, dr6_got, dr6_want;
};
extern struct diff_steps_cmp diff_cmp;
extern unsigned diff_nbase_steps;

/* Registers the die notifier and maps the fault page (asserts). Undone by diff_teardown. */
void diff_setup(struct ktest *t);
void diff_teardown(void);
/* True if entry names a corpus group's function (asm or C). */
bool diff_group_exists(const char *entry);
/*
 * Runs entry from start into *out. baseline: its #DBs become the baseline; else they are
 * compared with the baseline's (diff_cmp).
 */
void diff_run(const char *entry, enum diff_start start, struct diff_outcome *out,
	      bool baseline);
/*
 * How often each instruction in [lo, hi) runs, by single-stepping entry with TF forced
 * on (a popf cannot turn it off); diff_count_of(addr) reads the count.
 */
void diff_count(const char *entry, unsigned long lo, unsigned long hi);
unsigned diff_count_of(unsigned long addr);

/* Cases of tests/kernel/kprobe_diff_corpus.c (in the kprobes_diff suite). */
void kprobe_diff_corpus_as_written(struct ktest *t);
void kprobe_diff_refusals(struct ktest *t);

#endif
