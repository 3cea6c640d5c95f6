// SPDX-License-Identifier: MIT
/* printk: format, then write to the serial console with interrupts off. */
#include "printk.h"
#include "serial.h"
#include "irqflags.h"

/*
 * Writes s to COM1, turning "\n" into "\r\n" for terminals. Interrupts are held off for
 * the whole string so lines from an interrupt handler do not split another's output.
 */
void console_write(const char *s, size_t len)
{
	unsigned long flags;

	local_irq_save(flags);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
	local_irq_restore(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	console_write(buf, len);
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
