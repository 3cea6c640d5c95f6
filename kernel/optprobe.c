// SPDX-License-Identifier: MIT
/*
 * Jump-optimized probes: putting the jmp in and taking it out, safely, on a preemptive
 * kernel (include/optprobes.h says what they are; kernel/optprobe_prepare.c decides
 * whether a probe can be one and fills its detour buffer; docs/optprobes.md).
 *
 * The registry calls optprobe_prepare_change(addr) before it changes anything at addr and
 * optprobe_after_change(addr) after (kernel/kprobe_register.c): the first takes the jmps
 * out of the probe at addr and of any optimized probe whose region holds addr, the second
 * tries them again. Both with interrupts off, as every change of text and of the table.
 *
 * The patching order is Linux's text_poke_bp: the probe is armed, so byte 0 is an int3
 * already; bytes 1-4 get the jmp's rel32, then byte 0 the jmp's opcode. Taking it out:
 * the int3 back on byte 0 first, then the original bytes 1-4. At every moment byte 0 is
 * either a whole jmp's first byte or an int3, never the first byte of a jmp whose rel32 is
 * half old: another CPU fetching the code between two pokes traps (Linux's int3 handler
 * then sends it where the new instruction would). On this one CPU, with interrupts off
 * and only blacklisted code between the pokes (poke, text_poke and what it calls), nothing
 * can fetch the bytes in between at all; the order is kept so that the sequence is
 * Linux's, and a self-test checks it (optprobe_pokes).
 *
 * What interrupts off cannot cover is a thread preempted earlier, its saved eip on an
 * instruction of the region after the first: it would resume in the middle of the jmp.
 * Linux waits for an RCU-tasks grace period; on one CPU the saved states are all here, so
 * every thread's stack is searched for such an address (in_region: as an interrupt
 * frame's eip) and, if one is
 * found, the optimization waits (pending, retried on the timer tick). The same search
 * decides when a retired detour buffer may be freed: the copied instructions run with the
 * probed code's own IF, so a thread may be preempted in them, and its buffer lives until no
 * stack holds an address in it. A retired buffer's entry is rewritten first (pushfd; popfd;
 * jmp to the probe's address), so a thread preempted before the detour's cli goes back to
 * the probed code and meets whatever is there now: never the handler of a probe that has
 * gone. The search is conservative -- any word that looks like such a frame, or for a
 * buffer any word pointing into it, counts -- so at worst an optimization waits, or a
 * buffer is kept, longer than it had to.
 */
#include "optprobes.h"
#include "irqflags.h"
#include "kernel.h"
#include "processor.h"
#include "multiboot.h"
#include "sched.h"
#include "slab.h"
#include "text_poke.h"
#include "kprobes_internal.h"

/* Retries of what waits: every OPTIMIZE_DELAY ticks (Linux's delay, in jiffies). */
#define OPTIMIZE_DELAY 5

static bool optimization_on = true;
static struct optimized_kprobe *active, *pending, *retired;
static unsigned nr_active, nr_pending, tick_countdown;

const char optprobe_off[] = "optimization is off";
const char optprobe_waiting[] = "waiting for a thread to leave the region";
const char optprobe_no_memory[] = "no memory for a detour buffer";
const char optprobe_faulted[] = "an instruction in the region faulted";
const char optprobe_stepped[] = "single-stepped into by a debugger";

struct optprobe_poke optprobe_pokes[OPTPROBE_POKE_LOG];
unsigned optprobe_npokes;

int __kprobes optprobe_nop_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	return 0;
}

static void list_add(struct optimized_kprobe **head, struct optimized_kprobe *op)
{
	op->next = *head;
	*head = op;
}

static void list_del(struct optimized_kprobe **head, struct optimized_kprobe *op)
{
	for (struct optimized_kprobe **pp = head; *pp; pp = &(*pp)->next)
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	op->next = NULL;
}

/*
 * One poke of the jmp, logged for the self-tests that check the order. Blacklisted, as
 * text_poke and everything it calls: between two pokes nothing runs but this code, so
 * no probe can be hit there -- least of all the one being patched, whose bytes are then
 * an int3 and half of a jmp (its hit would resume at the next instruction, inside them;
 * the monitor's probe_every_function session once did just that).
 */
static void __kprobes poke(unsigned long addr, const u8 *bytes, size_t len)
{
	struct optprobe_poke *log = &optprobe_pokes[optprobe_npokes++ % OPTPROBE_POKE_LOG];

	log->addr = addr;
	log->len = (u8)len;
	log->first = bytes[0];
	BUG_ON(text_poke((void *)addr, bytes, len));
}

/* ---- the tick: retries of what waits ---- */

static void optimizer_tick(void)
{
	if (--tick_countdown)
		return;
	tick_countdown = OPTIMIZE_DELAY;
	kprobe_optimizer();
}

