/* SPDX-License-Identifier: MIT */
/*
 * printk and its formatting core.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%. Flags '-' (left-justify) and '0' (zero-pad),
 * a width (digits or '*'), a precision for %s ('.N' or '.*'), length modifiers hh h l ll z.
 * %p prints a pointer as 8 zero-padded hex digits, as 2.6-era Linux did.
 */
#ifndef JUMPER_PRINTK_H
#define JUMPER_PRINTK_H

#include <stdarg.h>
#include "compiler.h"

/*
 * Formats into buf (always NUL-terminated when size > 0). Returns the length the full
 * output would have had, like C's vsnprintf, so truncation is detectable.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Formats and writes to the console (COM1). Returns the number of characters written. */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Writes raw bytes to the console with no formatting (used by the oops path). */
void console_write(const char *s, size_t len);

/*
 * A hook around printk's console output, for whoever else draws on the terminal: the
 * monitor's line editor (kernel/readline.c) moves its half-typed line out of the way in
 * before() and draws it again in after(), so a message printed while the prompt waits
 * starts on a fresh line. Both run with interrupts off, around one printk's text;
 * line_start says whether that text ended with "\n". console_write alone (the editor's
 * own echo, the oops path) does not call the hook.
 */
struct console_hook {
	void (*before)(void *ctx);
	void (*after)(void *ctx, bool line_start);
	void *ctx;
};

/* Installs hook (NULL: none) and returns the previous one. The hook must stay valid. */
const struct console_hook *console_set_hook(const struct console_hook *hook);

/*
 * Set (as in Linux) by die() and panic() before they print: the hook's before() still
 * moves the editor's line out of the way, but after() is no longer called, so an oops
 * goes out in one piece, not with the prompt redrawn under each of its lines.
 */
extern int oops_in_progress;

#endif
