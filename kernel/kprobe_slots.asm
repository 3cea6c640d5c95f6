; SPDX-License-Identifier: MIT
; The instruction slots kprobes single-steps from (kernel/kprobe_register.c).
;
; Each probed instruction is copied into a KPROBE_SLOT_SIZE-byte slot here and executed
; from the slot, either single-stepped with TF set, or "boosted" (see
; kernel/kprobe_register.c). The slots are part of kernel text: mapped read-only and
; executable, written only through text_poke, and inside the probe blacklist (a probe on
; a slot would trap in the middle of a single-step). Keeping the copies away from data
; written at run time (the 2004 patch kept each copy inside its struct kprobe) also spares
; an emulator from re-translating code on every write to a nearby variable.
;
; Unused slots hold int3, so a stray jump into one traps instead of running garbage.

; KPROBE_SLOT_SIZE and KPROBE_NR_SLOTS are include/kprobes.h's, through the generated
; kprobe-offsets.inc (kernel/kprobe-offsets.c): C indexes this array with the same numbers.
%include "kprobe-offsets.inc"

section .kprobes.slots progbits alloc exec nowrite align=4096
global kprobe_insn_slots
kprobe_insn_slots:
	times KPROBE_SLOT_SIZE * KPROBE_NR_SLOTS db 0xcc
