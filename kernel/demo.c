/*
 * The demo a plain boot runs: a guided look at the trap machinery the probes stand on.
 * It plants an int3 in a function, catches it on the die notifier chain and shows the
 * pt_regs the trap built.
 */
#include "demo.h"
#include "printk.h"
#include "processor.h"
#include "traps.h"

static unsigned long demo_eip, demo_esp, demo_flags;

static int demo_notifier(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;

	(void)nb;
	if (val != DIE_INT3)
		return NOTIFY_DONE;
	demo_eip = args->regs->eip;
	demo_esp = kernel_stack_pointer(args->regs);
	demo_flags = native_save_fl();
	printk("demo: int3 trapped; the pt_regs the entry stub built:\n");
	show_registers(args->regs);
	return NOTIFY_STOP;
}

static struct notifier_block demo_nb = { .notifier_call = demo_notifier, .priority = 0 };

void demo_main(void)
{
	unsigned long esp_before;

	printk("demo: registering a die notifier and executing int3\n");
	register_die_notifier(&demo_nb);
	__asm__ volatile("movl %%esp, %0\n\tint3" : "=&r"(esp_before) : : "memory");
	unregister_die_notifier(&demo_nb);
	printk("demo: esp before int3 %08lx, &regs->esp in the handler %08lx (%s)\n",
	       esp_before, demo_esp, esp_before == demo_esp ? "equal" : "DIFFERENT");
	printk("demo: IF inside the handler: %s (vector 3 is an interrupt gate)\n",
	       (demo_flags & X86_EFLAGS_IF) ? "on" : "off");
}
