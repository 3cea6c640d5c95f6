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
;   S - 8   eip             kretprobe_trampoline; the handler writes the real return address
;   S - 12  orig_eax        -1
;   S - 16  es, S - 20 ds
;   S - 24  eax (the return value), ebp, edi, esi, edx, ecx
;   S - 52  ebx             <- regs, passed in eax (regparm(1))
;   S - 56  kretprobe_trampoline_call_ret: the call's return address
;   S - 60  the caller's ebp, pushed by the C handler's prologue: a frame record, so a
;           backtrace walks from the handler to the caller (kretprobe_find_ret_addr reads
;           the real return address from regs->eip there)
;
; The C handler runs with interrupts off (cli after the pushfd; iret brings the function's
; IF back). On the way out every register comes from the frame -- the handler may change
; regs->eax, the return value -- and iret pops eip, cs and eflags: the return goes to the
; real caller with esp = S + 4 and the function's own flags, as its ret would have.
;
; In .kprobes.text: a probe here would trap inside the return path of every kretprobe.

%include "asm-offsets.inc"

section .kprobes.text exec

extern kretprobe_trampoline_handler

global kretprobe_trampoline
global kretprobe_trampoline_call_ret
kretprobe_trampoline:
	pushfd                          ; eflags, over the used-up return address
	cli
	push dword KERNEL_CS
	push dword kretprobe_trampoline ; eip, until the handler knows the real one
	push dword -1                   ; orig_eax
	push es
	push ds
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
	pop ebx
	pop ecx
	pop edx
	pop esi
	pop edi
	pop ebp
	pop eax
	add esp, 12                     ; ds, es, orig_eax: the kernel's, unchanged
	iret
