/* SPDX-License-Identifier: MIT */
/*
 * Jump-optimized probes (Linux 2.6.34's optprobes; kernel/optprobe.c, docs/optprobes.md).
 *
 * A probe starts as an int3. The optimizer then replaces the probed instruction(s) --
 * whole instructions covering at least five bytes, inside one function -- by a jmp rel32
 * to a detour buffer of the probe's own (kernel/optprobe_template.asm): it builds the
 * pt_regs an int3 would have built, calls the pre handler as the int3 path does
 * (interrupts off, preemption off, current_kprobe set, a hit from inside a handler counted
 * as a miss), puts the registers back, runs copies of the replaced instructions and jumps
 * back after them. No trap at all.
 *
 * It is tried at every change of a probe (registration, enable, a sub-probe joining or
 * leaving an aggregate, a probe placed or removed near it), and applies to the probe at
 * an address as the int3 handler sees it: a lone probe, or an aggregate's manager. What
 * keeps a probe an int3 probe, each with its reason (kprobe_opt_refusal): optimization
 * off; a post handler or a break handler (jprobes) -- they need the single-step; an
 * instruction in the region that cannot run out of line, or a call (its return address
 * would point into the buffer); the region crossing the function's end; a jump in the
 * function to a byte of the region other than its first; an indirect jump in the
 * function (a jump table could target the region); another probe in the region. A thread
 * stopped inside the region (its saved eip on a byte after the first) holds the
 * optimization back until it has left: retried on the timer tick.
 */
#ifndef JUMPER_OPTPROBES_H
#define JUMPER_OPTPROBES_H

#include "kprobes.h"

/* The size of a detour buffer: the template, the copied instructions, the jmp back. */
#define OPTPROBE_BUF_SIZE   256
/* The longest region: instructions are added while fewer than 5 bytes are covered. */
#define OPTPROBE_MAX_REGION (4 + INSN_MAX_LEN)
#define OPTPROBE_MAX_INSNS  5
#define OPTPROBE_JMP_SIZE   5

/* The optimization of one address (the table's entry there: a probe or a manager). */
struct optimized_kprobe {
	struct kprobe *kp;
	kprobe_opcode_t *buf;                   /* the detour buffer; NULL while pending */
	u8 len;                                 /* bytes of the region (>= 5) */
	u8 ninsn;                               /* instructions in it */
	u8 insn_off[OPTPROBE_MAX_INSNS];        /* each one's offset in the region */
	u8 copy_off[OPTPROBE_MAX_INSNS + 1];    /* its copy's offset in buf; [ninsn]: jmp */
	u8 orig[OPTPROBE_MAX_REGION];           /* the region's original bytes */
	unsigned long back;                     /* where its jmp back goes: addr + len */
	struct optimized_kprobe *next;          /* on the pending, active or retired list */
};

/*
 * Why an address is not optimized: kprobe_opt_refusal returns one of these (the same
 * pointer, so a self-test compares pointers).
 */
extern const char optprobe_off[], optprobe_waiting[], optprobe_no_memory[],
	optprobe_faulted[], optprobe_stepped[], optprobe_no_post[], optprobe_no_break[],
	optprobe_no_symbol[], optprobe_no_decode[], optprobe_crosses_end[],
	optprobe_insn_unsafe[], optprobe_insn_call[], optprobe_jump_in[], optprobe_indirect[],
	optprobe_probe_in[];

/* The last text pokes of jmps going in and out (the self-tests check their order). */
#define OPTPROBE_POKE_LOG 8
struct optprobe_poke {
	unsigned long addr;
	u8 len;
	u8 first;                               /* the first byte written */
};
extern struct optprobe_poke optprobe_pokes[OPTPROBE_POKE_LOG];
/* Pokes since boot; optprobe_pokes[optprobe_npokes % OPTPROBE_POKE_LOG] is the next. */
extern unsigned optprobe_npokes;

/* True if p's address is jump-optimized now (p a probe, or a sub-probe there). */
bool kprobe_optimized(const struct kprobe *p);
/* Why p's address is not optimized (its last try), or NULL if it is or was not tried. */
const char *kprobe_opt_refusal(const struct kprobe *p);

/*
 * The switch (Linux's debug.kprobes-optimization sysctl; here also kprobes_optimization=0
 * on the command line and the monitor's "optimize on|off"). Off unoptimizes every probe,
 * on tries every registered one. On by default, as in Linux.
 */
void kprobes_set_optimization(bool on);
bool kprobes_optimization_enabled(void);

/* Optimized addresses now, and optimizations waiting for a thread to leave a region. */
unsigned nr_optimized_kprobes(void);
unsigned nr_pending_optprobes(void);
/* Detour buffers allocated (in use, or retired and waiting to be freed). */
unsigned kprobe_optinsn_slots_used(void);
/* True if addr lies in a page of detour buffers. O(1). */
bool is_kprobe_optinsn_slot(unsigned long addr);
/*
 * Retries what waits: pending optimizations, and retired buffers no stack refers to any
 * more (Linux's wait_for_kprobe_optimizer runs its optimizer now). Interrupts on or off.
 */
void kprobe_optimizer(void);

#endif
