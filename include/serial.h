/* 16550 UART on COM1: the kernel console and, later, the monitor's input. */
#ifndef JUMPER_SERIAL_H
#define JUMPER_SERIAL_H

#include "types.h"

#define COM1_BASE 0x3F8

/* Programs COM1 for 115200 8N1 with FIFOs on. Safe to call again. */
void serial_init(void);
/* Writes one byte, waiting for the transmitter (polled; usable with IRQs off). */
void serial_putc(char c);
/* Returns the next received byte, or -1 if none is waiting (never blocks). */
int serial_getc_nowait(void);

#endif
