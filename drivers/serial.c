// SPDX-License-Identifier: MIT
/*
 * 16550 UART driver. Output is polled: that keeps printk usable from any context (trap
 * handlers with IF=0, the oops path) without locks held across interrupts. Input is
 * polled until serial_rx_init(), then interrupt driven: the IRQ handler fills a ring
 * buffer and wakes the thread sleeping in serial_getc().
 *
 * Input is never dropped. When the ring is full the driver stops reading the UART and
 * turns its receive interrupt off ("throttled"); the unread byte keeps the UART full, and
 * QEMU's 16550 then reads nothing more from its character device (it asks the UART for
 * room first), so the bytes wait in QEMU and in the pipe or terminal behind it, and the
 * sender is held back. The reader, once it has emptied the ring down to SERIAL_RX_RESUME,
 * drains the UART itself and turns the interrupt back on.
 *
 * COM1 is the console (serial_console below); the self-tests run the same code on a
 * private UART at COM2 in loopback (tests/kernel/test_serial_rx.c).
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
#define UART_IIR  2
#define UART_LCR  3   /* line control; bit 7 = DLAB */
#define UART_MCR  4   /* modem control */
#define UART_LSR  5   /* line status */
#define UART_SCR  7   /* scratch */

#define LSR_DATA_READY 0x01
#define LSR_OVERRUN    0x02
#define LSR_THR_EMPTY  0x20
#define IER_RX_AVAIL   0x01   /* "received data available" (and FIFO timeout) interrupt */
#define IIR_FIFO_ON    0xc0   /* both bits set: the FIFOs are enabled */
#define FCR_ENABLE     0x01   /* FIFOs on, no reset bits, trigger level 1 byte */

static struct serial_port serial_console = { .base = COM1_BASE, .irq = COM1_IRQ };

bool serial_port_present(u16 base)
{
	u8 old = inb(base + UART_SCR);
	bool ok;

	outb(base + UART_SCR, 0x5a);
	ok = inb(base + UART_SCR) == 0x5a;
	outb(base + UART_SCR, 0xa5);
	ok = ok && inb(base + UART_SCR) == 0xa5;
	outb(base + UART_SCR, old);
	return ok;
}

