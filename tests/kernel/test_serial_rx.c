// SPDX-License-Identifier: MIT
/*
 * Interrupt-driven serial input (drivers/serial.c): the ring, the IRQ handler, serial_getc
 * sleeping until a byte arrives, and the flow control that holds input back instead of
 * dropping it when the ring is full.
 *
 * The IRQ and flow-control cases run the driver's code on a private UART, COM2, in its
 * loopback mode (what it sends, it receives), never on the console: the user's typed-ahead
 * input on COM1 stays where it is, typing during the test changes nothing, and probe hit
 * lines printed meanwhile go out on COM1 without looping back. QEMU gives the kernel a
 * COM2 when started with a second -serial (make run and make test pass "-serial null");
 * without one these cases skip and say so.
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

#define UART_IER     1
#define UART_FCR     2
#define UART_IIR     2
#define UART_MCR     4
#define UART_LSR     5
#define MCR_LOOPBACK 0x10   /* what the UART sends, it receives; nothing reaches the wire */
#define MCR_NORMAL   0x0B

/* ---- the ring, and the console ---- */

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
	unsigned long flags;
	bool throttled;
	u8 ier;

	serial_rx_init();              /* kmain already did: a second call changes nothing */
	KEXPECT_TRUE(t, serial_rx_enabled());
	KEXPECT_EQ(t, request_irq(COM1_IRQ, dummy_irq, NULL), -EBUSY);
	/* The receive interrupt is on unless input is being held back right now (a paste
	 * or a pipe running ahead of the monitor while this test runs). */
	local_irq_save(flags);
	ier = inb(COM1_BASE + UART_IER);
	throttled = serial_rx_throttled();
	local_irq_restore(flags);
	KEXPECT_EQ(t, ier & 0x01, throttled ? 0 : 1);
	KEXPECT_EQ(t, inb(COM1_BASE + UART_MCR) & 0x08, 0x08);     /* OUT2 gates the IRQ */
}

/* Flow control means the console never loses input; a loss is reported, here too. */
static void console_lost_no_input(struct ktest *t)
{
	unsigned long lost = serial_rx_dropped();

	if (lost)
		ktest_info(t, "COM1 lost %lu input byte(s) since boot", lost);
	KEXPECT_EQ(t, lost, 0);
}

/* ---- a private UART: COM2 in loopback ---- */

static struct serial_port com2;

/* A fresh COM2 driver state, the UART programmed and in loopback; skips if absent. */
static void com2_open(struct ktest *t)
{
	if (!serial_port_present(COM2_BASE))
		ktest_skip(t, "no UART at COM2 (0x2f8): boot QEMU with a second -serial, "
			      "as make run and make test do");
	memset(&com2, 0, sizeof(com2));
	com2.base = COM2_BASE;
	com2.irq = COM2_IRQ;
	serial_port_init(&com2);
	outb(COM2_BASE + UART_MCR, MCR_NORMAL | MCR_LOOPBACK);
}

static void com2_close(void)
{
	serial_port_rx_stop(&com2);
	outb(COM2_BASE + UART_MCR, MCR_NORMAL);
	while (serial_port_getc_nowait(&com2) >= 0)
		;
}

/*
 * Reprogramming a UART must not lose what waits in it. A loader may leave the FIFOs on
 * (GRUB's serial terminal does), and flipping FCR's enable bit resets the receive FIFO:
 * serial_port_init must keep the bit as found, with FIFOs on and with them off.
 */
static void init_keeps_waiting_input(struct ktest *t)
{
	unsigned long flags;
	char with_fifo[4] = "", without[2] = "";
	u8 iir_after;

	com2_open(t);
	local_irq_save(flags);                  /* no IRQ handler on COM2 yet anyway */
	outb(COM2_BASE + UART_FCR, 0x07);       /* as GRUB: FIFOs on, both reset */
	serial_port_putc(&com2, 'a');
	serial_port_putc(&com2, 'b');
	serial_port_putc(&com2, 'c');
	serial_port_init(&com2);
	iir_after = inb(COM2_BASE + UART_IIR);
	for (int i = 0; i < 3; i++)
		with_fifo[i] = (char)serial_port_getc_nowait(&com2);
	outb(COM2_BASE + UART_FCR, 0x00);       /* FIFOs off, as QEMU starts the UART */
	outb(COM2_BASE + UART_MCR, MCR_NORMAL | MCR_LOOPBACK);
	serial_port_putc(&com2, 'z');
	serial_port_init(&com2);
	without[0] = (char)serial_port_getc_nowait(&com2);
	local_irq_restore(flags);
	com2_close();

	KEXPECT_STREQ(t, with_fifo, "abc");
	KEXPECT_EQ(t, iir_after & 0xc0, 0xc0);  /* the FIFOs are still on */
	KEXPECT_STREQ(t, without, "z");
}

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
	for (const char *s = lc->msg; *s; s++) {
		while (inb(COM2_BASE + UART_LSR) & 0x01)
			schedule_timeout(1);    /* FIFO-less: one byte at a time, as a wire */
		serial_port_putc(&com2, *s);
	}
	return 0;
}

/*
 * serial_port_getc() on COM2 in loopback: the reader must really sleep (blocked, not
 * spinning) until the IRQ handler wakes it, and get the bytes in order.
 */
