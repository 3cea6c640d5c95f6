// SPDX-License-Identifier: MIT
/*
 * Kernel messages printed while the line editor waits (monitor/readline.c,
 * readline_output_begin/end) and the printk console hook that calls them
 * (kernel/printk.c). A scripted terminal plays "the kernel printed this" at a chosen
 * point of the input, the way a probe hit prints while the monitor's prompt waits.
 * The editor itself: tests/kernel/test_readline.c.
 */
#include "irqflags.h"
#include "ktest.h"
#include "printk.h"
#include "readline.h"
#include "string.h"

#define MAX_CHUNKS 4

/* Input bytes, and output chunks "printed by the kernel" just before byte at_pos is read. */
struct redraw_term {
	const char *in;
	size_t pos;
	size_t at_pos;
	const char *chunks[MAX_CHUNKS];
	bool printed;
	/* A probe hit on the console's write path: trap_msg is printed just before the
	 * trap_at-th byte written (or before every byte, trap_every) goes out. */
	const char *trap_msg;
	size_t trap_at, writes;
	bool trap_every, in_trap;
	char out[1024];
	size_t out_len;
};

static struct redraw_term term;
static struct readline_state rl;
static char line[64];

static void kernel_prints(const char *s);

static void term_putc(char c, void *ctx)
{
	struct redraw_term *rt = ctx;

	if (!rt->in_trap) {
		if (rt->trap_msg && (rt->trap_every || rt->writes == rt->trap_at)) {
			rt->in_trap = true;      /* the handler's own output traps no more */
			kernel_prints(rt->trap_msg);
			rt->in_trap = false;
		}
		rt->writes++;
	}
	if (rt->out_len < sizeof(rt->out) - 1)
		rt->out[rt->out_len++] = c;
	rt->out[rt->out_len] = '\0';
}

/* What printk does around its text when the console hook is the editor's. */
static void kernel_prints(const char *s)
{
	unsigned long flags;
	size_t n = strlen(s);

	local_irq_save(flags);
	readline_output_begin(&rl);
	for (size_t i = 0; i < n; i++)
		term_putc(s[i], &term);
	readline_output_end(&rl, n && s[n - 1] == '\n');
	local_irq_restore(flags);
}

static int term_getc(void *ctx)
{
	struct redraw_term *rt = ctx;

	if (!rt->printed && rt->pos == rt->at_pos) {
		rt->printed = true;
		for (int i = 0; i < MAX_CHUNKS && rt->chunks[i]; i++)
			kernel_prints(rt->chunks[i]);
	}
	return rt->in[rt->pos] ? (u8)rt->in[rt->pos++] : -1;
}

/* Fresh editor reading in; the chunks are printed before byte at_pos is read. */
static void script(const char *in, size_t at_pos, const char *c0, const char *c1,
		   const char *c2)
{
	static const struct readline_io io = { term_getc, term_putc, &term };

	memset(&term, 0, sizeof(term));
	term.in = in;
	term.at_pos = at_pos;
	term.chunks[0] = c0;
	term.chunks[1] = c1;
	term.chunks[2] = c2;
	readline_init(&rl, &io);
}

static int next_line(void)
{
	return readline(&rl, "> ", line, sizeof(line));
}

static void message_while_typing_redraws_the_line(struct ktest *t)
{
	script("ab" "c\n", 2, "probe #0 hit 2 at f\n", NULL, NULL);
	KEXPECT_EQ(t, next_line(), 3);
	KEXPECT_STREQ(t, line, "abc");
	/* Not "> abprobe #0 ...": the message has a line of its own, the line comes back. */
	KEXPECT_STREQ(t, term.out, "> ab\nprobe #0 hit 2 at f\n> abc\n");
}

static void message_at_an_empty_prompt(struct ktest *t)
{
	script("x\n", 0, "tick\n", NULL, NULL);
	KEXPECT_EQ(t, next_line(), 1);
	KEXPECT_STREQ(t, term.out, "> \ntick\n> x\n");
}

static void message_in_pieces_is_one_line(struct ktest *t)
{
	/* mon_jprobe_report prints one line in several printk calls. */
	script("ab\n", 2, "jprobe #0 hit 1 at f(", "00000001", ")\n");
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, term.out, "> ab\njprobe #0 hit 1 at f(00000001)\n> ab\n");
}

static void message_without_newline_ends_before_the_echo(struct ktest *t)
{
	script("abc\n", 2, "partial", NULL, NULL);
	KEXPECT_EQ(t, next_line(), 3);
	KEXPECT_STREQ(t, term.out, "> ab\npartial\n> abc\n");
	script("ab\n", 2, "partial", NULL, NULL);     /* Enter next: the line still shown */
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, term.out, "> ab\npartial\n> ab\n");
}

static void editing_after_a_redraw(struct ktest *t)
{
	script("abc" "\b\b" "z\n", 3, "m\n", NULL, NULL);
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, line, "az");
	KEXPECT_STREQ(t, term.out, "> abc\nm\n> abc\b \b\b \bz\n");
}

static void message_between_lines_is_left_alone(struct ktest *t)
{
	script("a\nb\n", 99, NULL, NULL, NULL);
	KEXPECT_EQ(t, next_line(), 1);
	kernel_prints("a command's output\n");       /* no readline() waiting: no redraw */
	KEXPECT_EQ(t, next_line(), 1);
	KEXPECT_STREQ(t, term.out, "> a\na command's output\n> b\n");
	KEXPECT_EQ(t, next_line(), -1);
	kernel_prints("after the end\n");            /* input ended: the editor is idle */
	KEXPECT_STREQ(t, term.out, "> a\na command's output\n> b\n> after the end\n");
}

