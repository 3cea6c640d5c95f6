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

#endif
