// SPDX-License-Identifier: MIT
/*
 * kprobes and the traps that are not a probe's own: a fault while a probe is active (in
 * a handler, or in the copy of a probed instruction), a fault in a boosted copy, and the
 * line every oops gets while a hit is in progress. Also the trap hooks that connect the
 * probe layer to kernel/trap.c. The hit path itself is kernel/kprobes.c.
 */
#include "kprobes.h"
#include "kallsyms.h"
#include "kernel.h"
#include "optprobes.h"
#include "preempt.h"
#include "traps.h"
#include "kprobes_internal.h"

const char *__kprobes kprobe_handler_name(enum kprobe_handler_kind kind)
{
	switch (kind) {
	case KPROBE_IN_PRE: return "pre handler";
	case KPROBE_IN_POST: return "post handler";
	case KPROBE_IN_JPROBE: return "jprobe handler";
	case KPROBE_IN_FAULT: return "fault handler";
	case KPROBE_IN_BREAK: return "break handler";
	case KPROBE_IN_KRETPROBE: return "kretprobe handler";
	default: return "no handler";
	}
}

/*
 * A fault in cur's handler -- the one kprobe_in_handler names -- goes to cur's
 * fault_handler, which may fix regs up and let the handler go on. A fault in the fault
 * handler itself is not offered to it again: it would most likely fault the same way,
 * and recurse until the stack ran out. Declined, it goes on to the kernel's own fault
 * handling (the die chain, then the oops, which names the handler: kprobe_oops).
 */
static int __kprobes kprobe_handler_fault(struct kprobe *cur, struct pt_regs *regs,
					  int trapnr)
{
	enum kprobe_handler_kind in = kprobe_in_handler;
	int handled;

	if (in == KPROBE_IN_FAULT || !cur->fault_handler)
		return 0;
	kprobe_in_handler = KPROBE_IN_FAULT;
	handled = cur->fault_handler(cur, regs, trapnr);
	kprobe_in_handler = in;
	return handled;
}

/*
 * A fault while a probe is active: in the single-stepped copy, or in a handler. Only
 * faults an instruction can raise come here (trap.c never offers an NMI, a machine check
 * or a double fault).
 *
 * The copy faulted (KPROBE_HIT_SS, KPROBE_REENTER, and the fault is at the copy: a
 * fault reports the eip of the instruction that raised it): the probed instruction itself
 * faulted, so make it exactly the fault it would have been without the probe -- eip back
 * on the original instruction, the flags the code had there -- and end the step. A fault
 * anywhere else while a step is in progress is not the probed instruction's, and not a
 * handler's either (none runs during a step): it is left to the kernel untouched. Then:
 *   - a plain hit (KPROBE_HIT_SS) is over; the fault is the probed code's own, and the
 *     kernel handles it as if no probe were there. The probe's fault_handler is not
 *     asked, as in Linux: it is for faults in the probe's handlers, not in the code it
 *     watches (a boosted copy's fault is not offered either, see fixup_boosted_fault).
 *   - a reentered hit (KPROBE_REENTER): a handler of the outer hit ran into a probe, and
 *     the probed instruction faulted. Without that probe this would be a fault in the
 *     outer handler, at this instruction; so after the outer hit's state is back it is
 *     exactly that, offered to the outer probe's fault_handler like any other. (Handing
 *     it straight to the kernel instead, as this code once did, turned a fault the outer
 *     fault_handler fixes -- "demo fault" -- into an oops as soon as a probe sat on the
 *     faulting instruction.) The missed probe runs no handler, its fault_handler
 *     neither.
 * Returns 1 if a fault_handler fixed regs up, 0 to let the kernel handle the fault.
 */
int __kprobes kprobe_fault_handler(struct pt_regs *regs, int trapnr)
{
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();
	struct kprobe *cur = current_kprobe;

	if (kcb->kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER)) {
		bool reentered = kcb->kprobe_status == KPROBE_REENTER;

		if (regs->eip != (unsigned long)cur->ainsn.insn)
			return 0;
		regs->eip = (unsigned long)cur->addr;
		regs->eflags = kprobe_resume_flags(cur, regs->eflags, false);
		if (reentered)
			restore_previous_kprobe(kcb);
		else
			current_kprobe = NULL;
		preempt_enable_no_resched();
		if (!reentered)
			return 0;
		cur = current_kprobe;
	}
	return kprobe_handler_fault(cur, regs, trapnr);
}

/*
 * Part of every oops (die() calls it through the trap hooks): if a probe hit is in
 * progress, which probe, and which of its handlers was running -- the code that
 * trapped, or that called what trapped.
 */
