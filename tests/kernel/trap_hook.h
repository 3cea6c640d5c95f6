/* SPDX-License-Identifier: MIT */
/*
 * A die notifier for tests: catches one kind of trap, records what it saw, and (for a
 * fault) steps over the faulting instruction so the test can go on and check.
 *
 * To step over a fault safely the hook must know the instruction: the test passes its
 * exact bytes, and the hook only claims a fault whose eip points at those bytes (so the
 * check "a fault's eip is the faulting instruction" comes for free). Anything else goes
 * on down the chain and oopses as it should.
 */
#ifndef JUMPER_TESTS_TRAP_HOOK_H
#define JUMPER_TESTS_TRAP_HOOK_H

#include "ktest.h"
#include "traps.h"

struct trap_hook {
	/* what to catch */
	enum die_val want;
	int trapnr;                /* -1: any vector */
	const u8 *insn;            /* faults: bytes at eip to expect and skip */
	unsigned insn_len;
	/* what was seen (of the last hit) */
	int hits;
	struct pt_regs regs;       /* copy of the frame */
	unsigned long regs_esp;    /* kernel_stack_pointer() of it */
	unsigned long flags;       /* EFLAGS inside the handler */
	long err;                  /* error code, or DR6 for DIE_DEBUG */
	unsigned long addr;        /* CR2 for page faults */
	bool in_irq_ctx;           /* preempt_count showed hardirq nesting */
};

extern struct trap_hook trap_hook;

/* Clears trap_hook, sets what to catch, registers the notifier (asserts on failure). */
void trap_hook_arm(struct ktest *t, enum die_val want, int trapnr, const u8 *insn,
		   unsigned insn_len);
void trap_hook_disarm(void);

#endif
