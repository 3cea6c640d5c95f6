// SPDX-License-Identifier: MIT
/*
 * kmain: the C entry point, called by _start (boot/multiboot.asm) on the boot stack with
 * interrupts off. It brings the machine up layer by layer, then either runs what the
 * command line asks for (self-tests, a crash scenario) or the demo.
 */
#include "desc.h"
#include "gdt.h"
#include "mm.h"
#include "timer.h"
#include "kernel.h"
#include "kprobes.h"
#include "ktest.h"
#include "multiboot.h"
#include "pic.h"
#include "irqflags.h"
#include "qemu_exit.h"
#include "sched.h"
#include "serial.h"
#include "demo.h"
#include "monitor.h"

#define JUMPER_VERSION "0.1"

void __noreturn kmain(u32 magic, const struct multiboot_info *info);

void __noreturn kmain(u32 magic, const struct multiboot_info *info)
{
	sched_init_boot_thread();
	serial_init();
	printk("\njumper " JUMPER_VERSION ": i386 kprobes/jprobes teaching kernel "
	       "(THREAD_SIZE=%d)\n", THREAD_SIZE);
	if (multiboot_parse(magic, info))
		panic("not started by a multiboot loader (eax=%08x, expected %08x)", magic,
		      MULTIBOOT_BOOTLOADER_MAGIC);
	multiboot_print();

	idt_init();
	init_kprobes();
	pic_init();
	page_alloc_init();
	paging_init();
	gdt_init_tss();
	sched_init();
	timer_init();
	serial_rx_init();    /* COM1 input by IRQ 4: needs the scheduler to block readers */
	local_irq_enable();
	/* Sleep one tick so that the idle thread makes its first run (kthread_start) now,
	 * at boot, and not whenever kmain first happens to sleep: a probe the user places
	 * on kthread_start later then sees only the threads started after it. */
	schedule_timeout(1);

	ktest_main();       /* returns only when no test, crash or bench was asked for */
	bool monitor = cmdline_get("monitor", NULL, 0);
	if (!monitor || cmdline_get("demo", NULL, 0))
		demo_main();
	if (monitor)
		monitor_main();         /* until "halt" or the end of input */
	printk("jumper: demo finished, shutting down.\n");
	qemu_exit(true);
}
