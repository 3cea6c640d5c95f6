// SPDX-License-Identifier: MIT
/*
 * The kprobe hit path: the int3 handler, the out-of-line single-step, and the fixups
 * that make the copied instruction look as if it had run in place. See the step list in
 * include/kprobes.h and the walk-through in docs/kprobes.md.
 *
 * All of it runs in trap context with IF=0 (vectors 1 and 3 are interrupt gates), with
 * preemption disabled from the int3 to the end of the single-step. The state of a hit
 * is current_kprobe and struct kprobe_ctlblk (status, the probed code's TF and IF at the
 * int3, the interrupted hit's state): one instance, because there is one CPU.
 */
#include "kprobes.h"
#include "kallsyms.h"
#include "kernel.h"
#include "preempt.h"
#include "probe_point.h"
#include "processor.h"
#include "traps.h"
#include "kprobes_internal.h"

struct kprobe *current_kprobe;
struct kprobe_ctlblk kprobe_ctlblk;
enum kprobe_handler_kind kprobe_in_handler;

bool kprobe_hit_in_progress(const struct kprobe *p)
{
	const struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();

	return p && (kprobe_is_or_holds(current_kprobe, p) ||
		     (kcb->kprobe_status == KPROBE_REENTER &&
		      kprobe_is_or_holds(kcb->prev_kprobe.kp, p)));
}

static void __kprobes save_previous_kprobe(struct kprobe_ctlblk *kcb)
{
	kcb->prev_kprobe.kp = current_kprobe;
	kcb->prev_kprobe.status = kcb->kprobe_status;
	kcb->prev_kprobe.old_flags = kcb->kprobe_old_flags;
}

void __kprobes restore_previous_kprobe(struct kprobe_ctlblk *kcb)
{
	current_kprobe = kcb->prev_kprobe.kp;
	kcb->kprobe_status = kcb->prev_kprobe.status;
	kcb->kprobe_old_flags = kcb->prev_kprobe.old_flags;
}

/*
 * Makes p the probe being handled, keeping the probed code's TF and IF as they are at the
 * int3: handlers may change regs->eflags, but what the hit resumes with (and what a
 * stepped pushf pushes) is the probed code's own (kprobe_resume_flags).
 */
static inline void __kprobes set_current_kprobe(struct kprobe *p, struct pt_regs *regs,
						struct kprobe_ctlblk *kcb)
{
	current_kprobe = p;
	kcb->kprobe_old_flags = regs->eflags & TF_IF;
}

/*
 * Runs the copy for one instruction: TF makes the CPU trap right after it, and IF=0
 * keeps interrupts (and so preemption and other probes) out of the window. What the
 * probed code gets back afterwards is decided at the end (kprobe_resume_flags).
 */
static void __kprobes prepare_singlestep(struct kprobe *p, struct pt_regs *regs)
{
	regs->eflags |= X86_EFLAGS_TF;
	regs->eflags &= ~X86_EFLAGS_IF;
	regs->eip = (unsigned long)p->ainsn.insn;
}

/* Ends a hit that ran its instruction: post handler, then state and preemption back. */
static __always_inline void __kprobes finish_hit(struct kprobe *cur, struct pt_regs *regs,
				 struct kprobe_ctlblk *kcb)
{
	if (kcb->kprobe_status != KPROBE_REENTER && cur->post_handler) {
		kcb->kprobe_status = KPROBE_HIT_SSDONE;
		kprobe_in_handler = KPROBE_IN_POST;
		cur->post_handler(cur, regs, 0);
		kprobe_in_handler = KPROBE_IN_PRE;
	}
	if (kcb->kprobe_status == KPROBE_REENTER)
		restore_previous_kprobe(kcb);
	else
		current_kprobe = NULL;
	preempt_enable_no_resched();
}

/*
 * The probed code was being single-stepped by someone else (TF at the int3: a debugger):
 * the single-step trap its instruction would have raised is that owner's. The hit is
 * over and regs say where the code stands, so raise it as the unprobed code would have:
 * through the kernel's own #DB path (the die chain; an oops if nobody claims it).
 */
static void __kprobes hand_step_to_owner(struct pt_regs *regs)
{
	unsigned long dr6 = DR6_RESERVED | DR_STEP;     /* as the CPU would have set DR6 */

	do_debug(regs, &dr6);
}

