; SPDX-License-Identifier: MIT
; setjmp/longjmp for the kernel (no libc). The self-test framework uses them to abandon a
; test case when a fatal assertion fails; they are also the simplest model of what a
; jprobe does with a whole trap frame.
;
; jmp_buf layout (6 words): ebx esi edi ebp esp eip. Those are the registers the i386
; cdecl ABI says a callee must preserve; everything else the caller already assumes lost.

section .text

global setjmp
setjmp:                                  ; int setjmp(jmp_buf env)
	mov eax, [esp + 4]
	mov [eax + 0], ebx
	mov [eax + 4], esi
	mov [eax + 8], edi
	mov [eax + 12], ebp
	lea ecx, [esp + 4]               ; esp as it will be after our ret
	mov [eax + 16], ecx
	mov ecx, [esp]                   ; our return address
	mov [eax + 20], ecx
	xor eax, eax                     ; direct call returns 0
	ret

global longjmp
longjmp:                                 ; void longjmp(jmp_buf env, int val)
	mov edx, [esp + 4]
	mov eax, [esp + 8]
	test eax, eax
	jnz .nonzero
	inc eax                          ; setjmp must not appear to return 0 twice
.nonzero:
	mov ebx, [edx + 0]
	mov esi, [edx + 4]
	mov edi, [edx + 8]
	mov ebp, [edx + 12]
	mov esp, [edx + 16]
	jmp [edx + 20]
