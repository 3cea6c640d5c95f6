// SPDX-License-Identifier: MIT
/*
 * Return probes: the entry half (pre_handler_kretprobe), the return half (the trampoline's
 * handler), the instance pool, and the fixups that let backtraces and exiting threads see
 * through the trampoline. include/kretprobes.h has the overview; the trampoline and the
 * stack it builds are kernel/kretprobe_trampoline.asm.
 *
 * Every instance is in exactly one place: its kretprobe's free list (task == NULL), or one
 * task's list of calls in flight (task set), or -- its kretprobe gone (rp == NULL) --
 * on a task's list until that call returns and frees it. Both lists are changed only with
 * interrupts off (the int3 gate, the trampoline's cli, local_irq_save): one CPU, so that
 * is all the locking there is.
 */
#include "kretprobes.h"
#include "irqflags.h"
#include "kernel.h"
#include "preempt.h"
#include "sched.h"
#include "slab.h"
#include "stacktrace.h"
#include "kprobes_internal.h"

/* The trampoline's call of kretprobe_trampoline_handler returns here; its fast path's call
 * of a return handler, there. */
extern char kretprobe_trampoline_call_ret[];
extern char kretprobe_trampoline_handler_ret[];
/* What the trampoline's fast path (kernel/kretprobe_trampoline.asm) stores as 32-bit words,
 * and the stack between its call's return address and its pt_regs (ri, regs, ebx). */
_Static_assert(sizeof(kprobe_in_handler) == 4 && sizeof(current_kprobe) == 4 &&
	       sizeof(kprobe_ctlblk.kprobe_status) == 4 &&
	       sizeof(((struct thread_info *)0)->preempt_count) == 4,
	       "kretprobe_trampoline's fast path");
#define KRETPROBE_HANDLER_RET_TO_REGS 4 /* words from the return address to the pt_regs */

/* Back on rp's free list, or freed if rp is gone. Interrupts off. */
static __always_inline void __kprobes recycle_rp_inst(struct kretprobe_instance *ri)
{
	struct kretprobe *rp = ri->rp;

	if (likely(rp)) {
		ri->task = NULL;
		ri->next = rp->free_instances;
		rp->free_instances = ri;
	} else {
		kfree(ri);
	}
}

/* Follows the call ri was taken for: the trampoline in place of the return address at sp,
 * ri on top of the task's list. Interrupts off. */
static __always_inline void __kprobes arm_return(struct kretprobe_instance *ri,
						 struct task_struct *tsk, unsigned long *sp)
{
	*sp = (unsigned long)kretprobe_trampoline;
	ri->next = tsk->kretprobe_instances;
	tsk->kretprobe_instances = ri;
}

/* The entry with an entry_handler, out of the fast path: non-zero declines the call. */
static int __kprobes __noinline entry_with_handler(struct kretprobe *rp,
						   struct kretprobe_instance *ri,
						   struct pt_regs *regs)
{
	if (rp->entry_handler(ri, regs)) {
		recycle_rp_inst(ri);
		return 0;
	}
	arm_return(ri, ri->task, ri->fp);
	return 0;
}

/*
 * The entry: runs as rp->kp's pre handler, at the function's first byte (trap context,
 * interrupts off). &regs->esp is the function's stack pointer: the slot holding its return
 * address. Takes a free instance (none: a miss, counted in rp->nmissed, and the call is
 * not followed), lets entry_handler decline the call (non-zero: the instance goes back),
 * then swaps the return address for the trampoline and pushes the instance on this task's
 * list. Returns 0: the function's first instruction runs as after any kprobe hit.
 *
 * A kretprobe with an entry_handler has this function as its pre handler
 * (register_kretprobe). One without has pre_handler_kretprobe, below in assembly: this
 * function's common case, a free instance; it jumps here, with the arguments as it got
 * them, when there is none.
 */
/*
 * Instances of this task's calls that a non-local exit (a longjmp) unwound past: their
 * slots lie below sp, the slot of the call being entered, in frames that are gone -- or at
 * sp itself, which now holds this call's return address -- so they will never return.
 * The return path recycles them when a shallower call returns; an entry that finds its
 * pool empty recycles them first, so that such calls do not drain the pool for good. The
 * task's live instances all lie above sp (an interrupt's too: it runs below the
 * interrupted code, its own calls in between), but for a chain's: the slot still holds
 * the trampoline (kretprobe_return_chain). Interrupts off.
 */