/* The tick hook is set while something waits, so an idle optimizer costs no tick. */
static void update_tick_hook(void)
{
	if (pending || retired) {
		if (!kprobe_optimizer_hook)
			tick_countdown = OPTIMIZE_DELAY;
		kprobe_optimizer_hook = optimizer_tick;
	} else {
		kprobe_optimizer_hook = NULL;
	}
}

/* ---- optimizing and unoptimizing ---- */

/* The jmp in, text_poke_bp's order: byte 0 is the armed probe's int3 already. */
static void patch_jmp(struct optimized_kprobe *op)
{
	unsigned long addr = (unsigned long)op->kp->addr;
	u32 rel = (u32)((unsigned long)op->buf + optprobe_entry_offset() -
			(addr + OPTPROBE_JMP_SIZE));
	u8 jmp[OPTPROBE_JMP_SIZE] = { 0xe9, (u8)rel, (u8)(rel >> 8), (u8)(rel >> 16),
				      (u8)(rel >> 24) };

	poke(addr + 1, jmp + 1, OPTPROBE_JMP_SIZE - 1);
	poke(addr, jmp, 1);
}

/* The jmp out: the int3 on byte 0 first, then the original bytes 1-4. */
static void unpatch_jmp(struct optimized_kprobe *op)
{
	unsigned long addr = (unsigned long)op->kp->addr;
	const u8 brk = BREAKPOINT_INSTRUCTION;

	poke(addr, &brk, 1);
	poke(addr + 1, op->orig + 1, OPTPROBE_JMP_SIZE - 1);
}

/* Fills op's buffer and puts the jmp in. false (op not used) without a buffer. */
static bool activate(struct optimized_kprobe *op)
{
	u8 image[OPTPROBE_BUF_SIZE];

	op->buf = get_optinsn_slot();
	if (!op->buf)
		return false;
	optprobe_build(op->kp, op, image);
	BUG_ON(text_poke(op->buf, image, OPTPROBE_BUF_SIZE));
	op->kp->op = op;
	patch_jmp(op);
	list_add(&active, op);
	nr_active++;
	op->kp->opt_refusal = NULL;
	return true;
}

/* Frees the retired buffers no stack refers to any more. */
static void free_retired(void)
{
	struct optimized_kprobe **pp = &retired;

	while (*pp) {
		struct optimized_kprobe *op = *pp;

		if (optprobe_buffer_in_use(op)) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		free_optinsn_slot(op->buf);
		kfree(op);
	}
}

/*
 * Retires op's buffer: its entry becomes "pushfd; popfd; jmp probe address" (a thread
 * preempted at the entry, before or after its pushfd, goes back to the probed code),
 * and it is freed once no stack holds an address in it.
 */
static void retire(struct optimized_kprobe *op)
{
	unsigned long addr = (unsigned long)op->kp->addr;
	unsigned long at = (unsigned long)op->buf + optprobe_entry_offset() + 1;
	u32 rel = (u32)(addr - (at + 1 + OPTPROBE_JMP_SIZE));
	u8 bail[1 + OPTPROBE_JMP_SIZE] = { 0x9d, 0xe9, (u8)rel, (u8)(rel >> 8),
					   (u8)(rel >> 16), (u8)(rel >> 24) };

	BUG_ON(text_poke((void *)at, bail, sizeof(bail)));
	list_add(&retired, op);
	free_retired();
}

/*
 * True if op's jmp may not go in yet: a thread stopped on an instruction of the region
 * after the first (in_region), or a retired buffer still in use whose jmp back lands on
 * such an instruction -- its probe's region ended inside this one (a probe placed in an
 * optimized region from its own handler: the handler returns into its retired buffer,
 * whose copies then jump back into what would be the middle of the new jmp).
 */
static bool must_wait(const struct optimized_kprobe *op)
{
	unsigned long addr = (unsigned long)op->kp->addr;

	for (const struct optimized_kprobe *r = retired; r; r = r->next)
		if (r->back > addr && r->back < addr + op->len)
			return true;
	return optprobe_thread_in_region(op);
}

/* Tries to optimize ap, the table's entry at its address. Interrupts off. */
static void try_optimize(struct kprobe *ap)
{
	struct optimized_kprobe *op;
	const char *why;

	if (ap->op || kprobe_disabled(ap))
		return;
	if (!optimization_on) {
		ap->opt_refusal = optprobe_off;
		return;
	}
	op = kzalloc(sizeof(*op));
	if (!op) {
		ap->opt_refusal = optprobe_no_memory;
		return;
	}
	op->kp = ap;
	why = optprobe_analyze(ap, op);
	op->back = (unsigned long)ap->addr + op->len;
	if (!why && must_wait(op)) {
		ap->op = op;
		ap->opt_refusal = optprobe_waiting;
		list_add(&pending, op);
		nr_pending++;
		update_tick_hook();
		return;
	}
	if (!why && activate(op))
		return;
	ap->opt_refusal = why ? why : optprobe_no_memory;
	kfree(op);
}

