// SPDX-License-Identifier: MIT
/*
 * Self-tests beside the user's probes (tests/kernel/user_probes.c). A student may type
 * "selftest" at the monitor with probes of their own armed, on the very functions the
 * suites probe. A case then either works around them (text read through
 * kprobe_recover_text, its own addresses) or, where the user's probe really takes what
 * the case needs, skips with a reason that names that probe. It never fails because of
 * them, never leaves a registration behind, and never touches theirs.
 */
#ifndef JUMPER_TESTS_USER_PROBES_H
#define JUMPER_TESTS_USER_PROBES_H

#include "compiler.h"
#include "ktest.h"

/*
 * Skips the case (KTAP "# SKIP") if a probe is registered at addr: the case is about to
 * place its own there, which would get -EEXIST. Call before the case registers anything,
 * once per address it will probe.
 */
void skip_if_probed(struct ktest *t, const void *addr);
/*
 * Copies len bytes of kernel text at addr into buf as they are without probes: every
 * registered probe's int3 is replaced by its original byte (interrupts off, so the copy
 * and the probe table agree).
 */
void read_original_text(unsigned long addr, u8 *buf, size_t len);

/*
 * True if a probe is armed at addr as the hit path sees it: its int3 (0xCC) there, or the
 * jmp of its optimization (0xE9, and kprobe_optimized says so: include/optprobes.h).
 */
bool kprobe_armed_at(const void *addr);

/* How many kprobes are registered right now (the user's and any test's). */
unsigned registered_kprobes(void);

#endif
