// SPDX-License-Identifier: MIT
/*
 * The instruction slots kprobes runs the probed instructions from (include/kprobes.h has
 * a slot's layout), allocated from pages on demand, as Linux does since 2.6.16 (its
 * kprobe_insn_page). No fixed cap: a page of KPROBE_INSN_SLOTS_PER_PAGE slots is taken
 * when no slot is free, and given back the moment its last slot is freed.
 *
 * The pages come from the core (mm/execmem.c): mapped in EXEC_AREA of their own, read-only
 * and executable, their frames' identity aliases read-only too. This file fills a page
 * with int3 as it gets it and refills a slot with int3 as it is freed, so a stray jump
 * into a free slot traps at once rather than sliding into a stale copy and its jmp home.
 * Every byte is written through text_poke; nothing else can write these pages. Being
 * kernel text (kernel_text_address) they can be poked, decoded and backtraced through, and
 * sprint_symbol names them kprobe_insn_page+0xOFF; freed, they are not text any more.
 *
 * Why a slot, and its page, can be freed at once, with no wait for a thread that might
 * still be running in it (Linux waits for an RCU grace period, and a while longer for a
 * preempted task): no thread is ever preempted, or even interrupted, inside a slot here.
 * A single-stepped copy runs with IF clear (prepare_singlestep, kernel/kprobes.c) and
 * traps straight back to the debug handler; a boosted copy runs with IF clear too, and the
 * +16 variant's sti enables interrupts only in the shadow of the jmp home (can_boost,
 * kernel/kprobe_register.c). So when unregister_kprobe runs, with interrupts off on this
 * one CPU, the only hit that can be in flight is the one whose handler called it, and that
 * call is refused. A fault in a copy leaves the slot before anything else runs
 * (kprobe_fixup_slot_trap moves eip back to the probed code).
 *
 * The same page management serves a second cache: the detour buffers of jump-optimized
 * probes (OPTPROBE_BUF_SIZE each, pages named kprobe_optinsn_page; kernel/optprobe.c). What
 * is said above of freeing does not hold for them -- their copied instructions run with
 * the probed code's IF, so a thread can be preempted there -- and kernel/optprobe.c frees a
 * buffer only when no stack refers to it any more.
 *
 * Every question "is this address in a slot" is answered here in O(1): the core's per-page
 * table names the page's owner (this file) and gives its struct kprobe_insn_page back.
 * Slots are taken and freed with interrupts off (the registration recipe's steps 5 and
 * its undoing, kernel/kprobe_register.c), so the lists need no other lock.
 */
#include "kprobes.h"
#include "kprobes_internal.h"
#include "optprobes.h"
#include "kernel.h"
#include "mm.h"
#include "slab.h"
#include "text_poke.h"

/*
 * A cache of slots of one size in pages of their own (Linux's struct kprobe_insn_cache):
 * the probes' 32-byte instruction slots, and the optimized probes' detour buffers
 * (kernel/optprobe.c). The name tells its pages apart (sprint_symbol, execmem_page_data).
 */
struct kprobe_insn_cache {
	const char *name;
	unsigned slot_size;                     /* divides PAGE_SIZE */
	struct kprobe_insn_page *pages;         /* pages with a free slot first, roughly */
	unsigned nr_pages, nr_used;
};

#define MAX_SLOTS_PER_PAGE KPROBE_INSN_SLOTS_PER_PAGE   /* the smallest slot's count */

/* One page of slots (Linux's struct kprobe_insn_page). */
struct kprobe_insn_page {
	struct kprobe_insn_page *next;
	kprobe_opcode_t *insns;                 /* the page, in EXEC_AREA */
	unsigned nused;
	u32 used[MAX_SLOTS_PER_PAGE / 32];
};

static struct kprobe_insn_cache kprobe_insn_slots = {
	.name = "kprobe_insn_page", .slot_size = KPROBE_SLOT_SIZE,
};
static struct kprobe_insn_cache kprobe_optinsn_slots = {
	.name = "kprobe_optinsn_page", .slot_size = OPTPROBE_BUF_SIZE,
};

