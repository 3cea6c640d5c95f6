// SPDX-License-Identifier: MIT
/*
 * The instruction slots (kernel/kprobe_insn_slots.c): pages taken on demand and given
 * back with their last slot, every frame with them; every byte of a free slot int3 (a
 * stray jump into one traps at once, where nops would slide into the next slot's copy and
 * its jmp home); the pages read-only however they are reached, kernel text while they
 * are allocated and not a byte longer; named by sprint_symbol; a slot's owner found from
 * the slot. The -ENOMEM refusal is kprobe_register.slot_exhaustion_changes_nothing.
 */
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "ktest.h"
#include "mm.h"
#include "optprobes.h"
#include "sprintf.h"
#include "stacktrace.h"
#include "string.h"
#include "text_poke.h"
#include "trap_hook.h"
#include "trapnr.h"
#include "user_probes.h"

/* More one-byte instructions than three pages have slots, then a ret nobody runs. */
#define SLOT_FILLER_LEN (3 * KPROBE_INSN_SLOTS_PER_PAGE + 8)
void kslot_filler(void);
__asm__(".pushsection .text\n"
	".globl kslot_filler\n"
	".type kslot_filler, @function\n"
	"kslot_filler:\n"
	".rept " STRINGIFY(SLOT_FILLER_LEN) "\n"
	"	nop\n"
	".endr\n"
	"	ret\n"
	".size kslot_filler, . - kslot_filler\n"
	".popsection\n");

static struct kprobe kps[SLOT_FILLER_LEN + 1];

static int slot_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	return 0;
}

/* Registers probes on the first n bytes of the filler (the last one on its ret if n is
 * SLOT_FILLER_LEN + 1). Skips the case if the user has probes there. */
static void probe_filler(struct ktest *t, unsigned n)
{
	unsigned long base = (unsigned long)kslot_filler;
	struct kprobe *user = kprobe_in_range(base, base + SLOT_FILLER_LEN + 1);

	if (user)
		skip_if_probed(t, user->addr);
	for (unsigned i = 0; i < n; i++) {
		kps[i] = (struct kprobe){ .addr = (kprobe_opcode_t *)(base + i),
					  .pre_handler = slot_pre };
		KASSERT_EQ(t, register_kprobe(&kps[i]), 0);
	}
}

static void unprobe_filler(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		unregister_kprobe(&kps[i]);
}

/* Calls check(t, va) for every allocated slot page; returns how many there are. */
static unsigned for_each_slot_page(struct ktest *t, void (*check)(struct ktest *, unsigned long))
{
	unsigned n = 0;

	for (unsigned long va = EXEC_AREA; va < EXEC_AREA + EXEC_AREA_PAGES * PAGE_SIZE;
	     va += PAGE_SIZE)
		if (is_kprobe_insn_slot(va)) {
			n++;
			if (check)
				check(t, va);
		}
	return n;
}

static void many_probes_take_pages_and_give_every_frame_back(struct ktest *t)
{
	unsigned long frames = nr_free_pages();
	unsigned pages = kprobe_insn_pages(), used = kprobe_insn_slots_used();

	probe_filler(t, SLOT_FILLER_LEN);
	unsigned more = kprobe_insn_pages() - pages;
	ktest_info(t, "%u probes: %u slot pages more, %lu frames taken", SLOT_FILLER_LEN, more,
		   frames - nr_free_pages());
	KEXPECT_EQ(t, kprobe_insn_slots_used(), used + SLOT_FILLER_LEN);
	/* At least the pages the new slots need, and no page with a free slot left behind
	 * while another was taken. */
	KEXPECT_GE(t, pages * KPROBE_INSN_SLOTS_PER_PAGE + more * KPROBE_INSN_SLOTS_PER_PAGE,
		   used + SLOT_FILLER_LEN);
	KEXPECT_LT(t, (pages + more - 1) * KPROBE_INSN_SLOTS_PER_PAGE, used + SLOT_FILLER_LEN);
	KEXPECT_GE(t, more, 3);
	KEXPECT_EQ(t, for_each_slot_page(t, NULL), pages + more);
	/* The other pages of EXEC_AREA are detour buffers' (include/optprobes.h): a user's
	 * optimized probes', or buffers retired when this int3-only suite turned
	 * optimization off, freed by the tick once no stack holds their addresses -- so
	 * counted at the same moment, with interrupts off. */
	unsigned long flags;
	local_irq_save(flags);
	unsigned exec_pages = execmem_nr_pages(), opt_pages = 0;
	for (unsigned long va = EXEC_AREA; va < EXEC_AREA + EXEC_AREA_PAGES * PAGE_SIZE;
	     va += PAGE_SIZE)
		opt_pages += is_kprobe_optinsn_slot(va);
	local_irq_restore(flags);
	KEXPECT_EQ(t, exec_pages, pages + more + opt_pages);
	KEXPECT_LE(t, nr_free_pages(), frames - more);
	unprobe_filler(SLOT_FILLER_LEN);
	KEXPECT_EQ(t, kprobe_insn_pages(), pages);
	KEXPECT_EQ(t, kprobe_insn_slots_used(), used);
	KEXPECT_EQ(t, for_each_slot_page(t, NULL), pages);
	KEXPECT_EQ(t, nr_free_pages(), frames);
}

