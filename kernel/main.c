// SPDX-License-Identifier: MIT
/*
 * kmain: the C entry point, called by _start (boot/multiboot.asm) on the boot stack with
 * interrupts off. It brings the machine up layer by layer, then runs the boot programs
 * the command line asks for (include/init.h: self-tests, a crash scenario, the bench, the
 * demo, the monitor), which register themselves, so the core names none of them.
 */
#include "desc.h"
#include "gdt.h"
#include "init.h"
#include "mm.h"
#include "timer.h"
#include "kernel.h"
#include "kprobes.h"
#include "multiboot.h"
#include "pic.h"
#include "irqflags.h"
#include "qemu_exit.h"
#include "sched.h"
#include "serial.h"

#define JUMPER_VERSION "0.1"

void __noreturn kmain(u32 magic, const struct multiboot_info *info);

/* Runs each boot program named on the command line, in order; none named: the default. */
static void run_boot_programs(void)
{
	const struct boot_program *p, *fallback = NULL;
	bool named = false;

	for (p = __boot_programs_start; p < __boot_programs_end; p++) {
		if (p->is_default)
			fallback = p;
		if (cmdline_get(p->word, NULL, 0)) {
			named = true;
			p->run();
		}
	}
	if (!named && fallback)
		fallback->run();
}

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

	run_boot_programs();
	printk("jumper: demo finished, shutting down.\n");
	qemu_exit(true);
}
