// SPDX-License-Identifier: MIT
/*
 * Arguments that name a place in kernel text, for the monitor's commands: SYM[@N][+OFF]
 * resolved with a message that says what is wrong (unknown symbol, a name several
 * functions share -- listed, so that NAME@N picks one --, offset past the end, bad
 * syntax), and the instruction that holds an address that is not a boundary.
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
 * Lists the functions called name, one a line, as NAME@N with address, size and source
 * file (if the table knows it): what to type instead of an ambiguous name.
 */
static void print_candidates(const char *name)
{
	unsigned count = kallsyms_count_name(name);

	for (unsigned i = 1; i <= count; i++) {
		unsigned long addr = kallsyms_lookup_name_nth(name, i), size = 0;
		const char *file;
		unsigned shared;

		kallsyms_lookup(addr, NULL, &size);
		kallsyms_name_rank(addr, &shared, &file);
		printk("  %s@%u  %08lx  %lu bytes%s%s\n", name, i, addr, size, file ? "  " : "",
		       file ? file : "");
	}
}

/*
 * Resolves a SYM[@N][+OFF] argument with kallsyms_parse, or prints why not: an unknown
 * symbol, a name several functions share (and them), an N past the last of them, an
 * offset past the end of the function (its size named), or bad syntax.
 * Returns 0 or kallsyms_parse's error.
 */
int mon_parse_spec(const char *cmd, const char *spec, unsigned long *addr)
{
	char name[KSYM_NAME_LEN];
	const char *plus = strchr(spec, '+');
	unsigned long start, size, off;
	size_t n = plus ? (size_t)(plus - spec) : strlen(spec);
	int ret = kallsyms_parse(spec, addr);
	char *at;
	unsigned count;

	if (!ret)
		return 0;
	printk("%s: %s: %s (%s): ", cmd, spec, errno_name(ret), errno_text(ret));
	if (n >= sizeof(name))
		n = 0;
	memcpy(name, spec, n);
	name[n] = '\0';
	at = strchr(name, '@');
	if (at)
		*at = '\0';
	count = kallsyms_count_name(name);
	if (ret == -EADDRNOTAVAIL) {
		printk("%u functions are called %s; pick one by NAME@N or address:\n", count,
		       name);
		print_candidates(name);
		return ret;
	}
	if (ret == -ENOENT && at && count) {
		printk("%u function%s called %s, so N is 1..%u:\n", count,
		       count == 1 ? " is" : "s are", name, count);
		print_candidates(name);
		return ret;
	}
	if (ret == -ENOENT) {
		printk("no such symbol (see 'syms')\n");
		return ret;
	}
	/* kallsyms_parse says -EINVAL for bad syntax and for an offset out of range too;
	 * the SYM[@N] part alone tells which. */
	if (at)
		*at = '@';
	if (kallsyms_parse(name, &start)) {
		if (at) {
			*at = '\0';
			printk("expected SYM@N, N from 1 (see 'syms %s')\n", name);
			return ret;
		}
	} else if (plus && !parse_ulong(plus + 1, &off) && kallsyms_lookup(start, NULL, &size)
		   && off >= size) {
		printk("offset 0x%lx is past the end of %s (0x%lx bytes long, last offset "
		       "0x%lx)\n", off, name, size, size - 1);
		return ret;
	}
	printk("expected SYM or SYM+OFFSET (OFFSET decimal or 0x hex)\n");
	return ret;
}

int mon_sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	unsigned long start, len;
	const char *name = kallsyms_lookup(addr, &start, &len), *file;
	unsigned count, rank = name ? kallsyms_name_rank(start, &count, &file) : 0;

	if (rank && count > 1)
		return snprintf(buf, size, "%s@%u+0x%lx/0x%lx", name, rank, addr - start, len);
	return sprint_symbol(buf, size, addr);
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
