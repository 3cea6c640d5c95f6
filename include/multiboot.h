/* SPDX-License-Identifier: MIT */
/* Multiboot v1: the info block a loader hands to _start, and what kmain keeps of it. */
#ifndef JUMPER_MULTIBOOT_H
#define JUMPER_MULTIBOOT_H

#include "compiler.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MB_INFO_MEMORY   (1u << 0)   /* mem_lower/mem_upper valid */
#define MB_INFO_CMDLINE  (1u << 2)
#define MB_INFO_MEM_MAP  (1u << 6)
#define MB_INFO_LOADER   (1u << 9)

struct multiboot_info {
	u32 flags;
	u32 mem_lower;            /* KiB below 1 MiB */
	u32 mem_upper;            /* KiB above 1 MiB, up to the first hole */
	u32 boot_device;
	u32 cmdline;              /* physical address of a C string */
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr;
	u32 config_table;
	u32 boot_loader_name;
} __packed;

/* One memory map entry. size counts the bytes after itself, so entries can grow. */
struct multiboot_mmap_entry {
	u32 size;
	u64 addr;
	u64 len;
	u32 type;                 /* 1 = available RAM */
} __packed;

#define MB_MEM_AVAILABLE 1

#define BOOT_MAX_REGIONS 32
#define BOOT_CMDLINE_MAX 256

struct mem_region {
	u64 addr;
	u64 len;
	u32 type;
};

/* What the kernel keeps of the info block (the block itself may be overwritten later). */
struct boot_info {
	u32 magic;
	u32 flags;
	u32 mem_lower_kb, mem_upper_kb;
	char cmdline[BOOT_CMDLINE_MAX];
	char loader[48];
	unsigned nr_regions;
	struct mem_region regions[BOOT_MAX_REGIONS];
};

extern struct boot_info boot_info;

/*
 * Copies what the kernel needs out of the loader's info block into boot_info. Returns 0,
 * or -EINVAL if magic is not the multiboot loader magic (info is then not read).
 */
int multiboot_parse(u32 magic, const struct multiboot_info *info);
/* Prints the command line and the memory map. */
void multiboot_print(void);
/* Sum of the available (type 1) regions, in bytes. */
u64 boot_available_ram(void);
/*
 * Looks for key on the command line, as a word "key" or "key=value". Returns false if
 * absent; when present copies the value (empty for a bare "key") into val.
 */
bool cmdline_get(const char *key, char *val, size_t size);

#endif
