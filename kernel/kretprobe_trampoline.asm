; SPDX-License-Identifier: MIT
; kretprobe_trampoline: where a kretprobed function returns to (kernel/kretprobe.c).
;
; pre_handler_kretprobe put this address over the function's return address, in the
; stack slot S the call left it in. The function's ret lands here with esp = S + 4: the
; caller's stack pointer after the return. Over S and below it the trampoline builds what
; an interrupt would have built there, a ring-0 trap frame (struct pt_regs, ebx .. eflags,
; include/ptrace.h), so that &regs->esp is S + 4, the caller's esp, as for any ring-0 trap:
;
;   S + 4   caller's stack (the arguments it pushed)   <- &regs->esp
;   S       eflags          (was: the return address, then kretprobe_trampoline)
;   S - 4   cs              KERNEL_CS
;   S - 8   eip             the handler writes the real return address here
;   S - 12  orig_eax        (unset)
;   S - 16  es, S - 20 ds   (unset)
;   S - 24  eax (the return value), then ebp, edi, esi, edx, ecx down to S - 44
;   S - 48  ebx             <- regs, passed in eax (regparm(1))
;   S - 52  kretprobe_trampoline_call_ret: the call's return address
;   S - 56  the caller's ebp, pushed by the C handler's prologue: a frame record, so a
;           backtrace walks from the handler to the caller (kretprobe_find_ret_addr reads
;           the real return address from regs->eip there)
;
; The C handler runs with interrupts off (cli after the pushfd; iret brings the function's
; IF back). Lean on purpose (make bench counts every instruction of a hit): ds, es and
; orig_eax are left unset (this is no trap, and the kernel's segments never change), eip
; is written by the handler. On the way out the caller-saved registers come from the frame
; -- eax, edx (the return value: the handler may change it) and ecx -- while ebx, esi, edi
; and ebp are still the function's own in the CPU, the C handler having preserved them as
; the ABI demands (so a handler's changes to those four in regs are not applied). iret
; pops eip, cs and eflags: the return goes to the real caller with esp = S + 4 and the
; function's own flags, as its ret would have.
;
; In .kprobes.text: a probe here would trap inside the return path of every kretprobe.

%include "asm-offsets.inc"
%include "kprobe-offsets.inc"

section .kprobes.text exec

extern kretprobe_trampoline_handler

global kretprobe_trampoline
global kretprobe_trampoline_call_ret
kretprobe_trampoline:
	pushfd                          ; eflags, over the used-up return address
	cli
	push dword KERNEL_CS
	sub esp, 16                     ; eip (the handler's to write), orig_eax, es, ds
	push eax
	push ebp
	push edi
	push esi
	push edx
	push ecx
	push ebx
	mov eax, esp                    ; regs
	call kretprobe_trampoline_handler
kretprobe_trampoline_call_ret:
	mov ecx, [esp + PT_ECX]
	mov edx, [esp + PT_EDX]
	mov eax, [esp + PT_EAX]
	add esp, PT_EIP
	iret
