// SPDX-License-Identifier: MIT
/*
 * The monitor's line editor. Input is a byte stream from anyone (a terminal, a paste, a
 * fuzzer), so every byte either has a meaning listed in include/readline.h or is
 * dropped: nothing but printable ASCII, "\b \b" and "\n" is ever echoed, and the line
 * never grows past the caller's buffer.
 */
#include "readline.h"
#include "irqflags.h"
#include "printk.h"
#include "serial.h"
#include "string.h"

#define CH_BS     0x08
#define CH_EOT    0x04
#define CH_CTRL_U 0x15
#define CH_ESC    0x1b
#define CH_DEL    0x7f

enum rl_key { KEY_NONE, KEY_UP, KEY_DOWN };

/* No byte handed back by read_escape (a real one is 0..255, end of input is -1). */
#define NO_PENDING (-2)

/* The line being edited by one readline() call. */
struct rl_line {
	struct readline_state *rl;
	char *buf;
	size_t size;
	size_t len;
	unsigned browse;      /* 0: the new line; k: the k-th most recent history entry */
	bool truncated;       /* a byte did not fit: discard the rest of the line */
};

/* The editor's own output; dropped once a message has cut into it (see editor_end). */
static void rl_putc(struct readline_state *rl, char c)
{
	if (!rl->cut)
		rl->io.putc(c, rl->io.ctx);
}

static void rl_puts(struct readline_state *rl, const char *s)
{
	while (*s)
		rl_putc(rl, *s++);
}

static int rl_getc(struct readline_state *rl)
{
	return rl->io.getc(rl->io.ctx);
}

void readline_init(struct readline_state *rl, const struct readline_io *io)
{
	memset(rl, 0, sizeof(*rl));
	rl->io = *io;
}

/*
 * Puts the prompt and the line back on screen if other output took them away (after a
 * newline if that output ended mid-line). Interrupts are off.
 */
static void ensure_drawn(struct readline_state *rl)
{
	struct rl_line *l = rl->active;

	if (!l || rl->drawn)
		return;
	if (rl->midline)
		rl_putc(rl, '\n');
	rl_puts(rl, rl->prompt);
	for (size_t i = 0; i < l->len; i++)
		rl_putc(rl, l->buf[i]);
	rl->drawn = true;
	rl->midline = false;
}

/* The editor starts writing (interrupts off). */
static void editor_begin(struct readline_state *rl)
{
	rl->busy = true;
}

/*
 * The editor is done writing; then (a newline, or 0) was the last of it. If a message cut
 * in -- it can only be a trap on the output path itself, interrupts are off -- what came
 * after it was dropped: draw the prompt and the line again from the start of the line
 * ('\r': the character that was already on its way out when the trap came is
 * overwritten), and then. A handler that prints on every character would cut into
 * every redraw: after a few tries the line is left for the next key to redraw.
 */
static void editor_end(struct readline_state *rl, char then)
{
	for (int tries = 0; rl->cut && tries < 3; tries++) {
		rl->cut = false;
		rl->drawn = false;       /* whatever the cut-short output thought it drew */
		if (!rl->midline)
			rl_putc(rl, '\r');
		ensure_drawn(rl);
		if (then)
			rl_putc(rl, then);
	}
	if (rl->cut) {                   /* gave up: the next key draws the line again */
		rl->cut = false;
		rl->drawn = false;
	}
	rl->busy = false;
}

void readline_output_begin(struct readline_state *rl)
{
	rl->in_message++;
	if (!rl->active)
		return;
	if (rl->busy) {
		/* Inside the editor's own output: the message gets a line of its own, and
		 * the editor redraws when it is done (editor_end). */
		if (!rl->cut)
			rl->io.putc('\n', rl->io.ctx);
		rl->cut = true;
		rl->drawn = false;
		rl->midline = false;
		return;
	}
	if (!rl->drawn)
		return;
	/* Nothing on the line (no prompt, nothing typed): already at a line start. */
	if (rl->prompt[0] || rl->active->len)
		rl_putc(rl, '\n');
	rl->drawn = false;
	rl->midline = false;
}

