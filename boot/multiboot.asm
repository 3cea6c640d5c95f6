; SPDX-License-Identifier: MIT
; jumper boot stub: the multiboot v1 header, the kernel's own GDT, and _start.
;
; A multiboot loader (QEMU -kernel, GRUB) enters _start in 32-bit protected mode with
; paging off, interrupts off, EAX = 0x2BADB002 and EBX = physical address of the multiboot
; info block. The loader's GDT and stack are not ours to keep (the spec says ESP is
; undefined), so _start installs a GDT of its own and a THREAD_SIZE-aligned boot stack
; before calling C.

MB_MAGIC     equ 0x1BADB002
MB_PAGEALIGN equ 1 << 0          ; modules page-aligned
MB_MEMINFO   equ 1 << 1          ; ask for mem_lower/upper and the memory map
MB_FLAGS     equ MB_PAGEALIGN | MB_MEMINFO

; KERNEL_CS, KERNEL_DS and the TSS selectors are include/desc.h's, through the generated
; asm-offsets.inc (kernel/asm-offsets.c): C loads the same selectors.
%include "asm-offsets.inc"

; The header must be 4-byte aligned within the first 8 KiB of the image; linker.ld puts
; the .multiboot section first so that always holds (the build checks with grub-file).
section .multiboot progbits alloc noexec nowrite align=4
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)        ; the three words must sum to zero

; The GDT lives in .data, not .text: gdt.c fills in the TSS descriptors at run time, and
; kernel text becomes read-only once paging is on.
section .data
align 8
global gdt_table
gdt_table:
	dq 0                             ; 0x00 null descriptor
	dq 0x00CF9A000000FFFF            ; KERNEL_CS: ring-0 code, base 0, 4 GiB, 32-bit, r/x
	dq 0x00CF92000000FFFF            ; KERNEL_DS: ring-0 data, base 0, 4 GiB, r/w
	dq 0                             ; TSS_SEL: TSS of the running CPU (gdt.c)
	dq 0                             ; DF_TSS_SEL: TSS of the double-fault task (gdt.c)
gdt_end:
; A selector is its descriptor's byte offset in the table: the order above must be the
; selectors' order in desc.h, or the far jump below would load a data segment into CS.
%if KERNEL_CS != 1 * 8 || KERNEL_DS != 2 * 8 || TSS_SEL != 3 * 8 || DF_TSS_SEL != 4 * 8
%error "gdt_table's layout does not match the selectors in include/desc.h"
%endif
global gdt_descr
gdt_descr:
	dw gdt_end - gdt_table - 1
	dd gdt_table

extern kmain
extern __bss_start, boot_stack_top

section .text.boot exec
global _start
_start:
	cli
	cld
	lgdt [gdt_descr]
	jmp KERNEL_CS:.reload_cs          ; a far jump is the only way to reload CS
.reload_cs:
	mov cx, KERNEL_DS
	mov ds, cx
	mov es, cx
	mov fs, cx
	mov gs, cx
	mov ss, cx

	; Zero .bss and the boot stack ourselves rather than trust every loader to. EAX and
	; EBX carry the multiboot handoff, so keep them in EDX/ESI meanwhile.
	mov edx, eax
	mov esi, ebx
	mov edi, __bss_start
	mov ecx, boot_stack_top
	sub ecx, edi
	xor eax, eax
	rep stosb

	; The boot stack is THREAD_SIZE-aligned with room for struct thread_info at its base
	; (linker.ld), so current_thread_info() works from the first C instruction on.
	mov esp, boot_stack_top
	xor ebp, ebp                      ; a zero frame pointer ends every backtrace
	push esi                          ; kmain(magic, info)
	push edx
	call kmain
.hang:                                    ; kmain never returns; stop here if it does
	cli
	hlt
	jmp .hang
