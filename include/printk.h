/* SPDX-License-Identifier: MIT */
/*
 * printk: formatted messages on the console (COM1). The formatting itself is lib's
 * vsnprintf (include/sprintf.h, lib/vsprintf.c), which knows nothing of consoles.
 */
#ifndef JUMPER_PRINTK_H
#define JUMPER_PRINTK_H

#include <stdarg.h>
#include "compiler.h"
#include "sprintf.h"

/* Formats and writes to the console (COM1). Returns the number of characters written. */
int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Writes raw bytes to the console with no formatting (used by the oops path). */
void console_write(const char *s, size_t len);

/*
 * A hook around printk's console output, for whoever else draws on the terminal: the
 * monitor's line editor (monitor/readline.c) moves its half-typed line out of the way in
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
