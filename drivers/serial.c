/*
 * 16550 UART driver for COM1, polled. Polling keeps printk usable from any context
 * (trap handlers with IF=0, the oops path) without locks held across interrupts.
 */
#include "serial.h"
#include "io.h"

/* Register offsets from the base port. */
#define UART_DATA 0   /* THR (write) / RBR (read); divisor low when DLAB=1 */
#define UART_IER  1   /* interrupt enable; divisor high when DLAB=1 */
#define UART_FCR  2   /* FIFO control */
#define UART_LCR  3   /* line control; bit 7 = DLAB */
#define UART_MCR  4   /* modem control */
#define UART_LSR  5   /* line status */

#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20

void serial_init(void)
{
	outb(COM1_BASE + UART_IER, 0x00);   /* no UART interrupts (yet) */
	outb(COM1_BASE + UART_LCR, 0x80);   /* DLAB on to set the baud divisor */
	outb(COM1_BASE + UART_DATA, 0x01);  /* 115200 / 1 */
	outb(COM1_BASE + UART_IER, 0x00);
	outb(COM1_BASE + UART_LCR, 0x03);   /* 8 data bits, no parity, 1 stop; DLAB off */
	outb(COM1_BASE + UART_FCR, 0xC7);   /* enable and clear FIFOs, 14-byte threshold */
	outb(COM1_BASE + UART_MCR, 0x0B);   /* DTR, RTS, OUT2 (OUT2 gates the IRQ line) */
}

void serial_putc(char c)
{
	while (!(inb(COM1_BASE + UART_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1_BASE + UART_DATA, (u8)c);
}

int serial_getc_nowait(void)
{
	if (!(inb(COM1_BASE + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1_BASE + UART_DATA);
}
