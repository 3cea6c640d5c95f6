// SPDX-License-Identifier: MIT
/*
 * The interrupt descriptor table.
 *
 * Gate type matters for probes. An interrupt gate clears IF on entry, a trap gate does
 * not. #DB and #BP (debug, breakpoint) are interrupt gates, as in Linux: between the
 * int3 of a probe and the end of its single-step, kprobes keeps per-CPU state
 * (current_kprobe, struct kprobe_ctlblk); an interrupt arriving in that window
 * could run code that hits another probe and overwrite it. The page fault is an
 * interrupt gate too so a nested fault cannot replace CR2 before it is read. The other
 * exceptions are trap gates, and IRQs interrupt gates, as on i386 Linux.
 */
#include "desc.h"
#include "pic.h"
#include "trapnr.h"

extern void *trap_stubs[NR_EXCEPTIONS + NR_IRQS];   /* kernel/entry.asm */

static struct gate_desc idt_table[NR_VECTORS] __aligned(8);

static void set_gate(unsigned vector, u32 offset, u16 selector, u8 type)
{
	struct gate_desc *g = &idt_table[vector];

	g->offset_low = offset & 0xFFFF;
	g->selector = selector;
	g->zero = 0;
	g->type_attr = 0x80 | type;   /* present, DPL 0: int3 from ring 3 would be a #GP */
	g->offset_high = offset >> 16;
}

void set_intr_gate(unsigned vector, void *handler)
{
	set_gate(vector, (u32)(uintptr_t)handler, KERNEL_CS, GATE_INTERRUPT);
}

void set_trap_gate(unsigned vector, void *handler)
{
	set_gate(vector, (u32)(uintptr_t)handler, KERNEL_CS, GATE_TRAP);
}

void set_task_gate(unsigned vector, u16 tss_selector)
{
	set_gate(vector, 0, tss_selector, GATE_TASK);
}

const struct gate_desc *idt_gate(unsigned vector)
{
	struct desc_ptr dtr;

	store_idt(&dtr);
	return &((const struct gate_desc *)(uintptr_t)dtr.address)[vector];
}

void idt_init(void)
{
	for (unsigned v = 0; v < NR_EXCEPTIONS; v++)
		set_trap_gate(v, trap_stubs[v]);
	/* debug: the single-step of a probed instruction */
	set_intr_gate(X86_TRAP_DB, trap_stubs[X86_TRAP_DB]);
	set_intr_gate(X86_TRAP_NMI, trap_stubs[X86_TRAP_NMI]);
	/* int3: the probe breakpoint */
	set_intr_gate(X86_TRAP_BP, trap_stubs[X86_TRAP_BP]);
	/* page fault: keep CR2 until the handler read it */
	set_intr_gate(X86_TRAP_PF, trap_stubs[X86_TRAP_PF]);
	for (unsigned irq = 0; irq < NR_IRQS; irq++)
		set_intr_gate(IRQ_BASE_VECTOR + irq, trap_stubs[NR_EXCEPTIONS + irq]);

	struct desc_ptr dtr = { sizeof(idt_table) - 1, (u32)(uintptr_t)idt_table };
	__asm__ volatile("lidt %0" : : "m"(dtr));
}
