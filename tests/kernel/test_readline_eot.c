// SPDX-License-Identifier: MIT
/*
 * Ctrl-D as the end of input (readline_eot_ends_input, monitor/readline.c): what ends a
 * piped `make run` session, whose wrapper sends 0x04 after the last line. Only a 0x04
 * that is the first byte of a line counts; anywhere else it is ignored, so garbage that
 * happens to hold one (the monitor sessions send some) does not end a session.
 */
#include "ktest.h"
#include "readline.h"
#include "string.h"

struct eot_term {
	const char *in;
	size_t pos;
};

static struct eot_term et;
static struct readline_state eot_rl;
static char eot_line[64];

static int eot_getc(void *ctx)
{
	struct eot_term *t = ctx;

	return t->in[t->pos] ? (u8)t->in[t->pos++] : -1;
}

static void eot_putc(char c, void *ctx)
{
	(void)c, (void)ctx;
}

static void eot_script(const char *in, bool eot)
{
	static const struct readline_io io = { eot_getc, eot_putc, &et };

	et = (struct eot_term){ in, 0 };
	readline_init(&eot_rl, &io);
	if (eot)
		readline_eot_ends_input(&eot_rl);
}

static int eot_next(void)
{
	return readline(&eot_rl, "> ", eot_line, sizeof(eot_line));
}

static void eot_first_on_a_line_ends_input(struct ktest *t)
{
	eot_script("\x04" "after\n", true);
	KEXPECT_EQ(t, eot_next(), -1);
	KEXPECT_EQ(t, et.pos, 1);                /* nothing after it was read */

	eot_script("list\n\x04" "halt\n", true); /* after a line: the next line's first byte */
	KEXPECT_EQ(t, eot_next(), 4);
	KEXPECT_STREQ(t, eot_line, "list");
	KEXPECT_EQ(t, eot_next(), -1);

	eot_script("list\r\x04", true);          /* after a CR, which may be half a CRLF */
	KEXPECT_EQ(t, eot_next(), 4);
	KEXPECT_EQ(t, eot_next(), -1);
}

static void eot_elsewhere_is_ignored(struct ktest *t)
{
	eot_script("li\x04st\n", true);          /* inside a line */
	KEXPECT_EQ(t, eot_next(), 4);
	KEXPECT_STREQ(t, eot_line, "list");

	eot_script("x\x15\x04" "ps\n", true);     /* after the line was erased (Ctrl-U) */
	KEXPECT_EQ(t, eot_next(), 2);
	KEXPECT_STREQ(t, eot_line, "ps");

	eot_script("\x04" "ps\n", false);          /* not asked for: an ignored control byte */
	KEXPECT_EQ(t, eot_next(), 2);
	KEXPECT_STREQ(t, eot_line, "ps");
}

static const struct ktest_case readline_eot_cases[] = {
	KTEST_CASE(eot_first_on_a_line_ends_input),
	KTEST_CASE(eot_elsewhere_is_ignored),
	KTEST_END,
};
KTEST_SUITE(readline_eot_suite, "readline_eot", readline_eot_cases);
