// SPDX-License-Identifier: MIT
/* The test-verdict exit through QEMU's isa-debug-exit device (see include/qemu_exit.h). */
#include "qemu_exit.h"
#include "io.h"
#include "irqflags.h"
#include "printk.h"

void __kprobes __noreturn qemu_exit(bool pass)
{
	local_irq_disable();
	outb(QEMU_EXIT_PORT, pass ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
	/* Still here: no isa-debug-exit (real hardware, or QEMU started without it). */
	printk("jumper: %s; no isa-debug-exit device, halting.\n", pass ? "done" : "FAILED");
	for (;;)
		halt();
}

void __kprobes __noreturn qemu_exit_code(u8 code)
{
	local_irq_disable();
	outb(QEMU_EXIT_PORT, code);
	printk("jumper: stopped (exit value %#x); no isa-debug-exit device, halting.\n", code);
	for (;;)
		halt();
}
