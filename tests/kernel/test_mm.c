// SPDX-License-Identifier: MIT
/*
 * Memory: the frame allocator, the page tables, read-only text, the NULL page and the
 * boot stack's guard pages. Faults are caught by tests/kernel/trap_hook.c and stepped over.
 */
#include "errno.h"
#include "ktest.h"
#include "mm.h"
#include "multiboot.h"
#include "processor.h"
#include "sched.h"
#include "stacktrace.h"
#include "string.h"
#include "trap_hook.h"
#include "trapnr.h"

#define TEST_FRAMES 4096

static unsigned long frames[TEST_FRAMES];
static u32 seen[MAX_PHYS_MEM / PAGE_SIZE / 32];

static void frames_unique_and_in_usable_ram(struct ktest *t)
{
	unsigned long before = nr_free_pages();
	unsigned n = 0, dups = 0, bad = 0;

	memset(seen, 0, sizeof(seen));
	for (; n < TEST_FRAMES; n++) {
		unsigned long pa = alloc_page();
		if (!pa)
			break;
		unsigned long f = pa / PAGE_SIZE;
		if (seen[f / 32] & (1u << (f % 32)))
			dups++;
		seen[f / 32] |= 1u << (f % 32);
		if (!page_is_allocatable(pa))
			bad++;
		frames[n] = pa;
		*(volatile u32 *)pa = (u32)pa;       /* it is ours: writable, mapped */
	}
	KEXPECT_EQ(t, n, TEST_FRAMES);
	KEXPECT_EQ(t, dups, 0);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, nr_free_pages(), before - n);
	for (unsigned i = 0; i < n; i++) {
		KEXPECT_EQ(t, *(volatile u32 *)frames[i], frames[i]);   /* nobody else wrote */
		free_page(frames[i]);
	}
	KEXPECT_EQ(t, nr_free_pages(), before);
}

static void reserved_memory_never_allocatable(struct ktest *t)
{
	KEXPECT_FALSE(t, page_is_allocatable(0));
	KEXPECT_FALSE(t, page_is_allocatable(0x9f000));                 /* below 1 MiB */
	KEXPECT_FALSE(t, page_is_allocatable((unsigned long)__kernel_start));
	KEXPECT_FALSE(t, page_is_allocatable(ALIGN_DOWN((unsigned long)__kernel_end - 1,
							PAGE_SIZE)));
	KEXPECT_FALSE(t, page_is_allocatable(0x100001));                /* not aligned */
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		if (r->type != MB_MEM_AVAILABLE && r->addr < MAX_PHYS_MEM)
			KEXPECT_FALSE(t, page_is_allocatable(ALIGN_DOWN((unsigned long)r->addr,
									PAGE_SIZE)));
	}
	/* Allocation hands out nothing outside usable RAM, even when asked for a lot. */
	unsigned long pa = alloc_page();
	KEXPECT_TRUE(t, page_is_allocatable(pa));
	free_page(pa);
}

static void text_read_only_data_writable(struct ktest *t)
{
	unsigned long text = (unsigned long)frames_unique_and_in_usable_ram;
	unsigned long data = (unsigned long)&frames[0];

	KEXPECT_TRUE(t, read_cr0() & X86_CR0_PG);
	KEXPECT_TRUE(t, read_cr0() & X86_CR0_WP);
	KEXPECT_TRUE(t, lookup_pte(text) & PTE_PRESENT);
	KEXPECT_FALSE(t, lookup_pte(text) & PTE_WRITE);
	KEXPECT_FALSE(t, lookup_pte((unsigned long)__rodata_start) & PTE_WRITE);
	KEXPECT_TRUE(t, lookup_pte(data) & PTE_WRITE);
	KEXPECT_FALSE(t, page_mapped(0));
}

static const u8 store_edx_to_eax[] = { 0x89, 0x10 };   /* mov %edx, (%eax) */
static const u8 load_eax_from_eax[] = { 0x8b, 0x00 };  /* mov (%eax), %eax */