/*
 * cli and sti are emulated rather than single-stepped. sti opens an "interrupt shadow":
 * the CPU holds off events until the instruction after it has run, and a single-step
 * trap after sti is deferred with it (QEMU defers it too) -- the trap would land one
 * instruction late, inside the slot. Emulating is exact for cli; for sti it loses only
 * the shadow itself (an interrupt may now arrive right after it). The hit ends here:
 * post handler, state, and the owner's single-step trap if the code was being stepped
 * (TF at the int3). After cli that trap is due now. After sti the CPU holds it back
 * with the shadow until the next instruction has run, and resuming with the owner's TF
 * (kprobe_resume_flags) gives exactly that.
 */
static void __kprobes emulate_if_modifier(struct kprobe *p, struct pt_regs *regs,
					  struct kprobe_ctlblk *kcb)
{
	bool sti = p->ainsn.decoded.attr & INSN_ATTR_STI;
	bool owner_steps = kcb->kprobe_old_flags & X86_EFLAGS_TF;
	unsigned long cr2 = owner_steps ? read_cr2() : 0;

	if (sti)
		regs->eflags |= X86_EFLAGS_IF;
	else
		regs->eflags &= ~X86_EFLAGS_IF;
	regs->eflags = kprobe_resume_flags(p, regs->eflags, true);
	regs->eip = (unsigned long)p->addr + p->ainsn.decoded.length;
	finish_hit(p, regs, kcb);
	if (owner_steps && !sti) {
		kprobe_restore_cr2(cr2);        /* the post handler may have faulted */
		hand_step_to_owner(regs);
	}
}

static void __kprobes report_unrecoverable(struct kprobe *p, struct kprobe_ctlblk *kcb)
{
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), (unsigned long)p->addr);
	panic("kprobes: unrecoverable probe hit at %s while single-stepping (status %lx)",
	      sym, kcb->kprobe_status);
}

/*
 * Runs the probed instruction for a hit whose handlers are done: boosted (no post
 * handler: the slot's copy and its jmp home, no second trap), emulated (cli/sti), or
 * single-stepped (the debug trap finishes the hit in kprobe_debug_handler).
 */
static inline void __kprobes setup_singlestep(struct kprobe *p, struct pt_regs *regs,
					      struct kprobe_ctlblk *kcb)
{
	/* can_boost() never boosts cli, sti or popf. If a debugger was single-stepping the
	 * probed code (TF at the int3), step rather than boost, so that its trap still
	 * comes right after this one instruction. */
	if (likely(p->ainsn.boostable && !p->post_handler &&
		   !(kcb->kprobe_old_flags & X86_EFLAGS_TF))) {
		/* The slot runs with TF and IF off. TF off is what the probed code resumes
		 * with (it was off at the int3, or we would not boost). Its IF comes back on
		 * only at the jmp home, by the +16 variant's sti, so no interrupt ever finds
		 * eip inside a slot (a thread preempted there could come back to a slot
		 * reused by another probe). Which variant: the IF kprobe_resume_flags says. */
		unsigned long resume_if = kprobe_resume_flags(p, regs->eflags, false) &
					  X86_EFLAGS_IF;

		regs->eip = (unsigned long)p->ainsn.insn + (resume_if ? KPROBE_BOOST_IF_ON : 0);
		regs->eflags &= ~TF_IF;
		current_kprobe = NULL;
		preempt_enable_no_resched();
		return;
	}
	kcb->kprobe_status = KPROBE_HIT_SS;
	if (unlikely(p->ainsn.decoded.attr & (INSN_ATTR_CLI | INSN_ATTR_STI)))
		emulate_if_modifier(p, regs, kcb);
	else
		prepare_singlestep(p, regs);
}

/*
 * A handler ran into probe p. The 2004 code disarmed such a probe for good; instead
 * count a miss and run its instruction without handlers, keeping the outer hit's state.
 */
static int __kprobes __noinline kprobe_reenter(struct kprobe *p, struct pt_regs *regs,
					       kprobe_opcode_t *addr)
{
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();

	if (unlikely(p->op) && optprobe_emulate_jmp(p, regs)) {
		preempt_enable_no_resched();    /* its jmp is being written: no step here */
		return 1;
	}
	if (kcb->kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER))
		report_unrecoverable(p, kcb);
	save_previous_kprobe(kcb);
	regs->eip = (unsigned long)addr;
	set_current_kprobe(p, regs, kcb);
	kprobes_inc_nmissed_count(p);
	kcb->kprobe_status = KPROBE_REENTER;
	if (p->ainsn.decoded.attr & (INSN_ATTR_CLI | INSN_ATTR_STI))
		emulate_if_modifier(p, regs, kcb);
	else
		prepare_singlestep(p, regs);
	return 1;
}

/* get_kprobe_hit's slow path (include/kprobes.h): the chain is empty, or its head is not
 * addr's probe. */
