// SPDX-License-Identifier: MIT
/*
 * The instruction slots no probe uses hold int3s, every byte of them: those never used
 * since boot (kernel/kprobe_slots.asm fills the array with 0xCC) as much as the freed
 * ones (kprobes_gate.freed_slot_holds_int3s). A stray jump into a free slot then traps
 * at once, where nops would slide on into the next slot's copy and its jmp home.
 */
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"

static void free_slots_hold_int3s(struct ktest *t)
{
	unsigned long flags;
	unsigned free_slots = 0, stale = 0;

	local_irq_save(flags);           /* no registration can change the slots meanwhile */
	for (unsigned i = 0; i < KPROBE_NR_SLOTS; i++) {
		if (kprobe_by_slot((unsigned long)kprobe_insn_slots[i]))
			continue;
		free_slots++;
		for (unsigned j = 0; j < KPROBE_SLOT_SIZE; j++)
			stale += kprobe_insn_slots[i][j] != BREAKPOINT_INSTRUCTION;
	}
	local_irq_restore(flags);
	KEXPECT_GT(t, free_slots, 0);
	KEXPECT_EQ(t, stale, 0);
}

static const struct ktest_case kprobes_slots_cases[] = {
	KTEST_CASE(free_slots_hold_int3s),
	KTEST_END,
};
KTEST_SUITE(kprobes_slots_suite, "kprobes_slots", kprobes_slots_cases);
