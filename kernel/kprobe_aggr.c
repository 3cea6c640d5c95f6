// SPDX-License-Identifier: MIT
/*
 * Aggregate probes: many probes on one address (Linux 2.6.12-2.6.26's design). The table
 * holds one entry per address. A probe alone there is that entry itself, so the hit path
 * and its cost do not change. The second registration at an address makes a manager: a
 * kzalloc'd struct kprobe that takes the first probe's place in the table, keeps the
 * shared slot and the original byte (copied from the first probe, whose own copies stay
 * valid), and lists the sub-probes through ->list. Its handlers, below, call theirs.
 *
 * Call order: the kprobes in registration order, then the jprobe (at most one). A jprobe's
 * pre handler (setjmp_pre_handler) diverts the hit to its handler and returns 1, and
 * nothing can run after it in this hit: so Linux keeps it at the tail, and so do we.
 *
 * Drop back to one: when all but one sub-probe have gone, that one takes the manager's
 * place in the table again and the manager is freed (Linux 2.6.12-26 kept a manager with
 * one sub-probe until it was empty). So a lone probe always costs a lone probe's hit, and
 * a refused batch (kernel/kprobe_batch.c) leaves the table exactly as it found it. It is
 * safe because nothing else can hold the manager: unregister_kprobe refuses while any of
 * its sub-probes is being handled (kprobe_hit_in_progress), a handler runs with
 * interrupts off (no thread is ever preempted inside one), and this is one CPU.
 *
 * Everything here runs with interrupts off: the handlers in trap context, the list
 * changes under kprobe_register.c's local_irq_save.
 */
#include "kprobes.h"
#include "errno.h"
#include "kernel.h"
#include "preempt.h"
#include "slab.h"
#include "text_poke.h"
#include "kprobes_internal.h"

struct kprobe *kprobe_instance;

/*
 * The manager's pre handler: each enabled sub-probe's pre handler, in list order, with
 * kprobe_instance naming it (the fault path offers a fault to that sub-probe alone). It
 * walks ->aggr_pre, the list cut down to those (sync_aggr), so a hit tests nothing per
 * sub-probe but the handler's answer. kprobe_instance is left on the last one: every
 * handler phase sets it before it runs a handler, so a stale value is never read (a hit
 * in progress reads it only while one of its handlers runs). A pre handler that returns
 * 1 has set up the resume itself, and the rest are not called (Linux's rule):
 * aggr_diverted. In C:
 *
 *	for (struct kprobe *kp = p->aggr_pre; kp; kp = kp->aggr_pre) {
 *		kprobe_instance = kp;
 *		if (kp->pre_handler(kp, regs))
 *			return aggr_diverted(kp);
 *	}
 *	return 0;
 *
 * Written in assembly because it runs on every hit of an aggregate and make bench's
 * kprobe_x2 row holds it to 1.3x a lone probe's cost (27 instructions for two sub-probes
 * here, 34 as gcc compiles the C). It keeps no frame pointer (a backtrace from a sub-probe's
 * handler shows aggr_pre_handler, then skips kprobe_int3_handler), and it needs no
 * 16-byte stack alignment (the kernel has no SSE). Offsets are checked below.
 */
#define KP_AGGR_PRE    8
#define KP_PRE_HANDLER 24
_Static_assert(offsetof(struct kprobe, aggr_pre) == KP_AGGR_PRE, "aggr_pre_handler's asm");
_Static_assert(offsetof(struct kprobe, pre_handler) == KP_PRE_HANDLER, "aggr_pre_handler's asm");
#define KP_STR_(x) #x
#define KP_STR(x)  KP_STR_(x)

__asm__(".pushsection .kprobes.text, \"ax\"\n"
	".globl aggr_pre_handler\n"
	".type aggr_pre_handler, @function\n"
	"aggr_pre_handler:\n"
	"	push %ebx\n"                          /* 8(%esp) p, 12(%esp) regs */
	"	mov 8(%esp), %ebx\n"
	"	mov " KP_STR(KP_AGGR_PRE) "(%ebx), %ebx\n"
	"	test %ebx, %ebx\n"
	"	jz 3f\n"
	"1:	mov %ebx, kprobe_instance\n"
	"	push 12(%esp)\n"                      /* kp->pre_handler(kp, regs) */
	"	push %ebx\n"
	"	call *" KP_STR(KP_PRE_HANDLER) "(%ebx)\n"
	"	add $8, %esp\n"
	"	test %eax, %eax\n"
	"	jnz 2f\n"
	"	mov " KP_STR(KP_AGGR_PRE) "(%ebx), %ebx\n"
	"	test %ebx, %ebx\n"
	"	jnz 1b\n"
	"	pop %ebx\n"                           /* eax: the last answer, 0 */
	"	ret\n"
	"2:	push %ebx\n"
	"	call aggr_diverted\n"
	"	add $4, %esp\n"
	"	pop %ebx\n"
	"	ret\n"
	"3:	xor %eax, %eax\n"
	"	pop %ebx\n"
	"	ret\n"
	".size aggr_pre_handler, . - aggr_pre_handler\n"
	".popsection\n");