static void write_to_text_faults(struct ktest *t)
{
	unsigned long target = (unsigned long)text_read_only_data_writable + 1;
	u8 before = *(volatile u8 *)target;

	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, store_edx_to_eax, sizeof(store_edx_to_eax));
	__asm__ volatile(".byte 0x89, 0x10" : : "a"(target), "d"(0x90909090) : "memory");
	trap_hook_disarm();
	KEXPECT_EQ(t, trap_hook.hits, 1);
	KEXPECT_EQ(t, trap_hook.addr, target);
	KEXPECT_EQ(t, trap_hook.err, 0x3);       /* present page, write, supervisor */
	KEXPECT_EQ(t, *(volatile u8 *)target, before);
}

static void write_to_data_does_not_fault(struct ktest *t)
{
	static volatile u32 cell;

	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, NULL, 0);   /* catch anything, fail if hit */
	cell = 0x1234;
	cell += 1;
	trap_hook_disarm();
	KEXPECT_EQ(t, trap_hook.hits, 0);
	KEXPECT_EQ(t, cell, 0x1235);
}

static void null_read_faults_with_cr2(struct ktest *t)
{
	static const unsigned long addrs[] = { 0, 0x10, PAGE_SIZE - 4 };

	for (unsigned i = 0; i < ARRAY_SIZE(addrs); i++) {
		unsigned long v = addrs[i];
		trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_eax_from_eax,
			      sizeof(load_eax_from_eax));
		__asm__ volatile(".byte 0x8b, 0x00" : "+a"(v) : : "memory");
		trap_hook_disarm();
		KEXPECT_EQ(t, trap_hook.hits, 1);
		KEXPECT_EQ(t, trap_hook.addr, addrs[i]);
		KEXPECT_EQ(t, trap_hook.err, 0x0);   /* not present, read, supervisor */
	}
}

/* Reads the word at addr through a hook-protected load; returns the hook's hit count. */
static int probe_read(struct ktest *t, unsigned long addr)
{
	unsigned long v = addr;

	trap_hook_arm(t, DIE_PAGE_FAULT, X86_TRAP_PF, load_eax_from_eax, sizeof(load_eax_from_eax));
	__asm__ volatile(".byte 0x8b, 0x00" : "+a"(v) : : "memory");
	trap_hook_disarm();
	return trap_hook.hits;
}

static void boot_stack_guard_pages(struct ktest *t)
{
	struct thread_info *ti = current_thread_info();

	KASSERT_TRUE(t, current == &boot_task);
	KEXPECT_FALSE(t, page_mapped(stack_base(ti) - 1));
	KEXPECT_FALSE(t, page_mapped(stack_top(ti)));
	KEXPECT_EQ(t, probe_read(t, stack_top(ti) - 4), 0);     /* the last word is fine */
	KEXPECT_EQ(t, probe_read(t, stack_top(ti)), 1);         /* one past the top is not */
	KEXPECT_EQ(t, trap_hook.addr, stack_top(ti));
}

static void map_and_unmap(struct ktest *t)
{
	unsigned long va = STACK_AREA - PAGE_SIZE;     /* below the stack slots, unused */
	unsigned long pa = alloc_page();

	KASSERT_NE(t, pa, 0);
	KEXPECT_FALSE(t, page_mapped(va));
	KEXPECT_EQ(t, map_page(va, pa, PTE_WRITE), 0);
	KEXPECT_EQ(t, map_page(va, pa, PTE_WRITE), -EINVAL);     /* already mapped */
	*(volatile u32 *)va = 0xfeedface;
	KEXPECT_EQ(t, *(volatile u32 *)pa, 0xfeedface);          /* same frame, two names */
	unmap_page(va);
	KEXPECT_FALSE(t, page_mapped(va));
	KEXPECT_EQ(t, probe_read(t, va), 1);                     /* and the TLB forgot it */
	free_page(pa);
}

static const struct ktest_case mm_cases[] = {
	KTEST_CASE(frames_unique_and_in_usable_ram),
	KTEST_CASE(reserved_memory_never_allocatable),
	KTEST_CASE(text_read_only_data_writable),
	KTEST_CASE(write_to_text_faults),
	KTEST_CASE(write_to_data_does_not_fault),
	KTEST_CASE(null_read_faults_with_cr2),
	KTEST_CASE(boot_stack_guard_pages),
	KTEST_CASE(map_and_unmap),
	KTEST_END,
};
KTEST_SUITE(mm_suite, "mm", mm_cases);
