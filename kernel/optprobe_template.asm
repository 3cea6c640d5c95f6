; SPDX-License-Identifier: MIT
; The detour of a jump-optimized probe (kernel/optprobe.c; docs/optprobes.md draws it byte
; by byte). This is a template, never run where it lies: kernel/optprobe_prepare.c copies it
; into the probe's detour buffer, fills in the four-byte fields that end at the tp_* labels,
; and appends the probed instructions (relocated) and a jmp back after the region.
;
; The probed code reaches optprobe_template_entry by the jmp rel32 that replaced its first
; five bytes, with everything as it was at the probe address. The entry builds, just below
; the probed code's esp, the frame an int3 would have built -- a ring-0 struct pt_regs
; (include/ptrace.h), so &regs->esp is the probed code's esp and regs->eip the probe's
; address -- then runs the pre handler as the int3 path does (kernel/kprobes.c):
;
;	if (current_kprobe) {                   /* a handler is running: a miss */
;		kprobes_inc_nmissed_count(p);
;	} else {
;		preempt_disable(); current_kprobe = p; kcb->kprobe_status = KPROBE_HIT_ACTIVE;
;		ret = p->pre_handler(p, regs);
;		current_kprobe = NULL; preempt_enable_no_resched();
;		if (ret)
;			resume at regs->eip with regs->eflags (iret);  /* the handler said so */
;		regs->eflags = (regs->eflags & ~(TF | IF)) | (the probed code's TF | IF);
;	}
;	registers back from regs; eflags back; run the copied instructions; jmp back
;
; Interrupts are off from the cli to the popfd, as an int3's interrupt gate keeps them off
; from the trap to its iret; preemption is off around the handler (the int3 path's
; preempt_disable/preempt_enable_no_resched pair). Every general register is reloaded from
; regs, so a handler's change to any of them is applied, as after an int3 hit (ds and es are
; not: the kernel's segments never change, and the int3 path reloads them only because its
; stub is shared with traps from anywhere); of the flags, TF
; and IF stay the probed code's whatever the handler wrote, as kprobe_resume_flags rules
; for an int3 hit (kernel/kprobes_internal.h), the other bits are the handler's. The copied
; instructions run with the probed code's own flags, IF included: a thread may be
; preempted there, which is why a retired buffer is freed only once no stack holds an
; address in it (kernel/optprobe.c).
;
; Lean on purpose: make bench's kprobe_optimized row counts every instruction.

%include "asm-offsets.inc"
%include "kprobe-offsets.inc"

section .rodata

extern current_kprobe
extern kprobe_ctlblk

global optprobe_template, optprobe_template_entry, optprobe_template_end
global tp_missed_p, tp_missed_call, tp_eip, tp_cur_p, tp_arg_p, tp_call

optprobe_template:

; A hit while a handler runs (current_kprobe set): count the miss, run no handler.
tp_l_missed:
	push strict dword 0             ; p
tp_missed_p:
	call 0                          ; kprobes_inc_nmissed_count(p)
tp_missed_call:
	add esp, 4
	jmp tp_l_resume

; The pre handler returned non-zero: it set up the resume itself (regs->eip, regs->eflags),
; as after an int3 hit. The frame is an interrupt's, so iret resumes there.
tp_l_diverted:
	pop ebx
	pop ecx
	pop edx
	pop esi
	pop edi
	pop ebp
	pop eax
	pop ds
	pop es
	add esp, 4                      ; orig_eax
	iret

; The jmp from the probed code lands here.
optprobe_template_entry:
	pushfd                          ; regs->eflags: the probed code's, IF included
	cli
	push dword KERNEL_CS            ; regs->cs
	push strict dword 0             ; regs->eip: the probe's address
tp_eip:
	push dword -1                   ; regs->orig_eax: -1, as for an exception
	push es
	push ds
	push eax                        ; the general registers, in pt_regs order
	push ebp
	push edi
	push esi
	push edx
	push ecx
	push ebx                        ; esp = regs
	cld                             ; the C ABI wants DF clear
	cmp dword [current_kprobe], 0
	jne tp_l_missed
	mov dword [current_kprobe], 0   ; = p
tp_cur_p:
	mov dword [kprobe_ctlblk + KCB_STATUS], KPROBE_HIT_ACTIVE
	mov esi, [esp + PT_EFLAGS]      ; the probed code's flags, kept in esi across the call
	and esi, X86_TF_IF
	mov ebx, esp                    ; current_thread_info(), kept in ebx across the call
	and ebx, -KRP_THREAD_SIZE
	add dword [ebx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET      ; preempt_disable()
	push esp                        ; regs
	push strict dword 0             ; p
tp_arg_p:
	call 0                          ; p->pre_handler(p, regs)
tp_call:
	add esp, 8
	sub dword [ebx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET      ; preempt_enable_no_resched()
	mov dword [current_kprobe], 0
	test eax, eax
	jnz tp_l_diverted
	and dword [esp + PT_EFLAGS], ~X86_TF_IF     ; TF and IF: the probed code's, whatever
	or [esp + PT_EFLAGS], esi                   ; the handler wrote (kprobe_resume_flags)
tp_l_resume:
	pop ebx
	pop ecx
	pop edx
	pop esi
	pop edi
	pop ebp
	pop eax
	add esp, 20                     ; ds, es, orig_eax, eip, cs
	popfd                           ; the probed code's flags: IF back on if it was
optprobe_template_end:
	; the copied instructions and the jmp back follow in the buffer
