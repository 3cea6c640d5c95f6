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

void warn_slowpath(const char *file, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_count++;
	printk("------------[ cut here ]------------\n");
	printk("WARNING: at %s:%d: %s%s\n", file, line, msg, report_mark("WARNING"));
	dump_stack();
	printk("---[ end trace ]---\n");
}

void report_bug(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_count++;
	printk("BUG: %s%s\n", msg, report_mark("BUG"));
	dump_stack();
}
