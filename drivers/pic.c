// SPDX-License-Identifier: MIT
/*
 * 8259A PIC driver. At power-on the BIOS leaves the master's IRQs on vectors 8-15, which
 * collide with CPU exceptions (IRQ 0, the timer, would look like a double fault), so the
 * first thing to do before enabling interrupts is to move them to 32-47.
 */
#include "pic.h"
#include "io.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

#define ICW1_INIT 0x11   /* init, cascade, ICW4 follows */
#define ICW4_8086 0x01
#define OCW2_EOI  0x20
#define OCW3_ISR  0x0B   /* next read of the command port returns the in-service register */

void pic_init(void)
{
	outb(PIC1_CMD, ICW1_INIT);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT);
	io_delay();
	outb(PIC1_DATA, IRQ_BASE_VECTOR);       /* ICW2: master vector base */
	io_delay();
	outb(PIC2_DATA, IRQ_BASE_VECTOR + 8);   /* ICW2: slave vector base */
	io_delay();
	outb(PIC1_DATA, 1 << 2);                /* ICW3: slave on master's IRQ 2 */
	io_delay();
	outb(PIC2_DATA, 2);                     /* ICW3: slave's cascade identity */
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	outb(PIC1_DATA, 0xFB);                  /* all masked except the cascade line */
	outb(PIC2_DATA, 0xFF);
}

static u16 data_port(unsigned irq)
{
	return irq < 8 ? PIC1_DATA : PIC2_DATA;
}

void pic_mask(unsigned irq)
{
	u16 port = data_port(irq);
	outb(port, inb(port) | (u8)(1u << (irq & 7)));
}

void pic_unmask(unsigned irq)
{
	u16 port = data_port(irq);
	outb(port, inb(port) & (u8)~(1u << (irq & 7)));
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

bool pic_is_spurious(unsigned irq)
{
	u16 cmd = irq < 8 ? PIC1_CMD : PIC2_CMD;
	outb(cmd, OCW3_ISR);
	return !(inb(cmd) & (1u << (irq & 7)));
}