struct kprobe *__kprobes __noinline get_kprobe_move_to_front(struct kprobe **head, void *addr)
{
	if (!*head)
		return NULL;
	for (struct kprobe **pp = &(*head)->hnext; *pp; pp = &(*pp)->hnext) {
		struct kprobe *p = *pp;

		if (p->addr == addr) {
			*pp = p->hnext;
			p->hnext = *head;
			*head = p;
			return p;
		}
	}
	return NULL;
}

/*
 * An int3 with no probe at eip-1 is never ours, whatever the byte there says now. Linux,
 * on SMP, resumes at eip-1 when that byte is no longer 0xCC (another CPU removed the probe
 * between this CPU's trap and its lookup); on one CPU nothing can run between the two
 * (the int3 gate keeps IF=0), so that branch could only ever catch the two-byte "int $3"
 * (CD 03), whose eip-1 points at the 03, and resume in the middle of it.
 */
int __kprobes kprobe_int3_handler(struct pt_regs *regs)
{
	kprobe_opcode_t *addr = (kprobe_opcode_t *)(regs->eip - 1);
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();
	struct kprobe *p = current_kprobe;

	if (unlikely(p)) {
		/* An int3 while a probe is being handled: a probe hit from a handler, or a
		 * trap the active probe expects (jprobe_return's). No probe can sit in
		 * blacklisted text, where jprobe_return is: skip the lookup there. */
		preempt_disable();
		if (!within_kprobe_blacklist((unsigned long)addr)) {
			struct kprobe *hit = get_kprobe(addr);
			if (hit)
				return kprobe_reenter(hit, regs, addr);
		}
		if (p->break_handler) {
			enum kprobe_handler_kind in = kprobe_in_handler;
			unsigned long cr2 = read_cr2();

			kprobe_in_handler = KPROBE_IN_BREAK;
			if (p->break_handler(p, regs)) {
				/* The diversion it ended (a jprobe's) is over. */
				kprobe_in_handler = KPROBE_IN_PRE;
				setup_singlestep(p, regs, kcb);
				return 1;
			}
			/* Not its trap: the interrupted handler is running again (and an
			 * oops for this int3 names it, with the CR2 the trap found). */
			kprobe_in_handler = in;
			kprobe_restore_cr2(cr2);
		}
		preempt_enable_no_resched();
		return 0;
	}
	p = get_kprobe_hit(addr);
	if (unlikely(!p))
		return 0;
	/* A probe whose jmp is being written has optprobe_emulate_jmp for its pre handler
	 * (kernel/optprobe.c): the hit goes to its detour, at no cost here. */
	preempt_disable();
	/* Handlers see the probed instruction's own address: it has not run yet. */
	regs->eip = (unsigned long)addr;
	set_current_kprobe(p, regs, kcb);
	kcb->kprobe_status = KPROBE_HIT_ACTIVE;
	if (p->pre_handler && p->pre_handler(p, regs)) {
		/* The handler set up the resume. A jprobe's break handler will finish the
		 * hit later, so keep our state; anyone else resumes at regs->eip now. */
		if (!p->break_handler) {
			current_kprobe = NULL;
			preempt_enable_no_resched();
		}
		return 1;
	}
	setup_singlestep(p, regs, kcb);
	return 1;
}

/*
 * After the single-step, eip (and anything the instruction pushed that points at the
 * instruction) refers to the copy; move it back to the original code.
 *   - relative jmp/jcc/call, loop/jcxz, and every ordinary instruction: eip is
 *     copy + (something); the same offset from the original is right, taken or not
 *   - call (relative or indirect): the pushed return address points after the copy
 *   - ret, ret imm16, indirect jmp/call: eip is an absolute target, already right
 *     (the 2004 code "fixed" a ret's eip and so returned to the wrong place)
 *   - pushf: the pushed flags have our TF set and IF clear; give the probed code its own
 * For a ring-0 trap the interrupted stack top is &regs->esp (include/ptrace.h). The flags
 * the code resumes with are kprobe_resume_flags' business, not this function's.
 */
static __always_inline void __kprobes resume_execution(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long *tos = (unsigned long *)&regs->esp;
	unsigned long copy = (unsigned long)p->ainsn.insn, orig = (unsigned long)p->addr;
	u32 attr = p->ainsn.decoded.attr;

	if (attr & INSN_ATTR_PUSHF) {
		*tos &= ~TF_IF;
		*tos |= get_kprobe_ctlblk()->kprobe_old_flags;
	}
	if (attr & (INSN_ATTR_REL_CALL | INSN_ATTR_INDIRECT_CALL))
		*tos = orig + (*tos - copy);
	if (!(attr & (INSN_ATTR_RET | INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL)))
		regs->eip = orig + (regs->eip - copy);
}

