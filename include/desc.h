/* SPDX-License-Identifier: MIT */
/* Segment and gate descriptors: the GDT (boot/multiboot.asm, kernel/gdt.c) and the IDT. */
#ifndef JUMPER_DESC_H
#define JUMPER_DESC_H

#include "compiler.h"
#include "trapnr.h"

/* A selector is its descriptor's offset in boot/multiboot.asm's gdt_table. The asm reads
 * these through asm-offsets.inc (kernel/asm-offsets.c) and refuses to assemble a table
 * laid out in another order. */
#define KERNEL_CS     0x08
#define KERNEL_DS     0x10
#define TSS_SEL       0x18   /* the running CPU's TSS */
#define DF_TSS_SEL    0x20   /* the double-fault task's TSS */

#define NR_VECTORS    256
#define NR_EXCEPTIONS X86_NR_HW_TRAPS   /* vectors 0-31: each has an entry stub */

/* Gate types (the low 4 bits of a gate's type/attribute byte). */
#define GATE_TASK      0x5
#define GATE_INTERRUPT 0xE   /* clears IF on entry */
#define GATE_TRAP      0xF   /* leaves IF as it was */

struct gate_desc {
	u16 offset_low;
	u16 selector;
	u8 zero;
	u8 type_attr;        /* P(1) DPL(2) 0 type(4) */
	u16 offset_high;
} __packed;

struct desc_ptr {
	u16 size;
	u32 address;
} __packed;

/* Fills the IDT (exceptions 0-31, IRQs 32-47) and loads it. */
void idt_init(void);
void set_intr_gate(unsigned vector, void *handler);
void set_trap_gate(unsigned vector, void *handler);
void set_task_gate(unsigned vector, u16 tss_selector);
/* The gate the CPU will use for vector, read through the loaded IDTR. */
const struct gate_desc *idt_gate(unsigned vector);

static inline void store_idt(struct desc_ptr *dtr)
{
	__asm__ volatile("sidt %0" : "=m"(*dtr));
}

#endif
