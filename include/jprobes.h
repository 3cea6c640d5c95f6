/* SPDX-License-Identifier: MIT */
/*
 * Jumper probes (jprobes): a kprobe on a function's entry that runs a handler with the
 * same prototype, as if the probed function had called it, so the handler simply reads
 * its own parameters. The 2004 patch (shared/reference/) in full; kernel/jprobe.c.
 *
 *   static int jip_queue_xmit(struct sk_buff *skb, int ipfragok)
 *   {
 *           printk("skb %p len %u\n", skb, skb->len);
 *           jprobe_return();        // mandatory: never return normally
 *           return 0;               // not reached
 *   }
 *   static struct jprobe jp = {
 *           .kp.symbol_name = "ip_queue_xmit",
 *           .entry = jip_queue_xmit,
 *   };
 *   register_jprobe(&jp);
 *
 * The handler runs with interrupts off and preemption disabled, on the probed
 * function's own stack; it must not sleep, and must end with jprobe_return().
 */
#ifndef JUMPER_JPROBES_H
#define JUMPER_JPROBES_H

#include "compiler.h"
#include "kprobes.h"
#include "thread_info.h"

struct jprobe {
	struct kprobe kp;
	void *entry;            /* the handler: same prototype as the probed function */
};

/* Bytes of the probed function's stack saved at the hit and put back afterwards. */
#define MAX_STACK_SIZE 64

/*
 * Bytes of stack from addr up to the current thread's stack top, current_thread_info()
 * + THREAD_SIZE; the page above it is unmapped, so nothing past it may be read. A jprobe
 * handler reads its arguments where the caller put them, but a function can run right
 * at the top of its stack (kthread_start, 4 bytes below it), with less above its return
 * address than its prototype -- or a generic handler -- expects. The hit's stack copy
 * (MIN_STACK_SIZE in kernel/jprobe.c) and every argument read are bounded by this.
 */
static inline unsigned long jprobe_stack_room(unsigned long addr)
{
	/* addr is on this stack (a stack pointer, or above one): at most the top. */
	return stack_top(current_thread_info()) - addr;
}

/*
 * Registers jp on its function's entry. Returns 0; -EINVAL if jp or jp->entry is NULL
 * or the address is not the first byte of a function (the 2004 TODO); otherwise what
 * register_kprobe returns (-EEXIST if a jprobe is already there: one per function;
 * kprobes there are fine, the jprobe's handler runs after theirs). On an error jp is as
 * the caller left it.
 */
int register_jprobe(struct jprobe *jp);
void unregister_jprobe(struct jprobe *jp);
/* Batches, all or nothing, as register_kprobes / unregister_kprobes (include/kprobes.h). */
int register_jprobes(struct jprobe **jps, int num);
void unregister_jprobes(struct jprobe **jps, int num);
/* Ends a jprobe handler: back into the probed function, with its registers and stack. */
void __noreturn jprobe_return(void);

/* The kprobe handlers a jprobe runs on: save and divert / restore and resume. */
int setjmp_pre_handler(struct kprobe *p, struct pt_regs *regs);
int longjmp_break_handler(struct kprobe *p, struct pt_regs *regs);

/* Just past jprobe_return's int3: the int3 lies strictly between jprobe_return and this
 * label (longjmp_break_handler checks exactly that). */
extern char jprobe_return_end[];

#endif