bool kprobe_insn_page_fail;

static unsigned slots_per_page(const struct kprobe_insn_cache *c)
{
	return PAGE_SIZE / c->slot_size;
}

/* The page of c holding addr (in any of its slots), or NULL. O(1). */
static struct kprobe_insn_page *__kprobes page_of(const struct kprobe_insn_cache *c,
						  unsigned long addr)
{
	return execmem_page_data(addr, c->name);
}

/* Fills [slot, slot + len) with int3 through text_poke (len a multiple of 32). */
static void fill_int3(kprobe_opcode_t *slot, unsigned len)
{
	static const kprobe_opcode_t int3s[KPROBE_SLOT_SIZE] = {
		[0 ... KPROBE_SLOT_SIZE - 1] = BREAKPOINT_INSTRUCTION
	};

	for (unsigned off = 0; off < len; off += KPROBE_SLOT_SIZE)
		BUG_ON(text_poke(slot + off, int3s, KPROBE_SLOT_SIZE));
}

/* A new page of free slots, every byte int3, first in c's list; NULL without memory. */
static struct kprobe_insn_page *new_insn_page(struct kprobe_insn_cache *c)
{
	struct kprobe_insn_page *pg;
	unsigned long va;

	if (kprobe_insn_page_fail)
		return NULL;
	pg = kzalloc(sizeof(*pg));
	if (!pg)
		return NULL;
	va = execmem_alloc_page(c->name, pg);
	if (!va) {
		kfree(pg);
		return NULL;
	}
	pg->insns = (kprobe_opcode_t *)va;
	fill_int3(pg->insns, PAGE_SIZE);
	pg->next = c->pages;
	c->pages = pg;
	c->nr_pages++;
	return pg;
}

/* Unmaps an empty page and gives its frame and its struct back. */
static void free_insn_page(struct kprobe_insn_cache *c, struct kprobe_insn_page *pg)
{
	struct kprobe_insn_page **pp = &c->pages;

	while (*pp != pg)
		pp = &(*pp)->next;
	*pp = pg->next;
	c->nr_pages--;
	execmem_free_page((unsigned long)pg->insns);
	kfree(pg);
}

static kprobe_opcode_t *__get_insn_slot(struct kprobe_insn_cache *c)
{
	struct kprobe_insn_page *pg;

	for (pg = c->pages; pg; pg = pg->next)
		if (pg->nused < slots_per_page(c))
			break;
	if (!pg)
		pg = new_insn_page(c);
	if (!pg)
		return NULL;
	for (unsigned i = 0; i < slots_per_page(c); i++)
		if (!(pg->used[i / 32] & (1u << (i % 32)))) {
			pg->used[i / 32] |= 1u << (i % 32);
			pg->nused++;
			c->nr_used++;
			return pg->insns + i * c->slot_size;
		}
	BUG();
}

static void __free_insn_slot(struct kprobe_insn_cache *c, kprobe_opcode_t *slot)
{
	struct kprobe_insn_page *pg = page_of(c, (unsigned long)slot);
	unsigned i;

	BUG_ON(!pg);
	i = (unsigned)(slot - pg->insns) / c->slot_size;
	BUG_ON(slot != pg->insns + i * c->slot_size ||
	       !(pg->used[i / 32] & (1u << (i % 32))));
	/* int3 again even if the page goes now: nothing may run a stale copy meanwhile. */
	fill_int3(slot, c->slot_size);
	pg->used[i / 32] &= ~(1u << (i % 32));
	c->nr_used--;
	if (!--pg->nused)
		free_insn_page(c, pg);
}

kprobe_opcode_t *get_insn_slot(void)
{
	return __get_insn_slot(&kprobe_insn_slots);
}

void free_insn_slot(kprobe_opcode_t *slot)
{
	__free_insn_slot(&kprobe_insn_slots, slot);
}

