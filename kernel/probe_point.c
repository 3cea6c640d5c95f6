// SPDX-License-Identifier: MIT
/*
 * Probe-point validation (include/probe_point.h). The 2004 patch trusted its caller; a
 * breakpoint in the middle of an instruction, or in the int3 handler itself, takes the
 * kernel down in ways that are hard to read. Here every rule is checked, in order.
 */
#include "probe_point.h"
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "stacktrace.h"
#include "string.h"

int probe_point_locate(unsigned long addr, probe_text_fixup_t fixup, struct insn *insn,
		       unsigned long *istart, int *ilen)
{
	u8 buf[INSN_MAX_LEN];
	unsigned long pc, size;
	struct insn scratch;

	if (!insn)
		insn = &scratch;
	if (!kallsyms_lookup(addr, &pc, &size))
		return -ENOENT;
	for (;;) {
		size_t avail = min((unsigned long)INSN_MAX_LEN, kernel_text_end(pc) - pc);
		unsigned long flags;
		/* Text and the probe table change together with interrupts off; copy and
		 * fix up the same way, or a probe removed in between would leave a stale
		 * int3 in buf and a wrong decode. */
		local_irq_save(flags);
		memcpy(buf, (const void *)pc, avail);
		if (fixup)
			fixup(pc, buf, avail);
		local_irq_restore(flags);
		int len = insn_decode(insn, buf, avail, (u32)pc);
		if (len <= 0)
			return -EILSEQ;     /* undecodable bytes before addr: can't be sure */
		if (pc == addr)
			return 0;
		if (pc + (unsigned long)len > addr) {
			if (istart)
				*istart = pc;
			if (ilen)
				*ilen = len;
			return 1;
		}
		pc += (unsigned long)len;
	}
}

int probe_point_check(unsigned long addr, struct insn *insn, probe_text_fixup_t fixup)
{
	struct insn scratch;

	if (!addr)
		return -EINVAL;
	if (!kernel_text_address(addr))
		return -EFAULT;
	/* A slot page is text too (kernel_text_address), but a probe on a slot would trap
	 * in the middle of another probe's single-step. */
	if (within_kprobe_blacklist(addr) || is_kprobe_insn_slot(addr))
		return -EPERM;
	if (!insn)
		insn = &scratch;
	/* Without a symbol there is no known instruction boundary to decode from; inside
	 * an instruction is not at one either. */
	int ret = probe_point_locate(addr, fixup, insn, NULL, NULL);
	if (ret == -ENOENT || ret == 1)
		return -EILSEQ;
	if (ret)
		return ret;
	if (!(insn->attr & INSN_ATTR_SS_SAFE))
		return -EOPNOTSUPP;
	return 0;
}
