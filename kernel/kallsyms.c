// SPDX-License-Identifier: MIT
/* Lookups in the generated symbol table (include/kallsyms.h). */
#include "kallsyms.h"
#include "errno.h"
#include "printk.h"
#include "string.h"

static const char *sym_name(unsigned i)
{
	return &kallsyms_names[kallsyms_table[i].name_off];
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (unsigned i = 0; i < kallsyms_num; i++)
		if (!strcmp(sym_name(i), name))
			return kallsyms_table[i].addr;
	return 0;
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
	if (lo == 0)
		return NULL;
	const struct kallsym *s = &kallsyms_table[lo - 1];
	if (addr >= s->addr + s->size)
		return NULL;
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
	unsigned long off = 0, start, size;
	const char *plus = strchr(spec, '+');
	size_t n = plus ? (size_t)(plus - spec) : strlen(spec);

	if (!n || n >= sizeof(name))
		return -EINVAL;
	if (!plus && spec[0] == '0' && spec[1] == 'x')
		return parse_ulong(spec, addr);
	memcpy(name, spec, n);
	name[n] = '\0';
	if (plus && parse_ulong(plus + 1, &off))
		return -EINVAL;
	start = kallsyms_lookup_name(name);
	if (!start)
		return -ENOENT;
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