static void __kprobes kprobe_oops(const char *str, struct pt_regs *regs)
{
	struct kprobe *cur = current_kprobe;
	char sym[KSYM_NAME_LEN + 32];

	(void)regs;
	if (!cur)
		return;
	sprint_symbol(sym, sizeof(sym), (unsigned long)cur->addr);
	if (get_kprobe_ctlblk()->kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER))
		printk("kprobes: %s while single-stepping the probe at %s\n", str, sym);
	else
		printk("kprobes: unhandled %s in the %s of the probe at %s\n", str,
		       kprobe_handler_name(kprobe_in_handler), sym);
}

/*
 * A fault with eip inside a slot and no hit in progress: a boosted copy. Where in the
 * slot says what happened (include/kprobes.h has the layout): at the copy, the probed
 * instruction faulted and has not run, so eip goes back on it; past the copy (the +16
 * variant's sti, the jmp home) the instruction is done, and eip goes after it. In the +16
 * variant the probed code runs with IF on, which the slot holds off until its sti. So the
 * fault is reported, and handled, as the probed code's own, at an address it knows.
 */
static void __kprobes fixup_boosted_fault(struct pt_regs *regs)
{
	struct kprobe *p = kprobe_by_slot(regs->eip);
	unsigned long off;

	if (!p)
		return;
	off = regs->eip - (unsigned long)p->ainsn.insn;
	if (off >= KPROBE_BOOST_IF_ON) {
		off -= KPROBE_BOOST_IF_ON;
		regs->eflags |= X86_EFLAGS_IF;
	}
	regs->eip = (unsigned long)p->addr + (off ? p->ainsn.decoded.length : 0);
}

void __kprobes kprobe_fixup_slot_trap(struct pt_regs *regs)
{
	if (is_kprobe_insn_slot(regs->eip))
		fixup_boosted_fault(regs);
}

/*
 * A trap in a detour buffer (kernel/optprobe.c): a copied instruction faulted, or a debug
 * trap came there. The unprobed code would have trapped at the original instruction, so
 * eip goes there, and the jmp comes out first (its probe stays an int3 probe), so that
 * wherever the trap's handler resumes in the region the original bytes are there. Only a
 * debugger's single-step of the probed code's jmp is different (optprobe_debug_trap).
 */
bool __kprobes optprobe_fixup_trap(struct pt_regs *regs)
{
	bool live;
	struct optimized_kprobe *op = optprobe_by_buffer(regs->eip, &live);
	unsigned long off;

	if (!op)
		return false;
	off = regs->eip - (unsigned long)op->buf;
	for (unsigned i = 0; i <= op->ninsn; i++) {
		if (off != op->copy_off[i])
			continue;
		/* A copy trapped: the unprobed code would trap at its original. Take the jmp
		 * out first, so that wherever the trap's handler resumes in the region, the
		 * bytes there are the original ones (a retired buffer's are already: its probe
		 * may be gone, so its address is read off the buffer's own record). */
		regs->eip = op->back - op->len + (i < op->ninsn ? op->insn_off[i] : op->len);
		if (live)
			optprobe_unoptimize(op->kp, optprobe_faulted);
		return true;
	}
	return false;
}

int __kprobes optprobe_debug_trap(struct pt_regs *regs, unsigned long *dr6)
{
	bool live;
	struct optimized_kprobe *op = optprobe_by_buffer(regs->eip, &live);

	if (!op || !live || !(*dr6 & DR_STEP) ||
	    regs->eip != (unsigned long)op->buf + optprobe_entry_offset()) {
		optprobe_fixup_trap(regs);
		return 0;
	}
	/* A single-step (a debugger's) of the jmp: the probed code, stepped, would have hit
	 * the probe's int3. Take the jmp out -- the int3 hit ends after the first
	 * instruction, and the next one must be the original -- and replay the hit: it
	 * steps the probed instruction from its slot, and the step's trap goes to the
	 * debugger after that instruction. The probe stays an int3 probe. */
	regs->eip = (unsigned long)op->kp->addr + 1;
	optprobe_unoptimize(op->kp, optprobe_stepped);
	return kprobe_int3_handler(regs);
}

static int __kprobes kprobe_any_fault(struct pt_regs *regs, int trapnr)
{
	/* A copy in a detour buffer is never a hit's own step: whoever runs it, the fault
	 * is at its original. A handler too (it called an optimized function: a miss, and
	 * the detour ran the copies): its fault_handler, and an oops, must see the fault
	 * where the handler's code is, never in the buffer. */
	optprobe_fixup_trap(regs);
	if (kprobe_running())
		return kprobe_fault_handler(regs, trapnr);
	kprobe_fixup_slot_trap(regs);
	return 0;
}

static const struct trap_probe_hooks kprobe_trap_hooks = {
	.int3 = kprobe_int3_handler,
	.debug = kprobe_debug_handler,
	.fault = kprobe_any_fault,
	.oops = kprobe_oops,
};

void init_kprobes(void)
{
	optprobe_init();
	set_trap_probe_hooks(&kprobe_trap_hooks);
}
