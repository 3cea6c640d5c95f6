// SPDX-License-Identifier: MIT
/*
 * The line editor (monitor/readline.c), driven by scripted bytes through a fake
 * readline_io. COM1's interrupt-driven input: tests/kernel/test_serial_rx.c.
 */
#include "errno.h"
#include "io.h"
#include "irq.h"
#include "irqflags.h"
#include "ktest.h"
#include "readline.h"
#include "sched.h"
#include "serial.h"
#include "string.h"
#include "timer.h"

/* ---- a scripted terminal ---- */

struct fake_term {
	const u8 *in;
	size_t in_len, pos;
	char out[16384];          /* everything echoed, NUL-terminated */
	size_t out_len;
	bool out_overflow;
};

static struct fake_term term;
static struct readline_state rl;
static char line[128];

static int fake_getc(void *ctx)
{
	struct fake_term *ft = ctx;
	return ft->pos < ft->in_len ? ft->in[ft->pos++] : -1;
}

static void fake_putc(char c, void *ctx)
{
	struct fake_term *ft = ctx;
	if (ft->out_len < sizeof(ft->out) - 1)
		ft->out[ft->out_len++] = c;
	else
		ft->out_overflow = true;
	ft->out[ft->out_len] = '\0';
}

/* Fresh editor (empty history) reading n bytes of in. */
static void script_bytes(const void *in, size_t n)
{
	static const struct readline_io io = { fake_getc, fake_putc, &term };

	memset(&term, 0, sizeof(term));
	term.in = in;
	term.in_len = n;
	readline_init(&rl, &io);
}

static void script(const char *in)
{
	script_bytes(in, strlen(in));
}

/* Reads the next line with a "> " prompt into line[] (size bytes of it). */
static int next_line(size_t size)
{
	return readline(&rl, "> ", line, size);
}

/* The echo cleared, so a check can look at one line's output alone. */
static void clear_echo(void)
{
	term.out_len = 0;
	term.out[0] = '\0';
}

/*
 * What a terminal shows for the echo up to its first newline: printable bytes land at
 * the cursor, '\b' moves it back; trailing blanks are invisible.
 */
static const char *screen_line(const char *echo)
{
	static char scr[256];
	size_t cur = 0, end = 0;

	for (; *echo && *echo != '\n'; echo++) {
		if (*echo == '\b') {
			cur -= cur > 0;
		} else if (cur < sizeof(scr) - 1) {
			scr[cur++] = *echo;
			end = max(end, cur);
		}
	}
	while (end && scr[end - 1] == ' ')
		end--;
	scr[end] = '\0';
	return scr;
}

/* True if s holds only what the editor may echo: printable ASCII, '\b' and '\n'. */
static bool echo_is_clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 0x20 && s[i] <= 0x7e) && s[i] != '\b' && s[i] != '\n')
			return false;
	return true;
}