static void __kprobes recycle_dead_instances(struct task_struct *tsk, unsigned long *sp)
{
	bool chained = *sp == (unsigned long)kretprobe_trampoline;

	for (struct kretprobe_instance **pp = &tsk->kretprobe_instances; *pp;) {
		struct kretprobe_instance *ri = *pp;

		if (ri->fp < sp || (ri->fp == sp && !chained)) {
			*pp = ri->next;
			recycle_rp_inst(ri);
		} else {
			pp = &ri->next;
		}
	}
}

int __kprobes __used kretprobe_entry_slow(struct kprobe *p, struct pt_regs *regs)
{
	struct kretprobe *rp = container_of(p, struct kretprobe, kp);
	struct kretprobe_instance *ri = rp->free_instances;
	struct task_struct *tsk;

	if (unlikely(!ri)) {
		recycle_dead_instances(current, &regs->esp);
		ri = rp->free_instances;
	}
	if (unlikely(!ri)) {
		rp->nmissed++;
		return 0;
	}
	rp->free_instances = ri->next;
	ri->fp = &regs->esp;
	ri->ret_addr = (kprobe_opcode_t *)regs->esp;
	ri->task = tsk = current;
	if (rp->entry_handler)
		return entry_with_handler(rp, ri, regs);
	arm_return(ri, tsk, ri->fp);
	return 0;
}

/*
 * pre_handler_kretprobe: the pre handler of a kretprobe with no entry_handler, and
 * kretprobe_entry_slow's common case for one, in assembly because it runs on every
 * kretprobe hit and make bench holds a kretprobe's hit to 150 instructions (21 here, 29 as
 * gcc compiles the C, frame pointer included). A leaf: it calls nothing (no free instance
 * is a jump), so it needs no frame pointer for a backtrace to pass it. In C:
 *
 *	struct kretprobe *rp = container_of(p, struct kretprobe, kp);
 *	struct kretprobe_instance *ri = rp->free_instances;
 *
 *	if (!ri)
 *		return kretprobe_entry_slow(p, regs);   (a miss)
 *	rp->free_instances = ri->next;
 *	ri->fp = &regs->esp;
 *	ri->ret_addr = (kprobe_opcode_t *)regs->esp;
 *	ri->task = current;
 *	arm_return(ri, ri->task, ri->fp);
 *	return 0;
 *
 * Offsets are checked below.
 */
#define RP_FREE_INSTANCES 156
#define RI_NEXT           0
#define RI_RET_ADDR       8
#define RI_TASK           12
#define RI_FP             16
#define PT_ESP            52
#define TI_TASK           0
#define TSK_KRETPROBES    72
_Static_assert(offsetof(struct kretprobe, kp) == 0, "pre_handler_kretprobe's asm: rp == p");
_Static_assert(offsetof(struct kretprobe, free_instances) == RP_FREE_INSTANCES,
	       "pre_handler_kretprobe's asm");
_Static_assert(offsetof(struct kretprobe_instance, next) == RI_NEXT &&
	       offsetof(struct kretprobe_instance, ret_addr) == RI_RET_ADDR &&
	       offsetof(struct kretprobe_instance, task) == RI_TASK &&
	       offsetof(struct kretprobe_instance, fp) == RI_FP, "pre_handler_kretprobe's asm");
_Static_assert(offsetof(struct pt_regs, esp) == PT_ESP, "pre_handler_kretprobe's asm");
_Static_assert(offsetof(struct thread_info, task) == TI_TASK, "pre_handler_kretprobe's asm");
_Static_assert(offsetof(struct task_struct, kretprobe_instances) == TSK_KRETPROBES,
	       "pre_handler_kretprobe's asm");
#define KRP_STR_(x) #x
#define KRP_STR(x)  KRP_STR_(x)

