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
#include "stacktrace.h"
#include "string.h"

/* Decodes from start up to addr: addr must be where an instruction begins. */
static int find_boundary(unsigned long start, unsigned long addr, struct insn *insn,
			 probe_text_fixup_t fixup)
{
	u8 buf[INSN_MAX_LEN];
	unsigned long pc = start;

	for (;;) {
		size_t avail = min((unsigned long)INSN_MAX_LEN, (unsigned long)__text_end - pc);
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
		pc += (unsigned long)len;
		if (pc > addr)
			return -EILSEQ;     /* addr is inside the instruction at pc - len */
	}
}

int probe_point_check(unsigned long addr, struct insn *insn, probe_text_fixup_t fixup)
{
	struct insn scratch;
	unsigned long start, size;

	if (!addr)
		return -EINVAL;
	if (!kernel_text_address(addr))
		return -EFAULT;
	if (within_kprobe_blacklist(addr))
		return -EPERM;
	if (!insn)
		insn = &scratch;
	/* Without a symbol there is no known instruction boundary to decode from. */
	if (!kallsyms_lookup(addr, &start, &size))
		return -EILSEQ;
	int ret = find_boundary(start, addr, insn, fixup);
	if (ret)
		return ret;
	if (!(insn->attr & INSN_ATTR_SS_SAFE))
		return -EOPNOTSUPP;
	return 0;
}
