// SPDX-License-Identifier: MIT
/* panic() and the WARN_ON slow path. */
#include "kernel.h"
#include "irqflags.h"
#include "qemu_exit.h"
#include "stacktrace.h"
#include <stdarg.h>

unsigned long warn_count;

void __noreturn panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", buf);
	dump_stack();
	printk("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	qemu_exit(false);
}

void warn_slowpath(const char *file, int line, const char *cond)
{
	warn_count++;
	printk("------------[ cut here ]------------\n");
	printk("WARNING: at %s:%d: %s\n", file, line, cond);
	dump_stack();
	printk("---[ end trace ]---\n");
}