/*
 * Sub-probe kp's pre handler returned 1 (a sub-probe of current_kprobe). If it is the
 * jprobe's, the manager keeps the hit (its break handler, aggr_break_handler, ends the
 * diversion) and kprobe_instance stays on the jprobe. Any other sub-probe has no break
 * handler to end the hit later, so it ends here, as kprobe_int3_handler ends a lone
 * probe's: a manager holding a jprobe has a break handler, and the int3 handler would
 * keep the hit open. Returns 1.
 */
int __kprobes __used aggr_diverted(struct kprobe *kp);
int __kprobes __used aggr_diverted(struct kprobe *kp)
{
	/* current_kprobe is the manager (set before its pre handler was called): taken
	 * from there rather than kept in a register across the loop's calls. */
	if (!kp->break_handler && current_kprobe->break_handler) {
		current_kprobe = NULL;
		preempt_enable_no_resched();
	}
	return 1;
}

/* The manager's post handler (it has one only while a sub-probe has): each enabled
 * sub-probe's post handler, in list order. */
void __kprobes aggr_post_handler(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	for (struct kprobe *kp = p->list; kp; kp = kp->list) {
		if (!kp->post_handler || kprobe_disabled(kp))
			continue;
		kprobe_instance = kp;
		kp->post_handler(kp, regs, flags);
	}
	kprobe_instance = NULL;
}

/*
 * A fault in a sub-probe's handler: offered to that sub-probe's fault handler, nobody
 * else's (Linux: the per-cpu kprobe_instance). No instance -- the fault came between two
 * handlers, in the manager's own loop -- is nobody's: declined.
 */
int __kprobes aggr_fault_handler(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	struct kprobe *kp = kprobe_instance;

	(void)p;
	if (kp && kp->fault_handler)
		return kp->fault_handler(kp, regs, trapnr);
	return 0;
}

/* An int3 that is no probe while the aggregate is handled: the running sub-probe's break
 * handler decides (the jprobe's, ending its diversion at jprobe_return). */
int __kprobes aggr_break_handler(struct kprobe *p, struct pt_regs *regs)
{
	struct kprobe *kp = kprobe_instance;

	(void)p;
	if (kp && kp->break_handler && kp->break_handler(kp, regs)) {
		kprobe_instance = NULL;         /* the post handlers name their own */
		return 1;
	}
	return 0;
}

/* A hit from inside a handler: a miss for p, or for each enabled sub-probe of a manager
 * (Linux's kprobes_inc_nmissed_count). */
void __kprobes kprobes_inc_nmissed_count(struct kprobe *p)
{
	if (!kprobe_aggrprobe(p)) {
		p->nmissed++;
		return;
	}
	for (struct kprobe *kp = p->list; kp; kp = kp->list)
		if (!kprobe_disabled(kp))
			kp->nmissed++;
}

bool kprobe_aggr_holds(const struct kprobe *ap, const struct kprobe *p)
{
	for (const struct kprobe *kp = ap->list; kp; kp = kp->list)
		if (kp == p)
			return true;
	return false;
}

bool kprobe_is_or_holds(const struct kprobe *q, const struct kprobe *p)
{
	return q == p || (q && kprobe_aggrprobe(q) && kprobe_aggr_holds(q, p));
}

/*
 * Brings manager ap in line with its sub-probes: a post handler only while one has (so
 * the hit is boosted otherwise), a break handler only while the jprobe is there, and the
 * int3 in while any sub-probe is enabled. 0, or text_poke's error with the text and ap's
 * armed state unchanged (the handlers are updated all the same).
 */
