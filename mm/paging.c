// SPDX-License-Identifier: MIT
/*
 * Two-level i386 paging with 4 KiB pages (no PSE, so every page has its own entry and
 * its own permissions). See include/mm.h for the resulting map.
 *
 * Page tables are allocated from the frame allocator. Physical memory is identity-mapped,
 * so a page table's physical address is also where the kernel reads and writes it.
 */
#include "mm.h"
#include "errno.h"
#include "irqflags.h"
#include "kernel.h"
#include "multiboot.h"
#include "processor.h"
#include "stacktrace.h"
#include "string.h"

#define PDE_INDEX(va) ((va) >> 22)
#define PTE_INDEX(va) (((va) >> 12) & 0x3ff)

static u32 page_directory[1024] __aligned(PAGE_SIZE);

extern char __kallsyms_start[], __kallsyms_end[];

unsigned long page_directory_phys(void)
{
	return (unsigned long)page_directory;
}

/* The page table covering va, allocated (and zeroed) if create and it is missing. */
static u32 *__kprobes page_table(unsigned long va, bool create)
{
	u32 *pde = &page_directory[PDE_INDEX(va)];

	if (!(*pde & PTE_PRESENT)) {
		if (!create)
			return NULL;
		unsigned long pt = alloc_page();
		if (!pt)
			return NULL;
		/* Directory entries are permissive; the page table entry decides. */
		*pde = (u32)pt | PTE_PRESENT | PTE_WRITE;
	}
	return (u32 *)(uintptr_t)(*pde & PAGE_MASK);
}

int __kprobes map_page(unsigned long va, unsigned long pa, unsigned flags)
{
	unsigned long irqf;
	int ret = 0;

	local_irq_save(irqf);
	u32 *pt = page_table(va, true);
	if (!pt)
		ret = -ENOMEM;
	else if (pt[PTE_INDEX(va)] & PTE_PRESENT)
		ret = -EINVAL;
	else
		pt[PTE_INDEX(va)] = (u32)(pa & PAGE_MASK) | (flags & 0xfff) | PTE_PRESENT;
	local_irq_restore(irqf);
	return ret;
}

void __kprobes unmap_page(unsigned long va)
{
	u32 *pt = page_table(va, false);

	if (pt) {
		pt[PTE_INDEX(va)] = 0;
		flush_tlb_one(va);
	}
}

int set_page_flags(unsigned long va, unsigned flags)
{
	u32 *pt = page_table(va, false);

	if (!pt || !(pt[PTE_INDEX(va)] & PTE_PRESENT))
		return -EINVAL;
	pt[PTE_INDEX(va)] = (pt[PTE_INDEX(va)] & PAGE_MASK) | (flags & 0xfff) | PTE_PRESENT;
	flush_tlb_one(va);
	return 0;
}

unsigned long __kprobes lookup_pte(unsigned long va)
{
	u32 *pt = page_table(va, false);
	return pt ? pt[PTE_INDEX(va)] : 0;
}

/* Highest end of usable RAM below MAX_PHYS_MEM: how far the identity map goes. */
static unsigned long ram_end(void)
{
	u64 end = 0;
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		if (r->type == MB_MEM_AVAILABLE && r->addr + r->len > end)
			end = r->addr + r->len;
	}
	return end > MAX_PHYS_MEM ? MAX_PHYS_MEM : (unsigned long)ALIGN_UP(end, PAGE_SIZE);
}

void paging_init(void)
{
	unsigned long ro_start = ALIGN_DOWN((unsigned long)__kernel_start, PAGE_SIZE);
	unsigned long ro_end = ALIGN_UP((unsigned long)__rodata_end, PAGE_SIZE);
	unsigned long end = ram_end();
	unsigned long ks_start = ALIGN_DOWN((unsigned long)__kallsyms_start, PAGE_SIZE);
	unsigned long ks_end = ALIGN_UP((unsigned long)__kallsyms_end, PAGE_SIZE);

	/* Page 0 stays unmapped: a NULL pointer dereference must fault. */
	for (unsigned long va = PAGE_SIZE; va < end; va += PAGE_SIZE) {
		bool ro = (va >= ro_start && va < ro_end) || (va >= ks_start && va < ks_end);
		if (map_page(va, va, ro ? 0 : PTE_WRITE))
			panic("paging: cannot map %08lx", va);
	}
	/* EXEC_AREA's one page table, and POKE_WINDOW's, now: pages mapped there later
	 * (mm/execmem.c, text_poke) never need a frame for one, so freeing every page gives
	 * every frame back, and the first text_poke cannot fail for want of a page table. */
	if (!page_table(EXEC_AREA, true) || !page_table(POKE_WINDOW, true))
		panic("paging: no page table for EXEC_AREA or POKE_WINDOW");
	/* The boot stack's guards: the page under its base and the page above its top. */
	unmap_page((unsigned long)boot_stack - PAGE_SIZE);
	unmap_page((unsigned long)boot_stack_top);

	__asm__ volatile("movl %0, %%cr3" : : "r"(page_directory_phys()) : "memory");
	/* WP: ring 0 obeys read-only pages too, or kernel text would stay writable. */
	unsigned long cr0 = read_cr0() | X86_CR0_WP | X86_CR0_PG;
	__asm__ volatile("movl %0, %%cr0" : : "r"(cr0) : "memory");
	printk("paging: identity map up to %08lx, kernel text %08lx-%08lx read-only\n", end,
	       ro_start, ro_end - 1);
}
