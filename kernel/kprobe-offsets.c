// SPDX-License-Identifier: MIT
/*
 * The constants the probes' assembly shares with C: for kernel/kretprobe_trampoline.asm,
 * the pt_regs offsets it fills and reloads and what its fast path reads and writes:
 * thread_info, the task's and the kretprobe's instance lists, the probe state a return
 * handler runs in (and include/kprobes.h's slot size, for any .asm that needs it).
 *
 * The same technique as kernel/asm-offsets.c (compiled with gcc -S, never linked; the
 * Makefile turns the DEFINE() markers into $(BUILD)/gen/kprobe-offsets.inc), but a file of
 * the probes' own: the core's asm-offsets.inc stays free of probe constants, so a core
 * .asm file cannot use one without host.layers seeing it include kprobe-offsets.inc.
 */
#include "kbuild.h"
#include "kprobes.h"
#include "kretprobes.h"
#include "preempt.h"
#include "processor.h"
#include "ptrace.h"
#include "sched.h"
#include "thread_info.h"

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
	OFFSET(PT_EFLAGS, pt_regs, eflags);
	/* ...and its fast path: current_thread_info(), preempt_disable(), the lists */
	DEFINE(KRP_THREAD_SIZE, THREAD_SIZE);
	DEFINE(KRP_PREEMPT_OFFSET, PREEMPT_OFFSET);
	OFFSET(TI_TASK, thread_info, task);
	OFFSET(TI_PREEMPT_COUNT, thread_info, preempt_count);
	OFFSET(TSK_KRETPROBE_INSTANCES, task_struct, kretprobe_instances);
	OFFSET(RP_KP, kretprobe, kp);
	OFFSET(RP_HANDLER, kretprobe, handler);
	OFFSET(RP_FREE_INSTANCES, kretprobe, free_instances);
	OFFSET(RI_NEXT, kretprobe_instance, next);
	OFFSET(RI_RP, kretprobe_instance, rp);
	OFFSET(RI_RET_ADDR, kretprobe_instance, ret_addr);
	OFFSET(RI_TASK, kretprobe_instance, task);
	OFFSET(RI_FP, kretprobe_instance, fp);
	OFFSET(KCB_STATUS, kprobe_ctlblk, kprobe_status);
	DEFINE(KPROBE_HIT_ACTIVE, KPROBE_HIT_ACTIVE);
	DEFINE(KPROBE_IN_PRE, KPROBE_IN_PRE);
	DEFINE(KPROBE_IN_KRETPROBE, KPROBE_IN_KRETPROBE);
	/* kernel/optprobe_template.asm: the flags a hit gives back to the probed code */
	DEFINE(X86_TF_IF, X86_EFLAGS_TF | X86_EFLAGS_IF);
}
