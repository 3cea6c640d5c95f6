// SPDX-License-Identifier: MIT
/*
 * An int3 hit while the probe's own jmp is being written (kernel/optprobe.c,
 * optprobe_emulate_jmp; docs/optprobes.md, "Putting the jmp in"). Between the two pokes
 * of patch_jmp, and of unpatch_jmp, the probed code is an int3 followed by bytes that are
 * neither the original instructions nor a whole jmp; a hit then must go to the detour,
 * not resume after the first instruction as an int3 hit does. The code that runs in that
 * window is the poking code, so the probe is put on optprobe.c's own poke (not
 * blacklisted): optimizing it hits it between the pokes. Without the emulation the
 * second hit resumes inside the rel32 and the boot oopses.
 */
#include "kallsyms.h"
#include "kprobes.h"
#include "ktest.h"
#include "optprobes.h"
#include "string.h"
#include "user_probes.h"

static struct {
	int hits, half_written;
	u8 orig[OPTPROBE_JMP_SIZE];
	const u8 *addr;
} seen;

/* Counts the hits, and those that found the region half-written: int3, then not the
 * original bytes 1-4. */
static int emul_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	seen.hits++;
	if (seen.addr[0] == BREAKPOINT_INSTRUCTION &&
	    memcmp(seen.addr + 1, seen.orig + 1, OPTPROBE_JMP_SIZE - 1))
		seen.half_written++;
	return 0;
}

static void int3_hit_while_the_jmp_is_written_goes_to_the_detour(struct ktest *t)
{
	struct kprobe kp = { .pre_handler = emul_pre };
	unsigned long addr;

	KASSERT_EQ(t, kallsyms_lookup_unique("poke", &addr), 0);
	skip_if_probed(t, (void *)addr);
	memset(&seen, 0, sizeof(seen));
	seen.addr = (const u8 *)addr;
	memcpy(seen.orig, seen.addr, OPTPROBE_JMP_SIZE);
	kp.addr = (kprobe_opcode_t *)addr;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	/* Two pokes, each a call of poke: the first with the original bytes behind the int3
	 * (an ordinary hit), the second with the rel32 there (sent to the detour). */
	KEXPECT_TRUE(t, kprobe_optimized(&kp));
	KEXPECT_EQ(t, seen.addr[0], 0xe9);
	KEXPECT_EQ(t, seen.hits, 2);
	KEXPECT_EQ(t, seen.half_written, 1);
	/* Out again: the first poke through the jmp, the second behind the int3 again. */
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, seen.hits, 4);
	KEXPECT_EQ(t, seen.half_written, 2);
	KEXPECT_EQ(t, memcmp(seen.addr, seen.orig, OPTPROBE_JMP_SIZE), 0);
}

static const struct ktest_case optprobes_emulate_cases[] = {
	KTEST_CASE(int3_hit_while_the_jmp_is_written_goes_to_the_detour),
	KTEST_END
};
KTEST_SUITE(optprobes_emulate_suite, "optprobes_emulate", optprobes_emulate_cases);
