// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver for COM1. Output is polled: that keeps printk usable from any context
 * (trap handlers with IF=0, the oops path) without locks held across interrupts. Input is
 * polled until serial_rx_init(), then interrupt driven: IRQ 4 fills a ring buffer and
 * wakes the thread sleeping in serial_getc().
 */
#include "serial.h"
#include "io.h"
#include "irq.h"
#include "irqflags.h"
#include "kernel.h"
#include "sched.h"

/* Register offsets from the base port. */
#define UART_DATA 0   /* THR (write) / RBR (read); divisor low when DLAB=1 */
#define UART_IER  1   /* interrupt enable; divisor high when DLAB=1 */
#define UART_FCR  2   /* FIFO control (write) / IIR (read) */
#define UART_LCR  3   /* line control; bit 7 = DLAB */
#define UART_MCR  4   /* modem control */
#define UART_LSR  5   /* line status */

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define IER_RX_AVAIL   0x01   /* "received data available" (and FIFO timeout) interrupt */

static void rx_drain(void);
static bool rx_enabled;

void serial_init(void)
{
	unsigned long flags;

	local_irq_save(flags);
	outb(COM1_BASE + UART_IER, 0x00);   /* no UART interrupts (yet) */
	outb(COM1_BASE + UART_LCR, 0x80);   /* DLAB on to set the baud divisor */
	outb(COM1_BASE + UART_DATA, 0x01);  /* 115200 / 1 */
	outb(COM1_BASE + UART_IER, 0x00);
	outb(COM1_BASE + UART_LCR, 0x03);   /* 8 data bits, no parity, 1 stop; DLAB off */
	/* FIFOs stay off. Turning them on resets the receive side, and input piped in at
	 * power-on may already be waiting there; a byte that arrives between draining it
	 * and the reset would be lost. Without a FIFO the UART holds one byte and the
	 * sender waits until we read it: nothing is ever dropped, and one byte per
	 * interrupt is plenty for a console. */
	outb(COM1_BASE + UART_FCR, 0x00);
	outb(COM1_BASE + UART_MCR, 0x0B);   /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
	if (rx_enabled)                     /* called again: input stays interrupt driven */
		outb(COM1_BASE + UART_IER, IER_RX_AVAIL);
	local_irq_restore(flags);
}

void serial_putc(char c)
{
	while (!(inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1_BASE + UART_DATA, (u8)c);
}

/* Reads one byte straight from the UART, or -1 if its receiver is empty. */
static int uart_getc(void)
{
	if (!(inb(COM1_BASE + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1_BASE + UART_DATA);
}

/* ---- the receive ring ---- */

bool serial_ring_put(struct serial_ring *r, u8 c)
{
	if (r->count == SERIAL_RX_RING_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[(r->head + r->count) % SERIAL_RX_RING_SIZE] = c;
	r->count++;
	return true;
}

int serial_ring_get(struct serial_ring *r)
{
	int c;

	if (!r->count)
		return -1;
	c = r->buf[r->head];
	r->head = (r->head + 1) % SERIAL_RX_RING_SIZE;
	r->count--;
	return c;
}

/* ---- interrupt-driven input ---- */

static struct serial_ring rx_ring;              /* touched only with interrupts off */
/* The thread sleeping in serial_getc, woken by the next byte; NULL if none. */
static struct task_struct *rx_waiter;

/*
 * Moves everything the UART's receive FIFO holds into the ring. Reading RBR until LSR
 * says empty also clears the UART's interrupt condition. Interrupts must be off.
 */
static void rx_drain(void)
{
	int c;

	while ((c = uart_getc()) >= 0)
		serial_ring_put(&rx_ring, (u8)c);
}

/*
 * IRQ 4. Runs with IF=0, so the ring and rx_waiter need no other protection. The waiter
 * is taken off rx_waiter as it is woken: if it finds the ring empty again (a concurrent
 * serial_getc_nowait took the byte) it re-registers itself before sleeping.
 */
static void serial_rx_interrupt(unsigned irq, struct pt_regs *regs, void *dev)
{
	struct task_struct *t;

	(void)irq;
	(void)regs;
	(void)dev;
	rx_drain();
	t = rx_waiter;
	if (t && rx_ring.count) {
		rx_waiter = NULL;
		wake_up_process(t);
	}
}

void serial_rx_init(void)
{
	unsigned long flags;
	int err;

	local_irq_save(flags);
	if (rx_enabled) {
		local_irq_restore(flags);
		return;
	}
	rx_drain();             /* keep what was typed before now */
	err = request_irq(COM1_IRQ, serial_rx_interrupt, NULL);
	if (err) {
		local_irq_restore(flags);
		printk("serial: cannot get IRQ %d (%d), input stays polled\n", COM1_IRQ, err);
		return;
	}
	rx_enabled = true;
	/* MCR OUT2 is already set by serial_init: it connects the UART's interrupt output
	 * to the PIC. Enabling the source is the last step, once the handler is in. */
	outb(COM1_BASE + UART_IER, IER_RX_AVAIL);
	local_irq_restore(flags);
}

bool serial_rx_enabled(void)
{
	return READ_ONCE(rx_enabled);
}

/*
 * One path before and after serial_rx_init(): top the ring up from the UART, then take
 * from the ring. Before, the ring only ever holds what serial_init saved; after, the
 * drain is what makes this work with IF=0, where the IRQ 4 handler cannot run.
 */
int serial_getc_nowait(void)
{
	unsigned long flags;
	int c;

	local_irq_save(flags);
	rx_drain();
	c = serial_ring_get(&rx_ring);
	local_irq_restore(flags);
	return c;
}

/*
 * The ring is checked and the thread marked blocked in one interrupts-off section, so a
 * byte arriving between the check and schedule() cannot be missed: its IRQ is taken only
 * once schedule() has switched away (or right after, if nothing else is runnable and the
 * idle thread's sti;hlt lets it in), and the handler then sees rx_waiter set. schedule()
 * with IF=0 is fine: the switched-to thread restores its own flags (kthread_join does
 * the same).
 */
int serial_getc(void)
{
	unsigned long flags;
	int c;

	if (!READ_ONCE(rx_enabled)) {
		while ((c = serial_getc_nowait()) < 0)
			yield();
		return c;
	}
	local_irq_save(flags);
	while ((c = serial_ring_get(&rx_ring)) < 0) {
		if (rx_waiter && rx_waiter != current) {
			/* Someone else has the wakeup: poll once a tick rather than steal it. */
			local_irq_restore(flags);
			schedule_timeout(1);
			local_irq_save(flags);
			continue;
		}
		rx_waiter = current;
		current->state = TASK_BLOCKED;
		schedule();
	}
	if (rx_waiter == current)
		rx_waiter = NULL;
	local_irq_restore(flags);
	return c;
}

unsigned long serial_rx_dropped(void)
{
	return READ_ONCE(rx_ring.dropped);
}
