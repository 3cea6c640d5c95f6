// SPDX-License-Identifier: MIT
/*
 * The constants the probes' assembly shares with C (include/kprobes.h), for the probes'
 * .asm files.
 *
 * The same technique as kernel/asm-offsets.c (compiled with gcc -S, never linked; the
 * Makefile turns the DEFINE() markers into $(BUILD)/gen/kprobe-offsets.inc), but a file of
 * the probes' own: the core's asm-offsets.inc stays free of probe constants, so a core
 * .asm file cannot use one without host.layers seeing it include kprobe-offsets.inc.
 */
#include "kbuild.h"
#include "kprobes.h"

/* The function gcc compiles; its body is nothing but the markers. */
void kprobe_offsets(void);

void kprobe_offsets(void)
{
	/* A slot's size, for the probes' assembly (no .asm file needs it today: the slots
	 * are allocated at run time, kernel/kprobe_insn_slots.c) */
	DEFINE(KPROBE_SLOT_SIZE, KPROBE_SLOT_SIZE);
}