static unsigned stale_bytes;

static void count_stale_free_slots(struct ktest *t, unsigned long va)
{
	(void)t;
	for (unsigned s = 0; s < KPROBE_INSN_SLOTS_PER_PAGE; s++) {
		const kprobe_opcode_t *slot = (const kprobe_opcode_t *)va + s * KPROBE_SLOT_SIZE;
		if (kprobe_by_slot((unsigned long)slot))
			continue;
		for (unsigned j = 0; j < KPROBE_SLOT_SIZE; j++)
			stale_bytes += slot[j] != BREAKPOINT_INSTRUCTION;
	}
}

/* Every free slot of every page is all int3: those never used (a page is filled as it is
 * taken) and those freed (a slot is refilled as it is freed). */
static void free_slots_hold_int3s(struct ktest *t)
{
	unsigned long flags;

	probe_filler(t, KPROBE_INSN_SLOTS_PER_PAGE + 4);
	/* Every other one back: freed slots between used ones, in two pages. */
	for (unsigned i = 0; i < KPROBE_INSN_SLOTS_PER_PAGE + 4; i += 2)
		unregister_kprobe(&kps[i]);
	stale_bytes = 0;
	local_irq_save(flags);           /* no registration can change the slots meanwhile */
	unsigned pages = for_each_slot_page(t, count_stale_free_slots);
	local_irq_restore(flags);
	for (unsigned i = 1; i < KPROBE_INSN_SLOTS_PER_PAGE + 4; i += 2)
		unregister_kprobe(&kps[i]);
	KEXPECT_GE(t, pages, 2);
	KEXPECT_EQ(t, stale_bytes, 0);
}

static const u8 store_edx_to_eax[] = { 0x89, 0x10 };   /* mov %edx, (%eax) */

/* A write to a slot faults, through its mapping and through its frame's identity alias;
 * the slot is unchanged and the probe still works. */
static void slot_pages_are_read_only(struct ktest *t)
{
	probe_filler(t, 1);
	unsigned long slot = (unsigned long)kps[0].ainsn.insn;
	unsigned long pa = lookup_pte(slot) & PAGE_MASK;
	unsigned long targets[2] = { slot, pa + (slot & ~PAGE_MASK) };
	u8 before = *(volatile u8 *)slot;

	KEXPECT_TRUE(t, page_mapped(slot));
	KEXPECT_FALSE(t, lookup_pte(slot) & PTE_WRITE);
	for (unsigned i = 0; i < 2; i++) {
		trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, store_edx_to_eax,
			      sizeof(store_edx_to_eax));
		__asm__ volatile(".byte 0x89, 0x10" : : "a"(targets[i]), "d"(0xcccccccc)
				 : "memory");
		trap_hook_disarm();
		KEXPECT_EQ(t, trap_hook.hits, 1);
		KEXPECT_EQ(t, trap_hook.addr, targets[i]);
		KEXPECT_EQ(t, trap_hook.err, 0x3);   /* present page, write, supervisor */
	}
	KEXPECT_EQ(t, *(volatile u8 *)slot, before);
	unprobe_filler(1);
	/* Its page gone (the only slot of it, unless others hold it), the alias is RAM's
	 * writable mapping again. */
	if (!is_kprobe_insn_slot(slot))
		KEXPECT_TRUE(t, lookup_pte(pa) & PTE_WRITE);
}

