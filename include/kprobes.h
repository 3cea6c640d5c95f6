/* SPDX-License-Identifier: MIT */
/*
 * Kernel probes: put a breakpoint on (almost) any kernel instruction and run handlers
 * when it is hit. The names and semantics follow the 2004 Linux patch in
 * shared/reference/, with the fixes Linux made later (see docs/kprobes.md).
 *
 * A hit, step by step (kernel/kprobes.c):
 *   1. The probed instruction's first byte is an int3 (0xCC). The CPU traps through the
 *      vector 3 interrupt gate (IF now 0); its entry stub calls kprobe_int3_handler.
 *   2. Preemption off; current_kprobe = p; status (kprobe_ctlblk) = KPROBE_HIT_ACTIVE
 *      (kprobe_in_handler rests at KPROBE_IN_PRE: each handler runs under its name).
 *   3. pre_handler(p, regs), with regs->eip = p->addr. Non-zero means "I set up the
 *      resume myself": for a probe with a break_handler (jprobes) kprobes keeps its
 *      state until the break handler runs; any other probe resumes at regs->eip as the
 *      handler left it.
 *   4. Otherwise the instruction runs out of line, from its slot. Boosted when it can be
 *      (no post handler, an instruction that falls through, no debugger stepping): iret
 *      goes to the copy, whose jmp returns to the next instruction; the hit ends here.
 *      Else single-step: eip = p->ainsn.insn (the copy), TF set, IF clear;
 *      status = KPROBE_HIT_SS. iret runs exactly the copied instruction.
 *   5. The debug trap: resume_execution() moves eip (and a pushed return address) from
 *      the copy back to the original code; TF/IF are restored; post_handler(p, regs, 0).
 *   6. current_kprobe = NULL, preemption back on; iret resumes the probed code. (A
 *      boosted hit did this already at step 4.)
 */
#ifndef JUMPER_KPROBES_H
#define JUMPER_KPROBES_H

#include "insn.h"
#include "compiler.h"
#include "ptrace.h"

typedef u8 kprobe_opcode_t;
#define BREAKPOINT_INSTRUCTION 0xcc
#define MAX_INSN_SIZE          16

struct kprobe;

/* Before the probed instruction. Return 0 to single-step it (see step 3 above). */
typedef int (*kprobe_pre_handler_t)(struct kprobe *p, struct pt_regs *regs);
/* After it ran; regs->eip is where the probed code resumes. */
typedef void (*kprobe_post_handler_t)(struct kprobe *p, struct pt_regs *regs,
				      unsigned long flags);
/*
 * A fault inside one of this probe's handlers (pre, post, break; a jprobe's handler), or
 * in the probed instruction of a probe those handlers ran into (a reentered hit: without
 * that probe the fault would be the handler's own). Return 1 if handled (regs fixed up).
 * Never offered: a fault of this probe's own probed instruction (stepped or boosted) --
 * that is the probed code's fault, handled as if no probe were there -- and a fault in
 * this fault handler itself.
 */
typedef int (*kprobe_fault_handler_t)(struct kprobe *p, struct pt_regs *regs, int trapnr);
/* An int3 that is not a probe, hit while this probe is active. Return 1 if handled. */
typedef int (*kprobe_break_handler_t)(struct kprobe *p, struct pt_regs *regs);

/* What the architecture keeps about the probed instruction. */
struct arch_specific_insn {
	kprobe_opcode_t *insn;                  /* the copy, in a slot (kprobe_insn_slots.c) */
	struct insn decoded;                    /* its decoded length and attributes */
	bool boostable;                         /* may run from the slot without a trap */
};

/*
 * A slot holds two copies of the instruction (kernel/kprobe_register.c):
 *   +0   insn, jmp back            single-step copy; boosted when IF was 0
 *   +16  insn, sti, jmp back       boosted when IF was 1
 * "jmp back" jumps to the instruction after the probed one.
 */
#define KPROBE_SLOT_SIZE      32     /* also kprobe-offsets.inc's (kernel/kprobe-offsets.c) */
#define KPROBE_BOOST_IF_ON    16
#define KPROBE_BOOST_MAX_LEN  10     /* insn + sti + jmp rel32 fit in 16 bytes */
#define KPROBE_INSN_SLOTS_PER_PAGE (4096 / KPROBE_SLOT_SIZE)

/*
 * The slots live in pages allocated on demand (kernel/kprobe_insn_slots.c), in EXEC_AREA
 * (include/mm.h): kernel text, read-only, written only through text_poke, every free
 * byte int3, a page freed with its last slot. The probe blacklist holds them (a probe on
 * a slot would trap in the middle of a single-step).
 */
