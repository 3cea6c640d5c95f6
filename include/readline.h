/* SPDX-License-Identifier: MIT */
/*
 * A line editor for the serial monitor: echo, Backspace/DEL, Ctrl-U, a history ring on
 * the up/down arrows. It knows nothing about the UART: bytes come in and go out through
 * a struct readline_io, so the self-tests drive it from a script.
 */
#ifndef JUMPER_READLINE_H
#define JUMPER_READLINE_H

#include "types.h"

struct readline_io {
	int (*getc)(void *ctx);            /* next input byte 0..255, or -1: input ended */
	void (*putc)(char c, void *ctx);   /* echo one character to the terminal */
	void *ctx;
};

#define READLINE_HISTORY   16
/* Longest line a history entry keeps (longer ones are stored cut to this), NUL excluded. */
#define READLINE_HIST_LEN  127

/*
 * About 2 KiB, mostly history: give it static storage, not a place on a 4 KiB kernel
 * stack. Fields are private to kernel/readline.c.
 */
struct readline_state {
	struct readline_io io;
	char history[READLINE_HISTORY][READLINE_HIST_LEN + 1];
	unsigned hist_count;       /* entries in use, 0..READLINE_HISTORY */
	unsigned hist_newest;      /* slot of the most recent entry (when hist_count > 0) */
	bool after_cr;             /* last line ended in CR: a LF next is its second half */
};

/* Empties the history and takes a copy of io. */
void readline_init(struct readline_state *rl, const struct readline_io *io);

/*
 * Prints prompt, reads one line into buf (NUL-terminated, without the newline) and
 * returns its length; -1 if input ended before any byte of a line (a line cut short by
 * the end of input is returned as it stands). Lines longer than size-1 are truncated:
 * the rest of the line is read and discarded (not echoed, not edited), and a message
 * "(line too long: kept the first N characters)" is echoed after the newline.
 *
 * Editing: printable ASCII 0x20-0x7e is inserted and echoed; Backspace (0x08) and DEL
 * (0x7f) erase the last character ("\b \b"); Ctrl-U (0x15) erases the line; CR or LF ends
 * it (a LF right after a CR, even across calls, is ignored); ESC [ A / ESC [ B (also
 * ESC O A / B) walk the history back and forward, past the newest to an empty line.
 * Every other byte and escape sequence is ignored, never echoed. Non-empty lines go into
 * the history unless equal to the most recent entry. size must be at least 1 (0: -1).
 */
int readline(struct readline_state *rl, const char *prompt, char *buf, size_t size);

/*
 * A readline_io for COM1: getc sleeps in serial_getc(), putc goes through
 * console_write() (which turns "\n" into CRLF). ctx is unused.
 */
int console_readline_getc(void *ctx);
void console_readline_putc(char c, void *ctx);

#endif
