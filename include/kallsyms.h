/* SPDX-License-Identifier: MIT */
/*
 * The kernel symbol table, like Linux's kallsyms: every text symbol of the image with its
 * address and size, generated at build time (scripts/kallsyms.py) and linked into the
 * .kallsyms section at the end of the image.
 */
#ifndef JUMPER_KALLSYMS_H
#define JUMPER_KALLSYMS_H

#include "compiler.h"

#define KSYM_NAME_LEN 64

struct kallsym {
	unsigned long addr;
	unsigned long size;
	unsigned name_off;       /* into kallsyms_names */
};

extern const unsigned kallsyms_num;
extern const struct kallsym kallsyms_table[];   /* sorted by address */
extern const char kallsyms_names[];

/* Address of the text symbol called name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
/*
 * The symbol containing addr (addr in [start, start + size)). Returns its name and fills
 * *start and *size, or returns NULL if addr is in no symbol.
 */
const char *kallsyms_lookup(unsigned long addr, unsigned long *start, unsigned long *size);
/* True if addr is the first byte of a function. */
bool kallsyms_is_function_entry(unsigned long addr);
/*
 * Formats addr as "name+0xoff/0xsize" (or as 8 hex digits if no symbol contains it).
 * Returns what snprintf returns.
 */
int sprint_symbol(char *buf, size_t size, unsigned long addr);
/* Like sprint_symbol, for a return address: names the function holding the call. */
int sprint_backtrace(char *buf, size_t size, unsigned long addr);
/*
 * Resolves "symbol", "symbol+OFF" (OFF decimal or 0x hex) or a bare address ("0x...")
 * to an address. Returns 0, -ENOENT for an unknown symbol, -EINVAL for bad syntax or an
 * offset past the end of the symbol.
 */
int kallsyms_parse(const char *spec, unsigned long *addr);
/* Calls fn for every symbol, in address order; stops early if fn returns non-zero. */
int kallsyms_for_each(int (*fn)(const char *name, unsigned long addr, unsigned long size,
				void *data), void *data);

#endif