/* True if addr lies in a slot page (used slot or free). O(1). */
bool is_kprobe_insn_slot(unsigned long addr);
/* Pages of slots allocated now, and slots in use in them. */
unsigned kprobe_insn_pages(void);
unsigned kprobe_insn_slots_used(void);
/*
 * Failure injection for self-tests: while true, no new slot page can be had (as if no
 * frame were left), so once the allocated pages are full a registration gets -ENOMEM.
 * Free slots of the pages already there are still handed out.
 */
extern bool kprobe_insn_page_fail;

#define KPROBE_FLAG_DISABLED 0x1   /* registered, but the original byte is in place */

struct kprobe {
	struct kprobe *hnext;                  /* hash chain (kernel/kprobe_register.c) */
	/* Aggregates (kernel/kprobe_aggr.c): in a manager, its first sub-probe; in a
	 * sub-probe, the next one in call order; NULL in a probe alone at its address. */
	struct kprobe *list;
	/* The same list cut down to the enabled sub-probes with a pre handler, for the hit
	 * (kernel/kprobe_aggr.c rebuilds it at every change). */
	struct kprobe *aggr_pre;

	/* Where: an address, or a symbol name; offset is added to either. */
	kprobe_opcode_t *addr;
	const char *symbol_name;
	unsigned long offset;

	kprobe_pre_handler_t pre_handler;
	kprobe_post_handler_t post_handler;
	kprobe_fault_handler_t fault_handler;
	kprobe_break_handler_t break_handler;

	/* Hits that ran no handler because another probe's handler was running. */
	unsigned long nmissed;
	unsigned flags;                         /* KPROBE_FLAG_* */

	kprobe_opcode_t opcode;                 /* the byte the int3 replaced */
	struct arch_specific_insn ainsn;

	/* Jump optimization of the table's entry (include/optprobes.h): the detour while
	 * the int3 is a jmp (or while it waits for one), else NULL; and why it is not
	 * optimized, when it was tried. A sub-probe's are unused: its manager's count. */
	struct optimized_kprobe *op;
	const char *opt_refusal;
};

/* kprobe_status values: where in a hit the CPU is. */
#define KPROBE_HIT_ACTIVE 0x1   /* in the pre, jprobe, fault or break handler */
#define KPROBE_HIT_SS     0x2   /* single-stepping the copy */
#define KPROBE_REENTER    0x4   /* single-stepping a probe hit from inside a handler */
#define KPROBE_HIT_SSDONE 0x8   /* in the post handler (or its fault handler) */

/*
 * The probe being handled: the table's entry for the address hit, so for an aggregate
 * its manager (as in Linux). Handlers get their own struct as p; code that must know
 * which user probe's handler runs asks kprobe_current_instance().
 */
extern struct kprobe *current_kprobe;

/* The outer hit's state, kept while a probe hit from inside a handler is stepped. */
struct prev_kprobe {
	struct kprobe *kp;
	unsigned long status;
	unsigned long old_flags;
};

/*
 * The state of the hit in progress, in one place (Linux's name and shape; per CPU there,
 * one instance here): saved and restored as a unit when a handler runs into another
 * probe, so no part of it can be forgotten on one exit and not another.
 */
struct kprobe_ctlblk {
	unsigned long kprobe_status;            /* KPROBE_HIT_* / KPROBE_REENTER */
	unsigned long kprobe_old_flags;         /* TF and IF of the probed code at the int3 */
	struct prev_kprobe prev_kprobe;
};
extern struct kprobe_ctlblk kprobe_ctlblk;

static inline struct kprobe_ctlblk *get_kprobe_ctlblk(void)
{
	return &kprobe_ctlblk;
}

/*
 * Which of current_kprobe's handlers is running: kprobe_in_handler, so that a fault or
 * an oops can name whose code it was. It is meaningful while the status is
 * KPROBE_HIT_ACTIVE or KPROBE_HIT_SSDONE. Its resting value is KPROBE_IN_PRE: every
 * other handler's call sets it and puts it back when that handler is done
 * (setjmp_pre_handler sets KPROBE_IN_JPROBE as it diverts to the jprobe's handler, the
 * break handler that ends the diversion puts it back), so the commonest hit, pre handler
 * only, pays no store for it. A reentered hit runs no handlers and leaves it alone: it
 * still names the interrupted handler.
 */
