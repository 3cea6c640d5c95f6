/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the optprobes self-tests (tests/kernel/test_optprobes*.c).
 *
 * The optimizer's search of the stacks is conservative (kernel/optprobe.c): any word
 * equal to an instruction boundary inside a region holds its optimization back. An int3
 * hit on a function whose first instruction is one byte long (push %ebp) leaves exactly
 * such a word -- the trap's saved eip, the probe's address + 1 -- in the stack below the
 * caller, where the slots a later, deeper call chain (a registration's) leaves unwritten
 * show it again: an optimization a case expects at once would wait for a tick. So a case
 * clears the dead stack below it before it registers or switches optimization on.
 */
#ifndef JUMPER_TESTS_OPTPROBE_HELPERS_H
#define JUMPER_TESTS_OPTPROBE_HELPERS_H

#include "compiler.h"
#include "ktest.h"
#include "optprobes.h"

/* Zeroes the 512 bytes of stack below the caller's frame (an int3 frame fits many times). */
static __noinline __attribute__((unused)) void scrub_dead_stack(void)
{
	volatile u8 junk[512];

	for (unsigned i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

/* kprobes_set_optimization(on), with the dead stack cleared first. */
static inline void optprobes_switch(bool on)
{
	scrub_dead_stack();
	kprobes_set_optimization(on);
}

/*
 * kprobe_optimizer() with the dead stack cleared first: the search also sees this thread's
 * own frames, whose unwritten slots may still hold a retired buffer's address that the
 * retiring code left there (kernel/optprobe.c retire()), and would keep that buffer.
 */
static inline void optimizer_now(void)
{
	scrub_dead_stack();
	kprobe_optimizer();
}

/* Checks that kp is optimized; if not, says why (its refusal) before the failure. */
#define OPT_CHECK_(t, kp, check)                                                   \
	do {                                                                       \
		if (!kprobe_optimized(kp))                                         \
			ktest_info(t, "%s not optimized: %s", #kp,                 \
				   kprobe_opt_refusal(kp) ? kprobe_opt_refusal(kp) \
							  : "(never tried)");      \
		check(t, kprobe_optimized(kp));                                    \
	} while (0)
#define KEXPECT_OPTIMIZED(t, kp) OPT_CHECK_(t, kp, KEXPECT_TRUE)
#define KASSERT_OPTIMIZED(t, kp) OPT_CHECK_(t, kp, KASSERT_TRUE)

#endif