void readline_output_end(struct readline_state *rl, bool line_start)
{
	if (rl->in_message)
		rl->in_message--;
	if (!rl->active)
		return;
	if (!line_start) {
		rl->midline = true;      /* more of that line may follow: redraw on the next key */
		return;
	}
	rl->midline = false;
	/* Inside the editor's output or another message: redrawn when that one is done. */
	if (rl->busy || rl->in_message)
		return;
	editor_begin(rl);
	ensure_drawn(rl);
	editor_end(rl, 0);
}

void readline_eot_ends_input(struct readline_state *rl)
{
	rl->eot_ends_input = true;
}

/* The k-th most recent history entry, k = 1..hist_count. */
static const char *hist_entry(const struct readline_state *rl, unsigned k)
{
	return rl->history[(rl->hist_newest + READLINE_HISTORY - (k - 1)) % READLINE_HISTORY];
}

/* Records a finished line: not empty ones, not a repeat of the most recent entry. */
static void hist_add(struct readline_state *rl, const char *line)
{
	if (!line[0])
		return;
	if (rl->hist_count && !strncmp(hist_entry(rl, 1), line, READLINE_HIST_LEN))
		return;
	if (rl->hist_count)
		rl->hist_newest = (rl->hist_newest + 1) % READLINE_HISTORY;
	if (rl->hist_count < READLINE_HISTORY)
		rl->hist_count++;
	strlcpy(rl->history[rl->hist_newest], line, READLINE_HIST_LEN + 1);
}

/* Wipes the last n characters from the screen. */
static void erase_chars(struct readline_state *rl, size_t n)
{
	while (n--)
		rl_puts(rl, "\b \b");
}

/* Replaces the whole line, on screen too, with s (cut to fit the buffer). */
static void set_line(struct rl_line *l, const char *s)
{
	erase_chars(l->rl, l->len);
	l->len = 0;
	while (s[l->len] && l->len < l->size - 1) {
		l->buf[l->len] = s[l->len];
		rl_putc(l->rl, s[l->len]);
		l->len++;
	}
}

/*
 * Reads the rest of an escape sequence whose ESC was just read; returns the key it
 * names. Understood: ESC [ A/B and ESC O A/B (arrows in normal and application cursor
 * mode). Any other CSI (ESC [, parameter and intermediate bytes, one final byte) and any
 * ESC + printable byte (Alt-key) is swallowed whole. A byte that cannot belong to a
 * sequence (a control byte, >= 0x80, or the end of input) ends it and is handed back
 * in *pending, so Enter or the end of input after a stray ESC still count.
 */
static enum rl_key read_escape(struct readline_state *rl, int *pending)
{
	bool params = false;
	int c = rl_getc(rl);

	if (c == '[') {
		for (;;) {
			c = rl_getc(rl);
			if (c >= 0x20 && c <= 0x3f) {          /* parameter, intermediate */
				params = true;
				continue;
			}
			if (c >= 0x40 && c <= 0x7e) {          /* final byte */
				if (!params && c == 'A')
					return KEY_UP;
				if (!params && c == 'B')
					return KEY_DOWN;
				return KEY_NONE;
			}
			break;
		}
	} else if (c == 'O') {
		c = rl_getc(rl);
		if (c == 'A')
			return KEY_UP;
		if (c == 'B')
			return KEY_DOWN;
		if (c >= 0x20 && c <= 0x7e)
			return KEY_NONE;
	} else if (c >= 0x20 && c <= 0x7e) {
		return KEY_NONE;
	}
	*pending = c;
	return KEY_NONE;
}

static void history_move(struct rl_line *l, enum rl_key key)
{
	struct readline_state *rl = l->rl;

	if (key == KEY_UP && l->browse < rl->hist_count) {
		l->browse++;
		set_line(l, hist_entry(rl, l->browse));
	} else if (key == KEY_DOWN && l->browse > 0) {
		l->browse--;
		set_line(l, l->browse ? hist_entry(rl, l->browse) : "");
	}
}

