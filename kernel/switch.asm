; SPDX-License-Identifier: MIT
; switch_to: the context switch. Only the callee-saved registers and esp need saving:
; switch_to is an ordinary C call from schedule(), so the caller already assumes
; eax/ecx/edx are clobbered, and everything else a thread owns (its trap frames, its
; locals, its return addresses) lives on its own stack, which stays where it is.
;
; void switch_to(unsigned long *prev_esp, unsigned long next_esp);
;
; A new thread's stack is prepared by kthread_create() to look as if it had called
; switch_to itself: four zero registers and a return address pointing at its start
; routine.

section .kprobes.text exec

global switch_to
switch_to:
	mov eax, [esp + 4]           ; prev_esp
	mov edx, [esp + 8]           ; next_esp
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
	ret
