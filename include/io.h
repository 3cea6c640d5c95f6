/* SPDX-License-Identifier: MIT */
/* Port I/O and a few privileged instructions, as inline functions. */
#ifndef JUMPER_IO_H
#define JUMPER_IO_H

#include "types.h"

static inline void outb(u16 port, u8 val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outw(u16 port, u16 val)
{
	__asm__ volatile("outw %0, %1" : : "a"(val), "Nd"(port));
}

/* A write to an unused port takes about 1us on a PC: the classic delay after PIC writes. */
static inline void io_delay(void)
{
	outb(0x80, 0);
}

#endif
