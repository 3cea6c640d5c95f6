// SPDX-License-Identifier: MIT
/* Reading the multiboot info block and the kernel command line. */
#include "multiboot.h"
#include "errno.h"
#include "printk.h"
#include "string.h"

struct boot_info boot_info;

int multiboot_parse(u32 magic, const struct multiboot_info *info)
{
	boot_info.magic = magic;
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		return -EINVAL;

	boot_info.flags = info->flags;
	if (info->flags & MB_INFO_MEMORY) {
		boot_info.mem_lower_kb = info->mem_lower;
		boot_info.mem_upper_kb = info->mem_upper;
	}
	if (info->flags & MB_INFO_CMDLINE)
		strlcpy(boot_info.cmdline, (const char *)(uintptr_t)info->cmdline,
			sizeof(boot_info.cmdline));
	if (info->flags & MB_INFO_LOADER)
		strlcpy(boot_info.loader, (const char *)(uintptr_t)info->boot_loader_name,
			sizeof(boot_info.loader));
	if (info->flags & MB_INFO_MEM_MAP) {
		uintptr_t p = info->mmap_addr, end = p + info->mmap_length;
		while (p < end && boot_info.nr_regions < BOOT_MAX_REGIONS) {
			const struct multiboot_mmap_entry *e = (const void *)p;
			struct mem_region *r = &boot_info.regions[boot_info.nr_regions++];
			r->addr = e->addr;
			r->len = e->len;
			r->type = e->type;
			p += e->size + sizeof(e->size);
		}
	}
	return 0;
}

u64 boot_available_ram(void)
{
	u64 total = 0;
	for (unsigned i = 0; i < boot_info.nr_regions; i++)
		if (boot_info.regions[i].type == MB_MEM_AVAILABLE)
			total += boot_info.regions[i].len;
	return total;
}

void multiboot_print(void)
{
	printk("multiboot: loader '%s', cmdline '%s'\n",
	       boot_info.loader[0] ? boot_info.loader : "?", boot_info.cmdline);
	printk("multiboot: mem_lower %u KiB, mem_upper %u KiB\n",
	       boot_info.mem_lower_kb, boot_info.mem_upper_kb);
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		printk("  [mem 0x%08llx-0x%08llx] %s\n", r->addr, r->addr + r->len - 1,
		       r->type == MB_MEM_AVAILABLE ? "usable" : "reserved");
	}
	printk("multiboot: %llu KiB usable RAM\n", boot_available_ram() / 1024);
}

bool cmdline_get(const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = boot_info.cmdline; *p;) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		size_t wlen = (size_t)(p - word);
		if (wlen < klen || strncmp(word, key, klen))
			continue;
		if (wlen == klen || word[klen] == '=') {
			size_t vlen = wlen == klen ? 0 : wlen - klen - 1;
			if (size) {
				size_t n = vlen < size - 1 ? vlen : size - 1;
				memcpy(val, word + klen + 1, n);
				val[n] = '\0';
			}
			return true;
		}
	}
	return false;
}