static bool is_printable_line(const char *s, int len)
{
	if (len < 0 || (int)strlen(s) != len)
		return false;
	for (int i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

#define EXPECT_LINE(t, expected)                                                   \
	do {                                                                       \
		KEXPECT_EQ(t, next_line(sizeof(line)), (int)strlen(expected));    \
		KEXPECT_STREQ(t, line, expected);                                  \
	} while (0)

/* ---- readline ---- */

static void plain_line(struct ktest *t)
{
	script("hello, world 42\n");
	EXPECT_LINE(t, "hello, world 42");
	KEXPECT_STREQ(t, term.out, "> hello, world 42\n");
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
}

static void cr_lf_and_crlf_endings(struct ktest *t)
{
	script("one\rtwo\nthree\r\n\r\nfour\n\nfive\r\rsix\r\n");
	EXPECT_LINE(t, "one");
	EXPECT_LINE(t, "two");
	EXPECT_LINE(t, "three");
	EXPECT_LINE(t, "");                  /* "\r\n" on its own: one empty line */
	EXPECT_LINE(t, "four");
	EXPECT_LINE(t, "");                  /* "\n\n": the second is an empty line */
	EXPECT_LINE(t, "five");
	EXPECT_LINE(t, "");                  /* "\r\r": two lines */
	EXPECT_LINE(t, "six");
	/* The LF of the last CRLF is not a line of its own. */
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
	KEXPECT_STREQ(t, term.out, "> one\n> two\n> three\n> \n> four\n> \n> five\n> \n> six\n> ");
}

static void backspace_and_del(struct ktest *t)
{
	script("abc\b\x7f" "d\n\b\x7f\bx\n\b\n");
	EXPECT_LINE(t, "ad");
	KEXPECT_STREQ(t, term.out, "> abc\b \b\b \bd\n");
	clear_echo();
	EXPECT_LINE(t, "x");                 /* erasing an empty line does nothing... */
	KEXPECT_STREQ(t, term.out, "> x\n"); /* ...and echoes nothing */
	EXPECT_LINE(t, "");
}

static void ctrl_u_erases_the_line(struct ktest *t)
{
	script("garbage\x15ok\n\x15\n");
	EXPECT_LINE(t, "ok");
	KEXPECT_STREQ(t, term.out,
		      "> garbage\b \b\b \b\b \b\b \b\b \b\b \b\b \bok\n");
	EXPECT_LINE(t, "");
}

static void history_up_up_down(struct ktest *t)
{
	script("a\nb\nb\n\nc\n"
	       "\x1b[A\x1b[A\x1b[B\n"                       /* c, b, c */
	       "\x1b[A\x1b[A\x1b[A\n"                       /* c, b, a: no "b" twice, no "" */
	       "\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\n"     /* stops at the oldest */
	       "\x1b[A\x1b[B\n"                             /* past the newest: empty */
	       "\x1b[B\x1b[B\n"                             /* down with nowhere to go */
	       "\x1bOA\x1bOA\n");                           /* SS3 arrows: a, c */
	EXPECT_LINE(t, "a");
	EXPECT_LINE(t, "b");
	EXPECT_LINE(t, "b");
	EXPECT_LINE(t, "");
	EXPECT_LINE(t, "c");
	EXPECT_LINE(t, "c");
	EXPECT_LINE(t, "a");     /* history: a b c a */
	EXPECT_LINE(t, "a");
	EXPECT_LINE(t, "");
	EXPECT_LINE(t, "");
	EXPECT_LINE(t, "c");
}

static void history_keeps_the_last_16(struct ktest *t)
{
	static char in[512];
	size_t n = 0;

	for (int i = 0; i < 20; i++)
		n += snprintf(in + n, sizeof(in) - n, "l%d\n", i);
	for (int i = 0; i < READLINE_HISTORY + 3; i++)
		n += snprintf(in + n, sizeof(in) - n, "\x1b[A");
	n += snprintf(in + n, sizeof(in) - n, "\n");
	script_bytes(in, n);
	for (int i = 0; i < 20; i++)
		KEXPECT_GT(t, next_line(sizeof(line)), 0);
	EXPECT_LINE(t, "l4");    /* 20 entries, the oldest 4 gone */
}

static void escape_sequences_ignored(struct ktest *t)
{
	script("a\x1b[1;5Cb\x1b[3~c\x1b[200~d\x1bxe\x1b[Zf\x1b[1A\x1b[2Bg\n"
	       "h\x1b\ni\x1b[\x7fj\n\x1b\x1b[Ak\n");
	EXPECT_LINE(t, "abcdefg");
	KEXPECT_STREQ(t, term.out, "> abcdefg\n");
	EXPECT_LINE(t, "h");         /* a lone ESC does not swallow the Enter */
	EXPECT_LINE(t, "j");         /* nor a Backspace cutting a sequence short */
	EXPECT_LINE(t, "jk");        /* ESC ESC [ A: the second ESC starts the arrow */
}

static void control_and_high_bytes_ignored(struct ktest *t)
{
	static const u8 in[] = { 'a', 0x00, 'b', 0x01, 0x07, 0x09, 'c', 0x80, 0xff, 0xc3,
				 0xa9, 'd', 0x1f, 0x03, 0x04, 0x0c, 0x9b, 'A', '\n' };

	script_bytes(in, sizeof(in));
	EXPECT_LINE(t, "abcdA");
	KEXPECT_STREQ(t, term.out, "> abcdA\n");
}

/* 4096 bytes from a fixed-seed LCG; with no_newlines, CR and LF are replaced. */
static void random_bytes(u8 *buf, size_t n, bool no_newlines)
{
	u32 x = 0x6a756d70;     /* "jump" */

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (u8)(x >> 16);
		if (no_newlines && (buf[i] == '\r' || buf[i] == '\n'))
			buf[i] ^= 0x40;
	}
}

static void random_4k_line_is_truncated(struct ktest *t)
{
	static u8 in[4096 + 16];
	static const char tail[] = "\nnext line\n";

	random_bytes(in, 4096, true);
	memcpy(in + 4096, tail, sizeof(tail) - 1);
	script_bytes(in, 4096 + sizeof(tail) - 1);

	KEXPECT_EQ(t, next_line(64), 63);
	KEXPECT_TRUE(t, is_printable_line(line, 63));
	KEXPECT_TRUE(t, strstr(term.out, "\n(line too long: kept the first 63 characters)\n")
			!= NULL);
	KEXPECT_FALSE(t, term.out_overflow);
	KEXPECT_TRUE(t, echo_is_clean(term.out, term.out_len));
	/* The screen shows exactly the line that was kept. */
	KEXPECT_STREQ(t, screen_line(term.out) + 2, line);

	clear_echo();
	EXPECT_LINE(t, "next line");
	KEXPECT_STREQ(t, term.out, "> next line\n");
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
}

static void random_bytes_give_bounded_lines(struct ktest *t)
{
	static u8 in[4096];
	int n, lines = 0;

	random_bytes(in, sizeof(in), false);
	script_bytes(in, sizeof(in));
	while ((n = next_line(32)) >= 0 && lines <= 4096) {
		lines++;
		KEXPECT_TRUE(t, n < 32 && is_printable_line(line, n));
	}
	KEXPECT_EQ(t, n, -1);
	KEXPECT_GT(t, lines, 1);     /* the random bytes held CRs and LFs */
	KEXPECT_EQ(t, term.pos, sizeof(in));
	KEXPECT_FALSE(t, term.out_overflow);
	KEXPECT_TRUE(t, echo_is_clean(term.out, term.out_len));
}

static void end_of_input(struct ktest *t)
{
	script("");
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
	KEXPECT_STREQ(t, term.out, "> ");
	script("partial");
	EXPECT_LINE(t, "partial");           /* a last line without its newline */
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);   /* and it stays ended */
	script("x\x1b[");                       /* ends inside an escape sequence */
	EXPECT_LINE(t, "x");
	KEXPECT_EQ(t, next_line(sizeof(line)), -1);
	script("abc\n");
	KEXPECT_EQ(t, readline(&rl, "> ", line, 0), -1);   /* no room even for the NUL */
	KEXPECT_EQ(t, readline(&rl, "> ", line, 1), 0);    /* room for nothing else */
	KEXPECT_STREQ(t, line, "");
}