static int sync_aggr(struct kprobe *ap)
{
	const kprobe_opcode_t brk = BREAKPOINT_INSTRUCTION;
	bool post = false, brkh = false, armed = false;
	struct kprobe **pre = &ap->aggr_pre;
	int ret;

	for (struct kprobe *kp = ap->list; kp; kp = kp->list) {
		post |= kp->post_handler && !kprobe_disabled(kp);  /* it would run */
		brkh |= kp->break_handler != NULL;
		armed |= !kprobe_disabled(kp);
		if (kp->pre_handler && !kprobe_disabled(kp)) {
			*pre = kp;
			pre = &kp->aggr_pre;
		}
	}
	*pre = NULL;
	ap->post_handler = post ? aggr_post_handler : NULL;
	ap->break_handler = brkh ? aggr_break_handler : NULL;
	if (armed == !kprobe_disabled(ap))
		return 0;
	ret = text_poke(ap->addr, armed ? &brk : &ap->opcode, 1);
	if (!ret)
		ap->flags ^= KPROBE_FLAG_DISABLED;
	return ret;
}

/* Links p into ap's list: a jprobe (break handler) at the tail, a kprobe before it. */
static void add_sub(struct kprobe *ap, struct kprobe *p)
{
	struct kprobe **pp = &ap->list;

	while (*pp && !(*pp)->break_handler)
		pp = &(*pp)->list;
	p->list = *pp;
	*pp = p;
}

static void del_sub(struct kprobe *ap, struct kprobe *p)
{
	for (struct kprobe **pp = &ap->list; *pp; pp = &(*pp)->list)
		if (*pp == p) {
			*pp = p->list;
			break;
		}
	p->list = NULL;
	p->aggr_pre = NULL;
}

/*
 * Adds p (checked by steps 1-4 of register_kprobe) at the address of old, the table's
 * entry there; makes old an aggregate first if it is a lone probe. Returns 0, -EEXIST (p
 * is a jprobe's and one is there), -ENOMEM (no manager) or text_poke's error, and on an
 * error nothing has changed: old is where and as it was, and p is untouched. Interrupts
 * must be off.
 */
int register_aggr_kprobe(struct kprobe *old, struct kprobe *p)
{
	struct kprobe caller = *p, *ap = old;
	int ret;

	/* One jprobe per address (Linux: per function). A manager has a break handler
	 * exactly while its jprobe is there (sync_aggr), a lone probe while it is one. */
	if (p->break_handler && old->break_handler)
		return -EEXIST;
	if (!kprobe_aggrprobe(old)) {
		ap = kzalloc(sizeof(*ap));
		if (!ap)
			return -ENOMEM;
		ap->addr = old->addr;
		ap->opcode = old->opcode;
		ap->ainsn = old->ainsn;
		ap->flags = old->flags & KPROBE_FLAG_DISABLED;
		ap->pre_handler = aggr_pre_handler;
		ap->fault_handler = aggr_fault_handler;
		ap->list = old;
		sync_aggr(ap);                  /* handlers only: the armed state is old's */
	}
	p->opcode = ap->opcode;
	p->addr = ap->addr;
	p->offset = 0;
	p->symbol_name = NULL;
	p->nmissed = 0;
	p->ainsn = ap->ainsn;
	add_sub(ap, p);
	ret = sync_aggr(ap);
	if (ret) {
		del_sub(ap, p);
		*p = caller;
		if (ap == old)
			sync_aggr(ap);          /* handlers back; the text never changed */
		else
			kfree(ap);
		return ret;
	}
	if (ap != old)
		kprobe_table_replace(old, ap);
	return 0;
}

/*
 * Takes sub-probe p out of manager ap and disarms the address if no enabled sub-probe is
 * left. If one sub-probe is left, it is put back in ap's place in the table, alone (with
 * the slot, the original byte and the armed state), and ap is freed. Returns true if ap
 * was p's last: the caller then removes ap from the table, frees the slot and kfrees ap.
 * Interrupts must be off.
 */
bool unregister_aggr_kprobe(struct kprobe *ap, struct kprobe *p)
{
	struct kprobe *last;

	del_sub(ap, p);
	p->ainsn.insn = NULL;                   /* the slot is ap's */
	if (!ap->list)
		return true;
	BUG_ON(sync_aggr(ap));
	last = ap->list;
	if (!last->list) {
		/* ap is disarmed exactly if last is disabled (sync_aggr): as last alone. */
		kprobe_table_replace(ap, last);
		kfree(ap);
	}
	return false;
}

/* Sets sub-probe p of ap disabled or enabled, and the int3 to match. 0, or text_poke's
 * error with nothing changed. Interrupts must be off. */
int set_aggr_disabled(struct kprobe *ap, struct kprobe *p, bool disable)
{
	int ret;

	if (disable == kprobe_disabled(p))
		return 0;
	p->flags ^= KPROBE_FLAG_DISABLED;
	ret = sync_aggr(ap);
	if (ret) {
		p->flags ^= KPROBE_FLAG_DISABLED;
		sync_aggr(ap);                  /* the pre list back; the text never changed */
	}
	return ret;
}
