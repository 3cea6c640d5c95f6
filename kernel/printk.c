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

static const struct console_hook *console_hook;
int oops_in_progress;

const struct console_hook *console_set_hook(const struct console_hook *hook)
{
	unsigned long flags;
	const struct console_hook *old;

	local_irq_save(flags);
	old = console_hook;
	console_hook = hook;
	local_irq_restore(flags);
	return old;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	const struct console_hook *hook;
	unsigned long flags;

	if (!len)
		return 0;
	/* The hook and the text go out together: nothing may print in between. */
	local_irq_save(flags);
	hook = console_hook;
	/* An oops: the hook ends the user's typed line once, and is dropped, so that no
	 * later line of the oops (nor a fault inside the hook itself) goes through it. */
	if (hook && oops_in_progress)
		console_hook = NULL;
	if (hook)
		hook->before(hook->ctx);
	console_write(buf, len);
	if (hook && !oops_in_progress)
		hook->after(hook->ctx, buf[len - 1] == '\n');
	local_irq_restore(flags);
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