/* Allocated, a slot page is text (text_poke, backtraces and the decoder accept it) and
 * has a name; freed, it is neither, and not mapped. */
static void slot_page_is_text_until_freed(struct ktest *t)
{
	char sym[KSYM_NAME_LEN + 32];

	probe_filler(t, 1);
	unsigned long slot = (unsigned long)kps[0].ainsn.insn;
	KEXPECT_TRUE(t, kernel_text_address(slot));
	KEXPECT_TRUE(t, kernel_text_address(slot | (PAGE_SIZE - 1)));
	KEXPECT_TRUE(t, is_kprobe_insn_slot(slot));
	/* The blacklist holds slots: a probe on one is refused, nothing changes. */
	struct kprobe on_slot = { .addr = (kprobe_opcode_t *)slot, .pre_handler = slot_pre };
	KEXPECT_EQ(t, register_kprobe(&on_slot), -EPERM);
	sprint_symbol(sym, sizeof(sym), slot + 0x4);
	char want[KSYM_NAME_LEN + 32];
	snprintf(want, sizeof(want), "kprobe_insn_page+0x%lx/0x1000", (slot & ~PAGE_MASK) + 4);
	KEXPECT_STREQ(t, sym, want);
	unprobe_filler(1);
	if (kprobe_insn_slots_used()) {
		ktest_info(t, "other probes keep %u slot pages", kprobe_insn_pages());
		return;
	}
	KEXPECT_FALSE(t, kernel_text_address(slot));
	KEXPECT_FALSE(t, is_kprobe_insn_slot(slot));
	KEXPECT_FALSE(t, page_mapped(slot));
	KEXPECT_EQ(t, text_poke((void *)slot, "\xcc", 1), -EFAULT);
	sprint_symbol(sym, sizeof(sym), slot);
	snprintf(want, sizeof(want), "%08lx", slot);
	KEXPECT_STREQ(t, sym, want);
}

/* kprobe_by_slot: the owner of a boosted slot (read off its jmp home) and of a stepped
 * one (a ret), from any byte of the slot; NULL outside slots and for a free slot. */
static void kprobe_by_slot_finds_the_owner(struct ktest *t)
{
	probe_filler(t, SLOT_FILLER_LEN + 1);            /* the last one on the ret */
	struct kprobe *boosted = &kps[5], *stepped = &kps[SLOT_FILLER_LEN];
	unsigned long bs = (unsigned long)boosted->ainsn.insn;
	unsigned long ss = (unsigned long)stepped->ainsn.insn;

	KEXPECT_TRUE(t, boosted->ainsn.boostable);
	KEXPECT_FALSE(t, stepped->ainsn.boostable);
	KEXPECT_TRUE(t, kprobe_by_slot(bs) == boosted);
	KEXPECT_TRUE(t, kprobe_by_slot(bs + KPROBE_BOOST_IF_ON + 1) == boosted);
	KEXPECT_TRUE(t, kprobe_by_slot(bs + KPROBE_SLOT_SIZE - 1) == boosted);
	KEXPECT_TRUE(t, kprobe_by_slot(ss) == stepped);
	KEXPECT_TRUE(t, kprobe_by_slot((unsigned long)kslot_filler) == NULL);
	KEXPECT_TRUE(t, kprobe_by_slot(EXEC_AREA - 1) == NULL);
	unsigned long freed = (unsigned long)kps[7].ainsn.insn;
	unregister_kprobe(&kps[7]);
	KEXPECT_TRUE(t, kprobe_by_slot(freed) == NULL);   /* a free slot has no owner */
	unprobe_filler(7);
	for (unsigned i = 8; i <= SLOT_FILLER_LEN; i++)
		unregister_kprobe(&kps[i]);
	KEXPECT_TRUE(t, kprobe_by_slot(bs) == NULL);
}

static const struct ktest_case kprobes_slots_cases[] = {
	KTEST_CASE(many_probes_take_pages_and_give_every_frame_back),
	KTEST_CASE(free_slots_hold_int3s),
	KTEST_CASE(slot_pages_are_read_only),
	KTEST_CASE(slot_page_is_text_until_freed),
	KTEST_CASE(kprobe_by_slot_finds_the_owner),
	KTEST_END,
};
KTEST_SUITE(kprobes_slots_suite, "kprobes_slots", kprobes_slots_cases,
	    .int3_only = true);
