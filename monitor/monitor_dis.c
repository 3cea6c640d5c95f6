// SPDX-License-Identifier: MIT
/*
 * The monitor's "dis": instruction boundaries from the decoder -- the places a probe may
 * go --, each with its bytes (the original ones, a probe's int3 put back), its branch
 * target, and the monitor probes placed on it; an optimized probe's jmp as such.
 */
#include "monitor_internal.h"
#include "errno.h"
#include "insn.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "optprobes.h"
#include "printk.h"
#include "probe_point.h"
#include "stacktrace.h"
#include "string.h"

/*
 * Prints "  <- probe #0 #3 (int3 armed)" -- "(jmp to detour, optimized)" when the address
 * is jump-optimized, "[DISABLED]" when no probe there is armed -- for the monitor probes
 * at addr, no newline; nothing if there are none.
 */
static void print_probes_at(unsigned long addr)
{
	int n = 0;

	for (unsigned i = 0; i < MON_MAX_PROBES; i++) {
		struct mon_probe *m = mon_probe_nth(i);
		if (m && mon_addr(m) == addr)
			printk(n++ ? " #%u" : "  <- probe #%u", i);
	}
	if (n)
		printk(mon_optimized_at(addr) ? " (jmp to detour, optimized)"
		       : mon_int3_armed(addr) ? " (int3 armed)" : " [DISABLED]");
}

/*
 * An optimized probe's line: the jmp's five bytes and where it goes (the detour buffer),
 * in place of the first instruction's bytes. The instructions after it in the region are
 * still listed at their original boundaries (a probe may go there; it takes the jmp out),
 * with the bytes now there, marked: the original bytes are copied in the detour buffer.
 */
static void print_jmp(unsigned long addr)
{
	char sym[KSYM_NAME_LEN + 32];
	unsigned long to = mon_jmp_target(addr);

	for (int i = 0; i < 8; i++)
		printk(i < OPTPROBE_JMP_SIZE ? "%02x " : "   ",
		       i < OPTPROBE_JMP_SIZE ? ((const u8 *)addr)[i] : 0);
	mon_sprint_symbol(sym, sizeof(sym), to);
	printk("  -> %08lx %s", to, sym);
	print_probes_at(addr);
	printk("\n");
}

void mon_dis(int argc, char **argv)
{
	unsigned long addr, start, size, max = 40;
	char sym[KSYM_NAME_LEN + 32];
	int ret;

	if (argc < 2 || argc > 3 || (argc == 3 && (parse_ulong(argv[2], &max) || !max))) {
		printk("usage: dis SYM[+OFF] [COUNT]\n");
		return;
	}
	if (mon_parse_spec("dis", argv[1], &addr))
		return;
	if (!kernel_text_address(addr) || !kallsyms_lookup(addr, &start, &size)) {
		printk("dis: %s is not in kernel text\n", argv[1]);
		return;
	}
	/* Decoded anyway: the wrong instructions that follow are what the CPU would run
	 * if it jumped there, and why 'probe' refuses such an address (EILSEQ). */
	ret = probe_point_locate(addr, kprobe_recover_text, NULL, NULL, NULL);
	if (ret == 1 || ret == -EILSEQ) {
		mon_sprint_symbol(sym, sizeof(sym), addr);
		if (ret == 1) {
			printk("dis: warning: %s is not an instruction boundary", sym);
			mon_print_containing(addr);
			printk("; decoding from mid-instruction:\n");
		} else {
			printk("dis: warning: cannot tell whether %s is an instruction boundary "
			       "(its function could not be decoded up to it)\n", sym);
		}
	}
	for (unsigned long n = 0; n < max && addr < start + size; n++) {
		u8 buf[INSN_MAX_LEN];
		struct insn in;
		size_t avail = min((unsigned long)INSN_MAX_LEN, kernel_text_end(addr) - addr);

		/* Decode the original bytes (a probe's int3 put back), print what is there. */
		memcpy(buf, (const void *)addr, avail);
		kprobe_recover_text(addr, buf, avail);
		int len = insn_decode(&in, buf, avail, (u32)addr);
		mon_sprint_symbol(sym, sizeof(sym), addr);
		printk("%08lx  %-28s ", addr, sym);
		if (len <= 0) {
			printk("%02x  (%s)\n", *(const u8 *)addr, insn_errstr(len));
			return;
		}
		if (mon_optimized_at(addr)) {
			print_jmp(addr);
			addr += (unsigned long)len;
			continue;
		}
		/* The bytes as they are (an armed probe shows its int3), and no further than
		 * the instruction: past it the page may end (a slot page's last slot). */
		for (int i = 0; i < 8; i++)
			printk(i < len ? "%02x " : "   ", i < len ? ((const u8 *)addr)[i] : 0);
		printk(len > 8 ? "+ " : "  ");
		if (insn_is_rel(&in)) {
			mon_sprint_symbol(sym, sizeof(sym), in.rel_target);
			printk("-> %08x %s", in.rel_target, sym);
		} else if (in.attr & INSN_ATTR_RET) {
			printk("ret");
		}
		print_probes_at(addr);
		if (mon_opt_region_of(addr))
			printk("  (under the jmp: runs copied in the detour)");
		printk("\n");
		addr += (unsigned long)len;
	}
}