void serial_port_init(struct serial_port *p)
{
	unsigned long flags;
	u8 fcr;

	local_irq_save(flags);
	outb(p->base + UART_IER, 0x00);    /* no UART interrupts (yet) */
	outb(p->base + UART_LCR, 0x80);    /* DLAB on to set the baud divisor */
	outb(p->base + UART_DATA, 0x01);   /* 115200 / 1 */
	outb(p->base + UART_IER, 0x00);
	outb(p->base + UART_LCR, 0x03);    /* 8 data bits, no parity, 1 stop; DLAB off */
	/*
	 * FIFOs: keep them as found. Flipping the enable bit resets the receive side (QEMU
	 * also drops the byte a FIFO-less UART holds), and input piped in at power-on may
	 * already be waiting there: with -kernel the UART starts without FIFOs, holding one
	 * byte; a loader (GRUB's serial terminal) may have turned them on. Writing the enable
	 * bit unchanged, without the reset bits, resets nothing; it only sets the trigger
	 * level to one byte, so both ways raise an interrupt per byte available. Either way
	 * QEMU takes a new byte from its input only when the UART has room, which is what
	 * the flow control relies on.
	 */
	fcr = (inb(p->base + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON ? FCR_ENABLE : 0;
	outb(p->base + UART_FCR, fcr);
	outb(p->base + UART_MCR, 0x0B);    /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
	if (p->rx_enabled && !p->throttled)   /* called again: input stays interrupt driven */
		outb(p->base + UART_IER, IER_RX_AVAIL);
	local_irq_restore(flags);
}

void serial_init(void)
{
	serial_port_init(&serial_console);
}

void serial_port_putc(struct serial_port *p, char c)
{
	while (!(inb(p->base + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(p->base + UART_DATA, (u8)c);
}

void serial_putc(char c)
{
	serial_port_putc(&serial_console, c);
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

/* ---- interrupt-driven input, with flow control ---- */

/*
 * Moves what the UART holds into the ring while the ring has room. Interrupts must be
 * off. If the ring is full the port is throttled: its receive interrupt goes off and
 * whatever the UART holds stays there. That matters twice. The 8259 is edge-triggered:
 * a handler that returned with data still pending would leave the UART's interrupt line
 * high, so no new edge, and input would stop for good. And in QEMU a full UART is what
 * holds the sender back: it reads its chardev only while the UART has room. With the
 * interrupt off the line is low on return, and turning it back on (rx_resume) makes a
 * fresh edge for the bytes that waited.
 */
static void rx_fill(struct serial_port *p)
{
	for (;;) {
		u8 lsr;

		if (p->ring.count == SERIAL_RX_RING_SIZE) {
			if (p->rx_enabled && !p->throttled) {
				outb(p->base + UART_IER, 0x00);
				p->throttled = true;
				p->throttles++;
			}
			return;
		}
		lsr = inb(p->base + UART_LSR);
		if (lsr & LSR_OVERRUN)
			p->overruns++;
		if (!(lsr & LSR_DATA_READY))
			return;
		serial_ring_put(&p->ring, inb(p->base + UART_DATA));
	}
}

/*
 * Called by the reader (interrupts off) after taking bytes: once the ring is down to
 * SERIAL_RX_RESUME, takes what waited in the UART and turns the receive interrupt back
 * on. Interrupt first, then the drain: a byte arriving between the two is either read by
 * the drain or, if it comes after it, raises the now-enabled line (a fresh edge, since
 * the drain left it low); the IRQ is latched by the PIC and taken when IF comes back.
 * The drain may fill the ring and throttle again, which is fine.
 */
static void rx_resume(struct serial_port *p)
{
	if (!p->throttled || p->ring.count > SERIAL_RX_RESUME)
		return;
	p->throttled = false;
	outb(p->base + UART_IER, IER_RX_AVAIL);
	rx_fill(p);
}

/* Takes one byte from the ring (interrupts off), resuming a throttled port. */
static int rx_take(struct serial_port *p)
{
	int c = serial_ring_get(&p->ring);

	if (c >= 0)
		rx_resume(p);
	return c;
}

/*
 * The port's IRQ. Runs with IF=0, so the ring and the waiter need no other protection.
 * The waiter is taken off p->waiter as it is woken: if it finds the ring empty again (a
 * concurrent getc_nowait took the byte) it re-registers itself before sleeping.
 */
static void serial_rx_interrupt(unsigned irq, struct pt_regs *regs, void *dev)
{
	struct serial_port *p = dev;
	struct task_struct *t;

	(void)irq;
	(void)regs;
	rx_fill(p);
	t = p->waiter;
	if (t && p->ring.count) {
		p->waiter = NULL;
		wake_up_process(t);
	}
}

int serial_port_rx_start(struct serial_port *p)
{
	unsigned long flags;
	int err;

	local_irq_save(flags);
	if (p->rx_enabled) {
		local_irq_restore(flags);
		return 0;
	}
	rx_fill(p);             /* keep what was typed before now */
	err = request_irq(p->irq, serial_rx_interrupt, p);
	if (!err) {
		p->rx_enabled = true;
		p->throttled = false;
		/* MCR OUT2 is already set by serial_port_init: it connects the UART's interrupt
		 * output to the PIC. Enabling the source is the last step, once the handler is
		 * in; then the ring may already be full, so fill (and maybe throttle) again. */
		outb(p->base + UART_IER, IER_RX_AVAIL);
		rx_fill(p);
	}
	local_irq_restore(flags);
	return err;
}

void serial_port_rx_stop(struct serial_port *p)
{
	unsigned long flags;

	local_irq_save(flags);
	if (p->rx_enabled) {
		outb(p->base + UART_IER, 0x00);
		free_irq(p->irq);
		p->rx_enabled = false;
		p->throttled = false;
		/* No interrupt will wake a sleeping reader now: wake it to poll instead. */
		if (p->waiter) {
			wake_up_process(p->waiter);
			p->waiter = NULL;
		}
	}
	local_irq_restore(flags);
}

void serial_rx_init(void)
{
	int err;

	if (serial_console.rx_enabled)
		return;
	err = serial_port_rx_start(&serial_console);
	if (err)
		printk("serial: cannot get IRQ %d (%d), input stays polled\n", COM1_IRQ, err);
}

bool serial_rx_enabled(void)
{
	return READ_ONCE(serial_console.rx_enabled);
}

bool serial_rx_throttled(void)
{
	return READ_ONCE(serial_console.throttled);
}

/* Bytes lost on p, UART overruns and ring overflows together. */
static unsigned long port_lost(const struct serial_port *p)
{
	return READ_ONCE(p->overruns) + READ_ONCE(p->ring.dropped);
}

/* Thread context: says so, once, when input was lost since the last report. */
static void report_losses(struct serial_port *p)
{
	unsigned long lost = port_lost(p);

	if (lost != p->reported) {
		printk("serial: %lu input byte(s) lost (%lu since boot)\n", lost - p->reported,
		       lost);
		p->reported = lost;
	}
}

/*
 * One path before and after rx_start: top the ring up from the UART, then take from the
 * ring. Before, the ring only ever holds what the drain put there; after, the drain is
 * what makes this work with IF=0, where the IRQ handler cannot run.
 */
int serial_port_getc_nowait(struct serial_port *p)
{
	unsigned long flags;
	int c;

	local_irq_save(flags);
	if (!p->throttled)
		rx_fill(p);
	c = rx_take(p);
	local_irq_restore(flags);
	return c;
}

int serial_getc_nowait(void)
{
	return serial_port_getc_nowait(&serial_console);
}

/*
 * The ring is checked and the thread marked blocked in one interrupts-off section, so a
 * byte arriving between the check and schedule() cannot be missed (the lost wakeup): its
 * IRQ is taken only once schedule() has switched away (or right after, if nothing else is
 * runnable and the idle thread's sti;hlt lets it in), and the handler then sees p->waiter
 * set. schedule() with IF=0 is fine: the switched-to thread restores its own flags
 * (kthread_join does the same).
 */
/* No interrupt to wait for (before rx_start, or after rx_stop): poll, yielding. */
static int getc_polled(struct serial_port *p)
{
	int c;

	while ((c = serial_port_getc_nowait(p)) < 0)
		yield();
	return c;
}

int serial_port_getc(struct serial_port *p)
{
	unsigned long flags;
	int c;

	if (!READ_ONCE(p->rx_enabled))
		return getc_polled(p);
	local_irq_save(flags);
	while ((c = rx_take(p)) < 0) {
		if (!p->rx_enabled) {           /* stopped while this thread slept */
			local_irq_restore(flags);
			return getc_polled(p);
		}
		if (p->waiter && p->waiter != current) {
			/* Someone else has the wakeup: poll once a tick rather than steal it. */
			local_irq_restore(flags);
			schedule_timeout(1);
			local_irq_save(flags);
			continue;
		}
		p->waiter = current;
		current->state = TASK_BLOCKED;
		schedule();
	}
	if (p->waiter == current)
		p->waiter = NULL;
	local_irq_restore(flags);
	if (port_lost(p) != p->reported)
		report_losses(p);
	return c;
}

int serial_getc(void)
{
	return serial_port_getc(&serial_console);
}

unsigned long serial_rx_dropped(void)
{
	return port_lost(&serial_console);
}