/*
 * A rep string instruction traps after every iteration with eip still on it: keep
 * stepping the copy until it completes. If the iteration's #DB is someone else's too --
 * a debugger stepping the probed code (each iteration is its single-step trap), or a
 * debug register that fired in this iteration (B0-B3) -- hand it over first, with eip and
 * flags as the unprobed code would show them (on the rep instruction itself), then step
 * on. The die chain runs here while the hit is still being stepped: a probe it runs into
 * cannot be handled then (kprobe_reenter reports it as unrecoverable). A debugger that
 * changes the flags (a "continue" clears TF) changes the probed code's own: they are what
 * the hit resumes with. Moving eip is not supported: the copy goes on where it was.
 */
static int __kprobes kprobe_rep_iteration(struct kprobe *cur, struct pt_regs *regs,
					  unsigned long *dr6, struct kprobe_ctlblk *kcb)
{
	unsigned long eflags = regs->eflags;
	bool owner_steps = kcb->kprobe_old_flags & X86_EFLAGS_TF;

	if (!owner_steps && !(*dr6 & DR_TRAP_BITS))
		return 1;
	if (!owner_steps)
		*dr6 &= ~DR_STEP;               /* the step bit was ours alone */
	regs->eip = (unsigned long)cur->addr;
	regs->eflags = kprobe_resume_flags(cur, eflags, false);
	do_debug(regs, dr6);
	kcb->kprobe_old_flags = regs->eflags & TF_IF;
	regs->eip = (unsigned long)cur->ainsn.insn;
	regs->eflags = eflags;
	return 1;
}

/* Makes the stepped copy's outcome the probed code's own and ends the hit. */
static __always_inline void __kprobes finish_step(struct kprobe *cur, struct pt_regs *regs,
					 struct kprobe_ctlblk *kcb)
{
	resume_execution(cur, regs);
	regs->eflags = kprobe_resume_flags(cur, regs->eflags, true);
	finish_hit(cur, regs, kcb);
}

/*
 * The end of a step that was not only ours: the probed code's owner was stepping it too
 * (TF at the int3: after this instruction the trap is the owner's as well -- even after
 * a popf that cleared TF), or a debug register fired during the step (B0-B3). The hit is
 * finished all the same; what is left in *dr6 goes on to the die chain.
 */
static int __kprobes __noinline finish_shared_step(struct kprobe *cur, struct pt_regs *regs,
						   unsigned long *dr6,
						   struct kprobe_ctlblk *kcb)
{
	unsigned long cr2 = read_cr2();

	if (!(kcb->kprobe_old_flags & X86_EFLAGS_TF))
		*dr6 &= ~DR_STEP;               /* the step bit was ours alone */
	finish_step(cur, regs, kcb);
	kprobe_restore_cr2(cr2);                /* the post handler may have faulted */
	return 0;
}

/*
 * The #DB that ends a single-step: dr6 is DR6 as the entry stub read it (and cleared it)
 * before any C ran. Ours only if a step is in progress and DR6 says single-step (BS).
 * Returns 1 if the trap was ours alone; 0 to pass it on (not ours, or not only ours:
 * finish_shared_step), with *dr6 holding what the die chain is to see.
 */
int __kprobes kprobe_debug_handler(struct pt_regs *regs, unsigned long *dr6)
{
	struct kprobe_ctlblk *kcb = get_kprobe_ctlblk();
	struct kprobe *cur = current_kprobe;

	if (unlikely(!cur)) {
		/* Not a step of ours. A debug register that fired in a boosted copy: the
		 * debugger must see the probed code's eip, not the slot's. A debugger's step
		 * into a detour buffer: replayed as the int3 hit it stands for. */
		if (is_kprobe_insn_slot(regs->eip))
			kprobe_fixup_slot_trap(regs);
		else if (optprobe_debug_trap(regs, dr6))
			return 1;
		return 0;
	}
	if (!(kcb->kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER)) ||
	    !(*dr6 & DR_STEP))
		return 0;               /* not the end of a step of ours */
	if ((cur->ainsn.decoded.attr & (INSN_ATTR_REP | INSN_ATTR_REPNE)) &&
	    regs->eip == (unsigned long)cur->ainsn.insn)
		return kprobe_rep_iteration(cur, regs, dr6, kcb);
	if (unlikely((kcb->kprobe_old_flags & X86_EFLAGS_TF) || (*dr6 & DR_TRAP_BITS)))
		return finish_shared_step(cur, regs, dr6, kcb);
	finish_step(cur, regs, kcb);
	return 1;
}
