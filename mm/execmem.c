// SPDX-License-Identifier: MIT
/*
 * Executable pages made at run time (include/mm.h), in an area of their own: EXEC_AREA,
 * beside the thread stacks, as Linux keeps module and kprobe code in its module area
 * (execmem since 6.10). The core owns the area; a higher layer asks for pages and fills
 * them (the probes' instruction slots: kernel/kprobe_insn_slots.c).
 *
 * A page is mapped read-only (CR0.WP holds ring 0 to it too) and its frame's identity
 * alias is made read-only as well, so the code can change only through text_poke's
 * temporary writable alias. Freed, the page is unmapped, the alias writable again and the
 * frame back with the allocator: an address in a freed page is not text any more.
 *
 * The per-page tables make every question about an address O(1): is it text, whose page
 * is it, what is it called. Every function here may run inside a probe hit or an oops
 * (kernel_text_address, sprint_symbol), so all are __kprobes.
 */
#include "mm.h"
#include "irqflags.h"
#include "kernel.h"

static const char *page_name[EXEC_AREA_PAGES];   /* non-NULL: the page is allocated */
static void *page_data[EXEC_AREA_PAGES];
static unsigned nr_pages;

/* The index in EXEC_AREA of addr's page, or EXEC_AREA_PAGES if addr is outside it. */
static inline unsigned __kprobes page_index(unsigned long addr)
{
	unsigned long i = (addr - EXEC_AREA) / PAGE_SIZE;   /* below EXEC_AREA wraps: big */
	return i < EXEC_AREA_PAGES ? (unsigned)i : EXEC_AREA_PAGES;
}

unsigned long execmem_alloc_page(const char *name, void *data)
{
	unsigned long flags, va = 0, pa;
	unsigned i;

	BUG_ON(!name);
	pa = alloc_page();
	if (!pa)
		return 0;
	local_irq_save(flags);
	for (i = 0; i < EXEC_AREA_PAGES && page_name[i]; i++)
		;
	if (i < EXEC_AREA_PAGES && !map_page(EXEC_AREA + i * PAGE_SIZE, pa, 0)) {
		va = EXEC_AREA + i * PAGE_SIZE;
		/* The identity alias is RAM's read/write mapping: without this, a stray
		 * write through it would change the code all the same. */
		BUG_ON(set_page_flags(pa, 0));
		page_name[i] = name;
		page_data[i] = data;
		nr_pages++;
	}
	local_irq_restore(flags);
	if (!va)
		free_page(pa);
	return va;
}

void execmem_free_page(unsigned long va)
{
	unsigned i = page_index(va);
	unsigned long flags, pa;

	BUG_ON(i == EXEC_AREA_PAGES || !page_name[i] || (va & ~PAGE_MASK));
	local_irq_save(flags);
	pa = lookup_pte(va) & PAGE_MASK;
	page_name[i] = NULL;               /* not text from here on */
	page_data[i] = NULL;
	nr_pages--;
	unmap_page(va);
	BUG_ON(set_page_flags(pa, PTE_WRITE));
	local_irq_restore(flags);
	free_page(pa);
}

bool __kprobes execmem_text_address(unsigned long addr)
{
	unsigned i = page_index(addr);
	return i < EXEC_AREA_PAGES && page_name[i];
}

void *__kprobes execmem_page_data(unsigned long addr, const char *name)
{
	unsigned i = page_index(addr);
	return i < EXEC_AREA_PAGES && page_name[i] == name ? page_data[i] : NULL;
}

const char *__kprobes execmem_lookup(unsigned long addr, unsigned long *start,
				     unsigned long *size)
{
	unsigned i = page_index(addr);

	if (i == EXEC_AREA_PAGES || !page_name[i])
		return NULL;
	if (start)
		*start = addr & PAGE_MASK;
	if (size)
		*size = PAGE_SIZE;
	return page_name[i];
}

unsigned execmem_nr_pages(void)
{
	return nr_pages;
}

/* The area's bounds as absolute symbols, for tools that read the image (make bench
 * profiles the slots' instructions under one name). */
__asm__(".globl __execmem_start\n\t.set __execmem_start, " STRINGIFY(EXEC_AREA) "\n\t"
	".globl __execmem_end\n\t.set __execmem_end, " STRINGIFY(EXEC_AREA) " + "
	STRINGIFY(EXEC_AREA_PAGES) " * 4096\n");
