// SPDX-License-Identifier: MIT
/* panic(), the WARN slow path, non-fatal BUG reports, and marking expected reports. */
#include "kernel.h"
#include "irqflags.h"
#include "qemu_exit.h"
#include "stacktrace.h"
#include "string.h"
#include <stdarg.h>

unsigned long warn_count;

/* The armed expectation (report_expect): kind, how many may still come, how many came. */
static const char *expect_kind;
static unsigned expect_left, expect_seen;
static char expect_tag[96];

void __noreturn panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	local_irq_disable();
	oops_in_progress = 1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", buf);
	dump_stack();
	printk("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	qemu_exit(false);
}

void report_expect(const char *kind, unsigned n, const char *tag)
{
	unsigned long flags;

	local_irq_save(flags);
	expect_kind = kind;
	expect_left = n;
	expect_seen = 0;
	strlcpy(expect_tag, tag, sizeof(expect_tag));
	local_irq_restore(flags);
}

unsigned report_expect_end(void)
{
	unsigned long flags;
	unsigned seen;

	local_irq_save(flags);
	seen = expect_seen;
	expect_kind = NULL;
	expect_left = expect_seen = 0;
	local_irq_restore(flags);
	return seen;
}

/* Contract: called once per report line, by the site printing it; "" if not expected. */
const char *report_mark(const char *kind)
{
	unsigned long flags;
	const char *mark = "";

	local_irq_save(flags);
	if (expect_kind && expect_left && !strcmp(kind, expect_kind)) {
		expect_left--;
		expect_seen++;
		mark = expect_tag;
	}
	local_irq_restore(flags);
	return mark;
}

/*
 * One report line, "KIND: <where><message>", marked if a self-test expects it, and
 * counted in warn_count; the caller prints what follows it.
 */
static void report_line(const char *kind, const char *where, const char *fmt, va_list ap)
{
	char msg[160];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	warn_count++;
	printk("%s: %s%s%s\n", kind, where, msg, report_mark(kind));
}

void warn_slowpath(const char *file, int line, const char *fmt, ...)
{
	char where[96];
	va_list ap;

	snprintf(where, sizeof(where), "at %s:%d: ", file, line);
	printk("------------[ cut here ]------------\n");
	va_start(ap, fmt);
	report_line("WARNING", where, fmt, ap);
	va_end(ap);
	dump_stack();
	printk("---[ end trace ]---\n");
}

void report_bug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_line("BUG", "", fmt, ap);
	va_end(ap);
	dump_stack();
}
