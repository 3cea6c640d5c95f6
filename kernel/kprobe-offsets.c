// SPDX-License-Identifier: MIT
/*
 * The constants the probes' assembly shares with C: the pt_regs offsets the return
 * probes' trampoline reloads, for kernel/kretprobe_trampoline.asm (include/kprobes.h's
 * slot size too, for any .asm that needs it).
 *
 * The same technique as kernel/asm-offsets.c (compiled with gcc -S, never linked; the
 * Makefile turns the DEFINE() markers into $(BUILD)/gen/kprobe-offsets.inc), but a file of
 * the probes' own: the core's asm-offsets.inc stays free of probe constants, so a core
 * .asm file cannot use one without host.layers seeing it include kprobe-offsets.inc.
 */
#include "kbuild.h"
#include "kprobes.h"
#include "ptrace.h"

/* The function gcc compiles; its body is nothing but the markers. */
void kprobe_offsets(void);

void kprobe_offsets(void)
{
	/* A slot's size, for the probes' assembly (no .asm file needs it today: the slots
	 * are allocated at run time, kernel/kprobe_insn_slots.c) */
	DEFINE(KPROBE_SLOT_SIZE, KPROBE_SLOT_SIZE);
	/* kernel/kretprobe_trampoline.asm: the registers it reloads from its pt_regs */
	OFFSET(PT_ECX, pt_regs, ecx);
	OFFSET(PT_EDX, pt_regs, edx);
	OFFSET(PT_EAX, pt_regs, eax);
	OFFSET(PT_EIP, pt_regs, eip);
}
