// SPDX-License-Identifier: MIT
/*
 * The page-frame allocator: one bit per 4 KiB frame of physical memory, set = in use.
 * Everything starts in use; page_alloc_init() frees only frames inside usable regions of
 * the multiboot map, above 1 MiB (BIOS and loader data live below), and outside the
 * kernel image. So a reserved frame can never be handed out: it was never free.
 */
#include "mm.h"
#include "irqflags.h"
#include "kernel.h"
#include "multiboot.h"
#include "stacktrace.h"
#include "string.h"

#define NR_FRAMES  (MAX_PHYS_MEM / PAGE_SIZE)
#define LOW_LIMIT  0x100000UL

static u32 frame_bitmap[NR_FRAMES / 32];
static unsigned long free_frames, next_hint;

static bool frame_used(unsigned long n)  { return frame_bitmap[n / 32] & (1u << (n % 32)); }
static void mark_used(unsigned long n)   { frame_bitmap[n / 32] |= 1u << (n % 32); }
static void mark_free(unsigned long n)   { frame_bitmap[n / 32] &= ~(1u << (n % 32)); }

bool page_is_allocatable(unsigned long pa)
{
	unsigned long kstart = (unsigned long)__kernel_start;
	unsigned long kend = ALIGN_UP((unsigned long)__kernel_end, PAGE_SIZE);

	if (pa & ~PAGE_MASK || pa < LOW_LIMIT || pa >= MAX_PHYS_MEM)
		return false;
	if (pa + PAGE_SIZE > kstart && pa < kend)
		return false;
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		if (r->type == MB_MEM_AVAILABLE && pa >= r->addr &&
		    pa + PAGE_SIZE <= r->addr + r->len)
			return true;
	}
	return false;
}

void page_alloc_init(void)
{
	memset(frame_bitmap, 0xff, sizeof(frame_bitmap));
	free_frames = 0;
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		if (r->type != MB_MEM_AVAILABLE)
			continue;
		/* Whole frames only: round the start up and the end down. */
		u64 start = ALIGN_UP(r->addr, (u64)PAGE_SIZE);
		u64 end = ALIGN_DOWN(r->addr + r->len, (u64)PAGE_SIZE);
		for (u64 pa = start; pa < end && pa < MAX_PHYS_MEM; pa += PAGE_SIZE) {
			if (page_is_allocatable((unsigned long)pa) && frame_used(pa / PAGE_SIZE)) {
				mark_free(pa / PAGE_SIZE);
				free_frames++;
			}
		}
	}
	next_hint = LOW_LIMIT / PAGE_SIZE;
	printk("mm: %lu free frames (%lu KiB)\n", free_frames, free_frames * 4);
}

unsigned long alloc_page(void)
{
	unsigned long flags, pa = 0;

	local_irq_save(flags);
	for (unsigned long i = 0; i < NR_FRAMES && free_frames; i++) {
		unsigned long n = (next_hint + i) % NR_FRAMES;
		if (!frame_used(n)) {
			mark_used(n);
			free_frames--;
			next_hint = n + 1;
			pa = n * PAGE_SIZE;
			break;
		}
	}
	local_irq_restore(flags);
	if (pa)
		memset((void *)pa, 0, PAGE_SIZE);   /* RAM is identity-mapped */
	return pa;
}

void free_page(unsigned long pa)
{
	unsigned long flags;

	BUG_ON(!page_is_allocatable(pa));
	local_irq_save(flags);
	BUG_ON(!frame_used(pa / PAGE_SIZE));   /* double free */
	mark_free(pa / PAGE_SIZE);
	free_frames++;
	local_irq_restore(flags);
}

unsigned long nr_free_pages(void)
{
	return READ_ONCE(free_frames);
}
