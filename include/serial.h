/* SPDX-License-Identifier: MIT */
/* 16550 UART on COM1: the kernel console and the monitor's input. */
#ifndef JUMPER_SERIAL_H
#define JUMPER_SERIAL_H

#include "types.h"

#define COM1_BASE 0x3F8
#define COM1_IRQ  4
#define COM2_BASE 0x2F8
#define COM2_IRQ  3

struct task_struct;

/*
 * Programs COM1 for 115200 8N1. Safe to call again. The FIFO enable bit is left as the
 * loader left it, because changing it resets the receive FIFO (and, in QEMU, the byte
 * waiting without one): input typed or piped before the kernel ran is kept.
 */
void serial_init(void);
/* Writes one byte, waiting for the transmitter (polled; usable with IRQs off). */
void serial_putc(char c);
/*
 * Returns the next received byte (0..255), or -1 if none is waiting; never blocks, and
 * works with interrupts off: it moves what the UART holds into the receive ring (as far
 * as the ring has room), then reads the ring (so it also works before serial_rx_init(),
 * and with IF=0 after it, where the IRQ 4 handler cannot run).
 */
int serial_getc_nowait(void);

/*
 * Input by interrupt: installs the IRQ 4 handler and enables the UART's "received data
 * available" interrupt. Bytes then collect in a SERIAL_RX_RING_SIZE ring. When the ring
 * is full the driver stops taking bytes from the UART (it is "throttled"): they wait in
 * the UART and, behind it, in QEMU's character device, which reads its input only when
 * the UART has room -- so a sender is held back and no byte is lost. Reading the ring
 * down to SERIAL_RX_RESUME bytes resumes. Call from thread context once the scheduler and
 * timer are up (kmain does). Calling it again does nothing.
 */
void serial_rx_init(void);
/* True once serial_rx_init() has installed the handler. */
bool serial_rx_enabled(void);
/* True while COM1's ring is full and its receive interrupt is off (see serial_rx_init). */
bool serial_rx_throttled(void);
/*
 * Returns the next received byte (0..255), sleeping until one arrives: the thread is
 * blocked (TASK_BLOCKED) and the IRQ 4 handler wakes it. Thread context only (it calls
 * schedule()). One sleeping reader at a time is woken by the interrupt; a second
 * concurrent reader is not lost, it polls the ring every timer tick instead. Before
 * serial_rx_init() there is no interrupt to wait for, so it polls the UART, yielding.
 */
int serial_getc(void);
/*
 * Input bytes lost since boot: UART overruns (LSR OE, a byte that came while the
 * previous one was unread) plus ring overflows. With flow control both stay 0; when one
 * happens the reader prints "serial: N input byte(s) lost" once per new loss.
 */
unsigned long serial_rx_dropped(void);

/*
 * The receive ring, exposed so its logic can be tested without the UART. Single
 * producer (the IRQ handler) and single consumer; callers provide the exclusion
 * (serial.c touches its ring with interrupts off). It keeps a count rather than
 * comparing head and tail, so all SERIAL_RX_RING_SIZE bytes are usable.
 */
#define SERIAL_RX_RING_SIZE 512
/* A throttled port resumes once its ring holds at most this many bytes. */
#define SERIAL_RX_RESUME    (SERIAL_RX_RING_SIZE / 2)

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

/*
 * One UART with interrupt-driven input. COM1 (the console) is one; the self-tests run
 * the same code on a private one at COM2 in loopback, so they never touch the console's
 * input. Fields are private to drivers/serial.c except for reading.
 */
struct serial_port {
	u16 base;
	u8 irq;
	bool rx_enabled;          /* handler installed, receive interrupt in use */
	bool throttled;           /* ring full: receive interrupt off, bytes left in the UART */
	unsigned long throttles;  /* times the ring filled and input was held back */
	unsigned long overruns;   /* bytes the UART itself lost (LSR OE) */
	unsigned long reported;   /* losses already reported by the reader */
	struct task_struct *waiter;   /* sleeping in serial_port_getc, woken by the IRQ */
	struct serial_ring ring;  /* touched only with interrupts off */
};

/* True if a UART answers at base (its scratch register keeps what is written). */
bool serial_port_present(u16 base);
/* Programs p for 115200 8N1, receive interrupt off, FIFO enable bit kept (as serial_init). */
void serial_port_init(struct serial_port *p);
/* Installs p's IRQ handler and enables its receive interrupt: 0 or request_irq's error. */
int serial_port_rx_start(struct serial_port *p);
/* Receive interrupt off, handler removed; what the ring holds stays readable, and a
 * reader sleeping in serial_port_getc is woken and polls the UART from then on. */
void serial_port_rx_stop(struct serial_port *p);
/* As serial_putc, serial_getc_nowait and serial_getc, for port p. */
void serial_port_putc(struct serial_port *p, char c);
int serial_port_getc_nowait(struct serial_port *p);
int serial_port_getc(struct serial_port *p);

#endif
