// SPDX-License-Identifier: MIT
/*
 * The kprobe hit path: the int3 handler, the out-of-line single-step, and the fixups
 * that make the copied instruction look as if it had run in place. See the step list in
 * include/kprobes.h and the walk-through in docs/kprobes.md.
 *
 * All of it runs in trap context with IF=0 (vectors 1 and 3 are interrupt gates), with
 * preemption disabled from the int3 to the end of the single-step. The state of a hit
 * lives in globals because there is one CPU: current_kprobe, kprobe_status, and the
 * flags saved at the hit.
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
unsigned long kprobe_status;
enum kprobe_handler_kind kprobe_in_handler;

/* TF and IF of the probed code at the int3 (old), and what to restore after the step
 * (saved: IF left out when the instruction itself decides IF). */
unsigned long kprobe_old_eflags;
static unsigned long kprobe_saved_eflags;

/* The outer hit's state, while a probe hit from inside a handler is single-stepped. */
static struct {
	struct kprobe *kp;
	unsigned long status, old_eflags, saved_eflags;
} prev_kprobe;

bool kprobe_hit_in_progress(const struct kprobe *p)
{
	return p && (p == current_kprobe ||
		     (kprobe_status == KPROBE_REENTER && p == prev_kprobe.kp));
}

static void __kprobes save_previous_kprobe(void)
{
	prev_kprobe.kp = current_kprobe;
	prev_kprobe.status = kprobe_status;
	prev_kprobe.old_eflags = kprobe_old_eflags;
	prev_kprobe.saved_eflags = kprobe_saved_eflags;
}

void __kprobes restore_previous_kprobe(void)
{
	current_kprobe = prev_kprobe.kp;
	kprobe_status = prev_kprobe.status;
	kprobe_old_eflags = prev_kprobe.old_eflags;
	kprobe_saved_eflags = prev_kprobe.saved_eflags;
}

/*
 * Makes p the probe being handled, keeping the probed code's TF and IF as they are at the
 * int3: handlers may change regs->eflags, but what the single-step puts back (and what a
 * stepped pushf pushes) is the probed code's own.
 */
static inline void __kprobes set_current_kprobe(struct kprobe *p, struct pt_regs *regs)
{
	current_kprobe = p;
	kprobe_old_eflags = regs->eflags & TF_IF;
}

/*
 * Runs the copy for one instruction: TF makes the CPU trap right after it, and IF=0
 * keeps interrupts (and so preemption and other probes) out of the window.
 */
static void __kprobes prepare_singlestep(struct kprobe *p, struct pt_regs *regs)
{
	/* What to put back after the step: the probed code's TF and IF as they were at the
	 * int3 (whatever a pre handler did to them), worked out only now so that a hit that
	 * never steps -- boosted, or a jprobe's -- does not pay for it. */
	kprobe_saved_eflags = kprobe_old_eflags;
	/* cli/sti/popf: the single-stepped instruction itself sets IF; do not override. */
	if (p->ainsn.decoded.attr & INSN_ATTR_MODIFIES_IF)
		kprobe_saved_eflags &= ~X86_EFLAGS_IF;
	regs->eflags |= X86_EFLAGS_TF;
	regs->eflags &= ~X86_EFLAGS_IF;
	regs->eip = (unsigned long)p->ainsn.insn;
}

/*
 * cli and sti are emulated rather than single-stepped. sti opens an "interrupt shadow":
 * the CPU holds off events until the instruction after it has run, and a single-step
 * trap after sti is deferred with it (QEMU defers it too) -- the trap would land one
 * instruction late, inside the slot. Emulating is exact for cli; for sti it loses only
 * the shadow itself (an interrupt may now arrive right after it).
 */
static bool __kprobes emulate_if_modifier(struct kprobe *p, struct pt_regs *regs)
{
	u32 attr = p->ainsn.decoded.attr;

	if (!(attr & (INSN_ATTR_CLI | INSN_ATTR_STI)))
		return false;
	if (attr & INSN_ATTR_STI)
		regs->eflags |= X86_EFLAGS_IF;
	else
		regs->eflags &= ~X86_EFLAGS_IF;
	regs->eip = (unsigned long)p->addr + p->ainsn.decoded.length;
	return true;
}

/* Ends a hit that ran its instruction: post handler, then state and preemption back. */
static void __kprobes finish_hit(struct kprobe *cur, struct pt_regs *regs)
{
	if (kprobe_status != KPROBE_REENTER && cur->post_handler) {
		kprobe_status = KPROBE_HIT_SSDONE;
		kprobe_in_handler = KPROBE_IN_POST;
		cur->post_handler(cur, regs, 0);
		kprobe_in_handler = KPROBE_IN_PRE;
	}
	if (kprobe_status == KPROBE_REENTER)
		restore_previous_kprobe();
	else
		current_kprobe = NULL;
	preempt_enable_no_resched();
}

static void __kprobes report_unrecoverable(struct kprobe *p)
{
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), (unsigned long)p->addr);
	panic("kprobes: unrecoverable probe hit at %s while single-stepping (status %lx)",
	      sym, kprobe_status);
}

/*
 * Runs the probed instruction for a hit whose handlers are done: boosted (no post
 * handler: the slot's copy and its jmp home, no second trap), emulated (cli/sti), or
 * single-stepped (the debug trap finishes the hit in kprobe_debug_handler).
 */
