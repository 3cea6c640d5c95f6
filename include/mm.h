/* SPDX-License-Identifier: MIT */
/*
 * Physical page frames (mm/page_alloc.c) and page tables (mm/paging.c).
 *
 * Virtual memory map once paging is on (physical = virtual for all of RAM):
 *
 *   0x00000000  page 0            not mapped: NULL dereferences fault
 *   0x00001000  low memory        read/write (BIOS data, the multiboot info)
 *   0x00100000  kernel text+rodata  READ-ONLY (CR0.WP makes it hold in ring 0 too)
 *               kernel data, bss  read/write; the boot stack's guard pages unmapped
 *   ...         the rest of RAM   read/write, handed out by alloc_page()
 *   0xD0000000  thread stacks     STACK_AREA: one slot per thread, see kernel/sched.c
 *   0xE0000000  executable pages  EXEC_AREA: read-only code made at run time (the probes'
 *                                 instruction slots), see mm/execmem.c
 *   0xFF800000  text_poke window  a temporary writable alias of a text page
 */
#ifndef JUMPER_MM_H
#define JUMPER_MM_H

#include "thread_info.h"

#define MAX_PHYS_MEM   (1024UL << 20)      /* frames above 1 GiB are ignored */
#define STACK_AREA     0xD0000000UL
#define EXEC_AREA      0xE0000000         /* no UL: mm/execmem.c puts it in asm */
#define EXEC_AREA_PAGES 1024               /* 4 MiB: one page table */
#define POKE_WINDOW    0xFF800000UL

#define PTE_PRESENT    0x001
#define PTE_WRITE      0x002

/* ---- frames ---- */

/* Builds the free-frame map from the multiboot memory map; call once, before paging. */
void page_alloc_init(void);
/* Returns the physical address of a free 4 KiB frame (zeroed), or 0 if none is left. */
unsigned long alloc_page(void);
/* Returns a frame from alloc_page(); freeing a free frame is a BUG. */
void free_page(unsigned long pa);
unsigned long nr_free_pages(void);
/* True if pa is a frame alloc_page() may hand out (usable RAM, not the kernel image). */
bool page_is_allocatable(unsigned long pa);

/* ---- page tables ---- */

/* Builds the identity map described above, sets CR0.WP and turns paging on. */
void paging_init(void);
/* Maps one page. Returns 0, -EINVAL if va is already mapped, -ENOMEM without a frame
 * for a page table. */
int map_page(unsigned long va, unsigned long pa, unsigned flags);
/* Unmaps one page (no-op if not mapped) and flushes it from the TLB. */
void unmap_page(unsigned long va);
/* Changes the flags of a mapped page; -EINVAL if it is not mapped. */
int set_page_flags(unsigned long va, unsigned flags);
/* The page table entry of va, or 0 if its page table does not exist. */
unsigned long lookup_pte(unsigned long va);
static inline bool page_mapped(unsigned long va) { return lookup_pte(va) & PTE_PRESENT; }
/* Physical address of the page directory (for CR3 and the double-fault TSS). */
unsigned long page_directory_phys(void);

/* ---- executable pages made at run time (mm/execmem.c; Linux: execmem, module_alloc) ---- */

/*
 * Maps a fresh frame at a free page of EXEC_AREA, read-only and executable (its identity
 * alias made read-only too), and returns the page's address; 0 if no frame, no page table
 * or no page of the area is left (nothing taken then). The page holds zeroes: its owner
 * fills it through text_poke. name is what sprint_symbol calls the page (name+0xoff),
 * data the owner's own pointer for it (execmem_page_data). Interrupts may be on or off.
 */
unsigned long execmem_alloc_page(const char *name, void *data);
/* Unmaps a page execmem_alloc_page returned and gives its frame back. */
void execmem_free_page(unsigned long va);
/* True if addr lies in a page of EXEC_AREA that is allocated (and so mapped). O(1). */
bool execmem_text_address(unsigned long addr);
/* The data pointer of the allocated page holding addr, if that page is called name
 * (the same pointer execmem_alloc_page got); else NULL. O(1). */
void *execmem_page_data(unsigned long addr, const char *name);
/* The name of the allocated page holding addr, its start in *start and PAGE_SIZE in
 * *size (either may be NULL); NULL if addr is in no allocated page. For kallsyms. */
const char *execmem_lookup(unsigned long addr, unsigned long *start, unsigned long *size);
/* How many pages of EXEC_AREA are allocated. */
unsigned execmem_nr_pages(void);

static inline void flush_tlb_one(unsigned long va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

#endif