static void echo_is_what_the_user_sees(struct ktest *t)
{
	script("abc\nxy\x1b[A!\n\x1b[Aq\x1b[B\n");
	EXPECT_LINE(t, "abc");
	clear_echo();
	EXPECT_LINE(t, "abc!");              /* recalled over "xy", then edited */
	KEXPECT_STREQ(t, term.out, "> xy\b \b\b \babc!\n");
	KEXPECT_STREQ(t, screen_line(term.out), "> abc!");
	clear_echo();
	EXPECT_LINE(t, "");
	KEXPECT_STREQ(t, screen_line(term.out), ">");
	KEXPECT_STREQ(t, term.out, "> abc!q\b \b\b \b\b \b\b \b\b \b\n");
}

static const struct ktest_case readline_cases[] = {
	KTEST_CASE(plain_line),
	KTEST_CASE(cr_lf_and_crlf_endings),
	KTEST_CASE(backspace_and_del),
	KTEST_CASE(ctrl_u_erases_the_line),
	KTEST_CASE(history_up_up_down),
	KTEST_CASE(history_keeps_the_last_16),
	KTEST_CASE(escape_sequences_ignored),
	KTEST_CASE(control_and_high_bytes_ignored),
	KTEST_CASE(random_4k_line_is_truncated),
	KTEST_CASE(random_bytes_give_bounded_lines),
	KTEST_CASE(end_of_input),
	KTEST_CASE(echo_is_what_the_user_sees),
	KTEST_END,
};
KTEST_SUITE(readline_suite, "readline", readline_cases);
