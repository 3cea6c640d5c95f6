// SPDX-License-Identifier: MIT
/*
 * Arguments that name a place in kernel text, for the monitor's commands: SYM[+OFF]
 * resolved with a message that says what is wrong (unknown symbol, offset past the end,
 * bad syntax), and the instruction that holds an address that is not a boundary.
 * Contracts in include/monitor.h.
 */
#include "monitor_internal.h"
#include "errno.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "printk.h"
#include "probe_point.h"
#include "stacktrace.h"
#include "string.h"

/*
 * Resolves a SYM[+OFF] argument with kallsyms_parse, or prints why not: an unknown
 * symbol, an offset past the end of the function (its size named), or bad syntax.
 * Returns 0 or kallsyms_parse's error.
 */
int mon_parse_spec(const char *cmd, const char *spec, unsigned long *addr)
{
	char name[KSYM_NAME_LEN];
	const char *plus = strchr(spec, '+');
	unsigned long start, size, off;
	size_t n = plus ? (size_t)(plus - spec) : 0;
	int ret = kallsyms_parse(spec, addr);

	if (!ret)
		return 0;
	printk("%s: %s: %s (%s): ", cmd, spec, errno_name(ret), errno_text(ret));
	if (ret == -ENOENT) {
		printk("no such symbol (see 'syms')\n");
		return ret;
	}
	/* kallsyms_parse says -EINVAL for bad syntax and for an offset out of range too. */
	if (n && n < sizeof(name) && !parse_ulong(plus + 1, &off)) {
		memcpy(name, spec, n);
		name[n] = '\0';
		start = kallsyms_lookup_name(name);
		if (start && kallsyms_lookup(start, NULL, &size) && off >= size) {
			printk("offset 0x%lx is past the end of %s (0x%lx bytes long, last offset "
			       "0x%lx)\n", off, name, size, size - 1);
			return ret;
		}
	}
	printk("expected SYM or SYM+OFFSET (OFFSET decimal or 0x hex)\n");
	return ret;
}

void mon_print_containing(unsigned long addr)
{
	char sym[KSYM_NAME_LEN + 32];
	unsigned long istart;
	int ilen, ret = probe_point_locate(addr, kprobe_recover_text, NULL, &istart, &ilen);

	if (ret == 1) {
		sprint_symbol(sym, sizeof(sym), istart);
		printk(": it is inside the %d-byte instruction at %s", ilen, sym);
	} else if (ret == -EILSEQ) {
		printk(" (its function could not be decoded up to it)");
	}
}