__asm__(".pushsection .kprobes.text, \"ax\"\n"
	".globl pre_handler_kretprobe\n"
	".type pre_handler_kretprobe, @function\n"
	"pre_handler_kretprobe:\n"
	"	mov 4(%esp), %ecx\n"                  /* rp = p; 8(%esp) regs */
	"	mov " KRP_STR(RP_FREE_INSTANCES) "(%ecx), %eax\n"   /* ri */
	"	test %eax, %eax\n"
	"	jz kretprobe_entry_slow\n"            /* none free: a miss */
	"	mov " KRP_STR(RI_NEXT) "(%eax), %edx\n"
	"	mov %edx, " KRP_STR(RP_FREE_INSTANCES) "(%ecx)\n"   /* ri off the free list */
	"	mov 8(%esp), %ecx\n"                  /* regs */
	"	lea " KRP_STR(PT_ESP) "(%ecx), %edx\n"
	"	mov %edx, " KRP_STR(RI_FP) "(%eax)\n"  /* ri->fp = &regs->esp */
	"	mov " KRP_STR(PT_ESP) "(%ecx), %edx\n"
	"	mov %edx, " KRP_STR(RI_RET_ADDR) "(%eax)\n"   /* ri->ret_addr = the return addr */
	"	movl $kretprobe_trampoline, " KRP_STR(PT_ESP) "(%ecx)\n" /* *ri->fp: trampoline */
	"	mov %esp, %edx\n"
	"	and $-" KRP_STR(THREAD_SIZE) ", %edx\n"  /* current_thread_info() */
	"	mov " KRP_STR(TI_TASK) "(%edx), %edx\n"   /* tsk = current */
	"	mov %edx, " KRP_STR(RI_TASK) "(%eax)\n"   /* ri->task = tsk */
	"	mov " KRP_STR(TSK_KRETPROBES) "(%edx), %ecx\n"
	"	mov %ecx, " KRP_STR(RI_NEXT) "(%eax)\n"   /* ri->next = tsk->kretprobe_instances */
	"	mov %eax, " KRP_STR(TSK_KRETPROBES) "(%edx)\n" /* tsk->kretprobe_instances = ri */
	"	xor %eax, %eax\n"
	"	ret\n"
	".size pre_handler_kretprobe, . - pre_handler_kretprobe\n"
	".popsection\n");

/*
 * The trampoline's slow path: the task's first instance is not the one for this return.
 * The list is most recent first; an instance above ours has a slot deeper in the stack
 * (lower) when a non-local exit (a longjmp) unwound past its call, which will never
 * return: those are recycled here, without their handler. Ours is then the first with
 * exactly our slot. None: the stack or the list is corrupt and the real return address is
 * lost -- a panic, there is nowhere to return to.
 */
static struct kretprobe_instance *__kprobes __noinline
kretprobe_skip_unwound(struct task_struct *tsk, struct pt_regs *regs)
{
	unsigned long *slot = &regs->eflags;
	struct kretprobe_instance *ri = tsk->kretprobe_instances;

	while (ri && ri->fp < slot) {
		struct kretprobe_instance *skipped = ri;

		ri = ri->next;
		recycle_rp_inst(skipped);
	}
	tsk->kretprobe_instances = ri;
	if (!ri || ri->fp != slot) {
		/* No instance says where the return goes: eip is the trampoline's, so that
		 * the oops shows the frame and its backtrace goes on by the slot
		 * (kretprobe_find_ret_addr). */
		regs->eip = (unsigned long)kretprobe_trampoline;
		panic("kretprobe: return through the trampoline at %p with no instance (task %s)",
		      (void *)slot, tsk->comm);
	}
	return ri;
}

/*
 * A return handler run from C (kretprobe_return_chain), in the context the trampoline's
 * fast path gives one (kernel/kretprobe_trampoline.asm): preemption disabled, current_kprobe
 * = &rp->kp, KPROBE_HIT_ACTIVE, KPROBE_IN_KRETPROBE. Or, with a probe being handled
 * already, none: a miss.
 */
static void __kprobes run_return_handler(struct kretprobe *rp, struct kretprobe_instance *ri,
					 struct pt_regs *regs)
{
	if (kprobe_running()) {
		rp->nmissed++;
		return;
	}
	preempt_disable();
	current_kprobe = &rp->kp;
	get_kprobe_ctlblk()->kprobe_status = KPROBE_HIT_ACTIVE;
	kprobe_in_handler = KPROBE_IN_KRETPROBE;
	rp->handler(ri, regs);
	kprobe_in_handler = KPROBE_IN_PRE;
	current_kprobe = NULL;
	preempt_enable_no_resched();
}

/*
 * A chain: the task's first instance holds the trampoline as its return address, because
 * when its entry ran the slot held the trampoline already -- another kretprobe's, on the
 * same function (an aggregate), or on a function that tail-called (jmp) into this one.
 * Every instance at the head with this slot is one of this return's: the oldest holds the
 * real return address. As Linux does, run them all in this one pass, latest first, each
 * handler seeing regs->eip and ri->ret_addr = the real return address, and return there
 * once. Returns 0
 * (the return is finished here).
 */
static int __kprobes __noinline kretprobe_return_chain(struct task_struct *tsk,
						       struct pt_regs *regs)
{
	unsigned long *slot = &regs->eflags;
	struct kretprobe_instance *ri;
	unsigned long real = 0;

