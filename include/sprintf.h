/* SPDX-License-Identifier: MIT */
/*
 * vsnprintf and snprintf: the formatting core under printk (lib/vsprintf.c). Linux
 * declares them in linux/sprintf.h; like all of lib/ they use nothing of the kernel.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%. Flags '-' (left-justify) and '0' (zero-pad),
 * a width (digits or '*'), a precision for %s ('.N' or '.*'), length modifiers hh h l ll z.
 * %p prints a pointer as 8 zero-padded hex digits, as 2.6-era Linux did.
 */
#ifndef JUMPER_SPRINTF_H
#define JUMPER_SPRINTF_H

#include <stdarg.h>
#include "compiler.h"

/*
 * Formats into buf (always NUL-terminated when size > 0). Returns the length the full
 * output would have had, like C's vsnprintf, so truncation is detectable.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
