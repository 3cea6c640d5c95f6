/* SPDX-License-Identifier: MIT */
/*
 * Return probes (Linux 2.6.12's kretprobes): a handler that runs when a function returns,
 * with its return value (kernel/kretprobe.c, kernel/kretprobe_trampoline.asm).
 *
 * The kretprobe's kprobe sits on the function's first byte. Its pre handler
 * (pre_handler_kretprobe, or kretprobe_entry_slow with an entry_handler) takes a free
 * instance from the probe's pool, saves the return address the call left at the top of
 * the stack, and replaces it with kretprobe_trampoline.
 * The function's ret lands in the trampoline, which builds a struct pt_regs (eax: the
 * return value), finds this task's instance by the stack slot the return address came
 * from, runs the handler, and returns to the real caller with every register as the
 * function left it (or as the handler set it). Instances are kept per task, most recent
 * first: recursion, sleeping and preemption only ever return in LIFO order on one stack,
 * and an interrupt runs on the stack it interrupted, nesting LIFO there too.
 *
 * The return handler runs with interrupts off and preemption disabled, with current_kprobe
 * = &rp->kp (status KPROBE_HIT_ACTIVE, kprobe_in_handler KPROBE_IN_KRETPROBE): a probe it
 * runs into is a miss (kprobe_reenter), and a fault in it is offered to rp->kp.fault_handler.
 * It may change the return value (regs->eax, and edx/ecx): the trampoline reloads those
 * three. ebx, esi, edi and ebp in regs are a copy (the C code preserved the real ones), and
 * regs->ds, es and orig_eax are not filled in: no trap happened.
 */
#ifndef JUMPER_KRETPROBES_H
#define JUMPER_KRETPROBES_H

#include "kprobes.h"

struct task_struct;
struct kretprobe_instance;
typedef int (*kretprobe_handler_t)(struct kretprobe_instance *ri, struct pt_regs *regs);

struct kretprobe {
	struct kprobe kp;               /* on the function's first byte */
	kretprobe_handler_t handler;    /* at the return: regs_return_value(regs), regs->eip is
					   the real return address */
	kretprobe_handler_t entry_handler; /* at the entry; non-zero: do not follow this call */
	int maxactive;                  /* instances; <= 0: KRETPROBE_DEFAULT_MAXACTIVE */
	int nmissed;                    /* entries with no free instance */
	size_t data_size;               /* bytes of ri->data, for entry_handler -> handler */
	/* ...private fields after this line (free list, all instances)... */
	struct kretprobe_instance *free_instances;  /* the pool's free list */
	struct kretprobe_instance **instances;     /* all of them; NULL: not registered */
	int nr_instances;
};

struct kretprobe_instance {
	struct kretprobe_instance *next; /* private: the task's LIFO list or the free list */
	struct kretprobe *rp;            /* NULL once rp is unregistered */
	kprobe_opcode_t *ret_addr;       /* the real return address */
	struct task_struct *task;        /* NULL while on the free list */
	unsigned long *fp;               /* where the return address lies on the stack */
	char data[];
};

#define KRETPROBE_DEFAULT_MAXACTIVE 10  /* Linux's for a preemptive kernel: max(10, 2*NR_CPUS) */
/* The pool's index (rp->instances) is one kmalloc: at most KMALLOC_MAX_SIZE bytes. */
#define KRETPROBE_MAXACTIVE_MAX     512

/*
 * Registers rp: its pool of maxactive instances (sizeof(struct kretprobe_instance) +
 * data_size bytes each, kmalloc'd), then rp->kp with the entry as its pre handler
 * (pre_handler_kretprobe; kretprobe_entry_slow if rp has an entry_handler). Returns 0, or
 * a negative errno with rp as the caller left it and nothing armed or kept:
 *   -EINVAL  rp is NULL, rp->kp's address is not a function's first byte, or data_size is
 *            too large for an instance (kmalloc's limit)
 *   -EOPNOTSUPP  the function pops its arguments (a ret imm16, C2 or CA, anywhere in it):
 *            that return leaves esp N bytes past the slot the trampoline looks its
 *            instance up by, and would panic. Decoded from the first byte to the end of
 *            its symbol (kallsyms), the text as it is without probes.
 *   -EILSEQ  the decoder cannot read the function to its end (no proof it has no ret $N)
 *   -E2BIG   maxactive > KRETPROBE_MAXACTIVE_MAX (Linux's error for the same)
 *   -ENOMEM  no memory for the pool
 *   then kprobe_lookup_addr's and register_kprobe's own (include/kprobes.h).
 * rp->nmissed is reset to 0.
 */
int register_kretprobe(struct kretprobe *rp);
/*
 * Disarms rp and gives its free instances back. Instances still outstanding (a call in
 * flight, a sleeping thread inside the function) stay on their tasks: their return goes
 * to the real caller without running a handler, and frees them. A no-op with a warning
 * for an unregistered rp, and from rp's own handlers (the hit in progress is rp's).
 */
void unregister_kretprobe(struct kretprobe *rp);
/*
 * All or nothing, as register_kprobes (kernel/kprobe_batch.c): on the first refusal
 * (a NULL entry: -EINVAL) those already registered are unregistered again and each
 * struct is put back byte for byte as the caller left it. -EINVAL for a NULL rps or
 * num <= 0.
 */
int register_kretprobes(struct kretprobe **rps, int num);
/* Unregisters each; a NULL rps or a NULL entry is passed over, as unregister_kprobes. */
void unregister_kretprobes(struct kretprobe **rps, int num);

static inline unsigned long regs_return_value(const struct pt_regs *regs)
{
	return regs->eax;
}

/* Where a kretprobed function returns to (kernel/kretprobe_trampoline.asm). */
extern char kretprobe_trampoline[];

/*
 * The entry half, as rp->kp's pre handler: kretprobe_entry_slow is the whole of it (a free
 * instance or a miss, entry_handler, the return address swapped); pre_handler_kretprobe,
 * the pre handler of a kretprobe with no entry_handler, its common case in assembly.
 */
int pre_handler_kretprobe(struct kprobe *p, struct pt_regs *regs);
int kretprobe_entry_slow(struct kprobe *p, struct pt_regs *regs);

/*
 * The real return address behind a return address the stack walker found at slot on the
 * stack of task tsk: kretprobe_trampoline there is looked up in tsk's instances (the most
 * recent with ri->fp == slot); the trampoline's own call of its handler is the frame of a
 * return in progress, whose pt_regs hold the real address. Any other ret is returned as it
 * is. Installed as the core's stack_trace_fixup hook (include/stacktrace.h).
 */
unsigned long kretprobe_find_ret_addr(struct task_struct *tsk, unsigned long ret,
				      unsigned long *slot);

/*
 * Gives back the instances a dead task still holds: the calls it died inside (its last
 * schedule(), kthread_exit ...), which never return. The core's hook, called by
 * finish_task_switch once the task has been switched away from for the last time, so no
 * call of it can still take one (include/sched.h).
 */
void kprobe_flush_task(struct task_struct *tsk);

/* Installs the hooks; called once at boot, after init_kprobes. */
void init_kretprobes(void);

#endif
