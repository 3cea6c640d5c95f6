// SPDX-License-Identifier: MIT
/* Lookups in the generated symbol table (include/kallsyms.h). */
#include "kallsyms.h"
#include "errno.h"
#include "mm.h"
#include "printk.h"
#include "string.h"

static const char *sym_name(unsigned i)
{
	return &kallsyms_names[kallsyms_table[i].name_off];
}

unsigned long kallsyms_lookup_name(const char *name)
{
	return kallsyms_lookup_name_nth(name, 1);
}

unsigned kallsyms_count_name(const char *name)
{
	unsigned n = 0;

	for (unsigned i = 0; i < kallsyms_num; i++)
		n += !strcmp(sym_name(i), name);
	return n;
}

unsigned long kallsyms_lookup_name_nth(const char *name, unsigned n)
{
	/* The table is sorted by address, so the n-th match is the n-th in address order. */
	for (unsigned i = 0; i < kallsyms_num && n; i++)
		if (!strcmp(sym_name(i), name) && !--n)
			return kallsyms_table[i].addr;
	return 0;
}

int kallsyms_lookup_unique(const char *name, unsigned long *addr)
{
	unsigned long first = kallsyms_lookup_name(name);

	if (!first)
		return -ENOENT;
	if (kallsyms_lookup_name_nth(name, 2))
		return -EADDRNOTAVAIL;
	*addr = first;
	return 0;
}

unsigned kallsyms_name_rank(unsigned long addr, unsigned *count, const char **file)
{
	unsigned long start;
	const char *name = kallsyms_lookup(addr, &start, NULL);
	unsigned rank = 0, n = 0, f = 0;

	*file = NULL;
	*count = 0;
	if (!name || start != addr)
		return 0;
	/* The generator lists every symbol of a shared name in kallsyms_files, so a name
	 * not there is unique and costs no scan of the table (syms asks for each). */
	while (f < kallsyms_num_files && kallsyms_files[f].addr != addr)
		f++;
	*count = 1;
	if (f == kallsyms_num_files)
		return 1;
	if (kallsyms_names[kallsyms_files[f].name_off])
		*file = &kallsyms_names[kallsyms_files[f].name_off];
	for (unsigned i = 0; i < kallsyms_num; i++) {
		if (strcmp(sym_name(i), name))
			continue;
		n++;
		if (kallsyms_table[i].addr == addr)
			rank = n;
	}
	*count = n;
	return rank;
}

const char *__kprobes kallsyms_lookup(unsigned long addr, unsigned long *start,
				      unsigned long *size)
{
	unsigned lo = 0, hi = kallsyms_num;

	/* Binary search for the last symbol starting at or below addr. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (kallsyms_table[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Outside every symbol of the image: code made at run time is named by its page's
	 * owner (mm/execmem.c: "kprobe_insn_page+0x40/0x1000" for an instruction slot). */
	if (lo == 0)
		return execmem_lookup(addr, start, size);
	const struct kallsym *s = &kallsyms_table[lo - 1];
	if (addr >= s->addr + s->size)
		return execmem_lookup(addr, start, size);
	if (start)
		*start = s->addr;
	if (size)
		*size = s->size;
	return sym_name(lo - 1);
}

bool kallsyms_is_function_entry(unsigned long addr)
{
	unsigned long start;
	return kallsyms_lookup(addr, &start, NULL) && start == addr;
}

int __kprobes sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	unsigned long start, len;
	const char *name = kallsyms_lookup(addr, &start, &len);

	if (!name)
		return snprintf(buf, size, "%08lx", addr);
	return snprintf(buf, size, "%s+0x%lx/0x%lx", name, addr - start, len);
}

int __kprobes sprint_backtrace(char *buf, size_t size, unsigned long addr)
{
	unsigned long start, len;
	/* A return address can be one past the end of its caller: after a call to a
	 * noreturn function, gcc emits nothing. Look up the call instruction instead. */
	const char *name = kallsyms_lookup(addr - 1, &start, &len);

	if (!name)
		return snprintf(buf, size, "%08lx", addr);
	return snprintf(buf, size, "%s+0x%lx/0x%lx", name, addr - start, len);
}

int kallsyms_parse(const char *spec, unsigned long *addr)
{
	char name[KSYM_NAME_LEN];
	unsigned long off = 0, nth = 0, start, size;
	const char *plus = strchr(spec, '+');
	size_t n = plus ? (size_t)(plus - spec) : strlen(spec);
	char *at;
	int ret;

	if (!n || n >= sizeof(name))
		return -EINVAL;
	if (!plus && spec[0] == '0' && spec[1] == 'x')
		return parse_ulong(spec, addr);
	memcpy(name, spec, n);
	name[n] = '\0';
	if (plus && parse_ulong(plus + 1, &off))
		return -EINVAL;
	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (at == name || parse_ulong(at + 1, &nth) || !nth)
			return -EINVAL;
		start = kallsyms_lookup_name_nth(name, nth);
		if (!start)
			return -ENOENT;
	} else {
		ret = kallsyms_lookup_unique(name, &start);
		if (ret)
			return ret;
	}
	kallsyms_lookup(start, NULL, &size);
	if (off >= size)
		return -EINVAL;
	*addr = start + off;
	return 0;
}

int kallsyms_for_each(int (*fn)(const char *name, unsigned long addr, unsigned long size,
				void *data), void *data)
{
	for (unsigned i = 0; i < kallsyms_num; i++) {
		int ret = fn(sym_name(i), kallsyms_table[i].addr, kallsyms_table[i].size, data);
		if (ret)
			return ret;
	}
	return 0;
}
