// SPDX-License-Identifier: MIT
/*
 * COM1's interrupt-driven input (drivers/serial.c): the ring, the IRQ 4 handler, and
 * serial_getc sleeping until a byte arrives (sent through the UART's own loopback mode,
 * so the test needs no one at the keyboard).
 */
#include "errno.h"
#include "io.h"
#include "irq.h"
#include "irqflags.h"
#include "ktest.h"
#include "sched.h"
#include "serial.h"
#include "string.h"
#include "timer.h"

/* ---- COM1 input by interrupt ---- */

static void rx_ring_fifo_and_drops(struct ktest *t)
{
	static struct serial_ring r;
	unsigned stored = 0, bad = 0;

	memset(&r, 0, sizeof(r));
	KEXPECT_EQ(t, serial_ring_get(&r), -1);
	for (int i = 0; i < 300; i++) {          /* move head off 0: the fill below wraps */
		serial_ring_put(&r, (u8)i);
		bad += serial_ring_get(&r) != (u8)i;
	}
	for (int i = 0; i < SERIAL_RX_RING_SIZE + 10; i++)
		stored += serial_ring_put(&r, (u8)(i * 7));
	KEXPECT_EQ(t, stored, SERIAL_RX_RING_SIZE);
	KEXPECT_EQ(t, r.dropped, 10);
	for (int i = 0; i < SERIAL_RX_RING_SIZE; i++)
		bad += serial_ring_get(&r) != (u8)(i * 7);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, serial_ring_get(&r), -1);
	KEXPECT_TRUE(t, serial_ring_put(&r, 0xff));   /* room again after draining */
	KEXPECT_EQ(t, serial_ring_get(&r), 0xff);     /* a byte, not the -1 of "empty" */
	KEXPECT_EQ(t, r.dropped, 10);
}

static void dummy_irq(unsigned irq, struct pt_regs *regs, void *dev)
{
	(void)irq, (void)regs, (void)dev;
}

static void rx_irq_handler_installed(struct ktest *t)
{
	serial_rx_init();              /* kmain already did: a second call changes nothing */
	KEXPECT_TRUE(t, serial_rx_enabled());
	KEXPECT_EQ(t, request_irq(COM1_IRQ, dummy_irq, NULL), -EBUSY);
	KEXPECT_EQ(t, inb(COM1_BASE + 1) & 0x01, 0x01);     /* IER: received data available */
	KEXPECT_EQ(t, inb(COM1_BASE + 4) & 0x08, 0x08);     /* MCR: OUT2 gates the IRQ */
}

#define UART_MCR     4
#define MCR_LOOPBACK 0x10   /* what the UART sends, it receives; nothing reaches the wire */

struct loop_ctx {
	struct task_struct *reader;
	enum task_state reader_state;   /* the reader's state just before the bytes go out */
	const char *msg;
};

static int loop_sender(void *arg)
{
	struct loop_ctx *lc = arg;

	schedule_timeout(2);            /* long enough for the reader to go to sleep */
	lc->reader_state = lc->reader->state;
	for (const char *s = lc->msg; *s; s++)
		serial_putc(*s);
	return 0;
}

/* Waits (interrupts on) up to ticks for IRQ 4 to have fired since it counted since. */
static bool wait_rx_irq(unsigned long since, unsigned long ticks)
{
	unsigned long end = jiffies + ticks;

	while (irq_count(COM1_IRQ) == since && (long)(jiffies - end) < 0)
		cpu_relax();
	return irq_count(COM1_IRQ) != since;
}

/*
 * serial_getc() with the UART in loopback: the reader must really sleep (blocked, not
 * spinning) until the IRQ handler wakes it, and get the bytes in order. Then 8 more bytes
 * than the ring holds, with no reader: the ring keeps the first 512 and counts 8 drops.
 * printk would loop back too, so nothing is checked until the UART is restored.
 */
static void getc_sleeps_until_the_irq(struct ktest *t)
{
	static struct loop_ctx lc;
	static char got[8];
	u8 mcr = inb(COM1_BASE + UART_MCR);
	unsigned long irqs, nvcsw, dropped;
	unsigned received = 0, bad = 0;
	struct task_struct *th;
	int c, probe;
	bool irq_seen;

	KASSERT_TRUE(t, serial_rx_enabled());
	while (serial_getc_nowait() >= 0)
		;                               /* whatever someone typed does not count */
	outb(COM1_BASE + UART_MCR, mcr | MCR_LOOPBACK);
	irqs = irq_count(COM1_IRQ);
	serial_putc('?');
	irq_seen = wait_rx_irq(irqs, 5);
	probe = serial_getc_nowait();
	if (!irq_seen) {
		outb(COM1_BASE + UART_MCR, mcr);
		ktest_skip(t, "the UART raises no interrupt in loopback mode");
	}

	lc = (struct loop_ctx){ .reader = current, .reader_state = TASK_NEW, .msg = "jumper" };
	nvcsw = current->nvcsw;
	th = kthread_run(loop_sender, &lc, "rx-sender");
	if (th) {
		for (int i = 0; i < 6; i++)
			got[i] = (char)serial_getc();
		kthread_join(th);
	}
	nvcsw = current->nvcsw - nvcsw;

	dropped = serial_rx_dropped();
	for (int i = 0; i < SERIAL_RX_RING_SIZE + 8; i++)
		serial_putc((char)('a' + i % 26));
	schedule_timeout(3);                    /* the FIFO timeout IRQ brings the last few */
	while ((c = serial_getc_nowait()) >= 0)
		bad += c != 'a' + (int)(received++ % 26);
	dropped = serial_rx_dropped() - dropped;
	outb(COM1_BASE + UART_MCR, mcr);

	KASSERT_TRUE(t, th != NULL);
	KEXPECT_EQ(t, probe, '?');
	KEXPECT_STREQ(t, got, "jumper");
	KEXPECT_EQ(t, lc.reader_state, TASK_BLOCKED);
	KEXPECT_GE(t, nvcsw, 1);                /* it gave the CPU away to wait */
	KEXPECT_GT(t, irq_count(COM1_IRQ), irqs + 1);
	KEXPECT_EQ(t, received, SERIAL_RX_RING_SIZE);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, dropped, 8);
}

static const struct ktest_case serial_rx_cases[] = {
	KTEST_CASE(rx_ring_fifo_and_drops),
	KTEST_CASE(rx_irq_handler_installed),
	KTEST_CASE(getc_sleeps_until_the_irq),
	KTEST_END,
};
KTEST_SUITE(serial_rx_suite, "serial_rx", serial_rx_cases);
