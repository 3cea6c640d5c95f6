// SPDX-License-Identifier: MIT
/*
 * text_poke writes through a writable alias of the text page and then reads the bytes
 * back through the real, read-only mapping: if the alias had hit another frame, the probe
 * would be "armed" in memory nobody executes. Making the alias miss takes a page whose
 * page table entry and TLB disagree about the frame; here a page of test-only text is
 * remapped to a physical address with no RAM behind it, where writes are dropped, so the
 * read-back sees bytes that are not the ones written and text_poke must say -EIO.
 */
#include "errno.h"
#include "irqflags.h"
#include "ktest.h"
#include "mm.h"
#include "text_poke.h"

/* A whole page of kernel text that never runs: int3s, so a stray jump into it traps. */
__asm__(".pushsection .text\n"
	".balign 4096\n"
	".globl tpa_victim_page\n"
	"tpa_victim_page:\n"
	"	.fill 4096, 1, 0xcc\n"
	".popsection\n");
extern u8 tpa_victim_page[];

/* Above the RAM QEMU gives the kernel and below the PCI devices: unassigned, writes dropped. */
#define TPA_NO_RAM 0x40000000UL

static void readback_catches_an_alias_that_missed(struct ktest *t)
{
	unsigned long va = (unsigned long)tpa_victim_page, flags, pte, seen;
	static const u8 nop = 0x90;
	int remap, ret, restore;

	local_irq_save(flags);
	pte = lookup_pte(va);
	unmap_page(va);
	remap = map_page(va, TPA_NO_RAM, pte & PTE_WRITE);
	seen = *(volatile u8 *)va;                 /* whatever no RAM reads as */
	ret = remap ? remap : text_poke(tpa_victim_page, &nop, 1);
	unmap_page(va);
	restore = map_page(va, pte & PAGE_MASK, pte & 0xfff);
	local_irq_restore(flags);
	KASSERT_EQ(t, restore, 0);
	KASSERT_EQ(t, remap, 0);
	KEXPECT_NE(t, seen, (unsigned long)nop);
	KEXPECT_EQ(t, ret, -EIO);
	KEXPECT_EQ(t, lookup_pte(va), pte);
	KEXPECT_EQ(t, tpa_victim_page[0], 0xcc);   /* the real frame was never written */
	/* And with the mapping back, the same poke works (and is put back). */
	static const u8 int3 = 0xcc;
	KEXPECT_EQ(t, text_poke(tpa_victim_page, &nop, 1), 0);
	KEXPECT_EQ(t, tpa_victim_page[0], nop);
	KEXPECT_EQ(t, text_poke(tpa_victim_page, &int3, 1), 0);
}

static const struct ktest_case mm_text_poke_cases[] = {
	KTEST_CASE(readback_catches_an_alias_that_missed),
	KTEST_END,
};
KTEST_SUITE(mm_text_poke_suite, "mm_text_poke", mm_text_poke_cases);
