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
;   S - 8   eip             the real return address, written before any handler runs
;   S - 12  orig_eax        (unset)
;   S - 16  es, S - 20 ds   (unset)
;   S - 24  eax (the return value), then ebp, edi, esi, edx, ecx down to S - 44
;   S - 48  ebx             <- regs
;
; Interrupts are off from the cli after the pushfd; iret brings the function's IF back.
; Lean on purpose (make bench counts every instruction of a hit): ds, es and orig_eax are
; left unset (this is no trap, and the kernel's segments never change). On the way out the
; caller-saved registers come from the frame -- eax, edx (the return value: the handler may
; change it) and ecx -- while ebx, esi, edi and ebp are still the function's own in the
; CPU, preserved as the ABI demands (so a handler's changes to those four in regs are not
; applied). iret pops eip, cs and eflags: the return goes to the real caller with
; esp = S + 4 and the function's own flags, as its ret would have.
;
; Two paths. The fast one, here, is the common return: the task's first instance is this
; return's (its slot is S), its kretprobe is registered and has a handler, and no probe is
; being handled. It does what kretprobe_trampoline_handler (kernel/kretprobe.c) does in
; that case, and calls the return handler itself, as the C would:
;
;	ri = current->kretprobe_instances;      /* checked: ri && ri->fp == S, rp = ri->rp,
;						   rp && rp->handler && !kprobe_running() */
;	current->kretprobe_instances = ri->next;
;	regs->eip = ri->ret_addr;
;	preempt_disable(); current_kprobe = &rp->kp; kcb->kprobe_status = KPROBE_HIT_ACTIVE;
;	kprobe_in_handler = KPROBE_IN_KRETPROBE;
;	rp->handler(ri, regs);
;	kprobe_in_handler = KPROBE_IN_PRE; current_kprobe = NULL; preempt_enable_no_resched();
;	ri->task = NULL; ri->next = rp->free_instances; rp->free_instances = ri;
;
; The handler is called with this stack below the frame (esp grows down):
;
;   regs                the pt_regs above
;   regs - 4            the function's ebx (ebx holds ri across the call: the handler
;                       preserves it, as the ABI demands)
;   regs - 8, - 12      the arguments: regs, ri
;   regs - 16           kretprobe_trampoline_handler_ret: the call's return address
;   regs - 20           the caller's ebp, pushed by the handler's prologue: a frame record,
;                       so a backtrace walks from the handler to the caller
;                       (kretprobe_find_ret_addr reads the real return address from
;                       regs->eip there)
;
; Anything else -- instances a longjmp unwound past, an instance whose kretprobe is gone,
; no handler, a probe already being handled -- goes to the C function, called with regs in
; eax (regparm(1)) and this frame. It recycles the unwound instances, then either finishes
; the return without a handler (0) or, the first instance now being this return's and fit,
; sends it back to the fast path (1), the one place that runs a return handler:
;
;   S - 52  kretprobe_trampoline_call_ret: the call's return address
;   S - 56  the caller's ebp, pushed by the C function's prologue: a frame record (a
;           backtrace from a panic in it: kretprobe_find_ret_addr looks the real return
;           address up by the slot, regs->eip being unset then)
;
; In .kprobes.text: a probe here would trap inside the return path of every kretprobe.

%include "asm-offsets.inc"
%include "kprobe-offsets.inc"

; current_kprobe = &rp->kp is a plain store of rp.
%if RP_KP <> 0
%error "kretprobe_trampoline: struct kretprobe's kp is not its first member"
%endif

section .kprobes.text exec

extern kretprobe_trampoline_handler
extern current_kprobe
extern kprobe_ctlblk
extern kprobe_in_handler

