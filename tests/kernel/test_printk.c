// SPDX-License-Identifier: MIT
/* printk's formatting core (lib/vsprintf.c), checked through snprintf; printk itself. */
#include "ktest.h"
#include "printk.h"
#include "string.h"

/* Formats into a buffer and compares with the expected text and returned length. */
#define EXPECT_FMT(t, expected, ...)                                               \
	do {                                                                       \
		char buf[128];                                                     \
		int n = snprintf(buf, sizeof(buf), __VA_ARGS__);                   \
		KEXPECT_STREQ(t, buf, expected);                                   \
		KEXPECT_EQ(t, n, (int)strlen(expected));                           \
	} while (0)

static void signed_decimal(struct ktest *t)
{
	EXPECT_FMT(t, "0", "%d", 0);
	EXPECT_FMT(t, "-42 17", "%d %i", -42, 17);
	EXPECT_FMT(t, "-2147483648", "%d", (int)0x80000000);
	EXPECT_FMT(t, "2147483647", "%i", 0x7fffffff);
	EXPECT_FMT(t, "-1", "%ld", -1L);
	EXPECT_FMT(t, "-9223372036854775808", "%lld", (long long)0x8000000000000000ULL);
	EXPECT_FMT(t, "-5 -3", "%hhd %hd", (signed char)-5, (short)-3);
}

static void unsigned_and_hex(struct ktest *t)
{
	EXPECT_FMT(t, "4294967295", "%u", 0xffffffffu);
	EXPECT_FMT(t, "deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	EXPECT_FMT(t, "18446744073709551615", "%llu", ~0ULL);
	EXPECT_FMT(t, "123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
	EXPECT_FMT(t, "ffffffff", "%lx", ~0UL);
	EXPECT_FMT(t, "0", "%x", 0u);
}

static void width_and_padding(struct ktest *t)
{
	EXPECT_FMT(t, "   42", "%5d", 42);
	EXPECT_FMT(t, "00042", "%05d", 42);
	EXPECT_FMT(t, "-0042", "%05d", -42);
	EXPECT_FMT(t, "42   |", "%-5d|", 42);
	EXPECT_FMT(t, "0000beef", "%08x", 0xbeefu);
	EXPECT_FMT(t, "123456", "%3d", 123456);          /* width is a minimum */
	EXPECT_FMT(t, "    7", "%*d", 5, 7);
	EXPECT_FMT(t, "7    |", "%*d|", -5, 7);
}

static void strings_chars_percent(struct ktest *t)
{
	EXPECT_FMT(t, "hello", "%s", "hello");
	EXPECT_FMT(t, "  abc|abc  |", "%5s|%-5s|", "abc", "abc");
	EXPECT_FMT(t, "ab", "%.2s", "abcdef");
	const char *volatile null_str = NULL;    /* volatile: gcc must not see the NULL */
	EXPECT_FMT(t, "(null)", "%s", null_str);
	EXPECT_FMT(t, "x-y", "%c-%c", 'x', 'y');
	EXPECT_FMT(t, "100%", "%d%%", 100);
}

static void pointers(struct ktest *t)
{
	EXPECT_FMT(t, "00100000", "%p", (void *)0x100000);
	EXPECT_FMT(t, "c0ffee00", "%p", (void *)0xc0ffee00);
	EXPECT_FMT(t, "00000000", "%p", (void *)0);
}

static void truncation(struct ktest *t)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	/* C semantics: returns the length it wanted, writes at most size-1 plus NUL. */
	KEXPECT_EQ(t, snprintf(buf, 6, "%s", "abcdefgh"), 8);
	KEXPECT_STREQ(t, buf, "abcde");
	KEXPECT_EQ(t, buf[6], 'Z');
	KEXPECT_EQ(t, snprintf(buf, 0, "%d", 12345), 5);
	KEXPECT_EQ(t, buf[0], 'a');                        /* size 0 writes nothing */
}

static void printk_returns_length(struct ktest *t)
{
	char buf[64];
	int expected = snprintf(buf, sizeof(buf), "    # printk: line %d of %s\n", 7, "test");

	KEXPECT_EQ(t, printk("    # printk: line %d of %s\n", 7, "test"), expected);
	KEXPECT_EQ(t, expected, 29);
}

/*
 * A printk from inside printk's output (a probe hit in the console's write path whose
 * handler prints) waits for the outer message: the hook, called around each message's
 * text, sees outer before/after, then the nested one's -- not the nested one inside.
 */
static struct {
	char order[8];
	unsigned n;
} seq;

static void seq_before(void *ctx)
{
	(void)ctx;
	if (seq.n < sizeof(seq.order) - 1)
		seq.order[seq.n++] = 'B';
	if (seq.n == 1)
		printk("    # printk: a nested message\n");  /* "from the write path" */
}

static void seq_after(void *ctx, bool line_start)
{
	(void)ctx;
	(void)line_start;
	if (seq.n < sizeof(seq.order) - 1)
		seq.order[seq.n++] = 'A';
}

static void printk_inside_printk_waits_for_the_outer(struct ktest *t)
{
	static const struct console_hook hook = { seq_before, seq_after, NULL };
	const struct console_hook *old;

	memset(&seq, 0, sizeof(seq));
	old = console_set_hook(&hook);
	printk("    # printk: the outer message\n");
	console_set_hook(old);
	KEXPECT_STREQ(t, seq.order, "BABA");        /* not "BBAA": nested inside */
}

static const struct ktest_case printk_cases[] = {
	KTEST_CASE(signed_decimal),
	KTEST_CASE(unsigned_and_hex),
	KTEST_CASE(width_and_padding),
	KTEST_CASE(strings_chars_percent),
	KTEST_CASE(pointers),
	KTEST_CASE(truncation),
	KTEST_CASE(printk_returns_length),
	KTEST_CASE(printk_inside_printk_waits_for_the_outer),
	KTEST_END,
};
KTEST_SUITE(printk_suite, "printk", printk_cases);
