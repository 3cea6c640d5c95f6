// SPDX-License-Identifier: MIT
/* The symbol table: lookups both ways, function entries, "symbol+offset" parsing. */
#include "errno.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "ktest.h"
#include "multiboot.h"
#include "string.h"
#include "traps.h"

void __noreturn kmain(u32 magic, const struct multiboot_info *info);
extern char _start[];
static int data_object = 42;

static void lookup_by_name(struct ktest *t)
{
	KEXPECT_EQ(t, kallsyms_lookup_name("kmain"), (unsigned long)kmain);
	KEXPECT_EQ(t, kallsyms_lookup_name("notify_die"), (unsigned long)notify_die);
	KEXPECT_EQ(t, kallsyms_lookup_name("printk"), (unsigned long)printk);
	KEXPECT_EQ(t, kallsyms_lookup_name("_start"), (unsigned long)_start);  /* asm too */
	KEXPECT_EQ(t, kallsyms_lookup_name("no_such_function"), 0);
	KEXPECT_EQ(t, kallsyms_lookup_name(""), 0);
	KEXPECT_EQ(t, kallsyms_lookup_name("data_object"), 0);      /* text symbols only */
}

static void lookup_by_address(struct ktest *t)
{
	unsigned long start = 0, size = 0, k = (unsigned long)kmain;
	const char *name;

	name = kallsyms_lookup(k, &start, &size);
	KEXPECT_STREQ(t, name, "kmain");
	KEXPECT_EQ(t, start, k);
	KEXPECT_GT(t, size, 16);
	/* An address in the middle of the function. */
	name = kallsyms_lookup(k + 5, &start, NULL);
	KEXPECT_STREQ(t, name, "kmain");
	KEXPECT_EQ(t, start, k);
	name = kallsyms_lookup(k + size - 1, &start, NULL);
	KEXPECT_STREQ(t, name, "kmain");
	/* Outside text: data, NULL, far away. */
	KEXPECT_TRUE(t, kallsyms_lookup((unsigned long)&data_object, NULL, NULL) == NULL);
	KEXPECT_TRUE(t, kallsyms_lookup(0, NULL, NULL) == NULL);
	KEXPECT_TRUE(t, kallsyms_lookup(0xfffff000, NULL, NULL) == NULL);
	KEXPECT_EQ(t, data_object, 42);
}

static void sprint_symbol_format(struct ktest *t)
{
	char buf[96], want[96];
	unsigned long size;

	kallsyms_lookup((unsigned long)kmain, NULL, &size);
	sprint_symbol(buf, sizeof(buf), (unsigned long)kmain + 0x12);
	snprintf(want, sizeof(want), "kmain+0x12/0x%lx", size);
	KEXPECT_STREQ(t, buf, want);
	sprint_symbol(buf, sizeof(buf), (unsigned long)&data_object);
	snprintf(want, sizeof(want), "%08lx", (unsigned long)&data_object);
	KEXPECT_STREQ(t, buf, want);
}

static void function_entry(struct ktest *t)
{
	KEXPECT_TRUE(t, kallsyms_is_function_entry((unsigned long)kmain));
	KEXPECT_TRUE(t, kallsyms_is_function_entry((unsigned long)printk));
	KEXPECT_FALSE(t, kallsyms_is_function_entry((unsigned long)kmain + 1));
	KEXPECT_FALSE(t, kallsyms_is_function_entry((unsigned long)&data_object));
	KEXPECT_FALSE(t, kallsyms_is_function_entry(0));
}

/*
 * jprobe_return_end is a label that inline asm puts inside jprobe_return. It is not a
 * function: addresses after it (the misuse report's call) still belong to jprobe_return,
 * or an oops there would name the wrong function (scripts/kallsyms.py drops such labels).
 */
static void inline_asm_label_stays_in_its_function(struct ktest *t)
{
	unsigned long start = 0, size = 0, end = (unsigned long)jprobe_return_end;
	const char *name = kallsyms_lookup(end, &start, &size);

	KEXPECT_STREQ(t, name, "jprobe_return");
	KEXPECT_EQ(t, start, (unsigned long)jprobe_return);
	KEXPECT_GT(t, start + size, end);
	KEXPECT_EQ(t, kallsyms_lookup_name("jprobe_return_end"), 0);
	KEXPECT_FALSE(t, kallsyms_is_function_entry(end));
}

static void parse_symbol_plus_offset(struct ktest *t)
{
	unsigned long a = 0, size;

	kallsyms_lookup((unsigned long)kmain, NULL, &size);
	KEXPECT_EQ(t, kallsyms_parse("kmain", &a), 0);
	KEXPECT_EQ(t, a, (unsigned long)kmain);
	KEXPECT_EQ(t, kallsyms_parse("kmain+0x10", &a), 0);
	KEXPECT_EQ(t, a, (unsigned long)kmain + 0x10);
	KEXPECT_EQ(t, kallsyms_parse("kmain+3", &a), 0);
	KEXPECT_EQ(t, a, (unsigned long)kmain + 3);
	KEXPECT_EQ(t, kallsyms_parse("0x100000", &a), 0);
	KEXPECT_EQ(t, a, 0x100000);
	KEXPECT_EQ(t, kallsyms_parse("nonexistent_fn", &a), -ENOENT);
	KEXPECT_EQ(t, kallsyms_parse("kmain+zz", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("kmain+", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("+4", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("", &a), -EINVAL);
	char past[64];
	snprintf(past, sizeof(past), "kmain+%lu", size);            /* one past the end */
	KEXPECT_EQ(t, kallsyms_parse(past, &a), -EINVAL);
}

static int count_sym(const char *name, unsigned long addr, unsigned long size, void *data)
{
	unsigned long *st = data;
	(void)name;
	if (addr < st[1])
		st[2]++;        /* out of order */
	if (size == 0)
		st[3]++;
	st[1] = addr;
	st[0]++;
	return 0;
}

static void table_sorted_and_complete(struct ktest *t)
{
	unsigned long st[4] = { 0, 0, 0, 0 };

	kallsyms_for_each(count_sym, st);
	KEXPECT_EQ(t, st[0], kallsyms_num);
	KEXPECT_GT(t, st[0], 100);
	KEXPECT_EQ(t, st[2], 0);        /* sorted: lookups binary-search it */
	KEXPECT_EQ(t, st[3], 0);        /* every symbol has a size */
}

static const struct ktest_case kallsyms_cases[] = {
	KTEST_CASE(lookup_by_name),
	KTEST_CASE(lookup_by_address),
	KTEST_CASE(sprint_symbol_format),
	KTEST_CASE(function_entry),
	KTEST_CASE(inline_asm_label_stays_in_its_function),
	KTEST_CASE(parse_symbol_plus_offset),
	KTEST_CASE(table_sorted_and_complete),
	KTEST_END,
};
KTEST_SUITE(kallsyms_suite, "kallsyms", kallsyms_cases);
