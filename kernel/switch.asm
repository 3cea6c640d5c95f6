; SPDX-License-Identifier: MIT
; switch_to: the context switch. The callee-saved registers, EFLAGS and esp need saving:
; switch_to is an ordinary C call from schedule(), so the caller already assumes
; eax/ecx/edx are clobbered, and everything else a thread owns (its trap frames, its
; locals, its return addresses) lives on its own stack, which stays where it is.
;
; EFLAGS is the thread's too. A thread switched back into __schedule would get its flags
; back from local_irq_restore anyway, but a new thread does not return there: it starts
; in kthread_start, and without pushfd/popfd it ran on with whatever TF, AC or NT the
; thread that switched to it had set (a debugger's TF would single-step it from its first
; instruction; tests/kernel/test_sched_switch.c shows AC inherited). Saving the flags
; here makes the switch itself hand each thread its own. The saved IF is always 0 (every
; switch happens inside __schedule with interrupts off); kthread_start turns them on.
;
; void switch_to(unsigned long *prev_esp, unsigned long next_esp);
;
; A new thread's stack is prepared by kthread_create() to look as if it had called
; switch_to itself: clean flags, four zero registers and a return address pointing at
; its start routine.

section .kprobes.text exec

global switch_to
switch_to:
	mov eax, [esp + 4]           ; prev_esp
	mov edx, [esp + 8]           ; next_esp
	pushfd
	push ebp
	push ebx
	push esi
	push edi
	mov [eax], esp               ; prev is frozen here ...
	mov esp, edx                 ; ... and next thaws from where it froze
	pop edi
	pop esi
	pop ebx
	pop ebp
	popfd
	ret
