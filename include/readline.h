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
 * stack. Fields are private to monitor/readline.c.
 */
struct rl_line;
struct readline_state {
	struct readline_io io;
	char history[READLINE_HISTORY][READLINE_HIST_LEN + 1];
	unsigned hist_count;       /* entries in use, 0..READLINE_HISTORY */
	unsigned hist_newest;      /* slot of the most recent entry (when hist_count > 0) */
	bool after_cr;             /* last line ended in CR: a LF next is its second half */
	/* While readline() runs (see readline_output_begin): */
	struct rl_line *active;    /* the line being edited, or NULL */
	const char *prompt;
	bool drawn;                /* prompt + line are on screen, the cursor after them */
	bool midline;              /* not drawn, and other output left the cursor mid-line */
	bool busy;                 /* the editor is writing its own output (echo, redraw) */
	bool cut;                  /* a message cut into that output: the rest is dropped */
	unsigned in_message;       /* begin/end pairs open: a message printed inside one */
	bool eot_ends_input;       /* see readline_eot_ends_input */
};

/* Empties the history and takes a copy of io. */
void readline_init(struct readline_state *rl, const struct readline_io *io);
/*
 * From now on, Ctrl-D (0x04, EOT) as the first byte of a line means the end of
 * input, as a terminal's EOF key: readline returns -1. Anywhere else in a line (even
 * after the line was erased), and without this call, 0x04 is ignored like any other
 * control byte, so garbage that happens to hold one does not end a session. The
 * monitor asks for it on the console: `make run` sends 0x04 after piped input.
 */
void readline_eot_ends_input(struct readline_state *rl);

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
 * While it waits, other output announced with readline_output_begin/end (below) gets a
 * line of its own, and the prompt and the line typed so far are drawn again under it.
 */
int readline(struct readline_state *rl, const char *prompt, char *buf, size_t size);

/*
 * Someone else is about to write to the terminal (begin) / has written (end; line_start:
 * the output ended with a newline). While a readline() call waits for input, begin
 * moves to a fresh line below the prompt and the half-typed line, and end draws them
 * again under the output; output that ends mid-line is followed by a newline before the
 * editor next echoes. Outside readline() both do nothing. Call them with interrupts off:
 * readline() edits with interrupts off, so the line they redraw is never half-updated.
 * A message can still come from inside the editor's own output -- a probe hit on the
 * console's write path, which ignores IF -- or inside another message: then the editor
 * drops the rest of what it was writing and draws the prompt and line again once its
 * output is done (after a '\r', which puts the prompt over the one character that was on
 * its way out), and a message inside a message is redrawn after the outer one ends.
 * Like the echo, all they write is printable ASCII, "\r" and "\n".
 */
void readline_output_begin(struct readline_state *rl);
void readline_output_end(struct readline_state *rl, bool line_start);

/*
 * Makes printk call readline_output_begin/end on rl (a console_hook, include/printk.h),
 * so kernel messages printed while rl's prompt waits do not split the typed line.
 */
void console_readline_attach(struct readline_state *rl);

/*
 * A readline_io for COM1: getc sleeps in serial_getc(), putc goes through
 * console_write() (which turns "\n" into CRLF). ctx is unused.
 */
int console_readline_getc(void *ctx);
void console_readline_putc(char c, void *ctx);

#endif