static void getc_sleeps_until_the_irq(struct ktest *t)
{
	static struct loop_ctx lc;
	static char got[8];
	unsigned long irqs, nvcsw = 0;
	struct task_struct *th = NULL;
	int err;

	com2_open(t);
	irqs = irq_count(COM2_IRQ);
	err = serial_port_rx_start(&com2);
	if (!err) {
		memset(got, 0, sizeof(got));
		lc = (struct loop_ctx){ .reader = current, .reader_state = TASK_NEW,
					.msg = "jumper" };
		nvcsw = current->nvcsw;
		th = kthread_run(loop_sender, &lc, "rx-sender");
		if (th) {
			for (int i = 0; i < 6; i++)
				got[i] = (char)serial_port_getc(&com2);
			kthread_join(th);
		}
		nvcsw = current->nvcsw - nvcsw;
	}
	com2_close();

	KASSERT_EQ(t, err, 0);
	KASSERT_TRUE(t, th != NULL);
	KEXPECT_STREQ(t, got, "jumper");
	KEXPECT_EQ(t, lc.reader_state, TASK_BLOCKED);
	KEXPECT_GE(t, nvcsw, 1);                /* it gave the CPU away to wait */
	KEXPECT_GE(t, irq_count(COM2_IRQ), irqs + 6);
	KEXPECT_EQ(t, com2.overruns + com2.ring.dropped, 0);
}

#define FLOW_BYTES (SERIAL_RX_RING_SIZE + 200)

static u8 flow_byte(unsigned i)
{
	return (u8)(i * 7 + 3);
}

struct flow_ctx {
	unsigned sent;
	bool timed_out;
};

/* Sends FLOW_BYTES, each once the UART has taken the last: a wire with flow control. */
static int flow_sender(void *arg)
{
	struct flow_ctx *fc = arg;

	for (unsigned i = 0; i < FLOW_BYTES; i++) {
		unsigned long end = jiffies + 3 * HZ;

		while (inb(COM2_BASE + UART_LSR) & 0x01) {
			if ((long)(jiffies - end) >= 0) {
				fc->timed_out = true;
				return 0;
			}
			schedule_timeout(1);
		}
		serial_port_putc(&com2, (char)flow_byte(i));
		WRITE_ONCE(fc->sent, i + 1);
	}
	return 0;
}

/*
 * More input than the ring holds, with nobody reading: the driver must stop taking
 * bytes (receive interrupt off, the next byte left in the UART, the sender held), not
 * drop them; then a reader gets every byte, in order, as it drains the ring (and the
 * driver resumes: the reader's drain, then the interrupt again).
 */
static void full_ring_holds_input_back(struct ktest *t)
{
	static struct flow_ctx fc;
	unsigned long end, throttles;
	unsigned count_full = 0, sent_full = 0, sent_later = 0, received = 0, bad = 0;
	bool throttled = false, held = false;
	u8 ier_full = 0xff;
	struct task_struct *th = NULL;
	int err;

	com2_open(t);
	err = serial_port_rx_start(&com2);
	if (!err) {
		fc = (struct flow_ctx){ 0 };
		th = kthread_run(flow_sender, &fc, "rx-flood");
	}
	if (th) {
		end = jiffies + 3 * HZ;
		while (!READ_ONCE(com2.throttled) && (long)(jiffies - end) < 0)
			schedule_timeout(1);
		schedule_timeout(3);             /* the sender would go on, if it could */
		throttled = READ_ONCE(com2.throttled);
		count_full = com2.ring.count;
		ier_full = inb(COM2_BASE + UART_IER);
		held = inb(COM2_BASE + UART_LSR) & 0x01;
		sent_full = READ_ONCE(fc.sent);
		schedule_timeout(3);
		sent_later = READ_ONCE(fc.sent);
		/* Polled, with a deadline: a driver that dropped bytes must fail, not hang. */
		end = jiffies + 5 * HZ;
		while (received < FLOW_BYTES && (long)(jiffies - end) < 0) {
			int c = serial_port_getc_nowait(&com2);

			if (c < 0) {
				schedule_timeout(1);
				continue;
			}
			bad += c != flow_byte(received++);
		}
		kthread_join(th);
	}
	throttles = com2.throttles;
	com2_close();

	KASSERT_EQ(t, err, 0);
	KASSERT_TRUE(t, th != NULL);
	KEXPECT_TRUE(t, throttled);
	KEXPECT_EQ(t, count_full, SERIAL_RX_RING_SIZE);
	KEXPECT_EQ(t, ier_full & 0x01, 0);          /* receive interrupt off */
	KEXPECT_TRUE(t, held);                      /* the next byte waits in the UART */
	KEXPECT_EQ(t, sent_full, SERIAL_RX_RING_SIZE + 1);
	KEXPECT_EQ(t, sent_later, sent_full);       /* and the sender waits for it */
	KEXPECT_FALSE(t, fc.timed_out);
	KEXPECT_EQ(t, received, FLOW_BYTES);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_GE(t, throttles, 1);
	KEXPECT_EQ(t, com2.overruns + com2.ring.dropped, 0);
}

static const struct ktest_case serial_rx_cases[] = {
	KTEST_CASE(rx_ring_fifo_and_drops),
	KTEST_CASE(rx_irq_handler_installed),
	KTEST_CASE(console_lost_no_input),
	KTEST_CASE(init_keeps_waiting_input),
	KTEST_CASE(getc_sleeps_until_the_irq),
	KTEST_CASE(full_ring_holds_input_back),
	KTEST_END,
};
KTEST_SUITE(serial_rx_suite, "serial_rx", serial_rx_cases);
