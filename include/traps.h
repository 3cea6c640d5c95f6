/* SPDX-License-Identifier: MIT */
/*
 * Trap dispatch and the die notifier chain.
 *
 * Before the kernel treats an exception as fatal it offers it to a chain of notifiers,
 * highest priority first (equal priorities in registration order). kprobes sits on this
 * chain (kprobe_exceptions_notify in the 2004 patch): an int3 it planted, the debug trap
 * of its single-step, a fault inside a probe handler. A notifier that handles the event
 * returns NOTIFY_STOP and the trap returns to the (possibly modified) pt_regs.
 */
#ifndef JUMPER_TRAPS_H
#define JUMPER_TRAPS_H

#include "ptrace.h"
#include "compiler.h"
#include "trapnr.h"

enum die_val {
	DIE_OOPS = 1,    /* die() is about to print an oops: last chance to look */
	DIE_INT3,        /* X86_TRAP_BP; regs->eip is just past the int3 */
	DIE_DEBUG,       /* X86_TRAP_DB; args->err holds DR6 */
	DIE_PAGE_FAULT,  /* X86_TRAP_PF; args->addr holds CR2 */
	DIE_GPF,         /* X86_TRAP_GP */
	DIE_TRAP,        /* any other exception */
	DIE_NMI,
};

#define NOTIFY_DONE 0x0000   /* not mine: go on down the chain */
#define NOTIFY_OK   0x0001   /* seen, go on */
#define NOTIFY_STOP 0x8000   /* handled: stop the chain, the trap returns */

struct die_args {
	struct pt_regs *regs;
	const char *str;
	long err;                /* hardware error code, or DR6 for DIE_DEBUG */
	int trapnr;              /* the vector, X86_TRAP_* (include/trapnr.h); for DIE_OOPS
				  * too: the vector of the trap die() reports, never -1 */
	unsigned long addr;      /* CR2 for DIE_PAGE_FAULT, else 0 */
};

struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long val, void *data);
	int priority;            /* higher runs first */
	struct notifier_block *next;
};

/* Returns 0, or -EEXIST if nb is already registered. */
int register_die_notifier(struct notifier_block *nb);
/* Returns 0, or -ENOENT if nb was not registered. */
int unregister_die_notifier(struct notifier_block *nb);
/* Number of registered notifiers (the self-test runner checks cases clean up). */
unsigned die_chain_length(void);
/* Calls the chain; returns the last result, NOTIFY_STOP if someone handled the event. */
int notify_die(enum die_val val, const char *str, struct pt_regs *regs, long err,
	       int trapnr, unsigned long addr);

/* Exceptions taken since boot, per vector. */
extern unsigned long trap_counts[X86_NR_HW_TRAPS];

/*
 * The probe layer's first look at a trap. The 2004 patch put kprobes on the die chain
 * (kprobe_exceptions_notify); Linux later called its handlers straight from the trap
 * handlers instead, before any notifier: no other notifier can get between a probe and
 * its own int3 or single-step trap, and a probe hit skips the chain walk (see make
 * bench). The hooks live here so the layering stays downward: kprobes installs them.
 * Each returns 1 if the trap was handled (the trap then returns to regs).
 */
struct trap_probe_hooks {
	int (*int3)(struct pt_regs *regs);                  /* X86_TRAP_BP */
	/* X86_TRAP_DB: dr6 as the entry read it; the hook clears the bits it consumed */
	int (*debug)(struct pt_regs *regs, unsigned long *dr6);
	int (*fault)(struct pt_regs *regs, int trapnr);     /* any other exception */
	/* In every oops, after its "Oops:" line: what the probe layer knows (may be NULL). */
	void (*oops)(const char *str, struct pt_regs *regs);
};
void set_trap_probe_hooks(const struct trap_probe_hooks *hooks);

/* Breakpoint and debug traps kprobes did not claim, from their own entry stubs. */
void do_int3(struct pt_regs *regs);
/* dr6: DR6 as kernel/entry.asm read it at the #DB (and cleared it), minus what kprobes
 * consumed; it reaches the die chain as DIE_DEBUG's err. */
void do_debug(struct pt_regs *regs, unsigned long *dr6);
/* The C side of kernel/entry.asm, by vector: handler(regs, vector, error_code). */
extern void (*const trap_handlers[])(struct pt_regs *regs, unsigned long vector,
				      unsigned long error_code);

/*
 * Prints an oops for regs and ends the boot as a failure. Called only for a trap nobody
 * handled: trapnr is its vector (X86_TRAP_PF adds the page-fault lines), passed on to the
 * DIE_OOPS notifiers. (panic() does not come here: it prints its own report.)
 */
void __noreturn die(const char *str, struct pt_regs *regs, long err, int trapnr);
/* Prints a backtrace of the caller (used by panic and WARN). */
void dump_stack(void);
/* Human name of an exception vector ("page fault"). */
const char *trap_name(unsigned vector);

#endif
