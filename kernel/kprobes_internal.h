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

/*
 * The instruction slots (kernel/kprobe_insn_slots.c). get_insn_slot: a free slot, marked
 * used, every byte int3; a new page is allocated if none is free; NULL if that fails
 * (nothing taken). free_insn_slot: refills a used slot with int3 and frees it, and its
 * page with its last slot. Interrupts must be off for both.
 */
kprobe_opcode_t *get_insn_slot(void);
void free_insn_slot(kprobe_opcode_t *slot);

/*
 * A trap with eip inside an instruction slot and no hit in progress comes from a boosted
 * copy (kernel/kprobe_fault.c): puts eip (and IF) where the probed code stands, so the
 * trap is reported at an address it knows. No-op for an eip outside every slot.
 */
void kprobe_fixup_slot_trap(struct pt_regs *regs);

/*
 * CR2 as a trap found it, put back before the probe layer declines the trap after
 * running a handler that may have taken (and handled) a page fault of its own: the
 * kernel's slow path reads CR2 then, and must see this trap's value. Linux's NMI entry
 * restores CR2 for the same reason.
 */
static inline void kprobe_restore_cr2(unsigned long cr2)
{
	if (read_cr2() != cr2)
		write_cr2(cr2);
}

/*
 * Aggregates (kernel/kprobe_aggr.c), for the hit path and the registry: a miss on p (each
 * enabled sub-probe of a manager); whether manager ap lists p; joining, leaving and
 * enabling a sub-probe (contracts at the definitions). Interrupts off for all but the
 * first, which runs in trap context anyway.
 */
void kprobes_inc_nmissed_count(struct kprobe *p);
bool kprobe_aggr_holds(const struct kprobe *ap, const struct kprobe *p);
/* q is p, or q is a manager and p one of its sub-probes (q may be NULL). */
bool kprobe_is_or_holds(const struct kprobe *q, const struct kprobe *p);
int register_aggr_kprobe(struct kprobe *old, struct kprobe *p);
bool unregister_aggr_kprobe(struct kprobe *ap, struct kprobe *p);
int set_aggr_disabled(struct kprobe *ap, struct kprobe *p, bool disable);
/* Puts new in old's place in the hash table (kernel/kprobe_register.c); same address. */
void kprobe_table_replace(struct kprobe *old, struct kprobe *new);

/*
 * All-or-nothing batches (kernel/kprobe_batch.c), for any probe kind: at(array, i) is the
 * i-th struct (NULL: -EINVAL), size its size; reg/unreg register one. Registers them in
 * order; on the first error unregisters what it registered, newest first, copies each
 * struct back as it was, and returns that error (-ENOMEM if the undo log cannot grow).
 * -EINVAL for a NULL array or num <= 0. Interrupts on (reg may allocate).
 */
struct probe_batch_ops {
	size_t size;
	void *(*at)(void *array, int i);
	int (*reg)(void *obj);
	void (*unreg)(void *obj);
};
int probe_batch_register(void *array, int num, const struct probe_batch_ops *ops);

/*
 * Jump optimization (kernel/optprobe.c, kernel/optprobe_prepare.c; the detour buffers are
 * kernel/kprobe_insn_slots.c's second cache). The registry calls prepare_change before and
 * after_change after any change at addr (interrupts off); kprobe_recover_text calls
 * optprobe_recover_text; a trap in a detour buffer goes to optprobe_fixup_trap (a fault)
 * or optprobe_debug_trap (a #DB: 1 if it was ours).
 */
struct optimized_kprobe;
kprobe_opcode_t *get_optinsn_slot(void);
void free_optinsn_slot(kprobe_opcode_t *slot);
const char *optprobe_analyze(const struct kprobe *ap, struct optimized_kprobe *op);
void optprobe_build(const struct kprobe *ap, struct optimized_kprobe *op, u8 *image);
unsigned optprobe_entry_offset(void);
int optprobe_nop_pre_handler(struct kprobe *p, struct pt_regs *regs);
void optprobe_prepare_change(unsigned long addr);
void optprobe_after_change(unsigned long addr);
void optprobe_recover_text(unsigned long start, u8 *buf, size_t len);
bool optprobe_fixup_trap(struct pt_regs *regs);
/* The optimization whose detour buffer holds addr, active or retired (*live says which),
 * or NULL; and taking ap's jmp out, ap staying an armed int3 probe with reason why
 * (kernel/optprobe.c, for the traps' side in kernel/kprobe_fault.c). Interrupts off. */
struct optimized_kprobe *optprobe_by_buffer(unsigned long addr, bool *live);
void optprobe_unoptimize(struct kprobe *ap, const char *why);
int optprobe_debug_trap(struct pt_regs *regs, unsigned long *dr6);
void optprobe_init(void);
/* kernel/optprobe_stacks.c: may op's jmp go in (no thread stopped inside its region), may
 * its retired buffer go (no thread may come back to it). Interrupts off. */
bool optprobe_thread_in_region(const struct optimized_kprobe *op);
bool optprobe_buffer_in_use(const struct optimized_kprobe *op);

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