/*
 * One byte of an unfinished line (not CR/LF, not the end of input). The line and its
 * echo change with interrupts off, so a printk from an interrupt redraws a line that
 * matches the screen; and inside editor_begin/end, so a message from a trap on the echo
 * path itself does too.
 */
static void edit(struct rl_line *l, int c, int *pending)
{
	enum rl_key key = KEY_NONE;
	unsigned long flags;

	if (l->truncated)
		return;                          /* the rest of an overlong line */
	if (c == CH_ESC)
		key = read_escape(l->rl, pending);   /* waits for input: interrupts on */
	local_irq_save(flags);
	editor_begin(l->rl);
	ensure_drawn(l->rl);
	if (c == CH_ESC) {
		history_move(l, key);
	} else if (c == CH_BS || c == CH_DEL) {
		if (l->len) {
			l->len--;
			erase_chars(l->rl, 1);
		}
	} else if (c == CH_CTRL_U) {
		erase_chars(l->rl, l->len);
		l->len = 0;
	} else if (c >= 0x20 && c <= 0x7e) {
		if (l->len < l->size - 1) {
			l->buf[l->len++] = (char)c;
			rl_putc(l->rl, (char)c);
		} else {
			l->truncated = true;
		}
	}
	/* Anything else (NUL, other control bytes, >= 0x80) is ignored. */
	editor_end(l->rl, 0);
	local_irq_restore(flags);
}

int readline(struct readline_state *rl, const char *prompt, char *buf, size_t size)
{
	struct rl_line l = { .rl = rl, .buf = buf, .size = size };
	int pending = NO_PENDING;
	bool got_any = false;
	unsigned long flags;

	if (!size)
		return -1;
	buf[0] = '\0';
	local_irq_save(flags);
	rl->active = &l;
	rl->prompt = prompt ? prompt : "";
	rl->drawn = false;
	rl->midline = false;
	editor_begin(rl);
	ensure_drawn(rl);                        /* the prompt */
	editor_end(rl, 0);
	local_irq_restore(flags);
	for (;;) {
		int c = pending;

		pending = NO_PENDING;
		if (c == NO_PENDING)
			c = rl_getc(rl);
		if (c < 0) {
			if (!got_any) {
				rl->active = NULL;
				return -1;
			}
			break;                   /* a last line without its newline */
		}
		if (c == '\n' && rl->after_cr) {
			/* the second half of the CRLF that ended the last line */
			rl->after_cr = false;
			continue;
		}
		rl->after_cr = false;
		if (c == CH_EOT && rl->eot_ends_input && !got_any) {
			rl->active = NULL;       /* Ctrl-D first on a line: end of input */
			return -1;
		}
		got_any = true;
		if (c == '\r' || c == '\n') {
			rl->after_cr = c == '\r';
			break;
		}
		edit(&l, c, &pending);
	}
	buf[l.len] = '\0';
	local_irq_save(flags);
	editor_begin(rl);
	ensure_drawn(rl);
	rl_putc(rl, '\n');
	editor_end(rl, '\n');
	rl->active = NULL;
	local_irq_restore(flags);
	if (l.truncated) {
		char msg[64];
		snprintf(msg, sizeof(msg), "(line too long: kept the first %u characters)\n",
			 (unsigned)l.len);
		rl_puts(rl, msg);
	}
	hist_add(rl, buf);
	return (int)l.len;
}

int console_readline_getc(void *ctx)
{
	(void)ctx;
	return serial_getc();
}

void console_readline_putc(char c, void *ctx)
{
	(void)ctx;
	console_write(&c, 1);
}

static void console_hook_before(void *ctx)
{
	readline_output_begin(ctx);
}

static void console_hook_after(void *ctx, bool line_start)
{
	readline_output_end(ctx, line_start);
}

void console_readline_attach(struct readline_state *rl)
{
	static struct console_hook hook = {
		.before = console_hook_before,
		.after = console_hook_after,
	};

	hook.ctx = rl;
	console_set_hook(&hook);
}
