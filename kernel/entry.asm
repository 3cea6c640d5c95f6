; SPDX-License-Identifier: MIT
; Trap and interrupt entry: the stubs that turn what the CPU pushed into a struct pt_regs
; (include/ptrace.h) and call trap_handlers[vector](regs, vector, error_code), kernel/trap.c.
;
; Every stub leaves the stack in one shape, [error code][vector] above what the CPU pushed:
; exceptions with a hardware error code (#DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX)
; already have it; the others push a 0 in its place. common_entry then pushes the
; registers, takes the vector and error code out of the two slots, and reuses the slots
; for es and orig_eax, so the frame is exactly i386 Linux's pt_regs.
;
; This file is in .kprobes.text: a probe here would trap inside the trap path.
;
; The vector numbers (X86_TRAP_*), KERNEL_DS, the pt_regs offsets (PT_*) and the size of
; the vector space come from include/trapnr.h, desc.h, ptrace.h and pic.h through the
; generated asm-offsets.inc (kernel/asm-offsets.c): one definition, shared with C.

%include "asm-offsets.inc"

section .kprobes.text exec

extern trap_handlers

; Each stub is labelled stub_N by its vector's number (the trap_stubs table below lists
; them by number); a stub given a name such as X86_TRAP_GP evaluates it first. Assembling
; two stubs for one vector is a duplicate label, and a vector without a stub an undefined
; one: either way the build fails.
%macro STUB_LABEL 1
%assign stub_vector %1
stub_ %+ stub_vector:
%endmacro

%macro STUB_NOERR 1
STUB_LABEL %1
	push dword 0                 ; no hardware error code: keep the frame shape
	push dword %1
	jmp common_entry
%endmacro

%macro STUB_ERR 1
STUB_LABEL %1
	push dword %1                ; the CPU pushed the error code already
	jmp common_entry
%endmacro

; The general registers in pt_regs order (eax at the highest address, ebx at the lowest),
; then DF cleared as the C ABI expects. Both entry paths below build their frame with it.
%macro PUSH_GPRS 0
	push eax
	push ebp
	push edi
	push esi
	push edx
	push ecx
	push ebx
	cld                          ; the C ABI wants DF clear
%endmacro

; The general registers back, and the trap frame gone: the exit of both entry paths.
%macro POP_FRAME_IRET 0
	pop ebx
	pop ecx
	pop edx
	pop esi
	pop edi
	pop ebp
	pop eax
	pop ds
	pop es
	add esp, 4                   ; orig_eax
	iret
%endmacro

