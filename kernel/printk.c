// SPDX-License-Identifier: MIT
/* printk: format, then write to the serial console with interrupts off. */
#include "printk.h"
#include "serial.h"
#include "irqflags.h"
#include "string.h"

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

/* The text of one printk, with the console hook around it. Interrupts are off. */
static void emit(const char *buf, size_t len)
{
	const struct console_hook *hook = console_hook;

	/* An oops: the hook ends the user's typed line once, and is dropped, so that no
	 * later line of the oops (nor a fault inside the hook itself) goes through it. */
	if (hook && oops_in_progress)
		console_hook = NULL;
	if (hook)
		hook->before(hook->ctx);
	console_write(buf, len);
	if (hook && !oops_in_progress)
		hook->after(hook->ctx, buf[len - 1] == '\n');
}

/*
 * Messages printed from inside printk's own output: a probe hit, or a fault, in the
 * console's write path (serial_putc, console_write ...), whose handler prints. Written
 * at once they would split the line being written, letter by letter; like Linux, which
 * defers a printk that finds itself inside printk, they wait here and go out, whole and
 * in order, right after the outer message. Only traps can nest (interrupts are off
 * while printk writes), and an oops is never deferred.
 */
static char deferred[1024], flushing[1024];
static size_t deferred_len;
static unsigned long deferred_dropped;
static bool printk_writing;

/* Keeps a nested message for the outer printk; what does not fit is counted. */
static void defer(const char *buf, size_t len)
{
	size_t room = sizeof(deferred) - deferred_len;

	if (len > room) {
		deferred_dropped++;
		len = room;
	}
	memcpy(deferred + deferred_len, buf, len);
	deferred_len += len;
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	unsigned long flags;

	if (!len)
		return 0;
	local_irq_save(flags);
	if (printk_writing && !oops_in_progress) {
		defer(buf, len);
		local_irq_restore(flags);
		return (int)len;
	}
	printk_writing = true;
	emit(buf, len);
	/* What was deferred meanwhile. Its own output may defer more (a handler that
	 * prints on every hit): after a few rounds the rest waits for the next printk. */
	for (int round = 0; deferred_len && round < 4; round++) {
		size_t n_flush = deferred_len;

		memcpy(flushing, deferred, n_flush);
		deferred_len = 0;
		emit(flushing, n_flush);
	}
	if (deferred_dropped) {
		char note[64];
		int m = snprintf(note, sizeof(note), "printk: %lu nested message(s) cut short\n",
				 deferred_dropped);

		deferred_dropped = 0;
		emit(note, (size_t)m);
	}
	printk_writing = false;
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