/* Takes ap's jmp out (or its wait off the pending list); ap stays an armed int3 probe. */
void optprobe_unoptimize(struct kprobe *ap, const char *why)
{
	struct optimized_kprobe *op = ap->op;

	if (!op)
		return;
	ap->opt_refusal = why;
	if (!op->buf) {
		ap->op = NULL;
		list_del(&pending, op);
		nr_pending--;
		kfree(op);
	} else {
		unpatch_jmp(op);
		ap->op = NULL;
		list_del(&active, op);
		nr_active--;
		retire(op);
	}
	update_tick_hook();
}

void optprobe_prepare_change(unsigned long addr)
{
	struct kprobe *q = get_kprobe((void *)addr);

	if (q)
		optprobe_unoptimize(q, NULL);
	for (unsigned long a = addr - (OPTPROBE_MAX_REGION - 1); a < addr; a++) {
		q = get_kprobe((void *)a);
		if (q && q->op && a + q->op->len > addr)
			optprobe_unoptimize(q, optprobe_probe_in);
	}
}

void optprobe_after_change(unsigned long addr)
{
	struct kprobe *q = get_kprobe((void *)addr);

	if (q)
		try_optimize(q);
	/* A probe whose region this address may lie in, refused for a probe in it. */
	for (unsigned long a = addr - (OPTPROBE_MAX_REGION - 1); a < addr; a++) {
		q = get_kprobe((void *)a);
		if (q && !q->op && q->opt_refusal == optprobe_probe_in)
			try_optimize(q);
	}
}

void kprobe_optimizer(void)
{
	unsigned long flags;

	local_irq_save(flags);
	free_retired();                 /* first: a retired buffer may be what a wait is for */
	for (struct optimized_kprobe *op = pending, *next; op; op = next) {
		next = op->next;
		if (must_wait(op))
			continue;
		list_del(&pending, op);
		nr_pending--;
		op->kp->op = NULL;
		if (!activate(op)) {
			op->kp->op = NULL;
			op->kp->opt_refusal = optprobe_no_memory;
			kfree(op);
		}
	}
	update_tick_hook();
	local_irq_restore(flags);
}

/* ---- the switch, and what others ask ---- */

static void switch_one(struct kprobe *p, void *data)
{
	struct kprobe *ap = get_kprobe(p->addr);

	(void)data;
	if (optimization_on)
		try_optimize(ap);
	else
		optprobe_unoptimize(ap, optprobe_off);
}

void kprobes_set_optimization(bool on)
{
	unsigned long flags;

	local_irq_save(flags);
	optimization_on = on;
	for_each_kprobe(switch_one, NULL);      /* a sub-probe: its manager, once or more */
	local_irq_restore(flags);
}

bool kprobes_optimization_enabled(void)
{
	return optimization_on;
}

unsigned nr_optimized_kprobes(void)
{
	return nr_active;
}

unsigned nr_pending_optprobes(void)
{
	return nr_pending;
}

bool kprobe_optimized(const struct kprobe *p)
{
	struct kprobe *ap = p ? get_kprobe(p->addr) : NULL;

	return ap && ap->op && ap->op->buf && kprobe_is_or_holds(ap, p);
}

const char *kprobe_opt_refusal(const struct kprobe *p)
{
	struct kprobe *ap = p ? get_kprobe(p->addr) : NULL;

	return ap && kprobe_is_or_holds(ap, p) ? ap->opt_refusal : NULL;
}

/* kprobe_recover_text's part: the original bytes of every jmp in [start, start + len). */
void optprobe_recover_text(unsigned long start, u8 *buf, size_t len)
{
	for (unsigned long a = start - (OPTPROBE_MAX_REGION - 1); a < start + len; a++) {
		struct kprobe *q = get_kprobe((void *)a);

		if (!q || !q->op || !q->op->buf)
			continue;
		for (unsigned i = 0; i < OPTPROBE_JMP_SIZE; i++)
			if (a + i >= start && a + i < start + len)
				buf[a + i - start] = q->op->orig[i];
	}
}

struct optimized_kprobe *__kprobes optprobe_by_buffer(unsigned long addr, bool *live)
{
	if (!is_kprobe_optinsn_slot(addr))
		return NULL;
	for (int list = 0; list < 2; list++)
		for (struct optimized_kprobe *op = list ? retired : active; op; op = op->next)
			if (addr - (unsigned long)op->buf < OPTPROBE_BUF_SIZE) {
				*live = !list;
				return op;
			}
	return NULL;
}

void optprobe_init(void)
{
	char val[4];

	if (cmdline_get("kprobes_optimization", val, sizeof(val)))
		optimization_on = val[0] != '0';
}