enum kprobe_handler_kind {
	KPROBE_IN_PRE,          /* pre_handler (the resting value) */
	KPROBE_IN_POST,         /* post_handler */
	KPROBE_IN_JPROBE,       /* a jprobe's handler: from the setjmp to the longjmp */
	KPROBE_IN_FAULT,        /* fault_handler */
	KPROBE_IN_BREAK,        /* break_handler */
	KPROBE_IN_KRETPROBE,    /* a kretprobe's return handler (kernel/kretprobe.c) */
};
extern enum kprobe_handler_kind kprobe_in_handler;
/* "pre handler", "post handler", "jprobe handler" ... for an oops or a report. */
const char *kprobe_handler_name(enum kprobe_handler_kind kind);

/*
 * True if p is the probe being handled, or the one a reentered hit interrupted, or a
 * sub-probe of either (an aggregate's manager is being handled: all its sub-probes are).
 */
bool kprobe_hit_in_progress(const struct kprobe *p);

/* True while a probe is being handled on this CPU. */
static inline bool kprobe_running(void)
{
	return current_kprobe != NULL;
}

/*
 * Aggregate probes (Linux 2.6.12-2.6.26; kernel/kprobe_aggr.c). Any number of kprobes
 * and at most one jprobe may share an address. The first one alone is the table's entry;
 * a second turns the address into an aggregate: a manager (kzalloc'd, never seen by
 * users) takes the first probe's place in the table, keeps the shared slot and the
 * original byte, and calls its sub-probes' handlers in registration order, the jprobe
 * last. Every reader of the table -- kprobe_in_range, for_each_kprobe, the monitor's and
 * tests' views -- sees the sub-probes, never a manager; get_kprobe (the hit path's
 * lookup) and current_kprobe see the manager.
 */
int aggr_pre_handler(struct kprobe *p, struct pt_regs *regs);
void aggr_post_handler(struct kprobe *p, struct pt_regs *regs, unsigned long flags);
int aggr_fault_handler(struct kprobe *p, struct pt_regs *regs, int trapnr);
int aggr_break_handler(struct kprobe *p, struct pt_regs *regs);

/* True if p is an aggregate's manager (Linux's name: its pre handler says so). */
static inline bool kprobe_aggrprobe(const struct kprobe *p)
{
	return p->pre_handler == aggr_pre_handler;
}

/*
 * The sub-probe of the aggregate being handled whose handler runs (or whose jprobe
 * handler the hit diverted to), else NULL: Linux's per-cpu kprobe_instance.
 */
extern struct kprobe *kprobe_instance;

/* The user probe whose handler is running: kprobe_instance for an aggregate, else
 * current_kprobe (NULL when no hit is in progress). */
static inline struct kprobe *kprobe_current_instance(void)
{
	struct kprobe *p = current_kprobe;

	return p && kprobe_aggrprobe(p) ? kprobe_instance : p;
}

/*
 * Registers and arms p. Returns 0, or a negative errno and changes nothing:
 *   -EINVAL  p is NULL, already registered, has both or neither of addr and symbol_name,
 *            or its address is NULL
 *   -ENOENT  symbol_name is not a kernel function
 *   -EADDRNOTAVAIL  symbol_name names several functions (statics of one name): use addr
 *   -EFAULT / -EPERM / -EILSEQ / -EOPNOTSUPP  see include/probe_point.h
 *   -EEXIST  p is a jprobe's (has a break handler) and a jprobe is already there
 *   -ENOMEM  no instruction slot (first probe at an address: every page full and no
 *            memory for another), or no memory for the manager (second probe: the
 *            first stays as it was)
 * A probe at an address that already has one joins it (an aggregate, above).
 * On success p->addr holds the resolved address (symbol_name and offset are consumed,
 * so an unregistered probe can be registered again as it is). Set KPROBE_FLAG_DISABLED
 * in p->flags to register it disarmed.
 */
int register_kprobe(struct kprobe *p);
/*
 * Disarms and removes p. A no-op with a warning if p is not registered, or if p is the
 * probe being handled (its own handler may not unregister it: the hit needs its slot).
 * A sub-probe goes alone; the others stay armed. The original byte comes back, and the
 * slot and the manager are freed, only when the last one goes.
 */
void unregister_kprobe(struct kprobe *p);
/*
 * Registers kps[0..num-1], all or nothing: on the first error, every probe this call
 * registered is unregistered again (its struct as the caller left it, nothing armed)
 * and that error is returned; -EINVAL for num <= 0 or a NULL array. A NULL entry is
 * -EINVAL, like register_kprobe(NULL).
 */
