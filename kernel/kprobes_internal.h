// SPDX-License-Identifier: MIT
/*
 * What the probe hit path (kernel/kprobes.c) shares with its fault path
 * (kernel/kprobe_fault.c): the parts of a hit's state that are nobody else's business.
 */
#ifndef JUMPER_KPROBES_INTERNAL_H
#define JUMPER_KPROBES_INTERNAL_H

#include "kprobes.h"
#include "processor.h"

#define TF_IF (X86_EFLAGS_TF | X86_EFLAGS_IF)

/* Ends a reentered hit: the outer hit's state (probe, status, flags) comes back. */
void restore_previous_kprobe(struct kprobe_ctlblk *kcb);

/*
 * The one rule for the EFLAGS a hit resumes the probed code with, used by every exit:
 * the boost, the emulation of cli/sti, the end of a single-step, and a fault of the
 * probed instruction (kernel/kprobe_fault.c). TF and IF are the probed code's as they
 * were at the int3 -- whatever a handler wrote into regs, and whatever the step needed
 * (TF on, IF off) -- unless the instruction ran (ran) and itself decides them: popf
 * takes TF and IF from the stack, cli and sti set IF. Every other bit comes from flags,
 * the flags as they are now (the instruction's results, if it ran).
 */
static inline unsigned long kprobe_resume_flags(const struct kprobe *p, unsigned long flags,
						bool ran)
{
	u32 attr = p->ainsn.decoded.attr;
	unsigned long own = 0;          /* the bits the instruction itself set */

	if (ran && (attr & INSN_ATTR_POPF))
		own = TF_IF;
	else if (ran && (attr & (INSN_ATTR_CLI | INSN_ATTR_STI)))
		own = X86_EFLAGS_IF;
	return (flags & ~(TF_IF & ~own)) | (get_kprobe_ctlblk()->kprobe_old_flags & ~own);
}

#endif
