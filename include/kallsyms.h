/* SPDX-License-Identifier: MIT */
/*
 * The kernel symbol table, like Linux's kallsyms: every text symbol of the image with its
 * address and size, generated at build time (scripts/kallsyms.py) and linked into the
 * .kallsyms section at the end of the image.
 *
 * A name need not be unique: two files may each have a static function of one name, and
 * both are in the table. kallsyms_lookup_name returns the first of them (lowest address),
 * as Linux's does; whatever places a probe by name asks kallsyms_lookup_unique instead,
 * which refuses an ambiguous name with -EADDRNOTAVAIL (Linux's kprobe events do the
 * same since 2023, commit b022f0c7e404: probing "the first one" silently probed the
 * wrong function). One of several is named NAME@N, N counting from 1 in address order.
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

/*
 * Every symbol whose name is shared, and only those: the source file it came from ("" if
 * unknown).
 */
struct kallsym_file {
	unsigned long addr;
	unsigned name_off;       /* into kallsyms_names */
};
extern const unsigned kallsyms_num_files;
extern const struct kallsym_file kallsyms_files[];   /* sorted by address */

/* Address of the (first, if several) text symbol called name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
/* How many text symbols are called name. */
unsigned kallsyms_count_name(const char *name);
/* Address of the n-th (from 1, in address order) text symbol called name, or 0. */
unsigned long kallsyms_lookup_name_nth(const char *name, unsigned n);
/*
 * The address of the one text symbol called name: 0 and *addr, or -ENOENT (none) or
 * -EADDRNOTAVAIL (more than one: kallsyms_lookup_name_nth picks).
 */
int kallsyms_lookup_unique(const char *name, unsigned long *addr);
/*
 * For the symbol starting at addr: its N in NAME@N (returned, 0 if no symbol starts
 * there), how many share its name (*count), and its source file if the table knows it
 * (*file, else NULL; only shared names have one).
 */
unsigned kallsyms_name_rank(unsigned long addr, unsigned *count, const char **file);
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
 * Resolves "symbol", "symbol@N" (the N-th of that name), either with "+OFF" (N and OFF
 * decimal or 0x hex), or a bare address ("0x...") to an address. Returns 0, -ENOENT for
 * an unknown symbol or an N past the last of its name, -EADDRNOTAVAIL for a name several
 * symbols share given without @N, -EINVAL for bad syntax (N = 0 included) or an offset
 * past the end of the symbol.
 */
int kallsyms_parse(const char *spec, unsigned long *addr);
/* Calls fn for every symbol, in address order; stops early if fn returns non-zero. */
int kallsyms_for_each(int (*fn)(const char *name, unsigned long addr, unsigned long size,
				void *data), void *data);

#endif
