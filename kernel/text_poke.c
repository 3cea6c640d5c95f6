// SPDX-License-Identifier: MIT
/*
 * text_poke: the only way kernel text changes after boot.
 *
 * Text pages are read-only and CR0.WP makes that bind the kernel too, so a stray write
 * cannot corrupt code. To place a breakpoint, text_poke maps the same physical page a
 * second time, writable, at POKE_WINDOW, writes through that alias, and unmaps it. The
 * read-only mapping of the text never changes; only the window is ever writable, and only
 * for the few instructions of the copy.
 */
#include "text_poke.h"
#include "errno.h"
#include "irqflags.h"
#include "mm.h"
#include "stacktrace.h"

unsigned long text_poke_count;

/*
 * Writes bytes that all lie in one page. Interrupts are off. Plain loops rather than
 * memcpy: memcpy may itself be probed, and this is the code that arms and disarms probes.
 */
static int __kprobes poke_one_page(u8 *addr, const u8 *src, size_t len)
{
	unsigned long va = (unsigned long)addr;
	unsigned long pa = lookup_pte(va & PAGE_MASK) & PAGE_MASK;
	u8 *alias = (u8 *)(POKE_WINDOW + (va & ~PAGE_MASK));

	if (map_page(POKE_WINDOW, pa, PTE_WRITE))
		return -EFAULT;
	for (size_t i = 0; i < len; i++)
		alias[i] = src[i];
	unmap_page(POKE_WINDOW);
	/* Check through the real (read-only) mapping: the alias hit the right frame. */
	for (size_t i = 0; i < len; i++)
		if (addr[i] != src[i])
			return -EIO;
	return 0;
}

int __kprobes text_poke(void *addr, const void *opcode, size_t len)
{
	unsigned long start = (unsigned long)addr, flags;
	const u8 *src = opcode;
	int ret = 0;

	if (!len || !kernel_text_address(start) || !kernel_text_address(start + len - 1))
		return -EFAULT;
	local_irq_save(flags);
	while (len && !ret) {
		size_t chunk = min(len, PAGE_SIZE - (start & ~PAGE_MASK));
		ret = poke_one_page((u8 *)start, src, chunk);
		start += chunk;
		src += chunk;
		len -= chunk;
	}
	/* A serializing instruction, so this CPU cannot run stale prefetched bytes. */
	if (!ret) {
		unsigned long eax = 0, ebx, ecx = 0, edx;
		__asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx) : : "memory");
		text_poke_count++;
	}
	local_irq_restore(flags);
	return ret;
}
