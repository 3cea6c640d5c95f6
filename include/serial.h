/* SPDX-License-Identifier: MIT */
/* 16550 UART on COM1: the kernel console and the monitor's input. */
#ifndef JUMPER_SERIAL_H
#define JUMPER_SERIAL_H

#include "types.h"

#define COM1_BASE 0x3F8
#define COM1_IRQ  4

/*
 * Programs COM1 for 115200 8N1 with FIFOs on. Safe to call again. A byte already waiting
 * in the UART is kept for serial_getc*(), not lost in the FIFO reset.
 */
void serial_init(void);
/* Writes one byte, waiting for the transmitter (polled; usable with IRQs off). */
void serial_putc(char c);
/*
 * Returns the next received byte (0..255), or -1 if none is waiting; never blocks, and
 * works with interrupts off: it moves what the UART holds into the receive ring, then
 * reads the ring (so it also works before serial_rx_init(), and with IF=0 after it,
 * where the IRQ 4 handler cannot run).
 */
int serial_getc_nowait(void);

/*
 * Input by interrupt: installs the IRQ 4 handler and enables the UART's "received data
 * available" interrupt. Bytes then collect in a SERIAL_RX_RING_SIZE ring; a full ring
 * drops new bytes and counts them. Call from thread context once the scheduler and timer
 * are up (kmain does). Calling it again does nothing.
 */
void serial_rx_init(void);
/* True once serial_rx_init() has installed the handler. */
bool serial_rx_enabled(void);
/*
 * Returns the next received byte (0..255), sleeping until one arrives: the thread is
 * blocked (TASK_BLOCKED) and the IRQ 4 handler wakes it. Thread context only (it calls
 * schedule()). One sleeping reader at a time is woken by the interrupt; a second
 * concurrent reader is not lost, it polls the ring every timer tick instead. Before
 * serial_rx_init() there is no interrupt to wait for, so it polls the UART, yielding.
 */
int serial_getc(void);
/* Bytes dropped because the receive ring was full, since boot. */
unsigned long serial_rx_dropped(void);

/*
 * The receive ring, exposed so its logic can be tested without the UART. Single
 * producer (the IRQ handler) and single consumer; callers provide the exclusion
 * (serial.c touches its ring with interrupts off). It keeps a count rather than
 * comparing head and tail, so all SERIAL_RX_RING_SIZE bytes are usable.
 */
#define SERIAL_RX_RING_SIZE 512

struct serial_ring {
	u8 buf[SERIAL_RX_RING_SIZE];
	unsigned head;            /* next byte to read */
	unsigned count;           /* bytes stored, 0..SERIAL_RX_RING_SIZE */
	unsigned long dropped;    /* bytes refused because the ring was full */
};

/* Appends c; if the ring is full, drops it, counts it in r->dropped and returns false. */
bool serial_ring_put(struct serial_ring *r, u8 c);
/* Removes and returns the oldest byte (0..255), or -1 if the ring is empty. */
int serial_ring_get(struct serial_ring *r);

#endif
