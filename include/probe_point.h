/* SPDX-License-Identifier: MIT */
/*
 * Where may a probe go? (kernel/probe_point.c)
 *
 * A breakpoint must replace the first byte of an instruction of kernel text that is not
 * part of the machinery that handles breakpoints. Each way to get that wrong has its own
 * error, so a caller (and a student at the monitor) learns which rule was broken:
 *
 *   -EINVAL      no address at all (NULL)
 *   -EFAULT      not kernel text (data, stack, unmapped, outside the image)
 *   -EPERM       blacklisted: .kprobes.text (trap entry, notifiers, the probe code), and
 *                the instruction slots (is_kprobe_insn_slot, kernel/kprobe_insn_slots.c)
 *   -EILSEQ      not the start of an instruction (decoded from the function's start)
 *   -EOPNOTSUPP  an instruction that cannot be single-stepped out of line (int3, iret,
 *                hlt, far jumps, mov ss ...; see the SS_SAFE column in lib/insn/insn.c)
 */
#ifndef JUMPER_PROBE_POINT_H
#define JUMPER_PROBE_POINT_H

#include "insn.h"
#include "compiler.h"

/*
 * Supplies the original bytes of text when the caller has already patched some (a
 * kprobe's int3 replaces the first byte of its instruction): called on a copy of
 * [start, start + len), it must put the original bytes back. May be NULL.
 */
typedef void (*probe_text_fixup_t)(unsigned long start, u8 *buf, size_t len);

/*
 * Checks that addr is a valid probe point; on success decodes the instruction there
 * into *insn (if insn is not NULL) and returns 0. Errors as listed above.
 */
int probe_point_check(unsigned long addr, struct insn *insn, probe_text_fixup_t fixup);
/*
 * Where addr lies among the instructions of its function, decoded from the function's
 * start with text read through fixup: 0 if an instruction begins at addr (decoded into
 * *insn, if insn is not NULL); 1 if addr is inside the instruction that begins at
 * *istart and is *ilen bytes long (either pointer may be NULL); -EILSEQ if the decoder
 * gives up before reaching addr; -ENOENT if no symbol holds addr. probe_point_check and
 * the monitor's explanations of a refusal both use it, so they cannot disagree.
 */
int probe_point_locate(unsigned long addr, probe_text_fixup_t fixup, struct insn *insn,
		       unsigned long *istart, int *ilen);
/* True if addr lies in the probe blacklist (.kprobes.text). */
static inline bool within_kprobe_blacklist(unsigned long addr)
{
	extern char __kprobes_text_start[], __kprobes_text_end[];
	return addr >= (unsigned long)__kprobes_text_start &&
	       addr < (unsigned long)__kprobes_text_end;
}

#endif