; The probe hot path: a probe's int3 (#BP) and the debug trap ending its single-step
; (#DB). Neither has an error code or needs the vector dispatch, so their stubs build
; pt_regs in place and call their handler directly, and a trap the handler claims returns
; straight from here -- about half of common_entry's instructions, on a path make bench
; counts to the instruction.
%macro FAST_FRAME 0
	push dword -1                ; orig_eax: -1, an exception
	push es
	push ds
	PUSH_GPRS
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
%endmacro

%macro FAST_STUB 3               ; vector, probe hook pointer, slow handler(regs)
STUB_LABEL %1
	FAST_FRAME
	push esp                     ; regs: push esp stores esp as it was before the push
	inc dword [trap_counts + 4 * %1]
	call [%2]                    ; kprobes' handler (a no-op until kprobes installs it)
	test eax, eax
	jz %%slow
	add esp, 4
	POP_FRAME_IRET               ; a probe's trap, handled
%%slow:
	lea eax, [esp + 4]           ; regs again: a C callee may have reused its argument slot
	mov [esp], eax
	call %3                      ; everyone else's: the die chain, or an oops
	add esp, 4
	jmp ret_from_trap
%endmacro

; #DB: the same, and DR6 read before any C code runs, then cleared (the CPU never clears
; it: a later #DB must find only its own bits). The value stays on the stack and both
; handlers get its address, hook(regs, &dr6) and do_debug(regs, &dr6): kprobes takes out
; the single-step bit it consumed, and what is left is what the die chain sees as err. No
; C code reads DR6 again, so a #DB taken inside a handler cannot change what this one says.
%macro DEBUG_STUB 0
STUB_LABEL X86_TRAP_DB
	FAST_FRAME
	mov eax, dr6
	push eax                     ; dr6
	mov eax, DR6_RESERVED
	mov dr6, eax                 ; "cleared": its reserved bits read as 1 (as Linux writes)
	push esp                     ; &dr6
	lea eax, [esp + 8]
	push eax                     ; regs
	inc dword [trap_counts + 4 * X86_TRAP_DB]
	call [trap_debug_hook]       ; kprobes' handler (a no-op until kprobes installs it)
	test eax, eax
	jz %%slow
	add esp, 12
	POP_FRAME_IRET               ; a probe's single-step, handled
%%slow:
	lea eax, [esp + 8]           ; both arguments again: a C callee may have reused them
	mov [esp + 4], eax
	lea eax, [esp + 12]
	mov [esp], eax
	call do_debug
	add esp, 12
	jmp ret_from_trap
%endmacro

extern do_int3, do_debug, trap_counts, trap_int3_hook, trap_debug_hook

STUB_NOERR X86_TRAP_DE
DEBUG_STUB
STUB_NOERR X86_TRAP_NMI
FAST_STUB  X86_TRAP_BP, trap_int3_hook, do_int3
STUB_NOERR X86_TRAP_OF
STUB_NOERR X86_TRAP_BR
STUB_NOERR X86_TRAP_UD
STUB_NOERR X86_TRAP_NM
STUB_ERR   X86_TRAP_DF
STUB_NOERR X86_TRAP_OLD_MF
STUB_ERR   X86_TRAP_TS
STUB_ERR   X86_TRAP_NP
STUB_ERR   X86_TRAP_SS
STUB_ERR   X86_TRAP_GP
STUB_ERR   X86_TRAP_PF
STUB_NOERR X86_TRAP_SPURIOUS
STUB_NOERR X86_TRAP_MF
STUB_ERR   X86_TRAP_AC
STUB_NOERR X86_TRAP_MC
STUB_NOERR X86_TRAP_XF
STUB_NOERR X86_TRAP_VE
STUB_ERR   X86_TRAP_CP
%assign v X86_TRAP_CP + 1
%rep X86_TRAP_HV - v             ; reserved
STUB_NOERR v
%assign v v+1
%endrep
STUB_NOERR X86_TRAP_HV
STUB_ERR   X86_TRAP_VC
STUB_ERR   X86_TRAP_SX
%assign v X86_TRAP_SX + 1
%rep NR_EXCEPTIONS - v           ; reserved
STUB_NOERR v
%assign v v+1
%endrep
%assign v IRQ_BASE_VECTOR
%rep NR_IRQS                     ; IRQ 0-15 after the PIC remap
STUB_NOERR v
%assign v v+1
%endrep

; Stack on arrival (ring-0 trap, growing down):  eflags cs eip errcode vector
common_entry:
	sub esp, 4                   ; the ds slot
	PUSH_GPRS
	xor eax, eax
	mov ax, ds
	mov [esp + PT_DS], eax
	mov ecx, [esp + PT_ES]       ; the vector, in the slot that becomes pt_regs.es
	mov edx, [esp + PT_ORIG_EAX] ; the error code, in the slot that becomes orig_eax
	mov ax, es
	mov [esp + PT_ES], eax
	; orig_eax follows Linux: -1 for an exception, ~irq for a hardware interrupt.
	mov eax, -1
	cmp ecx, IRQ_BASE_VECTOR
	jb .store_orig
	lea eax, [ecx - IRQ_BASE_VECTOR]
	not eax
.store_orig:
	mov [esp + PT_ORIG_EAX], eax
	mov ax, KERNEL_DS
	mov ds, ax
	mov es, ax
	mov eax, esp
	push edx                     ; error_code
	push ecx                     ; vector
	push eax                     ; regs
	call [trap_handlers + ecx * 4]   ; trap_handlers[vector](regs, vector, error_code)
	add esp, 12

; Restores the frame in pt_regs, whatever a handler changed in it (kprobes rewrites eip and
; eflags; the jprobe break handler replaces the whole frame), and returns from the trap.
global ret_from_trap
ret_from_trap:
	POP_FRAME_IRET

section .rodata
; Entry points indexed by vector, for idt.c.
global trap_stubs
trap_stubs:
%assign v 0
%rep NR_EXCEPTIONS + NR_IRQS
	dd stub_ %+ v
%assign v v+1
%endrep