static inline void __kprobes setup_singlestep(struct kprobe *p, struct pt_regs *regs)
{
	/* can_boost() never boosts cli or sti, so a boosted probe needs no emulation. If a
	 * debugger was single-stepping the probed code (TF at the int3), step rather than
	 * boost, so that its trap still comes right after this one instruction. */
	if (likely(p->ainsn.boostable && !p->post_handler &&
		   !(kprobe_old_eflags & X86_EFLAGS_TF))) {
		/* As after a single-step, the probed code resumes with its own TF and IF, not
		 * what a handler left in regs: TF off, and IF chosen by the slot variant. IF
		 * stays off in the slot; the +16 variant's sti turns it back on at the jmp,
		 * so no interrupt ever finds eip inside a slot. */
		regs->eip = (unsigned long)p->ainsn.insn +
			    ((kprobe_old_eflags & X86_EFLAGS_IF) ? KPROBE_BOOST_IF_ON : 0);
		regs->eflags &= ~TF_IF;
		current_kprobe = NULL;
		preempt_enable_no_resched();
		return;
	}
	kprobe_status = KPROBE_HIT_SS;
	if (emulate_if_modifier(p, regs))
		finish_hit(p, regs);
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
	if (kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER))
		report_unrecoverable(p);
	save_previous_kprobe();
	regs->eip = (unsigned long)addr;
	set_current_kprobe(p, regs);
	p->nmissed++;
	kprobe_status = KPROBE_REENTER;
	if (emulate_if_modifier(p, regs))
		finish_hit(p, regs);
	else
		prepare_singlestep(p, regs);
	return 1;
}

/* An int3 at an address with no probe. */
static int __kprobes __noinline kprobe_int3_no_probe(struct pt_regs *regs,
						     kprobe_opcode_t *addr)
{
	if (*addr == BREAKPOINT_INSTRUCTION)
		return 0;       /* a real int3 in the code: not ours */
	/* The int3 that trapped is gone: its probe was unregistered after the trap and
	 * before we looked. Only another CPU could do that (this one keeps IF=0 from the
	 * trap to here), so on jumper a test replays it with a made-up frame; the rule is
	 * what makes unregistering safe on SMP. Run the original instruction. */
	regs->eip = (unsigned long)addr;
	return 1;
}

int __kprobes kprobe_int3_handler(struct pt_regs *regs)
{
	kprobe_opcode_t *addr = (kprobe_opcode_t *)(regs->eip - 1);
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

			kprobe_in_handler = KPROBE_IN_BREAK;
			if (p->break_handler(p, regs)) {
				/* The diversion it ended (a jprobe's) is over. */
				kprobe_in_handler = KPROBE_IN_PRE;
				setup_singlestep(p, regs);
				return 1;
			}
			/* Not its trap: the interrupted handler is running again (and an
			 * oops for this int3 names it). */
			kprobe_in_handler = in;
		}
		preempt_enable_no_resched();
		return 0;
	}
	p = get_kprobe(addr);
	if (unlikely(!p))
		return kprobe_int3_no_probe(regs, addr);

	preempt_disable();
	/* Handlers see the probed instruction's own address: it has not run yet. */
	regs->eip = (unsigned long)addr;
	set_current_kprobe(p, regs);
	kprobe_status = KPROBE_HIT_ACTIVE;
	if (p->pre_handler && p->pre_handler(p, regs)) {
		/* The handler set up the resume. A jprobe's break handler will finish the
		 * hit later, so keep our state; anyone else resumes at regs->eip now. */
		if (!p->break_handler) {
			current_kprobe = NULL;
			preempt_enable_no_resched();
		}
		return 1;
	}
	setup_singlestep(p, regs);
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
 * For a ring-0 trap the interrupted stack top is &regs->esp (include/ptrace.h).
 */
static void __kprobes resume_execution(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long *tos = (unsigned long *)&regs->esp;
	unsigned long copy = (unsigned long)p->ainsn.insn, orig = (unsigned long)p->addr;
	u32 attr = p->ainsn.decoded.attr;

	regs->eflags &= ~X86_EFLAGS_TF;
	if (attr & INSN_ATTR_PUSHF) {
		*tos &= ~TF_IF;
		*tos |= kprobe_old_eflags;
	}
	if (attr & (INSN_ATTR_REL_CALL | INSN_ATTR_INDIRECT_CALL))
		*tos = orig + (*tos - copy);
	if (!(attr & (INSN_ATTR_RET | INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL)))
		regs->eip = orig + (regs->eip - copy);
}

int __kprobes kprobe_debug_handler(struct pt_regs *regs)
{
	struct kprobe *cur = current_kprobe;

	if (!cur || !(kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER)))
		return 0;
	/* A rep-prefixed string instruction traps after every iteration with eip still on
	 * it: keep stepping the copy until it completes, then fix up once. */
	if ((cur->ainsn.decoded.attr & (INSN_ATTR_REP | INSN_ATTR_REPNE)) &&
	    regs->eip == (unsigned long)cur->ainsn.insn)
		return 1;

	/* The CPU never clears DR6; the slow path does it for other #DBs, we do it for
	 * ours, or the next debug trap would find our single-step bit still set. */
	write_dr6(0);
	resume_execution(cur, regs);
	regs->eflags |= kprobe_saved_eflags;
	finish_hit(cur, regs);
	/* If the probed code was itself being single-stepped, that trap is its owner's. */
	return !(regs->eflags & X86_EFLAGS_TF);
}