int register_kprobes(struct kprobe **kps, int num);
/* Unregisters kps[0..num-1] (each as unregister_kprobe; NULL entries are skipped). */
void unregister_kprobes(struct kprobe **kps, int num);
/*
 * Re-arms / disarms a registered probe. 0, or -EINVAL if p is not registered. For a
 * sub-probe: the int3 stays while any sub-probe at its address is enabled.
 */
int enable_kprobe(struct kprobe *p);
int disable_kprobe(struct kprobe *p);
static inline bool kprobe_disabled(const struct kprobe *p)
{
	return p->flags & KPROBE_FLAG_DISABLED;
}
/*
 * The hash table of registered probes, keyed by address. Lookups happen on every hit, so
 * get_kprobe is inline; changes go through register/unregister (kprobe_register.c).
 * Sized statically for 10,000 probes with chains of about one (16384 buckets, 64 KiB):
 * a resizing table would need a rehash on the register path and an indirection (or a
 * variable shift) on the hit path; Linux's table is fixed too (KPROBE_HASH_BITS 6 there,
 * but its users rarely register thousands at once).
 */
#define KPROBE_HASH_BITS  14
#define KPROBE_TABLE_SIZE (1 << KPROBE_HASH_BITS)
extern struct kprobe *kprobe_table[KPROBE_TABLE_SIZE];

static inline unsigned kprobe_hash(const void *addr)
{
	/* Multiplicative hash (Knuth): the top bits are the best mixed. */
	return ((unsigned long)addr * 0x9E370001UL) >> (32 - KPROBE_HASH_BITS);
}

/* The probe registered at addr, or NULL. */
static inline struct kprobe *get_kprobe(void *addr)
{
	for (struct kprobe *p = kprobe_table[kprobe_hash(addr)]; p; p = p->hnext)
		if (p->addr == addr)
			return p;
	return NULL;
}
/*
 * The int3 handler's lookup (kernel/kprobes.c): get_kprobe, and a probe found behind others
 * in its chain moves to the chain's head -- a self-organizing chain -- so that the next hit
 * on it costs one comparison however many probes share its bucket (make bench's
 * kprobe_pre_10k: ten thousand probes registered after it do not slow it down). Only the
 * order of the chain changes. Interrupts off: the table's other readers and writers run
 * with them off too.
 */
struct kprobe *get_kprobe_move_to_front(struct kprobe **head, void *addr);
static __always_inline struct kprobe *get_kprobe_hit(void *addr)
{
	struct kprobe **head = &kprobe_table[kprobe_hash(addr)];
	struct kprobe *p = *head;

	if (likely(p && p->addr == addr))
		return p;
	return get_kprobe_move_to_front(head, addr);     /* an empty chain too: NULL */
}
/* Calls fn for every registered user probe -- sub-probes, never managers (interrupts
 * off). */
void for_each_kprobe(void (*fn)(struct kprobe *p, void *data), void *data);
/*
 * The address p will be placed at: symbol_name or addr, plus offset. Returns 0, -EINVAL
 * (both or neither given), -ENOENT (unknown symbol), -EADDRNOTAVAIL (ambiguous symbol).
 */
int kprobe_lookup_addr(const struct kprobe *p, unsigned long *addr);
/* The probe whose instruction slot contains addr, or NULL (kernel/kprobe_insn_slots.c). */
struct kprobe *kprobe_by_slot(unsigned long addr);
/*
 * The registered probe (armed or not) with the lowest address in [start, end), or NULL;
 * at an aggregate, its first sub-probe.
 * Self-tests use it to see the user's probes on the text they are about to probe or read.
 */
struct kprobe *kprobe_in_range(unsigned long start, unsigned long end);
/* Puts original bytes back into a copy of text (see probe_point.h). */
void kprobe_recover_text(unsigned long start, u8 *buf, size_t len);

/*
 * The trap handlers (kernel/kprobes.c), called by the trap handlers before the die chain:
 * the breakpoint (a probe hit, or jprobe_return), the debug trap ending a single-step,
 * and a fault while a probe is active. Each returns 1 if the trap was kprobes'.
 */
int kprobe_int3_handler(struct pt_regs *regs);
int kprobe_debug_handler(struct pt_regs *regs, unsigned long *dr6);
int kprobe_fault_handler(struct pt_regs *regs, int trapnr);

/* Installs the trap hooks (include/traps.h); called once at boot. */
void init_kprobes(void);

#endif