global kretprobe_trampoline
global kretprobe_trampoline_handler_ret
global kretprobe_trampoline_call_ret
kretprobe_trampoline:
	pushfd                          ; eflags, over the used-up return address
	cli
	push dword KERNEL_CS
	sub esp, 16                     ; eip (written below), orig_eax, es, ds
	push eax
	push ebp
	push edi
	push esi
	push edx
	push ecx
	push ebx                        ; esp = regs
kretprobe_trampoline_fast:
	mov ecx, esp
	and ecx, -KRP_THREAD_SIZE       ; ecx = current_thread_info()
	mov edx, [ecx + TI_TASK]        ; edx = current
	mov eax, [edx + TSK_KRETPROBE_INSTANCES] ; eax = ri, the task's first instance
	test eax, eax
	jz kretprobe_trampoline_slow ; none: the C function panics
	lea edx, [esp + PT_EFLAGS]      ; S, the slot this return came from
	cmp [eax + RI_FP], edx
	jne kretprobe_trampoline_slow ; not ri's: instances unwound past, or corruption
	cmp dword [eax + RI_RET_ADDR], kretprobe_trampoline
	je kretprobe_trampoline_slow ; a chain of returns on this slot: the C runs it
	mov edx, [eax + RI_RP]          ; edx = rp
	test edx, edx
	jz kretprobe_trampoline_slow ; rp unregistered: the C function frees ri
	cmp dword [edx + RP_HANDLER], 0
	je kretprobe_trampoline_slow ; no handler to run
	cmp dword [current_kprobe], 0
	jne kretprobe_trampoline_slow ; a probe is being handled: a miss, the C counts it
	mov [current_kprobe], edx       ; current_kprobe = &rp->kp (RP_KP is 0)
	add dword [ecx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET ; preempt_disable()
	mov ecx, [ecx + TI_TASK]        ; ecx = current again
	push ebx                        ; the function's ebx, put back after the call
	mov ebx, eax                    ; ebx = ri, kept across the call
	mov eax, [ebx + RI_NEXT]
	mov [ecx + TSK_KRETPROBE_INSTANCES], eax ; ri off the task's list
	mov eax, [ebx + RI_RET_ADDR]
	mov [esp + 4 + PT_EIP], eax     ; regs->eip = ri->ret_addr: the handler sees it
	mov dword [kprobe_ctlblk + KCB_STATUS], KPROBE_HIT_ACTIVE
	mov dword [kprobe_in_handler], KPROBE_IN_KRETPROBE
	lea eax, [esp + 4]
	push eax                        ; rp->handler(ri, regs)
	push ebx
	call [edx + RP_HANDLER]
kretprobe_trampoline_handler_ret:
	mov dword [kprobe_in_handler], KPROBE_IN_PRE
	mov dword [current_kprobe], 0
	mov ecx, esp
	and ecx, -KRP_THREAD_SIZE       ; current_thread_info()
	sub dword [ecx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET ; preempt_enable_no_resched()
	mov edx, [ebx + RI_RP]          ; rp
	mov dword [ebx + RI_TASK], 0    ; ri back on rp's free list
	mov eax, [edx + RP_FREE_INSTANCES]
	mov [ebx + RI_NEXT], eax
	mov [edx + RP_FREE_INSTANCES], ebx
	mov ebx, [esp + 8]              ; the function's ebx
	mov ecx, [esp + 12 + PT_ECX]    ; the return value (and ecx), as the handler left them
	mov edx, [esp + 12 + PT_EDX]
	mov eax, [esp + 12 + PT_EAX]
	add esp, 12 + PT_EIP            ; the arguments, ebx, and regs up to eip
	iret
kretprobe_trampoline_slow:
	mov eax, esp                    ; regs
	call kretprobe_trampoline_handler
kretprobe_trampoline_call_ret:
	test eax, eax
	jnz kretprobe_trampoline_fast   ; 1: the task's first instance is this return's now
	mov ecx, [esp + PT_ECX]
	mov edx, [esp + PT_EDX]
	mov eax, [esp + PT_EAX]
	add esp, PT_EIP
	iret