kprobe_opcode_t *get_optinsn_slot(void)
{
	return __get_insn_slot(&kprobe_optinsn_slots);
}

void free_optinsn_slot(kprobe_opcode_t *slot)
{
	__free_insn_slot(&kprobe_optinsn_slots, slot);
}

bool __kprobes is_kprobe_optinsn_slot(unsigned long addr)
{
	return page_of(&kprobe_optinsn_slots, addr) != NULL;
}

unsigned kprobe_optinsn_slots_used(void)
{
	return kprobe_optinsn_slots.nr_used;
}

bool __kprobes is_kprobe_insn_slot(unsigned long addr)
{
	return page_of(&kprobe_insn_slots, addr) != NULL;
}

/* The probe at addr if it is the one that owns slot. */
static struct kprobe *__kprobes owning(unsigned long addr, const kprobe_opcode_t *slot)
{
	struct kprobe *p = get_kprobe((void *)addr);
	return p && p->ainsn.insn == slot ? p : NULL;
}

/*
 * The owner of a boosted slot, read off the slot itself: the copy at +0 is followed by its
 * jmp home, and the +16 variant repeats the copy with sti and a jmp of its own (the layout
 * in include/kprobes.h), so the length L that fits both gives the next instruction, and
 * the probed address is L before it: one hash lookup.
 */
static struct kprobe *__kprobes boosted_owner(const kprobe_opcode_t *s)
{
	for (unsigned len = 1; len <= KPROBE_BOOST_MAX_LEN; len++) {
		const kprobe_opcode_t *v = s + KPROBE_BOOST_IF_ON;
		bool same = s[len] == 0xe9 && v[len] == 0xfb && v[len + 1] == 0xe9;
		u32 rel = 0;

		for (unsigned i = 0; same && i < len; i++)
			same = s[i] == v[i];
		if (!same)
			continue;
		for (unsigned i = 0; i < 4; i++)
			rel |= (u32)s[len + 1 + i] << (8 * i);
		struct kprobe *p = owning((unsigned long)s + len + 5 + rel - len, s);
		if (p)
			return p;
	}
	return NULL;
}

struct kprobe_owner_search {
	const kprobe_opcode_t *slot;
	struct kprobe *found;
};

static void match_slot(struct kprobe *p, void *data)
{
	struct kprobe_owner_search *s = data;
	if (p->ainsn.insn == s->slot && !s->found)
		s->found = p;
}

/*
 * The probe whose slot holds addr. Outside every slot, or in a free one: NULL, in O(1).
 * Otherwise, without a walk of the table in the cases a trap asks about: the probe being
 * handled (a stepped copy faulted), or a boosted slot's owner read off its jmp home (a
 * boosted copy faulted, no hit in progress: kernel/kprobe_fault.c). Only a stepped slot
 * asked about from outside a hit (a self-test) takes a pass over the registered probes.
 * A slot taken but not yet published (mid-registration) has no owner: NULL.
 */
struct kprobe *__kprobes kprobe_by_slot(unsigned long addr)
{
	struct kprobe_insn_page *pg = page_of(&kprobe_insn_slots, addr);
	struct kprobe *cur = current_kprobe;
	const kprobe_opcode_t *slot;
	unsigned i;

	if (!pg)
		return NULL;
	i = (unsigned)(addr - (unsigned long)pg->insns) / KPROBE_SLOT_SIZE;
	if (!(pg->used[i / 32] & (1u << (i % 32))))
		return NULL;
	slot = pg->insns + i * KPROBE_SLOT_SIZE;
	if (cur && cur->ainsn.insn == slot)
		return cur;
	struct kprobe *p = boosted_owner(slot);
	if (p)
		return p;
	struct kprobe_owner_search s = { slot, NULL };
	for_each_kprobe(match_slot, &s);
	return s.found;
}

unsigned kprobe_insn_pages(void)
{
	return kprobe_insn_slots.nr_pages;
}

unsigned kprobe_insn_slots_used(void)
{
	return kprobe_insn_slots.nr_used;
}