/* ---- messages from inside the editor's own output (a probe on the write path) ---- */

static void trap_script(const char *in, size_t trap_at, bool every, const char *msg)
{
	script(in, 99, NULL, NULL, NULL);
	term.trap_msg = msg;
	term.trap_at = trap_at;
	term.trap_every = every;
}

static void trap_in_the_echo_redraws_once(struct ktest *t)
{
	trap_script("ab\n", 2, false, "hit\n");     /* writes 0, 1: "> "; 2: the 'a' */
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, line, "ab");
	/* The 'a' on its way out lands after the message; '\r' puts the prompt over it.
	 * Not "> \nhit\n> aab": no redraw from inside the echo, no echo after a redraw. */
	KEXPECT_STREQ(t, term.out, "> \nhit\na\r> ab\n");
}

static void trap_in_the_prompt_drops_the_rest(struct ktest *t)
{
	trap_script("ab\n", 0, false, "hit\n");
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, term.out, "\nhit\n>\r> ab\n");
}

static void trap_in_the_final_newline_ends_the_line(struct ktest *t)
{
	trap_script("ab\n", 4, false, "hit\n");
	KEXPECT_EQ(t, next_line(), 2);
	KEXPECT_STREQ(t, term.out, "> ab\nhit\n\n\r> ab\n");
}

static void trap_on_every_write_does_not_loop(struct ktest *t)
{
	trap_script("ab\n", 0, true, "hit\n");
	KEXPECT_EQ(t, next_line(), 2);               /* returns: the redraws are bounded */
	KEXPECT_STREQ(t, line, "ab");
	KEXPECT_EQ(t, rl.in_message, 0);
	KEXPECT_FALSE(t, rl.busy);
}

static void message_inside_a_message_redraws_after_the_outer(struct ktest *t)
{
	script("x\n", 0, "outer\n", NULL, NULL);
	term.trap_msg = "hit\n";
	term.trap_at = 4;                            /* inside "outer": its 'u' */
	KEXPECT_EQ(t, next_line(), 1);
	/* Not "> \nohit\n> uter\n": no prompt in the middle of the outer message. */
	KEXPECT_STREQ(t, term.out, "> \nohit\nuter\n> x\n");
}

/* ---- the printk hook ---- */

static struct {
	int before, after, after_line_start, irqs_on;
} calls;

static void rec_before(void *ctx)
{
	(void)ctx;
	calls.irqs_on += !irqs_disabled();
	calls.before++;
}

static void rec_after(void *ctx, bool line_start)
{
	(void)ctx;
	calls.irqs_on += !irqs_disabled();
	calls.after++;
	calls.after_line_start += line_start;
}

static void printk_calls_the_console_hook(struct ktest *t)
{
	static const struct console_hook rec = { rec_before, rec_after, NULL };
	const struct console_hook *old = console_set_hook(&rec);

	memset(&calls, 0, sizeof(calls));
	printk("# console hook: one line\n");
	KEXPECT_EQ(t, calls.before, 1);
	KEXPECT_EQ(t, calls.after, 1);
	KEXPECT_EQ(t, calls.after_line_start, 1);
	printk("# console hook: a line in two printks,");
	KEXPECT_EQ(t, calls.after_line_start, 1);    /* ended mid-line */
	printk(" the end\n");
	KEXPECT_EQ(t, calls.before, 3);
	KEXPECT_EQ(t, calls.after, 3);
	KEXPECT_EQ(t, calls.after_line_start, 2);
	printk("%s", "");                            /* nothing printed: no hook */
	KEXPECT_EQ(t, calls.before, 3);
	console_write("#\n", 2);                     /* raw writes (the echo) bypass it */
	KEXPECT_EQ(t, calls.before, 3);
	oops_in_progress = 1;                        /* an oops: no redraw between its lines */
	printk("# console hook: as an oops prints\n");
	printk("# console hook: the oops's next line\n");
	oops_in_progress = 0;
	KEXPECT_EQ(t, calls.before, 4);              /* the typed line ended once, */
	KEXPECT_EQ(t, calls.after, 3);
	KEXPECT_EQ(t, calls.irqs_on, 0);             /* the hook runs with interrupts off */
	KEXPECT_TRUE(t, console_set_hook(old) == NULL);     /* and then the hook was dropped */
}

static const struct ktest_case redraw_cases[] = {
	KTEST_CASE(message_while_typing_redraws_the_line),
	KTEST_CASE(message_at_an_empty_prompt),
	KTEST_CASE(message_in_pieces_is_one_line),
	KTEST_CASE(message_without_newline_ends_before_the_echo),
	KTEST_CASE(editing_after_a_redraw),
	KTEST_CASE(message_between_lines_is_left_alone),
	KTEST_CASE(trap_in_the_echo_redraws_once),
	KTEST_CASE(trap_in_the_prompt_drops_the_rest),
	KTEST_CASE(trap_in_the_final_newline_ends_the_line),
	KTEST_CASE(trap_on_every_write_does_not_loop),
	KTEST_CASE(message_inside_a_message_redraws_after_the_outer),
	KTEST_CASE(printk_calls_the_console_hook),
	KTEST_END,
};
KTEST_SUITE(readline_redraw_suite, "readline_redraw", redraw_cases);