	for (ri = tsk->kretprobe_instances; ri && ri->fp == slot; ri = ri->next)
		if (ri->ret_addr != (kprobe_opcode_t *)kretprobe_trampoline) {
			real = (unsigned long)ri->ret_addr;
			break;
		}
	if (!real)
		panic("kretprobe: a chain of returns at %p with no real return address (task %s)",
		      (void *)slot, tsk->comm);
	for (bool last = false; !last;) {
		ri = tsk->kretprobe_instances;
		tsk->kretprobe_instances = ri->next;
		last = ri->ret_addr != (kprobe_opcode_t *)kretprobe_trampoline;
		ri->ret_addr = (kprobe_opcode_t *)real;    /* what its handler is told */
		regs->eip = real;
		if (ri->rp && ri->rp->handler)
			run_return_handler(ri->rp, ri, regs);
		recycle_rp_inst(ri);
	}
	regs->eip = real;
	return 0;
}

/*
 * The return's slow path: called by kretprobe_trampoline (interrupts off) with the frame
 * it built, when its fast path (kernel/kretprobe_trampoline.asm) found the task's first
 * instance unfit; the return came from slot &regs->eflags (see the .asm's diagram). The
 * task's first instance is ours, unless a non-local exit left others above it
 * (kretprobe_skip_unwound). Returns 1 if ours is then one the fast path runs (its
 * kretprobe has a handler and no probe is being handled): the trampoline goes back to it,
 * which runs the handler (the one place that does). Otherwise returns 0, the return
 * finished here: the real return address in regs->eip, where the trampoline's iret takes
 * it, and the instance freed (its kretprobe was unregistered) or recycled -- without a
 * handler, or, if a probe is being handled already (the function returned under a
 * handler's feet: a debugger stepping out of it), with the handler skipped and counted in
 * rp->nmissed.
 */
int __kprobes __used __attribute__((regparm(1)))
kretprobe_trampoline_handler(struct pt_regs *regs)
{
	struct task_struct *tsk = current;
	struct kretprobe_instance *ri = tsk->kretprobe_instances;
	struct kretprobe *rp;

	if (unlikely(!ri || ri->fp != &regs->eflags))
		ri = kretprobe_skip_unwound(tsk, regs);
	if (unlikely(ri->ret_addr == (kprobe_opcode_t *)kretprobe_trampoline))
		return kretprobe_return_chain(tsk, regs);
	rp = ri->rp;
	if (rp && rp->handler && !kprobe_running())
		return 1;
	tsk->kretprobe_instances = ri->next;
	regs->eip = (unsigned long)ri->ret_addr;
	if (unlikely(!rp)) {
		kfree(ri);
		return 0;
	}
	if (rp->handler)
		rp->nmissed++;
	ri->task = NULL;
	ri->next = rp->free_instances;
	rp->free_instances = ri;
	return 0;
}

unsigned long __kprobes kretprobe_find_ret_addr(struct task_struct *tsk, unsigned long ret,
						unsigned long *slot)
{
	if (ret == (unsigned long)kretprobe_trampoline_call_ret) {
		/* The trampoline's call of its slow path (a backtrace from a panic or fault in
		 * it): its pt_regs lie right above the call's slot. */
		struct pt_regs *regs = (struct pt_regs *)(slot + 1);

		ret = regs->eip;
		slot = &regs->eflags;   /* before the handler set eip: look it up */
	} else if (ret == (unsigned long)kretprobe_trampoline_handler_ret) {
		/* The fast path's call of a return handler (a backtrace from the handler):
		 * regs->eip was set before it. */
		ret = ((struct pt_regs *)(slot + KRETPROBE_HANDLER_RET_TO_REGS))->eip;
	}
	if (ret != (unsigned long)kretprobe_trampoline || !tsk)
		return ret;
	/* The latest instance with this slot that holds a real return address (one that
	 * holds the trampoline was chained behind another on the same slot). */
	for (struct kretprobe_instance *ri = tsk->kretprobe_instances; ri; ri = ri->next)
		if (ri->fp == slot && ri->ret_addr != (kprobe_opcode_t *)kretprobe_trampoline)
			return (unsigned long)ri->ret_addr;
	return ret;
}

void __kprobes kprobe_flush_task(struct task_struct *tsk)
{
	unsigned long flags;

	local_irq_save(flags);
	while (tsk->kretprobe_instances) {
		struct kretprobe_instance *ri = tsk->kretprobe_instances;

		tsk->kretprobe_instances = ri->next;
		recycle_rp_inst(ri);
	}
	local_irq_restore(flags);
}

void init_kretprobes(void)
{
	stack_trace_fixup = kretprobe_find_ret_addr;
	kprobe_flush_task_hook = kprobe_flush_task;
}
